// A LAN discovery listener: joins a multicast group and prints every beacon it hears, as
// "from <sender>: <message>". Pair it with multicast_sender.
//
// usage: multicast_receiver [group] [port] [count]
//   defaults: 239.255.42.99, port 30001, count 0 (forever). Port 0 lets the OS choose one
//   (printed on the first line), for a sender told that port.
#include <portsock/portsock.hpp>

#include <iostream>
#include <string>
#include <string_view>

int main(int argc, char* argv[]) try {
    const auto group = portsock::ip_address::parse(argc > 1 ? argv[1] : "239.255.42.99");
    const std::uint16_t port = argc > 2 ? portsock::parse_port(argv[2]) : 30001;
    const unsigned long count = argc > 3 ? std::stoul(argv[3]) : 0;

    //! [join]
    const auto any = group.is_v6() ? portsock::ip_address::any_v6() : portsock::ip_address::any_v4();
    portsock::udp_socket receiver(portsock::endpoint{any, port});
    receiver.join_group(group);  // on the interface the OS routes the group to
    //! [join]
    std::cout << "Listening for " << group << " on port " << receiver.local_endpoint().port() << "..."
              << std::endl;

    //! [receive]
    char buffer[65536];
    for (unsigned long received = 0; count == 0 || received < count; ++received) {
        const auto [size, sender] = receiver.receive_from(buffer, sizeof buffer);
        std::cout << "from " << sender << ": " << std::string_view(buffer, size) << std::endl;
    }
    //! [receive]
    receiver.leave_group(group);
} catch (const std::exception& error) {
    std::cerr << "multicast_receiver: " << error.what() << '\n';
    return 1;
}
