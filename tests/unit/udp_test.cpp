// udp_socket over loopback: datagrams to and from endpoints, truncation, connected
// sockets, options and errors.
#include "test_support.hpp"

#include <portsock/udp.hpp>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using portsock::address_family;
using portsock::datagram_info;
using portsock::endpoint;
using portsock::ip_address;
using portsock::udp_socket;
using portsock_test::catch_system_error;
using portsock_test::patience;
using portsock_test::where;
using namespace std::chrono_literals;

TEST(Udp, RoundTripThrowingForms) {
    udp_socket a(portsock_test::any_port_v4());
    udp_socket b(portsock_test::any_port_v4());
    EXPECT_NE(where(a).port(), 0);
    EXPECT_NE(where(a), where(b));

    EXPECT_EQ(a.send_to("ping", where(b), patience), 4u);
    char buffer[64];
    const datagram_info info = b.receive_from(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, info.size), "ping");
    EXPECT_EQ(info.sender, where(a));

    EXPECT_EQ(b.send_to(buffer, info.size, info.sender, patience), 4u);
    const datagram_info back = a.receive_from(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, back.size), "ping");
    EXPECT_EQ(back.sender, where(b));
}

TEST(Udp, RoundTripNoexceptForms) {
    std::error_code ec;
    udp_socket a = udp_socket::bind(portsock_test::any_port_v4(), ec);
    ASSERT_FALSE(ec) << ec.message();
    udp_socket b = udp_socket::bind(portsock_test::any_port_v4(), ec);
    ASSERT_FALSE(ec) << ec.message();

    ec = portsock::errc::not_open;
    EXPECT_EQ(a.send_to("pong", where(b), ec, patience), 4u);
    EXPECT_FALSE(ec);
    char buffer[64];
    ec = portsock::errc::not_open;
    const datagram_info info = b.receive_from(buffer, sizeof buffer, ec, patience);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(std::string(buffer, info.size), "pong");
    EXPECT_EQ(info.sender, where(a));
}

TEST(Udp, DatagramsKeepTheirBoundaries) {
    udp_socket a(portsock_test::any_port_v4());
    udp_socket b(portsock_test::any_port_v4());
    const std::string messages[] = {"one", "", "three", std::string(1000, 'x')};
    for (const std::string& m : messages) EXPECT_EQ(a.send_to(m, where(b), patience), m.size());
    std::vector<char> buffer(2000);
    for (const std::string& m : messages) {
        const datagram_info info = b.receive_from(buffer.data(), buffer.size(), patience);
        EXPECT_EQ(std::string(buffer.data(), info.size), m) << "an empty datagram is a datagram too";
    }
}

TEST(Udp, Ipv6RoundTrip) {
    PORTSOCK_REQUIRE_IPV6();
    udp_socket a(portsock_test::any_port_v6());
    udp_socket b(portsock_test::any_port_v6());
    EXPECT_EQ(where(a).address(), ip_address::loopback_v6());
    a.send_to("six", where(b), patience);
    char buffer[16];
    const datagram_info info = b.receive_from(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, info.size), "six");
    EXPECT_EQ(info.sender, where(a));
}

TEST(Udp, TruncationIsMessageSize) {
    udp_socket a(portsock_test::any_port_v4());
    udp_socket b(portsock_test::any_port_v4());
    std::vector<unsigned char> big(100);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<unsigned char>(i);

    a.send_to(big.data(), big.size(), where(b), patience);
    unsigned char small[10] = {};
    std::error_code ec;
    const datagram_info info = b.receive_from(small, sizeof small, ec, patience);
    EXPECT_EQ(ec, std::errc::message_size) << ec.message();
    EXPECT_EQ(info.size, 10u) << "the bytes that fitted were copied";
    EXPECT_EQ(info.sender, where(a));
    EXPECT_EQ(std::memcmp(small, big.data(), sizeof small), 0);

    a.send_to(big.data(), big.size(), where(b), patience);
    EXPECT_EQ(catch_system_error([&] { (void)b.receive_from(small, sizeof small, patience); }).code,
              std::errc::message_size);

    // The rest of a cut datagram is gone: the next receive gets the next datagram.
    a.send_to("next", where(b), patience);
    char buffer[16];
    const datagram_info next = b.receive_from(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, next.size), "next");
}

