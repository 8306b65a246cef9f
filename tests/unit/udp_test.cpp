// udp_socket over loopback: datagrams to and from endpoints, truncation, connected
// sockets, options and errors.
#include "test_support.hpp"

#include <portsock/udp.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
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

// --- send_batch runs (UDP segmentation offload) ------------------------------------------
// Where has_udp_segmentation_offload() is true (Linux), send_batch() sends each run of
// datagrams to one destination with one size (the last may be shorter) as one segmented
// message; elsewhere one message each. Either way every receiver must get exactly the
// datagrams sent, one by one, in order: these tests fail if runs were formed wrongly.

/// `size` bytes that differ from datagram to datagram (`tag`) and from byte to byte.
std::string pattern(std::size_t tag, std::size_t size) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((tag * 31 + i * 7) & 0xff);
    return bytes;
}

/// One datagram of a test batch: its bytes and where it goes.
struct planned {
    std::string bytes;
    endpoint to;
};

/// Datagrams of the given lengths, all to `to`, each with bytes of its own.
std::vector<planned> plan_of(std::initializer_list<std::size_t> lengths, const endpoint& to) {
    std::vector<planned> plan;
    for (const std::size_t length : lengths) plan.push_back({pattern(plan.size(), length), to});
    return plan;
}

/// Sends every datagram with send_batch(), calling again if a call sends fewer.
void send_all(udp_socket& sender, const std::vector<planned>& plan) {
    std::vector<portsock::outgoing_datagram> batch;
    for (const planned& p : plan) batch.push_back({p.bytes.data(), p.bytes.size(), p.to});
    std::size_t sent = 0;
    const portsock_test::stopwatch clock;
    for (int calls = 0; sent < batch.size() && calls < 1000 && clock.elapsed() < patience; ++calls)
        sent += sender.send_batch(batch.data() + sent, batch.size() - sent, patience);
    ASSERT_EQ(sent, batch.size());
}

/// The datagrams of `plan` that go to `to`, in order.
std::vector<std::string> sent_to(const std::vector<planned>& plan, const endpoint& to) {
    std::vector<std::string> texts;
    for (const planned& p : plan)
        if (p.to == to) texts.push_back(p.bytes);
    return texts;
}

/// Receives `count` datagrams with receive_batch(), each slot big enough for any datagram
/// (so two datagrams run together would show as one long one), and checks their sender.
/// Then checks that nothing more is queued.
std::vector<std::string> receive_datagrams(udp_socket& receiver, std::size_t count, const endpoint& from) {
    constexpr std::size_t room = 65536;
    std::vector<char> storage(16 * room);
    std::array<portsock::incoming_datagram, 16> slots{};
    std::vector<std::string> got;
    const portsock_test::stopwatch clock;
    while (got.size() < count && clock.elapsed() < patience) {
        for (std::size_t i = 0; i < slots.size(); ++i) slots[i] = {storage.data() + i * room, room};
        std::error_code ec;
        const std::size_t n =
            receiver.receive_batch(slots.data(), std::min(slots.size(), count - got.size()), ec, 1s);
        if (ec == std::errc::timed_out) continue;
        if (ec) {
            ADD_FAILURE() << ec.message();
            break;
        }
        for (std::size_t i = 0; i < n; ++i) {
            EXPECT_FALSE(slots[i].truncated);
            EXPECT_EQ(slots[i].sender, from);
            got.emplace_back(static_cast<const char*>(slots[i].data), slots[i].size);
        }
    }
    receiver.set_non_blocking(true);
    char extra[16];
    std::error_code ec;
    (void)receiver.receive_from(extra, sizeof extra, ec);
    EXPECT_EQ(ec, std::errc::operation_would_block) << "a datagram more than was sent arrived";
    receiver.set_non_blocking(false);
    return got;
}

