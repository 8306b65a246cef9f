// One address-family rule on every OS (docs/platforms.md, "IPv6 dual stack"): an IPv6
// socket that is not dual-stack cannot reach an IPv4 or IPv4-mapped peer, an IPv4 socket
// cannot reach an IPv6 peer, and every such call reports
// std::errc::address_family_not_supported, in both forms, on every port.
#include "test_support.hpp"

#include <portsock/tcp.hpp>
#include <portsock/udp.hpp>

#include <string>

namespace {

using portsock::address_family;
using portsock::endpoint;
using portsock::ip_address;
using portsock::tcp_listener;
using portsock::tcp_stream;
using portsock::udp_socket;
using portsock_test::catch_system_error;
using portsock_test::patience;
using portsock_test::where;
using namespace std::chrono_literals;

constexpr auto family_not_supported = std::errc::address_family_not_supported;

/// The same port as `ep`, with the IPv4-mapped form of its IPv4 address.
endpoint mapped(const endpoint& ep) {
    return {ip_address::parse("::ffff:" + ep.address().to_string()), ep.port()};
}

/// Nothing arrived at `receiver` (a refused datagram must not leak through).
void expect_nothing_arrived(udp_socket& receiver) {
    char byte = 0;
    std::error_code ec;
    receiver.receive_from(&byte, 1, ec, 50ms);
    EXPECT_EQ(ec, std::errc::timed_out) << "a datagram arrived: " << ec.message();
}

/// Every way a udp_socket sends to one destination, each expected to report `expected`.
void expect_every_send_fails(udp_socket& sender, const endpoint& to, std::errc expected) {
    std::error_code ec = make_error_code(std::errc::io_error);
    EXPECT_EQ(sender.send_to("x", to, ec, patience), 0u);
    EXPECT_EQ(ec, expected) << to << ": " << ec.message();
    EXPECT_EQ(catch_system_error([&] { (void)sender.send_to("x", to, patience); }).code, expected) << to;

    const portsock::outgoing_datagram batch[] = {{"y", 1, to}, {"z", 1, to}};
    EXPECT_EQ(sender.send_batch(batch, 2, ec, patience), 0u);
    EXPECT_EQ(ec, expected) << "send_batch to " << to << ": " << ec.message();

    sender.connect(to, ec);
    EXPECT_EQ(ec, expected) << "connect to " << to << ": " << ec.message();
}

TEST(FamilyRule, UdpOpenIpv6CannotSendToIpv4) {
    PORTSOCK_REQUIRE_IPV6();
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender = udp_socket::open(address_family::ipv6);
    expect_every_send_fails(sender, where(receiver), family_not_supported);
    expect_every_send_fails(sender, mapped(where(receiver)), family_not_supported);
    expect_nothing_arrived(receiver);
}

TEST(FamilyRule, UdpBoundToIpv6AnyCannotSendToIpv4) {
    PORTSOCK_REQUIRE_IPV6();
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender({ip_address::any_v6(), 0});
    expect_every_send_fails(sender, where(receiver), family_not_supported);
    expect_every_send_fails(sender, mapped(where(receiver)), family_not_supported);
    expect_nothing_arrived(receiver);

    // The same socket still reaches IPv6 peers.
    udp_socket v6_receiver(portsock_test::any_port_v6());
    EXPECT_EQ(sender.send_to("six", where(v6_receiver), patience), 3u);
    char buffer[8];
    EXPECT_EQ(v6_receiver.receive_from(buffer, sizeof buffer, patience).size, 3u);
}

TEST(FamilyRule, UdpIpv4CannotSendToIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    udp_socket receiver(portsock_test::any_port_v6());
    udp_socket sender({ip_address::any_v4(), 0});
    expect_every_send_fails(sender, where(receiver), family_not_supported);
    expect_nothing_arrived(receiver);
}

TEST(FamilyRule, TcpConnectToMappedAddressIsRefusedByFamily) {
    PORTSOCK_REQUIRE_IPV6();
    tcp_listener listener(portsock_test::any_port_v4());
    const endpoint to = mapped(where(listener));
    for (const portsock::timeout limit : {portsock::timeout{}, portsock::timeout{patience}}) {
        std::error_code ec = make_error_code(std::errc::io_error);
        tcp_stream stream = tcp_stream::connect(to, ec, limit);
        EXPECT_EQ(ec, family_not_supported) << ec.message();
        EXPECT_FALSE(stream.is_open());
    }
    EXPECT_EQ(catch_system_error([&] { (void)tcp_stream::connect(to, patience); }).code,
              family_not_supported);
    // By name as well: the numeric host resolves to the mapped address.
    std::error_code ec;
    (void)tcp_stream::connect("::ffff:127.0.0.1", to.port(), ec, patience);
    EXPECT_EQ(ec, family_not_supported) << ec.message();
    // The IPv4 form of the same address connects.
    EXPECT_TRUE(tcp_stream::connect(where(listener), patience).is_open());
}

// Binding an IPv6-only socket to a mapped address crosses the families too: Linux says
// EINVAL, Windows its own code; portsock says address_family_not_supported on every OS.
TEST(FamilyRule, BindingToAMappedAddressIsRefusedByFamily) {
    PORTSOCK_REQUIRE_IPV6();
    const endpoint mapped_loopback{ip_address::parse("::ffff:127.0.0.1"), 0};
    const auto tcp = catch_system_error([&] { tcp_listener listener(mapped_loopback); });
    EXPECT_EQ(tcp.code, family_not_supported) << tcp.what;
    EXPECT_NE(tcp.what.find("bind to"), std::string::npos) << tcp.what;
    std::error_code ec;
    EXPECT_FALSE(tcp_listener::listen(mapped_loopback, ec).is_open());
    EXPECT_EQ(ec, family_not_supported) << ec.message();
    EXPECT_EQ(catch_system_error([&] { udp_socket socket(mapped_loopback); }).code, family_not_supported);
    EXPECT_TRUE(tcp_listener(endpoint{ip_address::loopback_v4(), 0}).is_open()) << "the IPv4 form binds";
}

TEST(FamilyRule, TcpConnectToMappedAddressOfDualStackListener) {
    PORTSOCK_REQUIRE_IPV6();
    portsock::listen_options options;
    options.dual_stack = true;  // the listener is dual-stack; the connecting socket is not
    tcp_listener listener({ip_address::any_v6(), 0}, options);
    std::error_code ec;
    (void)tcp_stream::connect(mapped({ip_address::loopback_v4(), where(listener).port()}), ec, patience);
    EXPECT_EQ(ec, family_not_supported) << ec.message();
    // An IPv4 client still reaches it.
    EXPECT_TRUE(tcp_stream::connect({ip_address::loopback_v4(), where(listener).port()}, patience).is_open());
}

}  // namespace