TEST(Udp, ExactFitIsNotTruncation) {
    udp_socket a(portsock_test::any_port_v4());
    udp_socket b(portsock_test::any_port_v4());
    a.send_to("0123456789", where(b), patience);
    char buffer[10];
    std::error_code ec;
    EXPECT_EQ(b.receive_from(buffer, sizeof buffer, ec, patience).size, 10u);
    EXPECT_FALSE(ec) << ec.message();
}

TEST(Udp, ConnectedSendAndReceive) {
    udp_socket a(portsock_test::any_port_v4());
    udp_socket b(portsock_test::any_port_v4());
    a.connect(where(b));
    std::error_code ec = portsock::errc::not_open;
    b.connect(where(a), ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(a.remote_endpoint(), where(b));
    EXPECT_EQ(b.remote_endpoint(ec), where(a));
    EXPECT_FALSE(ec);

    EXPECT_EQ(a.send("hello", 5, patience), 5u);
    char buffer[16];
    EXPECT_EQ(b.receive(buffer, sizeof buffer, patience), 5u);
    EXPECT_EQ(std::string(buffer, 5), "hello");

    EXPECT_EQ(b.send("world", 5, ec, patience), 5u);
    EXPECT_FALSE(ec);
    EXPECT_EQ(a.receive(buffer, sizeof buffer, ec, patience), 5u);
    EXPECT_FALSE(ec);
    EXPECT_EQ(std::string(buffer, 5), "world");
}

TEST(Udp, ConnectedReceiveTruncationIsMessageSize) {
    udp_socket a(portsock_test::any_port_v4());
    udp_socket b(portsock_test::any_port_v4());
    a.connect(where(b));
    b.connect(where(a));
    a.send(std::string(100, 'z').data(), 100, patience);
    char small[10];
    std::error_code ec;
    EXPECT_EQ(b.receive(small, sizeof small, ec, patience), 10u);
    EXPECT_EQ(ec, std::errc::message_size) << ec.message();
    a.send(std::string(100, 'z').data(), 100, patience);
    EXPECT_EQ(catch_system_error([&] { (void)b.receive(small, sizeof small, patience); }).code,
              std::errc::message_size);
}

TEST(Udp, ConnectedSocketIgnoresOtherSenders) {
    udp_socket a(portsock_test::any_port_v4());
    udp_socket b(portsock_test::any_port_v4());
    udp_socket stranger(portsock_test::any_port_v4());
    a.connect(where(b));
    stranger.send_to("noise", where(a), patience);
    b.send_to("signal", where(a), patience);
    char buffer[16];
    const datagram_info info = a.receive_from(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, info.size), "signal");
    EXPECT_EQ(info.sender, where(b));
    std::error_code ec;
    (void)a.receive(buffer, sizeof buffer, ec, 50ms);
    EXPECT_EQ(ec, std::errc::timed_out) << "the stranger's datagram never arrives";
}

TEST(Udp, SendToAClosedPortIsReported) {
    // An ICMP port-unreachable comes back; the OS reports it on the connected socket's
    // next call (connection_refused on POSIX; Windows reports a reset).
    if (portsock_test::under_wine())
        GTEST_SKIP() << "Wine does not report ICMP port unreachable on connected UDP sockets";
    udp_socket a(portsock_test::any_port_v4());
    endpoint gone;
    {
        udp_socket b(portsock_test::any_port_v4());
        gone = where(b);
    }
    a.connect(gone);
    a.send("anyone?", 7, patience);
    char buffer[16];
    std::error_code ec;
    (void)a.receive(buffer, sizeof buffer, ec, 2s);
    EXPECT_TRUE(ec == std::errc::connection_refused || ec == std::errc::connection_reset)
        << ec.category().name() << ": " << ec.message();
}

TEST(Udp, RemoteEndpointOfUnconnectedSocketIsNotConnected) {
    udp_socket a(portsock_test::any_port_v4());
    std::error_code ec;
    EXPECT_EQ(a.remote_endpoint(ec), endpoint{});
    EXPECT_EQ(ec, std::errc::not_connected) << ec.message();
    EXPECT_EQ(catch_system_error([&] { (void)a.remote_endpoint(); }).code, std::errc::not_connected);

    std::size_t sent = a.send("x", 1, ec, patience);
    EXPECT_EQ(sent, 0u);
    EXPECT_TRUE(ec == std::errc::not_connected || ec == std::errc::destination_address_required)
        << ec.message();
}

