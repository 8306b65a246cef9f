// The tutorial's TCP client: connects, prints what the server says, and exits.
//
// usage: tcp_welcome_client [port] [host]   (defaults: 12345, localhost)
#include <portsock/portsock.hpp>

#include <iostream>
#include <string>

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const std::string host = argc > 2 ? argv[2] : "localhost";

    //! [connect]
    auto client = portsock::tcp_stream::connect(host, port);
    std::cout << client.receive(1024) << std::endl;
    //! [connect]
} catch (const std::exception& error) {
    std::cerr << "tcp_welcome_client: " << error.what() << '\n';
    return 1;
}
