// Multicast delivery, run by ctest inside a network namespace whose loopback has a route
// for 224.0.0.0/4 (cmake/run_in_netns.sh). Its own executable: outside such a namespace
// these tests would depend on the host's interfaces and routes.
#include "test_support.hpp"

#include <portsock/udp.hpp>

#include <string>
#include <system_error>

namespace {

using portsock::endpoint;
using portsock::ip_address;
using portsock::udp_socket;
using portsock_test::patience;
using namespace std::chrono_literals;

const ip_address group = ip_address::parse("239.255.42.99");
const ip_address other_group = ip_address::parse("239.255.42.100");
const ip_address ssm_group = ip_address::parse("232.1.2.3");

// A receiver bound to the wildcard address on an OS-chosen port.
udp_socket make_receiver() { return udp_socket({ip_address::any_v4(), 0}); }

std::string receive_text(udp_socket& s, portsock::timeout limit, std::error_code& ec) {
    char buffer[512];
    const auto [size, sender] = s.receive_from(buffer, sizeof buffer, ec, limit);
    return ec ? std::string{} : std::string(buffer, size);
}

TEST(MulticastInNamespace, JoinedSocketReceivesWhatIsSentToTheGroup) {
    udp_socket receiver = make_receiver();
    receiver.join_group(group);
    const endpoint destination{group, receiver.local_endpoint().port()};
    auto sender = udp_socket::open(portsock::address_family::ipv4);
    sender.send_to("beacon", destination);
    std::error_code ec;
    EXPECT_EQ(receive_text(receiver, patience, ec), "beacon");
    EXPECT_FALSE(ec) << ec.message();
}

TEST(MulticastInNamespace, JoinByInterfaceIndexAndAddress) {
    const auto loopback = portsock::network_interface::from_name("lo");
    udp_socket by_index = make_receiver();
    by_index.join_group(group, loopback);
    udp_socket by_address = make_receiver();
    by_address.join_group(group, ip_address::loopback_v4());
    auto sender = udp_socket::open(portsock::address_family::ipv4);
    sender.set_multicast_interface(loopback);
    std::error_code ec;
    for (udp_socket* receiver : {&by_index, &by_address}) {
        sender.send_to("to both", {group, receiver->local_endpoint().port()});
        EXPECT_EQ(receive_text(*receiver, patience, ec), "to both");
        EXPECT_FALSE(ec) << ec.message();
    }
}

TEST(MulticastInNamespace, NotJoinedOrLeftGetsNothing) {
    udp_socket receiver = make_receiver();
    receiver.join_group(other_group);
    const std::uint16_t port = receiver.local_endpoint().port();
    auto sender = udp_socket::open(portsock::address_family::ipv4);
    sender.send_to("for another group", {group, port});
    std::error_code ec;
    receive_text(receiver, 300ms, ec);
    EXPECT_EQ(ec, std::errc::timed_out) << "a group the socket did not join";

    receiver.join_group(group);
    receiver.leave_group(group);
    sender.send_to("after leaving", {group, port});
    receive_text(receiver, 300ms, ec);
    EXPECT_EQ(ec, std::errc::timed_out) << "a group the socket left";
}

// IP_MULTICAST_LOOP cannot be observed here: when the outgoing interface is `lo` itself,
// the datagram is received as it comes back in on `lo`, whatever the setting. Its round
// trip is tested in multicast_test.cpp.

TEST(MulticastInNamespace, HopsZeroStillReachesThisHost) {
    udp_socket receiver = make_receiver();
    receiver.join_group(group);
    auto sender = udp_socket::open(portsock::address_family::ipv4);
    sender.set_multicast_hops(0);
    sender.send_to("host only", {group, receiver.local_endpoint().port()});
    std::error_code ec;
    EXPECT_EQ(receive_text(receiver, patience, ec), "host only");
}

// A source-specific membership lets in the source it names and keeps out others.
TEST(MulticastInNamespace, SourceSpecificJoinFiltersBySource) {
    if (!portsock::has_source_specific_multicast())
        GTEST_SKIP() << "no source-specific multicast here (has_source_specific_multicast() is false)";
    udp_socket receiver = make_receiver();
    const std::uint16_t port = receiver.local_endpoint().port();
    // Datagrams leave from 127.0.0.1 here (run_in_netns.sh's route): name another source first.
    receiver.join_source_group(ssm_group, ip_address::parse("127.0.0.2"));
    auto sender = udp_socket::open(portsock::address_family::ipv4);
    sender.send_to("wrong source", {ssm_group, port});
    std::error_code ec;
    receive_text(receiver, 300ms, ec);
    EXPECT_EQ(ec, std::errc::timed_out) << "a source the membership does not name";
    receiver.join_source_group(ssm_group, ip_address::loopback_v4());
    sender.send_to("right source", {ssm_group, port});
    EXPECT_EQ(receive_text(receiver, patience, ec), "right source");
    EXPECT_FALSE(ec) << ec.message();
    receiver.leave_source_group(ssm_group, ip_address::loopback_v4());
    sender.send_to("after leaving", {ssm_group, port});
    receive_text(receiver, 300ms, ec);
    EXPECT_EQ(ec, std::errc::timed_out) << "the source the socket left";
}

// Issue 20, item 1: a socket bound to the wildcard address that joined one group gets that
// group only, even when another socket of this host joined another group (Linux delivered
// both, as Windows, macOS and the BSDs never do).
TEST(MulticastInNamespace, OnlyTheJoinedGroupsAreDelivered) {
    udp_socket receiver = make_receiver();
    receiver.join_group(group);
    const std::uint16_t port = receiver.local_endpoint().port();
    udp_socket elsewhere = make_receiver();  // the host now belongs to other_group too
    elsewhere.join_group(other_group);
    auto sender = udp_socket::open(portsock::address_family::ipv4);
    sender.send_to("for the other group", {other_group, port});
    std::error_code ec;
    const std::string got = receive_text(receiver, 300ms, ec);
    EXPECT_EQ(ec, std::errc::timed_out) << "a group this socket never joined delivered: '" << got << "'";
    sender.send_to("for my group", {group, port});
    EXPECT_EQ(receive_text(receiver, patience, ec), "for my group");
    EXPECT_FALSE(ec) << ec.message();
}

// Issue 20, item 1: a receiver of several groups learns which one a datagram was sent to.
TEST(MulticastInNamespace, TheDestinationSaysWhichGroup) {
    udp_socket receiver = make_receiver();
    receiver.set_receive_destination(true);
    receiver.join_group(group);
    receiver.join_group(other_group);
    const std::uint16_t port = receiver.local_endpoint().port();
    auto sender = udp_socket::open(portsock::address_family::ipv4);
    for (const ip_address& to : {group, other_group}) {
        sender.send_to("which", {to, port});
        char buffer[16];
        const auto got = receiver.receive_with_destination(buffer, sizeof buffer, patience);
        EXPECT_EQ(got.size, 5u);
        EXPECT_EQ(got.destination, to);
    }
}

// Issue 20, item 2: several receivers of one group on one port (mDNS's 5353, RFC 6762
// §15.1), each with reuse_address; every one gets every datagram.
TEST(MulticastInNamespace, ReceiversSharingAPortEachGetEveryDatagram) {
    portsock::udp_bind_options shared;
    shared.reuse_address = true;
    udp_socket first = udp_socket::bind({ip_address::any_v4(), 0}, shared);
    const std::uint16_t port = first.local_endpoint().port();
    udp_socket second = udp_socket::bind({ip_address::any_v4(), port}, shared);
    first.join_group(group);
    second.join_group(group);
    auto sender = udp_socket::open(portsock::address_family::ipv4);
    constexpr int count = 5;
    for (int i = 0; i < count; ++i) sender.send_to("datagram " + std::to_string(i), {group, port});
    for (udp_socket* receiver : {&first, &second}) {
        for (int i = 0; i < count; ++i) {
            std::error_code ec;
            EXPECT_EQ(receive_text(*receiver, patience, ec), "datagram " + std::to_string(i));
            EXPECT_FALSE(ec) << ec.message();
        }
    }
    std::error_code ec;
    EXPECT_FALSE(udp_socket::bind({ip_address::any_v4(), port}, ec).is_open())
        << "a socket that does not ask to share the port is refused";
    EXPECT_EQ(ec, std::errc::address_in_use) << ec.message();
}

}  // namespace
