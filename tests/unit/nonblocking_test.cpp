// Non-blocking mode on every socket type, the non-blocking connect (start_connect /
// finish_connect), and UDP batches (send_batch / receive_batch). Loopback only.
#include "local_support.hpp"
#include "test_support.hpp"

#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace {

using portsock_test::any_port_v4;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using portsock_test::stopwatch;
using portsock_test::where;
using namespace std::chrono_literals;

// --- operation_would_block on every socket type ---------------------------------------

TEST(NonBlocking, StreamReceiveWouldBlockAtOnceIgnoringTheTimeout) {
    auto pair = make_tcp_pair();
    pair.server.set_non_blocking(true);
    EXPECT_TRUE(pair.server.is_non_blocking());
    char buffer[16];
    std::error_code ec;
    stopwatch clock;
    EXPECT_EQ(pair.server.receive(buffer, sizeof buffer, ec, 5s), 0u);
    EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message();
    EXPECT_LT(clock.elapsed(), 2s);
    pair.client.send_all("ok");
    stopwatch arrival;
    std::size_t n = 0;
    do {
        n = pair.server.receive(buffer, sizeof buffer, ec);
    } while (ec == std::errc::operation_would_block && arrival.elapsed() < patience);
    EXPECT_FALSE(ec);
    EXPECT_EQ(std::string(buffer, n), "ok");
}

TEST(NonBlocking, StreamSendWouldBlockWhenTheBuffersAreFull) {
    auto pair = make_tcp_pair();
    pair.client.set_non_blocking(true);
    std::vector<char> chunk(64 * 1024, 'x');
    std::error_code ec;
    std::size_t total = 0;
    for (int i = 0; i < 100000 && !ec; ++i) total += pair.client.send(chunk.data(), chunk.size(), ec);
    EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message();
    EXPECT_GT(total, 0u);
    // send_all stops at would-block too, reporting what it sent.
    pair.client.send_all(chunk.data(), chunk.size(), ec);
    EXPECT_EQ(ec, std::errc::operation_would_block);
}

TEST(NonBlocking, ListenerAcceptWouldBlockWithNoClient) {
    portsock::tcp_listener listener(any_port_v4());
    listener.set_non_blocking(true);
    std::error_code ec;
    EXPECT_FALSE(listener.accept(ec, 5s).stream.is_open());
    EXPECT_EQ(ec, std::errc::operation_would_block);
    EXPECT_EQ(portsock_test::catch_system_error([&] { (void)listener.accept(); }).code,
              std::errc::operation_would_block);
}

TEST(NonBlocking, AcceptedStreamsAreBlocking) {
    portsock::tcp_listener listener(any_port_v4());
    listener.set_non_blocking(true);
    auto client = portsock::tcp_stream::connect(where(listener), patience);
    std::error_code ec;
    portsock::accepted_connection accepted;
    stopwatch clock;
    do {
        accepted = listener.accept(ec);
    } while (ec == std::errc::operation_would_block && clock.elapsed() < patience);
    ASSERT_FALSE(ec);
    EXPECT_FALSE(accepted.stream.is_non_blocking());
    char byte = 0;
    accepted.stream.receive(&byte, 1, ec, 50ms);  // a blocking stream honours its timeout
    EXPECT_EQ(ec, std::errc::timed_out);
}

// accept_non_blocking(): the stream is created non-blocking, whatever the listener's mode.
void expect_non_blocking_stream(portsock::tcp_stream& stream, portsock::tcp_stream& peer) {
    EXPECT_TRUE(stream.is_non_blocking());
    char byte = 0;
    std::error_code ec;
    stopwatch clock;
    EXPECT_EQ(stream.receive(&byte, 1, ec), 0u);  // untimed: a blocking stream would wait here
    EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message();
    EXPECT_LT(clock.elapsed(), 2s);
    peer.send_all("!");
    stopwatch arrival;
    std::size_t n = 0;
    do {
        n = stream.receive(&byte, 1, ec);
    } while (ec == std::errc::operation_would_block && arrival.elapsed() < patience);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(n, 1u);
    EXPECT_EQ(byte, '!');
}

