// portsock::async::stream_reader over async TCP and local streams: lines, records, exact
// reads and peeks, their limits, end of stream inside and between records, timeouts over a
// whole call, and both error forms. (Over TLS: async_tls_test.cpp.)
#include "local_support.hpp"
#include "temp_dir.hpp"
#include "test_support.hpp"

#include <portsock/async.hpp>
#include <portsock/async/reader.hpp>
#include <portsock/capabilities.hpp>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <type_traits>

namespace {

using namespace std::chrono_literals;
namespace async = portsock::async;
using portsock_test::any_port_v4;
using portsock_test::expect_waited;
using portsock_test::patience;
using portsock_test::stopwatch;

// Sends `text` in pieces of `piece` bytes, 5 ms apart (records split across receives),
// then ends the stream; or keeps it open for `hold` first.
template <class Stream>
async::task<void> send_in_pieces(Stream& stream, std::string text, std::size_t piece,
                                 std::chrono::milliseconds hold = 0ms) {
    for (std::size_t at = 0; at < text.size(); at += piece) {
        co_await stream.send_all(std::string_view(text).substr(at, piece), patience);
        co_await async::sleep_for(5ms);
    }
    if (hold > 0ms) co_await async::sleep_for(hold);
    stream.shutdown(portsock::shutdown_type::send);
}

// The reader's whole repertoire over `client`, while `server` sends.
template <class Stream>
async::task<void> read_everything(Stream& server, Stream& client) {
    async::task_group group;
    group.spawn(send_in_pieces(server, "first line\r\nsecond\nKEY:value;;0123456789tail-no-newline", 3));
    async::stream_reader<Stream> reader(client, 32);
    std::string line;
    EXPECT_EQ(co_await reader.read_line(line, patience), 12u);
    EXPECT_EQ(line, "first line");
    line.clear();
    co_await reader.read_line(line, patience);
    EXPECT_EQ(line, "second");
    std::string record;
    EXPECT_EQ(co_await reader.read_until(record, ";;", patience), 11u);
    EXPECT_EQ(record, "KEY:value;;");
    const std::string_view peeked = co_await reader.peek(4, patience);
    EXPECT_GE(peeked.size(), 4u);
    EXPECT_EQ(peeked.substr(0, 4), std::string_view("0123"));
    std::array<char, 10> digits{};
    EXPECT_EQ(co_await reader.read_exact(digits.data(), digits.size(), patience), 10u);
    EXPECT_EQ(std::string(digits.data(), digits.size()), "0123456789");
    // The stream ends inside a line: end_of_stream, not a short line.
    std::error_code ec;
    line.clear();
    EXPECT_EQ(co_await reader.read_line(line, ec, patience), 0u);
    EXPECT_EQ(ec, portsock::errc::end_of_stream);
    reader.consume(reader.buffered().size());
    // At a boundary, the end is no error.
    EXPECT_EQ(co_await reader.read_line(line, ec, patience), 0u);
    EXPECT_FALSE(ec) << ec.message();
    co_await group.join();
}

async::task<void> over_tcp() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto accepted = co_await listener.accept(patience);
    co_await read_everything(accepted.stream, client);
}

TEST(AsyncReader, LinesRecordsExactAndPeekOverTcp) {
    async::event_loop loop;
    loop.run(over_tcp());
}

async::task<void> over_local(portsock::local_address at) {
    async::local_listener listener{portsock::local_listener(at)};
    auto client = co_await async::local_stream::connect(at, patience);
    auto accepted = co_await listener.accept(patience);
    co_await read_everything(accepted.stream, client);
}

TEST(AsyncReader, LinesRecordsExactAndPeekOverLocalStreams) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    portsock_test::temp_dir dir;
    async::event_loop loop;
    loop.run(over_local(portsock::local_address(dir.file("reader.sock"))));
}

// --- a reader that owns its stream ------------------------------------------------------------

