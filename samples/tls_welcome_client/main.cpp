// The tutorial's welcome client over TLS: connects, verifies the server, prints what it
// says, and exits.
//
// usage: tls_welcome_client [port] [host] [ca.pem]
//   defaults: 12345, localhost, and the system's trusted CAs
#include <portsock/portsock.hpp>
#include <portsock/tls.hpp>

#include <iostream>
#include <string>

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const std::string host = argc > 2 ? argv[2] : "localhost";

    //! [connect]
    portsock::tls_context context(portsock::tls_role::client);  // verifies the server
    if (argc > 3) context.load_verify_file(argv[3]);            // trust this CA too
    auto client = portsock::tls_stream::connect(context, host, port, std::chrono::seconds(10));
    std::cout << client.receive(1024) << std::endl;
    //! [connect]
} catch (const std::exception& error) {
    std::cerr << "tls_welcome_client: " << error.what() << '\n';
    return 1;
}