/// Sizes of the datagrams, for a readable failure message.
std::vector<std::size_t> sizes(const std::vector<std::string>& texts) {
    std::vector<std::size_t> out;
    for (const std::string& t : texts) out.push_back(t.size());
    return out;
}

/// Sends `plan` (all to one receiver) and checks that exactly its datagrams arrive, in order.
void expect_delivered(udp_socket& sender, udp_socket& receiver, const std::vector<planned>& plan) {
    send_all(sender, plan);
    const std::vector<std::string> expected = sent_to(plan, where(receiver));
    const std::vector<std::string> got = receive_datagrams(receiver, expected.size(), where(sender));
    EXPECT_EQ(sizes(got), sizes(expected));
    EXPECT_TRUE(got == expected) << "the sizes match but some content differs";
}

TEST(UdpBatchRuns, EqualSizesArriveAsSeparateDatagrams) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    std::vector<planned> plan;
    for (std::size_t i = 0; i < 64; ++i) plan.push_back({pattern(i, 100), where(receiver)});
    send_all(sender, plan);
    // One by one with receive_from(), into room for any datagram: no receive batching.
    std::vector<char> buffer(65536);
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const datagram_info info = receiver.receive_from(buffer.data(), buffer.size(), patience);
        ASSERT_EQ(info.size, 100u) << "datagram " << i;
        EXPECT_EQ(std::string(buffer.data(), info.size), plan[i].bytes) << "datagram " << i;
        EXPECT_EQ(info.sender, where(sender));
    }
    receiver.set_non_blocking(true);
    std::error_code ec;
    (void)receiver.receive_from(buffer.data(), buffer.size(), ec);
    EXPECT_EQ(ec, std::errc::operation_would_block) << "no datagram more than was sent";
    // The Windows port and the generic POSIX build send one datagram per call, never a run.
    const std::string_view port = portsock::platform_name();
    if (port.rfind("win32", 0) == 0 || port.find("generic") != std::string_view::npos) {
        EXPECT_FALSE(portsock::has_udp_segmentation_offload()) << port;
    }
}

TEST(UdpBatchRuns, AShorterDatagramEndsARun) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    expect_delivered(
        sender, receiver,
        plan_of({300, 300, 300, 300, 120, 300, 300, 1, 300, 300, 299, 300, 500, 2}, where(receiver)));
}

