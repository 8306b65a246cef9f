// Every blocking call's timeout: it fails with std::errc::timed_out, in both call forms,
// after about as long as it was given (never sooner).
#include "test_support.hpp"

#include <portsock/tcp.hpp>
#include <portsock/udp.hpp>

#include <thread>
#include <vector>

namespace {

using portsock::tcp_listener;
using portsock::tcp_stream;
using portsock::udp_socket;
using portsock_test::catch_system_error;
using portsock_test::catch_system_error_if_any;
using portsock_test::expect_waited;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using portsock_test::stopwatch;
using portsock_test::where;
using namespace std::chrono_literals;

constexpr std::chrono::milliseconds limit = 150ms;

TEST(Timeouts, AcceptTimesOut) {
    tcp_listener listener(portsock_test::any_port_v4());
    std::error_code ec;
    const stopwatch clock;
    const auto accepted = listener.accept(ec, limit);
    expect_waited(clock.elapsed(), limit);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_FALSE(accepted.stream.is_open());
    EXPECT_EQ(accepted.peer, portsock::endpoint{});

    const stopwatch throwing_clock;
    EXPECT_EQ(catch_system_error([&] { (void)listener.accept(limit); }).code, std::errc::timed_out);
    expect_waited(throwing_clock.elapsed(), limit);

    // The listener still works after timing out.
    tcp_stream client = tcp_stream::connect(where(listener), patience);
    EXPECT_TRUE(listener.accept(patience).stream.is_open());
}

TEST(Timeouts, ZeroTimeoutDoesNotWait) {
    tcp_listener listener(portsock_test::any_port_v4());
    std::error_code ec;
    const stopwatch clock;
    (void)listener.accept(ec, 0ms);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    (void)listener.accept(ec, -5s);
    EXPECT_EQ(ec, std::errc::timed_out) << "negative counts as zero";
    EXPECT_LT(clock.elapsed(), portsock_test::overrun);
}

TEST(Timeouts, ConnectTimesOutWhenTheBacklogIsFull) {
    // A listener that never accepts, with the smallest backlog: once its queue is full, the
    // OS drops further connection requests and a connect can only time out. (Some stacks
    // refuse instead, or queue more than asked: bounded attempts, then skip with a reason.)
    portsock::listen_options options;
    options.backlog = 1;
    tcp_listener listener(portsock_test::any_port_v4(), options);
    std::vector<tcp_stream> queued;
    for (int attempt = 0; attempt < 64; ++attempt) {
        std::error_code ec;
        const stopwatch clock;
        tcp_stream client = tcp_stream::connect(where(listener), ec, limit);
        const auto elapsed = clock.elapsed();
        if (!ec) {
            queued.push_back(std::move(client));
            continue;
        }
        if (ec == std::errc::connection_refused)
            GTEST_SKIP() << "this OS refuses connections to a full backlog instead of dropping them";
        EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
        expect_waited(elapsed, limit);
        EXPECT_FALSE(client.is_open());
        EXPECT_GE(queued.size(), 1u) << "the backlog admitted at least one";

        const stopwatch throwing_clock;
        EXPECT_EQ(catch_system_error([&] { (void)tcp_stream::connect(where(listener), limit); }).code,
                  std::errc::timed_out);
        expect_waited(throwing_clock.elapsed(), limit);
        return;
    }
    GTEST_SKIP() << "this OS queued 64 connections on a backlog of 1; no timeout to observe";
}

TEST(Timeouts, ReceiveTimesOut) {
    auto pair = make_tcp_pair();
    char buffer[16];
    std::error_code ec;
    stopwatch clock;
    EXPECT_EQ(pair.client.receive(buffer, sizeof buffer, ec, limit), 0u);
    expect_waited(clock.elapsed(), limit);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();

    clock = stopwatch();
    EXPECT_EQ(pair.client.receive(16, ec, limit), "");
    EXPECT_EQ(ec, std::errc::timed_out);
    expect_waited(clock.elapsed(), limit);

    clock = stopwatch();
    EXPECT_EQ(catch_system_error([&] { (void)pair.client.receive(buffer, sizeof buffer, limit); }).code,
              std::errc::timed_out);
    EXPECT_EQ(catch_system_error([&] { (void)pair.client.receive(16, limit); }).code, std::errc::timed_out);
    expect_waited(clock.elapsed(), 2 * limit);

    // The stream is intact after a timeout.
    pair.server.send_all("late", patience);
    EXPECT_EQ(pair.client.receive(16, patience), "late");
}

TEST(Timeouts, ReceiveExactTimesOutWithPartialCount) {
    auto pair = make_tcp_pair();
    pair.server.send_all("abc", patience);
    unsigned char buffer[10];
    std::error_code ec;
    const stopwatch clock;
    EXPECT_EQ(pair.client.receive_exact(buffer, sizeof buffer, ec, limit), 3u);
    expect_waited(clock.elapsed(), limit);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();

    const stopwatch throwing_clock;
    EXPECT_EQ(catch_system_error([&] { pair.client.receive_exact(buffer, sizeof buffer, limit); }).code,
              std::errc::timed_out);
    expect_waited(throwing_clock.elapsed(), limit);
}

// Sends with `send_call` (which returns true once it has failed) until the peer's buffers
// are full and a call times out; returns how long that last call took. Buffers may grow
// while they fill (TCP auto-tuning), so a timeout is awaited rather than assumed.
template <class SendCall>
std::chrono::milliseconds send_until_it_fails(SendCall&& send_call) {
    for (int i = 0; i < 1024; ++i) {  // at most 1024 chunks: far beyond any socket buffer
        const stopwatch clock;
        if (send_call()) return clock.elapsed();
    }
    ADD_FAILURE() << "1024 sends to a peer that never reads all succeeded";
    return {};
}

TEST(Timeouts, SendTimesOutWhenThePeerDoesNotRead) {
    auto pair = make_tcp_pair();
    const std::vector<unsigned char> chunk(256 * 1024, 0xab);
    std::error_code ec;
    std::size_t total = 0;
    expect_waited(send_until_it_fails([&] {
                      total += pair.client.send(chunk.data(), chunk.size(), ec, limit);
                      return bool(ec);
                  }),
                  limit);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message() << " after " << total << " bytes";
    EXPECT_GT(total, 0u);

    std::error_code thrown;
    expect_waited(send_until_it_fails([&] {
                      thrown = catch_system_error_if_any(
                          [&] { (void)pair.client.send(chunk.data(), chunk.size(), limit); });
                      return bool(thrown);
                  }),
                  limit);
    EXPECT_EQ(thrown, std::errc::timed_out) << thrown.message();

    // send_all() bounds the whole send, and reports how much got out.
    std::size_t last_sent = 0;
    expect_waited(send_until_it_fails([&] {
                      last_sent = pair.client.send_all(chunk.data(), chunk.size(), ec, limit);
                      return bool(ec);
                  }),
                  limit);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_LT(last_sent, chunk.size());

    expect_waited(send_until_it_fails([&] {
                      thrown = catch_system_error_if_any(
                          [&] { pair.client.send_all(chunk.data(), chunk.size(), limit); });
                      return bool(thrown);
                  }),
                  limit);
    EXPECT_EQ(thrown, std::errc::timed_out) << thrown.message();
}

TEST(Timeouts, ReceiveFromTimesOut) {
    udp_socket socket(portsock_test::any_port_v4());
    char buffer[16];
    std::error_code ec;
    stopwatch clock;
    const portsock::datagram_info info = socket.receive_from(buffer, sizeof buffer, ec, limit);
    expect_waited(clock.elapsed(), limit);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_EQ(info.size, 0u);

    clock = stopwatch();
    EXPECT_EQ(catch_system_error([&] { (void)socket.receive_from(buffer, sizeof buffer, limit); }).code,
              std::errc::timed_out);
    expect_waited(clock.elapsed(), limit);
}

TEST(Timeouts, ConnectedUdpReceiveTimesOut) {
    udp_socket a(portsock_test::any_port_v4());
    udp_socket b(portsock_test::any_port_v4());
    a.connect(where(b));
    char buffer[16];
    std::error_code ec;
    const stopwatch clock;
    EXPECT_EQ(a.receive(buffer, sizeof buffer, ec, limit), 0u);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    expect_waited(clock.elapsed(), limit);
    EXPECT_EQ(catch_system_error([&] { (void)a.receive(buffer, sizeof buffer, limit); }).code,
              std::errc::timed_out);
}

TEST(Timeouts, ATimePointIsWhatIsLeftUntilIt) {
    const portsock::timeout ten_seconds = std::chrono::steady_clock::now() + 10s;
    EXPECT_LE(ten_seconds.milliseconds(), 10'000);
    EXPECT_GT(ten_seconds.milliseconds(), 10'000 - portsock_test::overrun.count());
    const portsock::timeout passed = std::chrono::steady_clock::now() - 1s;
    EXPECT_EQ(passed.milliseconds(), 0) << "a time point in the past means: do not wait";
    EXPECT_FALSE(passed.is_infinite());
}

TEST(Timeouts, ExtremeLimitsWaitForTheData) {
    // Limits at the ends of their types: the wait's deadline saturates instead of wrapping
    // into the past (which would time out at once).
    using namespace std::chrono;
    const portsock::timeout limits[] = {hours::max(), nanoseconds::max(), steady_clock::time_point::max(),
                                        time_point<steady_clock, seconds>::max()};
    for (const portsock::timeout extreme : limits) {
        auto pair = portsock_test::make_tcp_pair();
        std::thread late([&pair] {
            std::this_thread::sleep_for(50ms);
            pair.client.send_all("x");
        });
        char byte = 0;
        std::error_code ec;
        EXPECT_EQ(pair.server.receive(&byte, 1, ec, extreme), 1u) << ec.message();
        late.join();
    }
}

TEST(Timeouts, OneDeadlineBoundsSeveralCalls) {
    // connect, send and two receives share one deadline: together they end at it, where
    // separate timeouts of the same length would add up.
    tcp_listener listener(portsock_test::any_port_v4());
    const stopwatch clock;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    tcp_stream client = tcp_stream::connect(where(listener), deadline);
    auto accepted = listener.accept(deadline);
    client.send_all("request", deadline);
    char buffer[16];
    std::error_code ec;
    EXPECT_EQ(client.receive(buffer, sizeof buffer, ec, deadline), 0u);
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    expect_waited(clock.elapsed(), limit);
    const stopwatch second;
    EXPECT_EQ(client.receive(buffer, sizeof buffer, ec, deadline), 0u);
    EXPECT_EQ(ec, std::errc::timed_out) << "the deadline has passed: nothing is left to wait";
    EXPECT_LT(second.elapsed(), portsock_test::overrun);
    // A zero wait still takes what is there already.
    EXPECT_EQ(accepted.stream.receive(16, deadline), "request");
    EXPECT_EQ(catch_system_error([&] { (void)accepted.stream.receive(16, deadline); }).code,
              std::errc::timed_out);
}

}  // namespace
