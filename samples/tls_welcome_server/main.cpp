// The tutorial's welcome server over TLS: greets each client with "Welcome to the server!",
// ends the session with close_notify, and goes on serving whatever any client did.
//
// usage: tls_welcome_server [port] [cert.pem] [key.pem] [clients]
//   port      where to listen (default 12345; 0 lets the OS choose, and prints it)
//   cert.pem  the certificate chain (default server.pem); key.pem its key (default key.pem)
//   clients   how many connections to take before exiting (default: serve forever)
#include <portsock/portsock.hpp>
#include <portsock/tls.hpp>

#include <iostream>
#include <string>

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const std::string certificate = argc > 2 ? argv[2] : "server.pem";
    const std::string key = argc > 3 ? argv[3] : "key.pem";
    const long clients = argc > 4 ? std::stol(argv[4]) : -1;

    //! [server context]
    portsock::tls_context context(portsock::tls_role::server);
    context.use_certificate_chain_file(certificate);
    context.use_private_key_file(key);
    //! [server context]

    portsock::tcp_listener server{"localhost", port, {/*backlog=*/5}};
    std::cout << "Server is listening on port " << server.local_endpoint().port() << "..." << std::endl;

    //! [serve]
    using namespace std::chrono_literals;
    for (long served = 0; clients < 0 || served < clients; ++served) {
        auto [client, peer] = server.accept();
        try {
            auto secure = portsock::tls_stream::server(std::move(client), context, 10s);
            std::cout << "Connection from " << peer << " has been established!" << std::endl;
            secure.send_all("Welcome to the server!", 10s);
            secure.send_close_notify(10s);  // close_notify: the client reads a clean end of stream
        } catch (const std::system_error& error) {  // one client's failure never stops the server
            std::cerr << "tls_welcome_server: " << peer << ": " << error.what() << std::endl;
        }
    }
    //! [serve]
} catch (const std::exception& error) {
    std::cerr << "tls_welcome_server: " << error.what() << '\n';
    return 1;
}
