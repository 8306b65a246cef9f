// The guide "Socket options and multicast": buffer sizes, keep-alive timing, an abortive
// close, the traffic class with its capability query, and multicast sending options.
// Compiled and run by the tests (docs_snippet_options_guide) on every port; every check
// prints what failed and exits 1. Multicast delivery itself is shown by the samples
// multicast_sender and multicast_receiver, tested inside a network namespace.
#include <portsock/portsock.hpp>

#include "snippet_check.hpp"

#include <chrono>
#include <iostream>
#include <system_error>

namespace {

using namespace std::chrono_literals;
using snippet::check;

void buffer_sizes() {
    portsock::udp_socket socket{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    //! [buffers]
    socket.set_receive_buffer_size(1024 * 1024);  // ask for 1 MiB
    const std::size_t granted = socket.receive_buffer_size();
    // Linux reports twice what was asked (its bookkeeping included), other OSes the value
    // itself; both may cap it at a system limit.
    std::cout << "receive buffer: " << granted << " bytes\n";
    //! [buffers]
    check(granted > 0, "a receive buffer size is reported");
}

void keep_alive_and_linger() {
    portsock::tcp_listener listener{portsock::endpoint{portsock::ip_address::loopback_v4(), 0}};
    auto client = portsock::tcp_stream::connect(listener.local_endpoint(), 10s);
    auto [server, peer] = listener.accept(10s);

    //! [keep_alive]
    client.set_keep_alive(true);
    std::error_code ec;
    // Probe after 60 s of silence, every 10 s; give up after 5 unanswered probes.
    client.set_keep_alive_timing({60s, 10s, 5}, ec);
    if (ec == std::errc::operation_not_supported) {
        // Windows before 10 version 1709: the OS's timing (2 hours) applies.
    }
    //! [keep_alive]
    check(!ec || !portsock::has_keep_alive_timing(), "keep-alive timing is set where the OS has it");

    //! [abortive_close]
    server.set_linger(0s);  // close() now resets the connection instead of ending it
    server.close();
    char buffer[16];
    client.receive(buffer, sizeof buffer, ec, 10s);
    // ec == std::errc::connection_reset
    //! [abortive_close]
    if (!ec) client.send("x", 1, ec, 10s);  // Wine's receive says end of stream; send sees the reset
    check(ec == std::errc::connection_reset || ec == std::errc::broken_pipe,
          "the peer of an abortive close sees a reset");
}

void traffic_class() {
    auto socket = portsock::udp_socket::open(portsock::address_family::ipv4);
    //! [traffic_class]
    constexpr int expedited_forwarding = 46 << 2;  // DSCP EF, RFC 3246; ECN bits 0
    if (portsock::has_traffic_class()) {
        socket.set_traffic_class(expedited_forwarding);
    }
    //! [traffic_class]
    check(!portsock::has_traffic_class() || socket.traffic_class() == expedited_forwarding,
          "the traffic class reads back");
}

void multicast_sending() {
    //! [multicast_sending]
    auto sender = portsock::udp_socket::open(portsock::address_family::ipv4);
    sender.set_multicast_hops(4);                                         // cross up to 3 routers
    sender.set_multicast_loopback(false);                                 // not to this host
    sender.set_multicast_interface(portsock::ip_address::loopback_v4());  // leave by lo
    //! [multicast_sending]
    check(sender.multicast_hops() == 4, "multicast hops read back");
    check(!sender.multicast_loopback(), "multicast loopback reads back");
}

}  // namespace

int main() try {
    buffer_sizes();
    keep_alive_and_linger();
    traffic_class();
    multicast_sending();
    return snippet::exit_code();
} catch (const std::exception& error) {
    std::cerr << "FAILED: " << error.what() << '\n';
    return 1;
}