async::task<void> owning_reader() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    // Class template argument deduction picks the owning form for an rvalue: the stream
    // fresh from connect() lives in the reader, and writes go to stream().
    async::stream_reader client(
        co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience));
    static_assert(std::is_same_v<decltype(client), async::stream_reader<async::tcp_stream>>);
    auto accepted = co_await listener.accept(patience);
    async::stream_reader at_server(accepted.stream);  // an lvalue: the referring form
    co_await client.stream().send_all("ping\n", patience);
    EXPECT_EQ(co_await at_server.read_line(patience), "ping");
    co_await accepted.stream.send_all("pong\nmore\n", patience);
    EXPECT_EQ(co_await client.read_line(patience), "pong");
    // Moved, the reader takes the stream (still on the loop) and the buffered bytes along.
    async::stream_reader<async::tcp_stream> moved = std::move(client);
    std::error_code ec;
    co_await client.read_line(ec, patience);  // NOLINT(bugprone-use-after-move): the point of the test
    EXPECT_EQ(ec, portsock::errc::not_open);
    // Its stream() is an empty stream, not a null: sending on it is not_open too.
    EXPECT_FALSE(client.stream().is_open());  // NOLINT(bugprone-use-after-move)
    co_await client.stream().send_all("lost\n", ec, patience);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_EQ(co_await moved.read_line(patience), "more");
    co_await moved.stream().send_all("after the move\n", patience);
    EXPECT_EQ(co_await at_server.read_line(patience), "after the move");
    // A wait on the moved stream is woken by the loop at its new place.
    async::task_group group;
    group.spawn(send_in_pieces(accepted.stream, "late\n", 5, 0ms));
    EXPECT_EQ(co_await moved.read_line(patience), "late");
    co_await group.join();
    // Destroying the owning reader closes its stream: the peer sees the end, not a timeout.
    { auto gone = std::move(moved); }
    std::string rest;
    EXPECT_EQ(co_await at_server.read_line(rest, ec, patience), 0u);
    EXPECT_FALSE(ec) << ec.message();
}

TEST(AsyncReader, OwnsAStreamGivenAsAnRvalueAndClosesItWhenDestroyed) {
    async::event_loop loop;
    loop.run(owning_reader());
}

// --- limits and errors ----------------------------------------------------------------------

async::task<void> limits() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto accepted = co_await listener.accept(patience);
    async::task_group group;
    group.spawn(send_in_pieces(accepted.stream, std::string(40, 'x') + "\n", 40, 400ms));
    async::stream_reader<async::tcp_stream> reader(client, 16);
    std::string line;
    std::error_code ec;
    // Longer than the buffer without a newline: message_too_long, never a growing buffer.
    EXPECT_EQ(co_await reader.read_line(line, ec, patience), 0u);
    EXPECT_EQ(ec, portsock::errc::message_too_long);
    EXPECT_EQ(ec, std::errc::message_size);
    co_await reader.peek(17, ec, patience);
    EXPECT_EQ(ec, portsock::errc::message_too_long);
    co_await reader.read_until(line, "", ec, patience);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    reader.consume(16);
    // The rest (24 bytes and a newline) has come; then nothing for 400 ms: the timeout bounds
    // the whole call, and the throwing form throws it.
    std::array<char, 25> tail{};
    EXPECT_EQ(co_await reader.read_exact(tail.data(), tail.size(), patience), 25u);
    const stopwatch clock;
    EXPECT_EQ(co_await reader.read_line(line, ec, 150ms), 0u);
    EXPECT_EQ(ec, std::errc::timed_out);
    expect_waited(clock.elapsed(), 150ms);
    bool threw = false;
    try {
        co_await reader.read_until(line, "\n", 50ms);
    } catch (const std::system_error& failure) {
        threw = true;
        EXPECT_EQ(failure.code(), std::errc::timed_out);
    }
    EXPECT_TRUE(threw);
    co_await group.join();
    EXPECT_EQ(co_await reader.read_exact(tail.data(), 8, ec, patience),
              0u);  // the stream ended at a boundary
    EXPECT_FALSE(ec);
}

TEST(AsyncReader, LimitsTimeoutsAndBothErrorForms) {
    async::event_loop loop;
    loop.run(limits());
}

async::task<void> cut_exact_read() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto accepted = co_await listener.accept(patience);
    async::task_group group;
    group.spawn(send_in_pieces(accepted.stream, "abc", 3));
    async::stream_reader<async::tcp_stream> reader(client);
    std::array<char, 8> bytes{};
    std::error_code ec;
    EXPECT_EQ(co_await reader.read_exact(bytes.data(), bytes.size(), ec, patience), 3u);
    EXPECT_EQ(ec, portsock::errc::end_of_stream);
    co_await group.join();
}

TEST(AsyncReader, AnExactReadCutShortIsEndOfStream) {
    async::event_loop loop;
    loop.run(cut_exact_read());
}