TEST(NonBlocking, AcceptNonBlockingFromABlockingListener) {
    portsock::tcp_listener listener(any_port_v4());
    auto client = portsock::tcp_stream::connect(where(listener), patience);
    auto [stream, peer] = listener.accept_non_blocking(patience);
    ASSERT_TRUE(stream.is_open());
    EXPECT_EQ(peer, client.local_endpoint());
    EXPECT_FALSE(listener.is_non_blocking());
    expect_non_blocking_stream(stream, client);
}

TEST(NonBlocking, AcceptNonBlockingFromANonBlockingListener) {
    portsock::tcp_listener listener(any_port_v4());
    listener.set_non_blocking(true);
    std::error_code ec;
    EXPECT_FALSE(listener.accept_non_blocking(ec, 5s).stream.is_open());  // no client yet
    EXPECT_EQ(ec, std::errc::operation_would_block);
    EXPECT_EQ(portsock_test::catch_system_error([&] { (void)listener.accept_non_blocking(); }).code,
              std::errc::operation_would_block);
    auto client = portsock::tcp_stream::connect(where(listener), patience);
    portsock::accepted_connection accepted;
    stopwatch clock;
    do {
        accepted = listener.accept_non_blocking(ec);
    } while (ec == std::errc::operation_would_block && clock.elapsed() < patience);
    ASSERT_FALSE(ec) << ec.message();
    expect_non_blocking_stream(accepted.stream, client);
}

TEST(NonBlocking, AcceptNonBlockingErrors) {
    portsock::tcp_listener closed;
    std::error_code ec;
    EXPECT_FALSE(closed.accept_non_blocking(ec).stream.is_open());
    EXPECT_EQ(ec, portsock::errc::not_open);
    portsock::tcp_listener listener(any_port_v4());
    stopwatch clock;
    EXPECT_FALSE(listener.accept_non_blocking(ec, 50ms).stream.is_open());
    EXPECT_EQ(ec, std::errc::timed_out);
    EXPECT_LT(clock.elapsed(), patience);
    EXPECT_EQ(portsock_test::catch_system_error([&] { (void)listener.accept_non_blocking(50ms); }).code,
              std::errc::timed_out);
}

TEST(NonBlocking, LocalAcceptNonBlocking) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    portsock_test::temp_dir dir;
    const portsock::local_address at = dir.file("nb.sock");
    portsock::local_listener listener(at);
    auto client = portsock::local_stream::connect(at, patience);
    auto [stream, peer] = listener.accept_non_blocking(patience);
    ASSERT_TRUE(stream.is_open());
    EXPECT_TRUE(stream.is_non_blocking());
    char byte = 0;
    std::error_code ec;
    EXPECT_EQ(stream.receive(&byte, 1, ec), 0u);
    EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message();
    // The blocking accept still gives a blocking stream.
    auto second = portsock::local_stream::connect(at, patience);
    EXPECT_FALSE(listener.accept(patience).stream.is_non_blocking());
    EXPECT_FALSE(listener.accept_non_blocking(ec, 50ms).stream.is_open());
    EXPECT_EQ(ec, std::errc::timed_out);
}

TEST(NonBlocking, UdpReceiveWouldBlock) {
    portsock::udp_socket socket(any_port_v4());
    socket.set_non_blocking(true);
    char buffer[16];
    std::error_code ec;
    socket.receive_from(buffer, sizeof buffer, ec, 5s);
    EXPECT_EQ(ec, std::errc::operation_would_block);
    socket.receive(buffer, sizeof buffer, ec);
    EXPECT_EQ(ec, std::errc::operation_would_block);
}

TEST(NonBlocking, CanBeSwitchedBackOff) {
    auto pair = make_tcp_pair();
    pair.server.set_non_blocking(true);
    pair.server.set_non_blocking(false);
    EXPECT_FALSE(pair.server.is_non_blocking());
    char byte = 0;
    std::error_code ec;
    pair.server.receive(&byte, 1, ec, 50ms);
    EXPECT_EQ(ec, std::errc::timed_out);
}

