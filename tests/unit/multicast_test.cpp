// Multicast options and memberships that work without a multicast route: hops and
// loopback round trips, joins on the loopback interface, and every bad input. Delivery
// between sockets needs a network namespace: multicast_netns_test.cpp.
#include "test_support.hpp"

#include <string>
#include <system_error>

namespace {

using portsock::ip_address;
using portsock::network_interface;
using portsock::udp_socket;
using portsock_test::catch_system_error;

const ip_address group_v4 = ip_address::parse("239.255.42.99");
const ip_address ssm_group_v4 = ip_address::parse("232.1.2.3");

TEST(Multicast, HopsRoundTripIpv4) {
    auto s = udp_socket::open(portsock::address_family::ipv4);
    EXPECT_EQ(s.multicast_hops(), 1) << "the default keeps datagrams on the local network";
    for (int hops : {0, 5, 255}) {
        s.set_multicast_hops(hops);
        EXPECT_EQ(s.multicast_hops(), hops);
    }
    std::error_code ec = portsock::errc::not_open;
    s.set_multicast_hops(32, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(s.multicast_hops(ec), 32);
    for (int bad : {-1, 256, 100000}) {
        s.set_multicast_hops(bad, ec);
        EXPECT_EQ(ec, std::errc::invalid_argument) << bad;
    }
    EXPECT_EQ(catch_system_error([&] { s.set_multicast_hops(-5); }).code, std::errc::invalid_argument);
    EXPECT_EQ(s.multicast_hops(), 32);
}

TEST(Multicast, HopsRoundTripIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    udp_socket s(portsock_test::any_port_v6());
    s.set_multicast_hops(7);
    EXPECT_EQ(s.multicast_hops(), 7);
    std::error_code ec;
    s.set_multicast_hops(256, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

void check_loopback(udp_socket& s) {
    EXPECT_TRUE(s.multicast_loopback()) << "on by default";
    s.set_multicast_loopback(false);
    EXPECT_FALSE(s.multicast_loopback());
    std::error_code ec = portsock::errc::not_open;
    s.set_multicast_loopback(true, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(s.multicast_loopback(ec));
    EXPECT_FALSE(ec);
}

TEST(Multicast, LoopbackRoundTripIpv4) {
    udp_socket s(portsock_test::any_port_v4());
    check_loopback(s);
}

TEST(Multicast, LoopbackRoundTripIpv6) {
    PORTSOCK_REQUIRE_IPV6();
    udp_socket s(portsock_test::any_port_v6());
    check_loopback(s);
}

TEST(Multicast, JoinAndLeaveOnTheLoopbackAddress) {
    udp_socket s({ip_address::any_v4(), 0});
    const network_interface loopback = ip_address::loopback_v4();
    s.join_group(group_v4, loopback);
    std::error_code ec;
    s.join_group(group_v4, loopback, ec);
    EXPECT_TRUE(ec) << "joining twice on one interface is an error on every OS";
    s.leave_group(group_v4, loopback, ec);
    EXPECT_FALSE(ec) << ec.message();
    s.leave_group(group_v4, loopback, ec);
    EXPECT_TRUE(ec) << "leaving a group not joined is an error";
    EXPECT_TRUE(catch_system_error([&] { s.leave_group(group_v4, loopback); }).code);
}

TEST(Multicast, SourceSpecificJoinOrUnsupported) {
    udp_socket s({ip_address::any_v4(), 0});
    const network_interface loopback = ip_address::loopback_v4();
    std::error_code ec;
    s.join_source_group(ssm_group_v4, ip_address::loopback_v4(), loopback, ec);
    if (!portsock::has_source_specific_multicast()) {
        EXPECT_EQ(ec, std::errc::operation_not_supported);
        return;
    }
    EXPECT_FALSE(ec) << ec.message();
    s.leave_source_group(ssm_group_v4, ip_address::loopback_v4(), loopback, ec);
    EXPECT_FALSE(ec) << ec.message();
}

TEST(Multicast, BadMembershipsAreInvalidArgument) {
    udp_socket s({ip_address::any_v4(), 0});
    const network_interface loopback = ip_address::loopback_v4();
    const ip_address unicast = ip_address::parse("10.1.2.3");
    const ip_address v6_group = ip_address::parse("ff02::1:3");
    std::error_code ec;
    s.join_group(unicast, loopback, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "not a multicast address";
    s.join_group(ip_address::parse("255.255.255.255"), loopback, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "broadcast is not multicast";
    s.join_group(v6_group, {}, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "an IPv6 group on an IPv4 socket";
    s.leave_group(unicast, {}, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    s.join_source_group(ssm_group_v4, group_v4, loopback, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "a multicast source";
    s.join_source_group(ssm_group_v4, ip_address::any_v4(), loopback, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "an unspecified source";
    s.join_source_group(ssm_group_v4, ip_address::loopback_v6(), loopback, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "a source of the other family";
    s.join_group(group_v4, network_interface(ip_address::loopback_v6()), ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "an interface named by an IPv6 address";
    const auto thrown = catch_system_error([&] { s.join_group(unicast); });
    EXPECT_EQ(thrown.code, std::errc::invalid_argument);
    EXPECT_NE(thrown.what.find("join_group"), std::string::npos) << thrown.what;
    // Issue 20, item 11: the message names the group and the interface.
    EXPECT_NE(thrown.what.find("10.1.2.3 on the interface the OS chose"), std::string::npos) << thrown.what;
    const auto by_address = catch_system_error([&] { s.join_group(unicast, loopback); });
    EXPECT_NE(by_address.what.find("10.1.2.3 on the interface of 127.0.0.1"), std::string::npos)
        << by_address.what;
    const auto by_index = catch_system_error([&] { s.leave_group(unicast, network_interface(7)); });
    EXPECT_NE(by_index.what.find("leave_group 10.1.2.3 on interface 7"), std::string::npos) << by_index.what;
    const auto with_source =
        catch_system_error([&] { s.join_source_group(ssm_group_v4, ip_address::loopback_v6(), loopback); });
    EXPECT_NE(with_source.what.find(ssm_group_v4.to_string() + " from ::1 on the interface of 127.0.0.1"),
              std::string::npos)
        << with_source.what;
}

TEST(Multicast, Ipv6GroupByAddressIsInvalidArgument) {
    PORTSOCK_REQUIRE_IPV6();
    udp_socket s(portsock_test::any_port_v6());
    std::error_code ec;
    s.join_group(ip_address::parse("ff02::1:3"), ip_address::loopback_v4(), ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "IPv6 names interfaces by index only";
    s.join_group(group_v4, {}, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "an IPv4 group on an IPv6 socket";
    s.set_multicast_interface(ip_address::loopback_v4(), ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

TEST(Multicast, OutgoingInterfaceByAddress) {
    auto s = udp_socket::open(portsock::address_family::ipv4);
    s.set_multicast_interface(ip_address::loopback_v4());
    std::error_code ec = portsock::errc::not_open;
    s.set_multicast_interface({}, ec);
    EXPECT_FALSE(ec) << "the default value gives the choice back to the OS: " << ec.message();
    s.set_multicast_interface(ip_address::parse("192.0.2.254"), ec);
    EXPECT_TRUE(ec) << "an address no interface has";
    s.set_multicast_interface(ip_address::loopback_v6(), ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

TEST(Multicast, InterfaceByNameErrors) {
    std::error_code ec;
    const std::string too_long(300, 'a');
    for (std::string_view bad : {std::string_view{}, std::string_view("no-such-interface-42"),
                                 std::string_view("lo\0x", 4), std::string_view(too_long)}) {
        const network_interface none = network_interface::from_name(bad, ec);
        EXPECT_EQ(ec, std::errc::no_such_device) << bad;
        EXPECT_EQ(none.index(), 0u);
    }
    const auto thrown =
        catch_system_error([] { (void)network_interface::from_name("no-such-interface-42"); });
    EXPECT_EQ(thrown.code, std::errc::no_such_device);
    EXPECT_NE(thrown.what.find("no-such-interface-42"), std::string::npos) << thrown.what;
}

TEST(Multicast, EmptySocketReportsNotOpen) {
    udp_socket s;
    std::error_code ec;
    s.join_group(group_v4, {}, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    s.set_multicast_hops(1, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_FALSE(s.multicast_loopback(ec));
    EXPECT_EQ(ec, portsock::errc::not_open);
    s.set_multicast_interface(1u, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
}

}  // namespace