// The forms that return what they read: a whole line or exactly `size` bytes, or
// end_of_stream (also at a boundary, where the std::string& forms return 0 without error).
async::task<void> returning_forms() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto accepted = co_await listener.accept(patience);
    async::task_group group;
    group.spawn(send_in_pieces(accepted.stream, "$7\r\nvalue-1\r\n\nlast\nabcdefxyz", 4, 300ms));
    async::stream_reader<async::tcp_stream> reader(client, 16);
    EXPECT_EQ(co_await reader.read_line(patience), "$7");
    EXPECT_EQ(co_await reader.read_exact(9, patience), "value-1\r\n");
    EXPECT_EQ(co_await reader.read_line(patience), "") << "an empty line is a line, not the end";
    std::error_code ec;
    EXPECT_EQ(co_await reader.read_line(ec, patience), "last");
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(co_await reader.read_exact(0, ec, patience), "");
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(co_await reader.read_exact(6, ec, patience), "abcdef");
    // The sender holds the stream open 300 ms: a shorter limit ends the call, not the stream.
    const stopwatch clock;
    EXPECT_EQ(co_await reader.read_line(ec, 50ms), "");
    EXPECT_EQ(ec, std::errc::timed_out);
    expect_waited(clock.elapsed(), 50ms);
    // Then the stream ends three bytes into an exact read of eight: those three and end_of_stream.
    EXPECT_EQ(co_await reader.read_exact(8, ec, patience), "xyz");
    EXPECT_EQ(ec, portsock::errc::end_of_stream);
    // At the end, both forms report end_of_stream: the throwing ones as std::system_error.
    EXPECT_EQ(co_await reader.read_line(ec, patience), "");
    EXPECT_EQ(ec, portsock::errc::end_of_stream);
    EXPECT_EQ(co_await reader.read_exact(1, ec, patience), "");
    EXPECT_EQ(ec, portsock::errc::end_of_stream);
    bool threw = false;
    try {
        (void)co_await reader.read_line(patience);
    } catch (const std::system_error& error) {
        threw = error.code() == portsock::errc::end_of_stream;
    }
    EXPECT_TRUE(threw) << "read_line(timeout) at the end of the stream throws end_of_stream";
    threw = false;
    try {
        (void)co_await reader.read_exact(4, patience);
    } catch (const std::system_error& error) {
        threw = error.code() == portsock::errc::end_of_stream;
    }
    EXPECT_TRUE(threw) << "read_exact(size, timeout) at the end of the stream throws end_of_stream";
    co_await group.join();
}

TEST(AsyncReader, ReturningFormsReadALineOrExactBytesOrReportTheEnd) {
    async::event_loop loop;
    loop.run(returning_forms());
}

// A size no std::string can hold (one read from a hostile peer, say) is an error in the
// error_code form, not a std::length_error thrown through it; nothing is consumed.
async::task<void> impossible_exact_size() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto accepted = co_await listener.accept(patience);
    co_await accepted.stream.send_all("abc\n", patience);
    async::stream_reader<async::tcp_stream> reader(client, 16);
    (void)co_await reader.peek(4, patience);
    std::error_code ec;
    EXPECT_EQ(co_await reader.read_exact(std::string().max_size() + 1, ec, patience), "");
    EXPECT_EQ(ec, portsock::errc::message_too_long);
    bool threw = false;
    try {
        (void)co_await reader.read_exact(static_cast<std::size_t>(-1), patience);
    } catch (const std::system_error& error) {
        threw = error.code() == portsock::errc::message_too_long;
    }
    EXPECT_TRUE(threw) << "the throwing form throws std::system_error with message_too_long";
    EXPECT_EQ(co_await reader.read_line(ec, patience), "abc") << "nothing was consumed";
}

TEST(AsyncReader, ReadExactOfASizeNoStringHoldsIsMessageTooLong) {
    async::event_loop loop;
    loop.run(impossible_exact_size());
}

// A size announced by a hostile peer costs memory only as far as the peer really sends:
// read_exact(size) grows its string with the bytes, never by the size at once.
async::task<void> huge_announced_size() {
    constexpr std::size_t announced = std::size_t{1} << 40;  // 1 TiB
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto accepted = co_await listener.accept(patience);
    co_await accepted.stream.send_all("0123456789", patience);
    async::stream_reader<async::tcp_stream> reader(client);
    std::error_code ec;
    EXPECT_EQ(co_await reader.read_exact(announced, ec, 100ms), "0123456789") << "a stalled peer";
    EXPECT_EQ(ec, std::errc::timed_out);
    std::string large(300'000, '\0');  // more than one step: whole and in order
    for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>('a' + i % 26);
    async::task_group group;
    group.spawn([](async::tcp_stream& peer, const std::string& bytes) -> async::task<void> {
        co_await peer.send_all(bytes, patience);
        peer.shutdown(portsock::shutdown_type::send);
    }(accepted.stream, large));
    EXPECT_TRUE(co_await reader.read_exact(large.size(), ec, patience) == large);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(co_await reader.read_exact(announced, ec, patience), "") << "then the end";
    EXPECT_EQ(ec, portsock::errc::end_of_stream);
    co_await group.join();
}

TEST(AsyncReader, ReadExactOfAHugeAnnouncedSizeHoldsOnlyWhatArrives) {
    async::event_loop loop;
    loop.run(huge_announced_size());
}

}  // namespace