TEST(NonBlocking, EmptySocketIsNotOpen) {
    portsock::tcp_stream empty;
    std::error_code ec;
    empty.set_non_blocking(true, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
}

// --- non-blocking connect ----------------------------------------------------------------

TEST(StartConnect, FinishesWithAWait) {
    portsock::tcp_listener listener(any_port_v4());
    auto stream = portsock::tcp_stream::start_connect(where(listener));
    ASSERT_TRUE(stream.is_open());
    EXPECT_TRUE(stream.is_non_blocking());
    stream.finish_connect(patience);
    EXPECT_EQ(stream.remote_endpoint(), where(listener));
    auto [server, peer] = listener.accept(patience);
    EXPECT_EQ(peer, stream.local_endpoint());
    stream.set_non_blocking(false);
    stream.send_all("hello");
    char buffer[5];
    server.receive_exact(buffer, sizeof buffer, patience);
    EXPECT_EQ(std::string(buffer, 5), "hello");
}

TEST(StartConnect, StreamIsNonBlockingFromItsCreation) {
    portsock::tcp_listener listener(any_port_v4());
    auto stream = portsock::tcp_stream::start_connect(where(listener));
    stream.finish_connect(patience);
    auto accepted = listener.accept(patience);
    EXPECT_FALSE(accepted.stream.is_non_blocking());
    expect_non_blocking_stream(stream, accepted.stream);
}

TEST(StartConnect, ManyAtOnce) {
    portsock::tcp_listener listener(any_port_v4(), {/*backlog=*/256});
    std::vector<portsock::tcp_stream> streams;
    for (int i = 0; i < 100; ++i) streams.push_back(portsock::tcp_stream::start_connect(where(listener)));
    for (auto& s : streams) {
        std::error_code ec;
        s.finish_connect(ec, patience);
        EXPECT_FALSE(ec) << ec.message();
    }
}

TEST(StartConnect, ReportsRefusal) {
    std::error_code ec;
    auto stream = portsock::tcp_stream::start_connect(portsock_test::closed_port(), ec);
    if (!ec) stream.finish_connect(ec, patience);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
}

TEST(StartConnect, ThrowingFormsReportRefusal) {
    const auto gone = portsock_test::closed_port();
    const auto thrown = portsock_test::catch_system_error([&] {
        auto stream = portsock::tcp_stream::start_connect(gone);
        stream.finish_connect(patience);
    });
    EXPECT_EQ(thrown.code, std::errc::connection_refused);
}

TEST(StartConnect, FinishOnAnEmptyStreamIsNotOpen) {
    portsock::tcp_stream empty;
    std::error_code ec;
    empty.finish_connect(ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
}

TEST(StartConnect, FinishOnAConnectedStreamSucceeds) {
    auto pair = make_tcp_pair();
    std::error_code ec;
    pair.client.finish_connect(ec, 0ms);
    EXPECT_FALSE(ec) << ec.message();
}

// --- UDP batches -------------------------------------------------------------------------

/// Receives until `count` datagrams arrived or patience runs out.
std::vector<std::string> receive_all(portsock::udp_socket& socket, std::size_t count) {
    std::vector<std::string> got;
    std::array<std::array<char, 64>, 16> buffers{};
    std::array<portsock::incoming_datagram, 16> slots{};
    stopwatch clock;
    while (got.size() < count && clock.elapsed() < patience) {
        for (std::size_t i = 0; i < slots.size(); ++i) slots[i] = {buffers[i].data(), buffers[i].size()};
        std::error_code ec;
        const std::size_t n = socket.receive_batch(slots.data(), slots.size(), ec, 1s);
        if (ec == std::errc::timed_out) continue;
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_GE(n, 1u);
        for (std::size_t i = 0; i < n; ++i)
            got.emplace_back(static_cast<char*>(slots[i].data), slots[i].size);
    }
    return got;
}

TEST(UdpBatch, SendsAndReceivesManyDatagrams) {
    constexpr std::size_t count = 200;  // more than one internal chunk of 64
    portsock::udp_socket receiver(any_port_v4());
    portsock::udp_socket sender(any_port_v4());
    std::vector<std::string> texts;
    for (std::size_t i = 0; i < count; ++i) texts.push_back("datagram " + std::to_string(i));
    std::vector<portsock::outgoing_datagram> batch;
    for (const auto& t : texts) batch.push_back({t.data(), t.size(), where(receiver)});
    std::size_t sent = 0;
    stopwatch clock;
    while (sent < count && clock.elapsed() < patience)
        sent += sender.send_batch(batch.data() + sent, count - sent, patience);
    ASSERT_EQ(sent, count);
    std::vector<std::string> got = receive_all(receiver, count);
    EXPECT_EQ(got, texts);  // loopback keeps order and loses nothing at this rate
}

TEST(UdpBatch, ReportsTheSenderAndTruncation) {
    portsock::udp_socket receiver(any_port_v4());
    portsock::udp_socket sender(any_port_v4());
    sender.send_to("0123456789", where(receiver));
    sender.send_to("ab", where(receiver));
    std::array<char, 4> small{};
    std::array<char, 64> big{};
    std::array<portsock::incoming_datagram, 2> slots{
        {{small.data(), small.size()}, {big.data(), big.size()}}};
    std::size_t n = receiver.receive_batch(slots.data(), 1, patience);
    ASSERT_EQ(n, 1u);
    EXPECT_TRUE(slots[0].truncated);
    EXPECT_EQ(std::string(small.data(), slots[0].size), "0123");
    EXPECT_EQ(slots[0].sender, where(sender));
    n = receiver.receive_batch(slots.data() + 1, 1, patience);
    ASSERT_EQ(n, 1u);
    EXPECT_FALSE(slots[1].truncated);
    EXPECT_EQ(std::string(big.data(), slots[1].size), "ab");
}

TEST(UdpBatch, ReceiveWaitsOnlyForTheFirst) {
    portsock::udp_socket receiver(any_port_v4());
    portsock::udp_socket sender(any_port_v4());
    sender.send_to("one", where(receiver));
    std::array<std::array<char, 16>, 8> buffers{};
    std::array<portsock::incoming_datagram, 8> slots{};
    for (std::size_t i = 0; i < slots.size(); ++i) slots[i] = {buffers[i].data(), buffers[i].size()};
    stopwatch clock;
    EXPECT_EQ(receiver.receive_batch(slots.data(), slots.size()), 1u);  // blocking, no timeout
    EXPECT_LT(clock.elapsed(), patience);
}

TEST(UdpBatch, ReceiveTimesOutAndWouldBlock) {
    portsock::udp_socket receiver(any_port_v4());
    std::array<char, 16> buffer{};
    portsock::incoming_datagram slot{buffer.data(), buffer.size()};
    std::error_code ec;
    stopwatch clock;
    EXPECT_EQ(receiver.receive_batch(&slot, 1, ec, 100ms), 0u);
    EXPECT_EQ(ec, std::errc::timed_out);
    portsock_test::expect_waited(clock.elapsed(), 100ms);
    receiver.set_non_blocking(true);
    receiver.receive_batch(&slot, 1, ec);
    EXPECT_EQ(ec, std::errc::operation_would_block);
    EXPECT_EQ(portsock_test::catch_system_error([&] { receiver.receive_batch(&slot, 1); }).code,
              std::errc::operation_would_block);
}

TEST(UdpBatch, EmptyBatchesAndEmptySockets) {
    portsock::udp_socket socket(any_port_v4());
    std::error_code ec;
    EXPECT_EQ(socket.send_batch(nullptr, 0, ec), 0u);
    EXPECT_FALSE(ec);
    portsock::udp_socket empty;
    portsock::outgoing_datagram one{"x", 1, where(socket)};
    empty.send_batch(&one, 1, ec);
    EXPECT_EQ(ec, portsock::errc::not_open);
}

TEST(UdpBatch, FirstFailureIsReported) {
    auto v6 = portsock::udp_socket::open(portsock::address_family::ipv4);
    portsock::outgoing_datagram bad{"x", 1, {portsock::ip_address::loopback_v6(), 9}};  // wrong family
    std::error_code ec;
    EXPECT_EQ(v6.send_batch(&bad, 1, ec), 0u);
    EXPECT_TRUE(ec);
}

}  // namespace