TEST(UdpBatchRuns, MixedSizesAndDestinationsSplitRuns) {
    udp_socket a(portsock_test::any_port_v4());
    udp_socket b(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    const std::pair<char, std::size_t> steps[] = {
        {'a', 100}, {'a', 100}, {'b', 100}, {'b', 100}, {'a', 100}, {'a', 100}, {'a', 40},
        {'a', 100}, {'a', 100}, {'b', 200}, {'b', 100}, {'b', 100}, {'b', 300}, {'a', 1},
        {'a', 1},   {'b', 64},  {'a', 1},   {'a', 64},  {'a', 64},  {'b', 64},  {'b', 64}};
    std::vector<planned> plan;
    std::size_t tag = 0;
    for (const auto& [who, size] : steps) plan.push_back({pattern(tag++, size), where(who == 'a' ? a : b)});
    send_all(sender, plan);
    for (udp_socket* receiver : {&a, &b}) {
        const std::vector<std::string> expected = sent_to(plan, where(*receiver));
        const std::vector<std::string> got = receive_datagrams(*receiver, expected.size(), where(sender));
        EXPECT_EQ(sizes(got), sizes(expected));
        EXPECT_TRUE(got == expected) << "the sizes match but some content differs";
    }
}

TEST(UdpBatchRuns, MoreDatagramsThanOneRunHolds) {
    // More than the 64 datagrams a segmented message takes (and than the SDK's chunk).
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    std::vector<planned> plan;
    for (std::size_t i = 0; i < 150; ++i) plan.push_back({pattern(i, 48), where(receiver)});
    plan.push_back({pattern(150, 20), where(receiver)});
    expect_delivered(sender, receiver, plan);
}

TEST(UdpBatchRuns, MoreBytesThanOneRunHolds) {
    // 45 datagrams of 1472 bytes (the largest segment over IPv4) are 66,240 bytes, more
    // than one message may carry: the run must be split.
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    std::vector<planned> plan;
    for (std::size_t i = 0; i < 45; ++i) plan.push_back({pattern(i, 1472), where(receiver)});
    std::vector<std::string> got;
    // Received meanwhile in another thread, for systems with a small receive buffer.
    std::thread drain([&] { got = receive_datagrams(receiver, plan.size(), where(sender)); });
    send_all(sender, plan);
    drain.join();
    const std::vector<std::string> expected = sent_to(plan, where(receiver));
    EXPECT_EQ(sizes(got), sizes(expected));
    EXPECT_TRUE(got == expected) << "the sizes match but some content differs";
}

TEST(UdpBatchRuns, Ipv6Runs) {
    PORTSOCK_REQUIRE_IPV6();
    udp_socket receiver(portsock_test::any_port_v6());
    udp_socket sender(portsock_test::any_port_v6());
    std::vector<planned> plan;
    std::size_t tag = 0;
    for (int i = 0; i < 20; ++i)
        plan.push_back({pattern(tag++, 1452), where(receiver)});  // the largest IPv6 segment
    plan.push_back({pattern(tag++, 700), where(receiver)});
    for (int i = 0; i < 4; ++i)
        plan.push_back({pattern(tag++, 1453), where(receiver)});  // too big to segment
    for (int i = 0; i < 30; ++i) plan.push_back({pattern(tag++, 64), where(receiver)});
    expect_delivered(sender, receiver, plan);
}

TEST(UdpBatchRuns, DatagramsTooBigForARunGoAlone) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    expect_delivered(
        sender, receiver,
        plan_of({1472, 1472, 1473, 1473, 1473, 9000, 9000, 1472, 1000, 20000, 1473}, where(receiver)));
}

TEST(UdpBatchRuns, EmptyDatagramsAreNeverPartOfARun) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    expect_delivered(sender, receiver,
                     plan_of({64, 64, 64, 64, 0, 64, 64, 64, 0, 0, 64, 0}, where(receiver)));
}

TEST(UdpBatchRuns, AnEarlyStopCountsDatagramsNotMessages) {
    // Ten datagrams that can go as one run, then one the OS refuses: the call must say ten
    // were sent (not one message), and the next call reports the refusal.
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    std::vector<planned> plan;
    for (std::size_t i = 0; i < 10; ++i) plan.push_back({pattern(i, 64), where(receiver)});
    const std::vector<char> huge(70000, 'h');  // above the 65507-byte IPv4 limit
    const endpoint wrong_family{ip_address::loopback_v6(), where(receiver).port()};
    for (const endpoint& bad_to : {where(receiver), wrong_family}) {
        std::vector<portsock::outgoing_datagram> batch;
        for (const planned& p : plan) batch.push_back({p.bytes.data(), p.bytes.size(), p.to});
        if (bad_to == wrong_family)
            batch.push_back({"x", 1, bad_to});  // an IPv6 destination for an IPv4 socket
        else
            batch.push_back({huge.data(), huge.size(), bad_to});
        for (std::size_t i = 0; i < 5; ++i) batch.push_back({plan[i].bytes.data(), 64, where(receiver)});
        std::error_code ec;
        EXPECT_EQ(sender.send_batch(batch.data(), batch.size(), ec, patience), 10u);
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(sender.send_batch(batch.data() + 10, batch.size() - 10, ec, patience), 0u);
        EXPECT_TRUE(ec) << "the refused datagram is reported when it comes first";
        if (bad_to == where(receiver)) {
            EXPECT_EQ(ec, std::errc::message_size) << ec.message();
        }
        EXPECT_EQ(receive_datagrams(receiver, plan.size(), where(sender)), sent_to(plan, where(receiver)));
    }
}

}  // namespace

