// The tutorial's TCP server: greets each client with "Welcome to the server!" and closes.
//
// usage: tcp_welcome_server [port] [clients]
//   port     where to listen (default 12345; 0 lets the OS choose, and prints it)
//   clients  how many clients to serve before exiting (default: serve forever)
//! [include]
#include <portsock/portsock.hpp>
//! [include]

#include <iostream>
#include <string>
#include <system_error>

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const long clients = argc > 2 ? std::stol(argv[2]) : -1;

    //! [listen]
    portsock::tcp_listener server{"localhost", port, {/*backlog=*/5}};
    std::cout << "Server is listening on port " << server.local_endpoint().port() << "..." << std::endl;
    //! [listen]

    //! [serve]
    for (long served = 0; clients < 0 || served < clients; ++served) {
        auto [client, peer] = server.accept();
        std::cout << "Connection from " << peer << " has been established!" << std::endl;
        // A client may vanish before it reads its greeting: that ends this client, not the server.
        std::error_code ec;
        client.send_all("Welcome to the server!", ec);
        if (ec) std::cerr << "tcp_welcome_server: " << peer << ": " << ec.message() << std::endl;
    }  // each client closes itself here
    //! [serve]
    //! [catch]
} catch (const std::exception& error) {
    std::cerr << "tcp_welcome_server: " << error.what() << '\n';
    return 1;
}
//! [catch]
