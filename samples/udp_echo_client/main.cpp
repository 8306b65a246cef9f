// A UDP echo client: sends one message, waits up to 2 seconds for the echo, prints it.
//
// usage: udp_echo_client [port] [message]   (defaults: 12345, "Hello, UDP!")
#include <portsock/portsock.hpp>

#include <chrono>
#include <iostream>
#include <string>

int main(int argc, char* argv[]) try {
    using namespace std::chrono_literals;
    const std::uint16_t port = argc > 1 ? portsock::parse_port(argv[1]) : 12345;
    const std::string message = argc > 2 ? argv[2] : "Hello, UDP!";
    const portsock::endpoint server{portsock::ip_address::loopback_v4(), port};

    //! [send]
    auto client = portsock::udp_socket::open(portsock::address_family::ipv4);
    client.send_to(message, server);
    //! [send]

    //! [receive]
    char buffer[65536];
    const auto [size, sender] = client.receive_from(buffer, sizeof buffer, 2s);
    std::cout << std::string(buffer, size) << std::endl;
    //! [receive]
} catch (const std::exception& error) {
    std::cerr << "udp_echo_client: " << error.what() << '\n';
    return 1;
}
