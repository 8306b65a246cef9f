// A LAN discovery beacon: announces a message to a multicast group three times, a
// quarter of a second apart, as a service announces itself to whoever listens.
// Pair it with multicast_receiver.
//
// usage: multicast_sender [group] [port] [message]
//   defaults: 239.255.42.99, port 30001, "portsock beacon"
#include <portsock/portsock.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

int main(int argc, char* argv[]) try {
    using namespace std::chrono_literals;
    const auto group = portsock::ip_address::parse(argc > 1 ? argv[1] : "239.255.42.99");
    const std::uint16_t port = argc > 2 ? portsock::parse_port(argv[2]) : 30001;
    const std::string message = argc > 3 ? argv[3] : "portsock beacon";
    constexpr int beacons = 3;

    //! [send]
    auto sender = portsock::udp_socket::open(group.family());
    sender.set_multicast_hops(1);         // stay on the local network
    sender.set_multicast_loopback(true);  // listeners on this host hear it too
    const portsock::endpoint destination{group, port};
    for (int i = 0; i < beacons; ++i) {
        sender.send_to(message, destination);
        std::this_thread::sleep_for(250ms);
    }
    //! [send]
    std::cout << "Sent " << beacons << " beacons to " << destination << std::endl;
} catch (const std::exception& error) {
    std::cerr << "multicast_sender: " << error.what() << '\n';
    return 1;
}