// --- options set between open and bind (issue 20, item 2) ----------------------------------

namespace {

portsock::udp_bind_options sharing_address() {
    portsock::udp_bind_options options;
    options.reuse_address = true;
    return options;
}

TEST(UdpBindOptions, ReuseAddressLetsTwoSocketsBindOnePort) {
    udp_socket first = udp_socket::bind(portsock_test::any_port_v4(), sharing_address());
    const endpoint port = where(first);
    std::error_code ec;
    udp_socket second = udp_socket::bind(port, ec, sharing_address());
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(where(second), port);
    // Each is a working socket: a unicast datagram reaches one of them (the OS chooses).
    udp_socket sender(portsock_test::any_port_v4());
    sender.send_to("shared", 6, port, patience);
    char buffer[16];
    std::size_t got = 0;
    for (udp_socket* s : {&first, &second}) {
        const auto info = s->receive_from(buffer, sizeof buffer, ec, 300ms);
        if (!ec) got += info.size;
    }
    EXPECT_EQ(got, 6u) << "the datagram reached exactly one of the two";
}

TEST(UdpBindOptions, APortIsNotSharedUnlessEverySocketAsks) {
    for (const bool first_shares : {false, true}) {
        for (const bool second_shares : {false, true}) {
            if (first_shares && second_shares) continue;
            SCOPED_TRACE(std::string("first ") + (first_shares ? "shares" : "does not") + ", second " +
                         (second_shares ? "shares" : "does not"));
            udp_socket first =
                udp_socket::bind(portsock_test::any_port_v4(),
                                 first_shares ? sharing_address() : portsock::udp_bind_options{});
            std::error_code ec;
            EXPECT_FALSE(udp_socket::bind(where(first), ec,
                                          second_shares ? sharing_address() : portsock::udp_bind_options{})
                             .is_open());
            EXPECT_EQ(ec, std::errc::address_in_use) << ec.message();
            const auto thrown = catch_system_error([&] {
                (void)udp_socket(where(first),
                                 second_shares ? sharing_address() : portsock::udp_bind_options{});
            });
            EXPECT_EQ(thrown.code, std::errc::address_in_use);
            EXPECT_NE(thrown.what.find("bind to " + where(first).to_string()), std::string::npos)
                << thrown.what;
        }
    }
}

TEST(UdpBindOptions, ReusePortWhereTheOsHasIt) {
    portsock::udp_bind_options options;
    options.reuse_port = true;
    std::error_code ec;
    udp_socket first = udp_socket::bind(portsock_test::any_port_v4(), ec, options);
    if (!portsock::has_reuse_port()) {
        EXPECT_FALSE(first.is_open());
        EXPECT_EQ(ec, std::errc::operation_not_supported) << ec.message();
        EXPECT_EQ(
            catch_system_error([&] { (void)udp_socket::bind(portsock_test::any_port_v4(), options); }).code,
            std::errc::operation_not_supported);
        GTEST_SKIP() << "this OS has no SO_REUSEPORT (has_reuse_port() is false): refused, as checked";
    }
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_TRUE(first.reuse_port());
    udp_socket second = udp_socket::bind(where(first), ec, options);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(second.is_open());
}

TEST(UdpBindOptions, DualStackReceivesIpv4) {
    portsock::udp_bind_options options;
    options.dual_stack = true;
    std::error_code ec;
    udp_socket receiver = udp_socket::bind({ip_address::any_v6(), 0}, ec, options);
    if (ec == std::errc::address_family_not_supported || ec == std::errc::address_not_available)
        GTEST_SKIP() << "no IPv6 here: " << ec.message();
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_FALSE(receiver.v6_only());
    udp_socket sender(portsock_test::any_port_v4());
    sender.send_to("v4", 2, {ip_address::loopback_v4(), where(receiver).port()}, patience);
    char buffer[4];
    const auto info = receiver.receive_from(buffer, sizeof buffer, patience);
    EXPECT_EQ(info.size, 2u);
    EXPECT_TRUE(info.sender.address().is_v4_mapped()) << info.sender;
    // Without the option, an IPv6 socket stays IPv6 only.
    EXPECT_TRUE(udp_socket({ip_address::any_v6(), 0}).v6_only());
}

}  // namespace

