// basic_socket::cancel(): another thread makes a blocked accept, receive, send or connect
// (finish_connect) return promptly with std::errc::operation_canceled, with and without a
// timeout, and every later call fails the same way until close(). Loopback only; every wait
// is bounded (a call that cancel() does not wake fails the test and ends the process).
#include "test_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>
#include <vector>

namespace {

using portsock::tcp_listener;
using portsock::tcp_stream;
using portsock_test::any_port_v4;
using portsock_test::catch_system_error;
using portsock_test::make_tcp_pair;
using portsock_test::overrun;
using portsock_test::patience;
using portsock_test::stopwatch;
using portsock_test::where;
using namespace std::chrono_literals;

/// The blocking calls run both ways: without a timeout, and with one far longer than the test.
const portsock::timeout untimed = portsock::timeout::infinite();
const portsock::timeout timed = 10min;

/// Runs `call` (which returns the error_code of one blocking call) in a thread, cancels
/// `socket` once the call has had time to block, and returns the call's error. The call
/// must still be blocked when cancel() comes, and must return within `overrun` of it.
template <class Call>
std::error_code cancel_while_blocked(portsock::basic_socket& socket, Call call) {
    std::promise<std::error_code> outcome;
    std::future<std::error_code> done = outcome.get_future();
    std::thread blocked([&] { outcome.set_value(call()); });
    const bool returned_early = done.wait_for(200ms) == std::future_status::ready;
    EXPECT_FALSE(returned_early) << "the call returned before cancel(), it did not block";
    const stopwatch clock;
    socket.cancel();
    if (done.wait_for(patience) != std::future_status::ready) {
        std::fprintf(stderr, "FATAL: cancel() did not wake the blocked call within %lld ms\n",
                     static_cast<long long>(patience.count()));
        std::abort();  // a blocked thread cannot be joined: fail loudly, at once
    }
    blocked.join();
    EXPECT_LT(clock.elapsed(), overrun) << "the blocked call returned, but late";
    return done.get();
}

/// After cancel(), every call fails at once with operation_canceled, in both forms, and the
/// handle stays open until close().
void expect_calls_cancelled(tcp_stream& stream) {
    char byte = 'x';
    std::error_code ec;
    const stopwatch clock;
    EXPECT_EQ(stream.receive(&byte, 1, ec), 0u);
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
    EXPECT_EQ(stream.receive(&byte, 1, ec, 1s), 0u);
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
    EXPECT_EQ(stream.send(&byte, 1, ec), 0u);
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
    EXPECT_EQ(stream.send_all("abc", ec, 1s), 0u);
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
    EXPECT_EQ(catch_system_error([&] { (void)stream.receive(16); }).code, std::errc::operation_canceled);
    EXPECT_EQ(catch_system_error([&] { stream.send_all("abc"); }).code, std::errc::operation_canceled);
    EXPECT_LT(clock.elapsed(), overrun);
    EXPECT_TRUE(stream.is_open()) << "cancel() keeps the handle until close()";
    stream.close();
    EXPECT_FALSE(stream.is_open());
}

TEST(Cancel, WakesABlockedAccept) {
    for (const portsock::timeout limit : {untimed, timed}) {
        tcp_listener listener(any_port_v4());
        const std::error_code ec = cancel_while_blocked(listener, [&] {
            std::error_code e;
            const portsock::accepted_connection accepted = listener.accept(e, limit);
            EXPECT_FALSE(accepted.stream.is_open()) << "a cancelled accept returns no connection";
            return e;
        });
        EXPECT_EQ(ec, std::errc::operation_canceled)
            << ec.message() << (limit.is_infinite() ? " (untimed)" : " (timed)");
        std::error_code again;
        EXPECT_FALSE(listener.accept(again, 1s).stream.is_open());
        EXPECT_EQ(again, std::errc::operation_canceled);
        EXPECT_EQ(catch_system_error([&] { (void)listener.accept(); }).code, std::errc::operation_canceled);
        EXPECT_TRUE(listener.is_open());
    }
}

TEST(Cancel, WakesSeveralBlockedAccepts) {
    tcp_listener listener(any_port_v4());
    std::vector<std::future<std::error_code>> accepts;
    for (int i = 0; i < 3; ++i)
        accepts.push_back(std::async(std::launch::async, [&listener, i] {
            std::error_code e;
            (void)listener.accept(e, i == 0 ? untimed : timed);
            return e;
        }));
    std::this_thread::sleep_for(200ms);
    listener.cancel();
    for (auto& accept : accepts) {
        ASSERT_EQ(accept.wait_for(patience), std::future_status::ready) << "an accept was not woken";
        EXPECT_EQ(accept.get(), std::errc::operation_canceled);
    }
}

TEST(Cancel, WakesABlockedReceive) {
    for (const portsock::timeout limit : {untimed, timed}) {
        auto pair = make_tcp_pair();
        const std::error_code ec = cancel_while_blocked(pair.client, [&] {
            char buffer[16];
            std::error_code e;
            EXPECT_EQ(pair.client.receive(buffer, sizeof buffer, e, limit), 0u);
            return e;
        });
        EXPECT_EQ(ec, std::errc::operation_canceled)
            << ec.message() << (limit.is_infinite() ? " (untimed)" : " (timed)");
        // The peer sees the connection end.
        char byte = 0;
        std::error_code peer_ec;
        EXPECT_EQ(pair.server.receive(&byte, 1, peer_ec, patience), 0u);
        EXPECT_TRUE(!peer_ec || peer_ec == std::errc::connection_reset) << peer_ec.message();
        expect_calls_cancelled(pair.client);
    }
}

TEST(Cancel, WakesABlockedReceiveExact) {
    auto pair = make_tcp_pair();
    pair.server.send_all("ab", patience);
    std::size_t got = 0;
    const std::error_code ec = cancel_while_blocked(pair.client, [&] {
        char buffer[8];
        std::error_code e;
        got = pair.client.receive_exact(buffer, sizeof buffer, e);
        return e;
    });
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
    EXPECT_EQ(got, 2u) << "the bytes that arrived before cancel() are reported";
}

/// Sends until a send times out: the peer's receive window and this side's buffer are full,
/// so the next send blocks.
void fill_send_buffers(tcp_stream& stream) {
    const std::vector<char> chunk(256 * 1024, 'x');
    for (int i = 0; i < 1024; ++i) {  // bounded: far beyond any socket buffer
        std::error_code ec;
        stream.send(chunk.data(), chunk.size(), ec, 100ms);
        if (ec == std::errc::timed_out) return;
        ASSERT_FALSE(ec) << ec.message();
    }
    FAIL() << "1024 sends to a peer that never reads all succeeded";
}

TEST(Cancel, WakesABlockedSend) {
    for (const portsock::timeout limit : {untimed, timed}) {
        auto pair = make_tcp_pair();
        fill_send_buffers(pair.client);
        const std::error_code ec = cancel_while_blocked(pair.client, [&] {
            const std::vector<char> chunk(64 * 1024 * 1024, 'y');  // more than any buffer takes
            std::error_code e;
            pair.client.send_all(chunk.data(), chunk.size(), e, limit);
            return e;
        });
        EXPECT_EQ(ec, std::errc::operation_canceled)
            << ec.message() << (limit.is_infinite() ? " (untimed)" : " (timed)");
        expect_calls_cancelled(pair.client);
    }
}

TEST(Cancel, WakesOneThreadSendingWhileAnotherReceives) {
    auto pair = make_tcp_pair();
    fill_send_buffers(pair.client);
    auto receiving = std::async(std::launch::async, [&] {
        char buffer[16];
        std::error_code e;
        (void)pair.client.receive(buffer, sizeof buffer, e);
        return e;
    });
    const std::error_code ec = cancel_while_blocked(pair.client, [&] {
        const std::vector<char> chunk(64 * 1024 * 1024, 'y');
        std::error_code e;
        pair.client.send_all(chunk.data(), chunk.size(), e, timed);
        return e;
    });
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
    ASSERT_EQ(receiving.wait_for(patience), std::future_status::ready) << "the receiver was not woken";
    EXPECT_EQ(receiving.get(), std::errc::operation_canceled);
}

/// A listener that drops connection attempts: its backlog of 1 is full and it never
/// accepts, so the OS drops further SYNs (Linux; others may refuse: then the test skips).
struct black_hole {
    tcp_listener listener{any_port_v4(), portsock::listen_options{/*backlog=*/1}};
    std::vector<tcp_stream> queued;

