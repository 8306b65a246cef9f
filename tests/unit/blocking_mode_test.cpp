// A timed call leaves no trace: after a timed accept, receive or send on a blocking socket,
// its OS handle is blocking again, as is_non_blocking() says, also when two threads use
// one socket with timeouts at once (one sends while one receives). The handle's real mode
// is observed through the platform layer: a receive on an idle connection whose peer ends
// it later waits (blocking) or fails at once with would-block (non-blocking).
//
// This suite links the SDK and reads the platform contract (platform.hpp), like the SDK
// does; it uses no OS header, so it runs unchanged on every port.
#include "platform.hpp"
#include "test_support.hpp"

#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace {

using portsock::tcp_listener;
using portsock::tcp_stream;
using portsock_test::any_port_v4;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using portsock_test::stopwatch;
using portsock_test::where;
using namespace std::chrono_literals;
namespace pf = portsock::platform;

/// True if `stream`'s OS handle is in blocking mode. The peer ends the connection after a
/// pause; a blocking receive waits for that (end of stream), a non-blocking one fails at once.
bool handle_blocks(tcp_stream& stream, tcp_stream& peer) {
    auto ender = std::async(std::launch::async, [&] {
        std::this_thread::sleep_for(300ms);
        peer.shutdown(portsock::shutdown_type::send);
    });
    char byte = 0;
    std::error_code ec;
    const std::size_t n = pf::receive(stream.native_handle(), &byte, 1, ec);
    ender.get();
    if (ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again)
        return false;
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(n, 0u) << "expected the end of stream";
    return true;
}

TEST(BlockingMode, ATimedReceiveThatTimesOutLeavesTheHandleBlocking) {
    auto pair = make_tcp_pair();
    char byte = 0;
    std::error_code ec;
    pair.client.receive(&byte, 1, ec, 50ms);
    ASSERT_EQ(ec, std::errc::timed_out);
    EXPECT_FALSE(pair.client.is_non_blocking());
    EXPECT_TRUE(handle_blocks(pair.client, pair.server));
}

TEST(BlockingMode, ATimedReceiveThatSucceedsLeavesTheHandleBlocking) {
    auto pair = make_tcp_pair();
    pair.server.send_all("x", patience);
    EXPECT_EQ(pair.client.receive(1, patience), "x");
    EXPECT_TRUE(handle_blocks(pair.client, pair.server));
}

TEST(BlockingMode, ATimedSendLeavesTheHandleBlocking) {
    auto pair = make_tcp_pair();
    pair.server.send_all("x", patience);  // the server's handle is observed, so it sends
    EXPECT_TRUE(handle_blocks(pair.server, pair.client));
}

TEST(BlockingMode, ATimedAcceptLeavesBothHandlesBlocking) {
    tcp_listener listener(any_port_v4());
    std::error_code ec;
    (void)listener.accept(ec, 20ms);
    ASSERT_EQ(ec, std::errc::timed_out);
    tcp_stream client = tcp_stream::connect(where(listener), patience);
    auto accepted = listener.accept(patience);
    EXPECT_TRUE(handle_blocks(accepted.stream, client));
    // The listener's own handle: a raw accept on it waits for the next client.
    auto late_client = std::async(std::launch::async, [&] {
        std::this_thread::sleep_for(300ms);
        return tcp_stream::connect(where(listener), patience);
    });
    pf::address peer;
    const pf::handle raw = pf::accept(listener.native_handle(), &peer, ec);
    EXPECT_FALSE(ec) << "the listener's handle was left non-blocking: " << ec.message();
    if (!ec) pf::close(raw, ec);
    late_client.get();
}

TEST(BlockingMode, ATimedSendAndATimedReceiveInTwoThreadsShareTheSwitch) {
    // One thread receives with short timeouts while another sends with short timeouts: each
    // call's mode switch must never leave the other's call blocking (it would overrun its
    // timeout by far) and, once both are done, the handle is blocking again.
    auto pair = make_tcp_pair();
    std::atomic<bool> stop{false};
    auto receiver = std::async(std::launch::async, [&] {
        int overruns = 0;
        char buffer[64];
        for (int i = 0; i < 200 && !stop; ++i) {
            std::error_code ec;
            const stopwatch clock;
            pair.client.receive(buffer, sizeof buffer, ec, 5ms);
            if (clock.elapsed() > 2s) ++overruns;
            EXPECT_TRUE(!ec || ec == std::errc::timed_out) << ec.message();
        }
        return overruns;
    });
    int send_overruns = 0;
    const std::vector<char> chunk(1024, 'z');
    for (int i = 0; i < 200; ++i) {
        std::error_code ec;
        const stopwatch clock;
        pair.client.send(chunk.data(), chunk.size(), ec, 5ms);
        if (clock.elapsed() > 2s) ++send_overruns;
        EXPECT_TRUE(!ec || ec == std::errc::timed_out) << ec.message();
        char sink[4096];
        pair.server.receive(sink, sizeof sink, ec, 0ms);  // keep the window open
    }
    stop = true;
    EXPECT_EQ(receiver.get(), 0) << "a timed receive overran its timeout";
    EXPECT_EQ(send_overruns, 0) << "a timed send overran its timeout";
    EXPECT_FALSE(pair.client.is_non_blocking());
    EXPECT_TRUE(handle_blocks(pair.client, pair.server));
}

TEST(BlockingMode, AnUntimedReceiveWaitsWhileAnotherThreadMakesTimedSends) {
    // The untimed receive may meet the handle non-blocking (a timed send runs): it waits for
    // readiness instead of failing with would-block.
    auto pair = make_tcp_pair();
    auto receiver = std::async(std::launch::async, [&] {
        char buffer[16];
        std::error_code ec;
        const std::size_t n = pair.client.receive(buffer, sizeof buffer, ec);
        return ec ? ec.message() : std::string(buffer, n);
    });
    char byte = 'q';
    for (int i = 0; i < 100; ++i) {
        std::error_code ec;
        pair.client.send(&byte, 1, ec, 5ms);
        EXPECT_FALSE(ec) << ec.message();
    }
    EXPECT_EQ(receiver.wait_for(100ms), std::future_status::timeout)
        << "the receive returned with nothing to receive";
    pair.server.send_all("done", patience);
    ASSERT_EQ(receiver.wait_for(patience), std::future_status::ready);
    EXPECT_EQ(receiver.get(), "done");
    char sink[256];
    std::error_code ec;
    pair.server.receive_exact(sink, 100, ec, patience);
    EXPECT_FALSE(ec);
    EXPECT_TRUE(handle_blocks(pair.client, pair.server));
}

TEST(BlockingMode, UserNonBlockingModeIsKept) {
    auto pair = make_tcp_pair();
    pair.client.set_non_blocking(true);
    char byte = 0;
    std::error_code ec;
    pair.client.receive(&byte, 1, ec, 50ms);
    EXPECT_EQ(ec, std::errc::operation_would_block);
    EXPECT_TRUE(pair.client.is_non_blocking());
    EXPECT_FALSE(handle_blocks(pair.client, pair.server));
}

}  // namespace