// --- the destination of a received datagram (issue 20, item 1) -----------------------------

namespace {

TEST(UdpDestination, AWildcardSocketLearnsWhichAddressADatagramWasSentTo) {
    udp_socket receiver({ip_address::any_v4(), 0});
    receiver.set_receive_destination(true);
    EXPECT_TRUE(receiver.receive_destination());
    udp_socket sender(portsock_test::any_port_v4());
    const endpoint to{ip_address::loopback_v4(), where(receiver).port()};
    sender.send_to("hello", 5, to, patience);
    char buffer[16];
    const auto got = receiver.receive_with_destination(buffer, sizeof buffer, patience);
    EXPECT_EQ(got.size, 5u);
    EXPECT_EQ(got.sender, where(sender));
    EXPECT_EQ(got.destination, ip_address::loopback_v4());
    // 127.0.0.2 is loopback too on Linux; elsewhere (Windows, macOS) only 127.0.0.1 may be.
    std::error_code ec;
    sender.send_to("other", 5, {ip_address::parse("127.0.0.2"), to.port()}, ec, patience);
    if (!ec) {
        const auto second = receiver.receive_with_destination(buffer, sizeof buffer, ec, 300ms);
        if (!ec) {
            EXPECT_EQ(second.destination, ip_address::parse("127.0.0.2"));
        }
    }
}

TEST(UdpDestination, Ipv6AndTruncation) {
    std::error_code ec;
    udp_socket receiver = udp_socket::bind({ip_address::any_v6(), 0}, ec);
    if (ec) GTEST_SKIP() << "no IPv6 here: " << ec.message();
    receiver.set_receive_destination(true);
    udp_socket sender(portsock_test::any_port_v6());
    sender.send_to("0123456789", 10, {ip_address::loopback_v6(), where(receiver).port()}, patience);
    char small[4];
    const auto got = receiver.receive_with_destination(small, sizeof small, ec, patience);
    EXPECT_EQ(ec, std::errc::message_size) << "never cut silently";
    EXPECT_EQ(got.size, 4u);
    EXPECT_EQ(got.sender, where(sender));
    EXPECT_EQ(got.destination, ip_address::loopback_v6());
    EXPECT_EQ(
        catch_system_error([&] {
            sender.send_to("0123456789", 10, {ip_address::loopback_v6(), where(receiver).port()}, patience);
            (void)receiver.receive_with_destination(small, sizeof small, patience);
        }).code,
        std::errc::message_size);
}

TEST(UdpDestination, OffByDefaultAndOnEmptySockets) {
    udp_socket receiver(portsock_test::any_port_v4());
    EXPECT_FALSE(receiver.receive_destination());
    udp_socket sender(portsock_test::any_port_v4());
    sender.send_to("x", 1, where(receiver), patience);
    char buffer[4];
    const auto got = receiver.receive_with_destination(buffer, sizeof buffer, patience);
    EXPECT_EQ(got.size, 1u);
    EXPECT_EQ(got.sender, where(sender));
    EXPECT_TRUE(got.destination.is_unspecified()) << "not asked for: " << got.destination;
    std::error_code ec;
    EXPECT_EQ(receiver.receive_with_destination(buffer, sizeof buffer, ec, 0ms).size, 0u);
    EXPECT_EQ(ec, std::errc::timed_out);
    udp_socket empty;
    empty.set_receive_destination(true, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    (void)empty.receive_with_destination(buffer, sizeof buffer, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
}

}  // namespace