    /// True once a connect to it times out.
    bool fill() {
        for (int attempt = 0; attempt < 64; ++attempt) {
            std::error_code ec;
            tcp_stream client = tcp_stream::connect(where(listener), ec, 200ms);
            if (ec) return ec == std::errc::timed_out;
            queued.push_back(std::move(client));
        }
        return false;
    }
};

TEST(Cancel, WakesABlockedConnect) {
    black_hole hole;
    if (!hole.fill()) GTEST_SKIP() << "this OS does not drop connection attempts to a full backlog";
    for (const portsock::timeout limit : {untimed, timed}) {
        tcp_stream stream = tcp_stream::start_connect(where(hole.listener));
        const std::error_code ec = cancel_while_blocked(stream, [&] {
            std::error_code e;
            stream.finish_connect(e, limit);
            return e;
        });
        EXPECT_EQ(ec, std::errc::operation_canceled)
            << ec.message() << (limit.is_infinite() ? " (untimed)" : " (timed)");
        std::error_code again;
        stream.finish_connect(again, 0ms);
        EXPECT_EQ(again, std::errc::operation_canceled);
    }
}

TEST(Cancel, AWaitingPollerSeesTheCancelledStream) {
    auto pair = make_tcp_pair();
    portsock::poller poller;
    poller.add(pair.client, portsock::poll_events::readable, 7);
    auto cancelling = std::async(std::launch::async, [&] {
        std::this_thread::sleep_for(200ms);
        pair.client.cancel();
    });
    portsock::poll_event events[4];
    const stopwatch clock;
    const std::size_t n = poller.wait(events, 4, patience);
    cancelling.get();
    ASSERT_EQ(n, 1u) << "the poller did not report the cancelled socket";
    EXPECT_EQ(events[0].token, 7u);
    EXPECT_LT(clock.elapsed(), patience);
    poller.remove(pair.client);
    char byte = 0;
    std::error_code ec;
    EXPECT_EQ(pair.client.receive(&byte, 1, ec), 0u);
    EXPECT_EQ(ec, std::errc::operation_canceled);
}

TEST(Cancel, IsHarmlessOnEmptyAndAlreadyCancelledSockets) {
    tcp_stream empty;
    std::error_code ec = make_error_code(std::errc::io_error);
    empty.cancel(ec);
    EXPECT_FALSE(ec) << "cancelling an empty socket does nothing";
    empty.cancel();

    auto pair = make_tcp_pair();
    pair.client.cancel(ec);
    EXPECT_FALSE(ec) << ec.message();
    pair.client.cancel(ec);
    EXPECT_FALSE(ec) << "cancelling twice does nothing";
    pair.client.cancel();
    expect_calls_cancelled(pair.client);
}

TEST(Cancel, DataAlreadyReceivedIsNotLost) {
    auto pair = make_tcp_pair();
    pair.server.send_all("hello", patience);
    char buffer[5];
    pair.client.receive_exact(buffer, sizeof buffer, patience);  // arrived before cancel()
    EXPECT_EQ(std::string(buffer, 5), "hello");
    pair.client.cancel();
    expect_calls_cancelled(pair.client);
}

TEST(Cancel, MovesWithTheSocketAndEndsWithClose) {
    auto pair = make_tcp_pair();
    pair.client.cancel();
    tcp_stream moved = std::move(pair.client);
    std::error_code ec;
    char byte = 0;
    moved.receive(&byte, 1, ec, 1s);
    EXPECT_EQ(ec, std::errc::operation_canceled) << "the cancellation moves with the handle";
    moved.close();

    // A socket reused after close() starts afresh.
    tcp_listener listener(any_port_v4());
    moved = tcp_stream::connect(where(listener), patience);
    auto accepted = listener.accept(patience);
    moved.send_all("ok", patience);
    EXPECT_EQ(accepted.stream.receive(2, patience), "ok");
}

TEST(Cancel, UdpReceiveFromIsWoken) {
    portsock::udp_socket socket(any_port_v4());
    const std::error_code ec = cancel_while_blocked(socket, [&] {
        char buffer[16];
        std::error_code e;
        (void)socket.receive_from(buffer, sizeof buffer, e, timed);
        return e;
    });
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
}

}  // namespace