TEST(Udp, OpenUnboundSocketGetsAPortOnFirstSend) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender = udp_socket::open(address_family::ipv4);
    EXPECT_TRUE(sender.is_open());
    std::error_code ec;
    sender.send_to("hi", where(receiver), ec, patience);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_NE(where(sender).port(), 0);
    char buffer[4];
    EXPECT_EQ(receiver.receive_from(buffer, sizeof buffer, patience).sender.port(), where(sender).port());

    udp_socket v6 = udp_socket::open(address_family::ipv6, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(v6.is_open());
}

TEST(Udp, OpenUnspecifiedFamilyIsInvalid) {
    std::error_code ec;
    udp_socket s = udp_socket::open(address_family::unspecified, ec);
    EXPECT_EQ(ec, portsock::errc::invalid_argument);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_FALSE(s.is_open());
    EXPECT_EQ(catch_system_error([] { (void)udp_socket::open(address_family::unspecified); }).code,
              portsock::errc::invalid_argument);
}

TEST(Udp, BindingABoundPortIsAddressInUse) {
    udp_socket first(portsock_test::any_port_v4());
    std::error_code ec;
    udp_socket second = udp_socket::bind(where(first), ec);
    EXPECT_EQ(ec, std::errc::address_in_use) << ec.message();
    EXPECT_FALSE(second.is_open());
    EXPECT_EQ(catch_system_error([&] { udp_socket s(where(first)); }).code, std::errc::address_in_use);
}

TEST(Udp, OversizedDatagramIsMessageSize) {
    udp_socket a(portsock_test::any_port_v4());
    udp_socket b(portsock_test::any_port_v4());
    const std::vector<char> huge(70000, 'h');  // above the 65507-byte IPv4 limit
    std::error_code ec;
    EXPECT_EQ(a.send_to(huge.data(), huge.size(), where(b), ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::message_size) << ec.message();
    EXPECT_EQ(catch_system_error([&] { (void)a.send_to(huge.data(), huge.size(), where(b), patience); }).code,
              std::errc::message_size);
}

TEST(Udp, BroadcastGetSet) {
    udp_socket s(portsock_test::any_port_v4());
    EXPECT_FALSE(s.broadcast()) << "off by default";
    s.set_broadcast(true);
    EXPECT_TRUE(s.broadcast());
    std::error_code ec = portsock::errc::not_open;
    s.set_broadcast(false, ec);
    EXPECT_FALSE(ec);
    ec = portsock::errc::not_open;
    EXPECT_FALSE(s.broadcast(ec));
    EXPECT_FALSE(ec);
}

TEST(Udp, NonBlockingReceiveWouldBlock) {
    udp_socket s(portsock_test::any_port_v4());
    s.set_non_blocking(true);
    char buffer[8];
    std::error_code ec;
    const portsock_test::stopwatch clock;
    const datagram_info info = s.receive_from(buffer, sizeof buffer, ec, 5s);
    EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message();
    EXPECT_EQ(info.size, 0u);
    EXPECT_LT(clock.elapsed(), 2s) << "timeouts are ignored in non-blocking mode";
}

TEST(Udp, ManyDatagramsFromAnotherThread) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    constexpr int count = 50;
    std::thread worker([&] {
        for (int i = 0; i < count; ++i) {
            const std::string text = std::to_string(i);
            std::error_code ec;
            sender.send_to(text, where(receiver), ec, patience);
            // Pace the sender a little so a small receive buffer never overflows.
            std::this_thread::sleep_for(1ms);
        }
    });
    int received = 0;
    for (int i = 0; i < count; ++i) {
        char buffer[16];
        std::error_code ec;
        const datagram_info info = receiver.receive_from(buffer, sizeof buffer, ec, patience);
        if (ec) break;
        EXPECT_EQ(std::string(buffer, info.size), std::to_string(i)) << "loopback keeps order";
        ++received;
    }
    worker.join();
    EXPECT_EQ(received, count);
}

}  // namespace
