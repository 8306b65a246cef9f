// A UDP echo server: sends every datagram back to whoever sent it.
//
// usage: udp_echo_server [port] [datagrams]
//   port       where to listen (default 12345; 0 lets the OS choose, and prints it)
//   datagrams  how many to echo before exiting (default: echo forever)
#include <portsock/portsock.hpp>

#include <iostream>
#include <string>
#include <system_error>

int main(int argc, char* argv[]) try {
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const long datagrams = argc > 2 ? std::stol(argv[2]) : -1;

    //! [bind]
    portsock::udp_socket server{{portsock::ip_address::loopback_v4(), port}};
    //! [bind]
    std::cout << "UDP echo server is listening on port " << server.local_endpoint().port() << "..."
              << std::endl;

    //! [echo]
    char buffer[65536];
    for (long echoed = 0; datagrams < 0 || echoed < datagrams; ++echoed) {
        const auto [size, sender] = server.receive_from(buffer, sizeof buffer);
        std::cout << "Echoing " << size << " bytes to " << sender << std::endl;
        std::error_code ec;  // one sender's trouble (say, no route back) must not stop the server
        server.send_to(buffer, size, sender, ec);
        if (ec) std::cerr << "udp_echo_server: " << sender << ": " << ec.message() << std::endl;
    }
    //! [echo]
} catch (const std::exception& error) {
    std::cerr << "udp_echo_server: " << error.what() << '\n';
    return 1;
}
