// stream_reader: lines, delimited records, exact sizes and peeking, over real loopback TCP
// streams and over a scripted stream that splits the bytes where the test says. Also the
// limits (a peer that never sends the delimiter), end of stream at and inside a record,
// timeouts that keep the data, moved-from readers, and no allocation per call.
#include "test_support.hpp"

#include <portsock/reader.hpp>
#include <portsock/tcp.hpp>

#include <atomic>
#include <cstdlib>
#include <deque>
#include <new>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

// --- counting allocations on the test's own thread ---------------------------------------
// Replaces the global operator new for this test binary: it counts, per thread, then
// allocates as usual. Only the reading thread's count is checked.
namespace {
thread_local std::size_t allocations_here = 0;
thread_local std::size_t largest_allocation_here = 0;
}  // namespace

// Every unaligned form is replaced, so no allocation made by one allocator (a sanitizer's,
// say) is freed by the other; the aligned forms are left alone, as a pair.
namespace {
void* counted_allocation(std::size_t size) noexcept {
    ++allocations_here;
    if (size > largest_allocation_here) largest_allocation_here = size;
    return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

void* operator new(std::size_t size) {
    if (void* p = counted_allocation(size)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_allocation(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_allocation(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

using portsock::errc;
using portsock::stream_reader;
using portsock::tcp_stream;
using portsock_test::catch_system_error;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using namespace std::chrono_literals;

/// A stream that hands out scripted pieces, one per receive(), then an end of stream (or
/// a scripted error): it shows that the reader needs nothing but receive(), and lets a
/// test split a delimiter exactly where it wants.
class scripted_stream {
public:
    explicit scripted_stream(std::vector<std::string> pieces, std::error_code last = {})
        : pieces_(pieces.begin(), pieces.end()), last_(last) {}

    std::size_t receive(void* data, std::size_t size, std::error_code& ec, portsock::timeout) noexcept {
        ++calls;
        if (pieces_.empty()) {
            ec = last_;
            return 0;
        }
        ec.clear();
        std::string& front = pieces_.front();
        const std::size_t n = size < front.size() ? size : front.size();
        front.copy(static_cast<char*>(data), n);
        front.erase(0, n);
        if (front.empty()) pieces_.pop_front();
        return n;
    }

    int calls = 0;

private:
    std::deque<std::string> pieces_;
    std::error_code last_;
};

// --- lines --------------------------------------------------------------------------

TEST(StreamReader, ReadsLinesEndingInLfOrCrlfThenACleanEnd) {
    auto pair = make_tcp_pair();
    pair.server.send_all("first\r\nsecond\n\r\n\nlast\r\n", patience);
    pair.server.shutdown(portsock::shutdown_type::send);

    stream_reader reader(pair.client);  // deduces stream_reader<tcp_stream>
    std::string line;
    EXPECT_EQ(reader.read_line(line, patience), 7u) << "the count includes CRLF";
    EXPECT_EQ(line, "first");
    line.clear();
    EXPECT_EQ(reader.read_line(line, patience), 7u);
    EXPECT_EQ(line, "second");
    line.clear();
    EXPECT_EQ(reader.read_line(line, patience), 2u) << "an empty CRLF line is not the end";
    EXPECT_EQ(line, "");
    EXPECT_EQ(reader.read_line(line, patience), 1u) << "an empty LF line is not the end";
    EXPECT_EQ(line, "");
    std::error_code ec;
    EXPECT_EQ(reader.read_line(line, ec, patience), 6u);
    EXPECT_FALSE(ec);
    EXPECT_EQ(line, "last");
    ec = errc::invalid_argument;
    EXPECT_EQ(reader.read_line(line, ec, patience), 0u) << "a clean end at a line boundary";
    EXPECT_FALSE(ec) << "the end of the stream between lines is no error";
    EXPECT_EQ(reader.read_line(line, patience), 0u) << "and it stays ended";
    EXPECT_EQ(line, "last");
}

TEST(StreamReader, ExtremeLimitsWaitForTheRecord) {
    // The reader's deadline saturates instead of wrapping into the past (a timeout at once).
    using namespace std::chrono;
    for (const portsock::timeout limit :
         {portsock::timeout(hours::max()), portsock::timeout(steady_clock::time_point::max())}) {
        auto pair = make_tcp_pair();
        std::thread late([&pair] {
            pair.server.send_all("par", patience);
            std::this_thread::sleep_for(50ms);
            pair.server.send_all("t\n", patience);
        });
        stream_reader reader(pair.client);
        std::string line;
        EXPECT_EQ(reader.read_line(line, limit), 5u);
        EXPECT_EQ(line, "part");
        late.join();
    }
}

TEST(StreamReader, AppendsToTheCallersString) {
    scripted_stream stream({"b\n"});
    stream_reader reader(stream);
    std::string line = "a";
    EXPECT_EQ(reader.read_line(line), 2u);
    EXPECT_EQ(line, "ab");
}

TEST(StreamReader, FindsADelimiterSplitAcrossReceives) {
    // "\r\n\r\n" cut after every possible byte, and a lone CR that is not a line end.
    scripted_stream stream({"GET / HTTP/1.1\r", "\nHost: x\r\n\r", "\n", "a\rb\r", "\n\r", "\n", "\r\n\r\n"});
    stream_reader reader(stream);
    std::string head;
    EXPECT_EQ(reader.read_until(head, "\r\n\r\n"), 27u);
    EXPECT_EQ(head, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string line;
    EXPECT_EQ(reader.read_line(line), 5u);
    EXPECT_EQ(line, "a\rb") << "only the CR right before LF is stripped";
    std::string rest;
    EXPECT_EQ(reader.read_until(rest, "\r\n\r\n"), 4u) << "the first match wins";
    EXPECT_EQ(reader.read_until(rest, "\r\n"), 2u);
    EXPECT_EQ(rest, "\r\n\r\n\r\n");
    EXPECT_EQ(reader.read_until(rest, "\r\n"), 0u) << "clean end";
}

TEST(StreamReader, ReadsManyLinesFromOneArrival) {
    scripted_stream stream({"1\n2\n3\n"});
    stream_reader reader(stream);
    std::string line;
    for (const char* want : {"1", "2", "3"}) {
        line.clear();
        ASSERT_EQ(reader.read_line(line), 2u);
        EXPECT_EQ(line, want);
    }
    EXPECT_EQ(stream.calls, 1) << "buffered lines need no more receives";
}

// --- limits -------------------------------------------------------------------------

TEST(StreamReader, ALineLongerThanTheLimitIsAnErrorNotAGrowingBuffer) {
    scripted_stream stream({std::string(16, 'x'), std::string(16, 'y'), "\n"});
    stream_reader reader(stream, 20);
    EXPECT_EQ(reader.max_size(), 20u);
    std::string line;
    std::error_code ec;
    EXPECT_EQ(reader.read_line(line, ec), 0u);
    EXPECT_EQ(ec, errc::message_too_long);
    EXPECT_EQ(ec, std::errc::message_size);
    EXPECT_EQ(line, "") << "nothing is handed over";
    EXPECT_EQ(reader.buffered().size(), 20u) << "nothing is consumed, nothing beyond the limit is kept";
    const auto thrown = catch_system_error([&] { reader.read_line(line); });
    EXPECT_EQ(thrown.code, errc::message_too_long);
    EXPECT_NE(thrown.what.find("read_line"), std::string::npos) << thrown.what;
    // Issue 20, item 11: the message states the limit and the way past the line.
    EXPECT_NE(thrown.what.find("max_size() of 20 bytes"), std::string::npos) << thrown.what;
    EXPECT_NE(thrown.what.find("skip_until(\"\\n\")"), std::string::npos) << thrown.what;
    const auto until = catch_system_error([&] { reader.read_until(line, "END"); });
    EXPECT_NE(until.what.find("no delimiter within the reader's max_size() of 20 bytes"), std::string::npos)
        << until.what;
}

TEST(StreamReader, SkipUntilDropsAnOverLongLineAndTheNextOneReads) {
    scripted_stream stream(
        {std::string(16, 'x'), std::string(16, 'y'), "\nnext\n", "ab", "CD", "E", "rest\n"});
    stream_reader reader(stream, 20);
    std::string line;
    std::error_code ec;
    EXPECT_EQ(reader.read_line(line, ec), 0u);
    ASSERT_EQ(ec, errc::message_too_long);
    EXPECT_EQ(reader.skip_until("\n", ec), 33u) << "32 bytes and the newline, beyond the 20-byte limit";
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(reader.read_line(line), 5u);
    EXPECT_EQ(line, "next");
    // A delimiter split across receives is still found.
    EXPECT_EQ(reader.skip_until("CDE"), 5u);
    line.clear();
    EXPECT_EQ(reader.read_line(line), 5u);
    EXPECT_EQ(line, "rest");
    // The stream ends before the delimiter: what was dropped is counted, and said.
    EXPECT_EQ(reader.skip_until("\n", ec), 0u);
    EXPECT_FALSE(ec) << "a clean end with nothing buffered";
    EXPECT_EQ(reader.skip_until("", ec), 0u);
    EXPECT_EQ(ec, errc::invalid_argument);
    EXPECT_EQ(reader.skip_until(std::string(21, '\n'), ec), 0u);
    EXPECT_EQ(ec, errc::invalid_argument);
}

TEST(StreamReader, SkipUntilReportsAStreamThatEndsInsideTheRecord) {
    scripted_stream stream({"no newline here"});
    stream_reader reader(stream, 8);
    std::error_code ec;
    EXPECT_EQ(reader.skip_until("\n", ec), 15u);
    EXPECT_EQ(ec, errc::end_of_stream);
    EXPECT_EQ(reader.skip_until("\n"), 0u) << "then a clean end: nothing is left";
}

TEST(StreamReader, ALineOfExactlyTheLimitFits) {
    scripted_stream stream({std::string(9, 'x') + "\n"});
    stream_reader reader(stream, 10);
    std::string line;
    EXPECT_EQ(reader.read_line(line), 10u);
    EXPECT_EQ(line, std::string(9, 'x'));
}

TEST(StreamReader, APeerThatNeverSendsTheDelimiterGetsAnErrorQuickly) {
    auto pair = make_tcp_pair();
    std::atomic<bool> stop{false};
    std::thread flood([&] {  // sends up to 64 MiB without a newline, until told to stop
        const std::string chunk(64 * 1024, 'z');
        std::error_code ec;
        for (int i = 0; i < 1024 && !stop && !ec; ++i) pair.server.send_all(chunk, ec, 100ms);
    });
    stream_reader reader(pair.client, 4096);
    std::string line;
    std::error_code ec;
    EXPECT_EQ(reader.read_line(line, ec, patience), 0u);
    EXPECT_EQ(ec, errc::message_too_long);
    EXPECT_LE(reader.buffered().size(), 4096u);
    std::string until;
    EXPECT_EQ(reader.read_until(until, "END", ec, patience), 0u);
    EXPECT_EQ(ec, errc::message_too_long) << "the same for any delimiter";
    stop = true;
    pair.client.close();
    flood.join();
}

TEST(StreamReader, RejectsAnEmptyOrOversizedDelimiter) {
    scripted_stream stream({"abc\n"});
    stream_reader reader(stream, 4);
    std::string out;
    std::error_code ec;
    EXPECT_EQ(reader.read_until(out, "", ec), 0u);
    EXPECT_EQ(ec, errc::invalid_argument);
    EXPECT_EQ(reader.read_until(out, "12345", ec), 0u);
    EXPECT_EQ(ec, errc::invalid_argument);
    EXPECT_EQ(stream.calls, 0) << "rejected before any receive";
    EXPECT_EQ(reader.read_until(out, "\n", ec), 4u);
    EXPECT_FALSE(ec);
}

TEST(StreamReader, AZeroLimitCountsAsOne) {
    scripted_stream stream({"\n"});
    stream_reader reader(stream, 0);
    EXPECT_EQ(reader.max_size(), 1u);
    std::string line;
    EXPECT_EQ(reader.read_line(line), 1u);
}

// --- end of stream and errors -------------------------------------------------------

TEST(StreamReader, AnEndInsideALineIsAnErrorAndKeepsThePartialLine) {
    auto pair = make_tcp_pair();
    pair.server.send_all("whole\npartial", patience);
    pair.server.close();
    stream_reader reader(pair.client);
    std::string line;
    EXPECT_EQ(reader.read_line(line, patience), 6u);
    std::error_code ec;
    line.clear();
    EXPECT_EQ(reader.read_line(line, ec, patience), 0u);
    EXPECT_EQ(ec, errc::end_of_stream) << "distinct from the clean end (0 with no error)";
    EXPECT_EQ(line, "");
    EXPECT_EQ(reader.buffered(), "partial") << "the caller may still take it";
    EXPECT_EQ(catch_system_error([&] { reader.read_until(line, ";", patience); }).code, errc::end_of_stream);
}

TEST(StreamReader, StreamErrorsPassThroughAndConsumeNothing) {
    scripted_stream stream({"no end"}, std::make_error_code(std::errc::connection_reset));
    stream_reader reader(stream);
    std::string line;
    std::error_code ec;
    EXPECT_EQ(reader.read_line(line, ec), 0u);
    EXPECT_EQ(ec, std::errc::connection_reset);
    EXPECT_EQ(reader.buffered(), "no end");
    char byte[1];
    EXPECT_EQ(reader.read_exact(byte, 1, ec), 1u) << "buffered bytes are still there";
    EXPECT_FALSE(ec);
}

TEST(StreamReader, AnEmptyStreamReportsNotOpen) {
    tcp_stream empty;
    stream_reader reader(empty);
    std::string line;
    std::error_code ec;
    EXPECT_EQ(reader.read_line(line, ec), 0u);
    EXPECT_EQ(ec, errc::not_open);
}

TEST(StreamReader, AMovedFromReadersStreamIsAnEmptyStreamNotANull) {
    auto pair = make_tcp_pair();
    stream_reader first(pair.client);
    stream_reader second(std::move(first));
    EXPECT_FALSE(first.stream().is_open());  // NOLINT(bugprone-use-after-move): the point of the test
    std::error_code ec;
    EXPECT_EQ(first.stream().send("x", 1, ec), 0u);
    EXPECT_EQ(ec, errc::not_open);
    second.stream().send_all("still sent", patience);
    EXPECT_EQ(pair.server.receive(64, patience), "still sent");
}

TEST(StreamReader, AMovedFromReaderReportsNotOpenAndTheNewOneKeepsTheBytes) {
    scripted_stream stream({"one\ntwo\n"});
    stream_reader first(stream);
    std::string line;
    ASSERT_EQ(first.read_line(line), 4u);
    stream_reader second(std::move(first));
    std::error_code ec;
    EXPECT_EQ(first.read_line(line, ec), 0u);  // NOLINT(bugprone-use-after-move): the point of the test
    EXPECT_EQ(ec, errc::not_open);
    char byte[1];
    EXPECT_EQ(first.receive(byte, 1, ec), 0u);
    EXPECT_EQ(ec, errc::not_open);
    EXPECT_EQ(first.peek(1, ec), "");
    EXPECT_EQ(ec, errc::not_open);
    EXPECT_EQ(first.read_exact(byte, 1, ec), 0u);
    EXPECT_EQ(ec, errc::not_open);
    EXPECT_EQ(first.max_size(), 0u);
    EXPECT_EQ(first.buffered(), "");
    line.clear();
    EXPECT_EQ(second.read_line(line), 4u);
    EXPECT_EQ(line, "two");
    stream_reader third(stream, 8);
    third = std::move(second);
    EXPECT_EQ(third.max_size(), stream_reader<scripted_stream>::default_max_size);
}

// --- a reader that owns its stream ----------------------------------------------------

TEST(StreamReader, OwnsAStreamGivenAsAnRvalueAndClosesItWhenDestroyed) {
    portsock::tcp_listener listener(portsock_test::any_port_v4());
    // Class template argument deduction picks the owning form for a temporary.
    stream_reader client(tcp_stream::connect(portsock_test::where(listener), patience));
    static_assert(std::is_same_v<decltype(client), stream_reader<tcp_stream>>);
    auto [server, peer] = listener.accept(patience);
    stream_reader at_server(server);  // an lvalue: the referring form, as before
    client.stream().send_all("ping\n");
    std::string line;
    ASSERT_EQ(at_server.read_line(line, patience), 5u);
    EXPECT_EQ(line, "ping");
    server.send_all("pong\nmore\n");
    line.clear();
    ASSERT_EQ(client.read_line(line, patience), 5u);
    EXPECT_EQ(line, "pong");
    // Moved, the reader takes the stream and the buffered bytes along; the source is empty.
    stream_reader<tcp_stream> moved = std::move(client);
    std::error_code ec;
    EXPECT_EQ(client.read_line(line, ec), 0u);  // NOLINT(bugprone-use-after-move): the point of the test
    EXPECT_EQ(ec, errc::not_open);
    line.clear();
    ASSERT_EQ(moved.read_line(line, patience), 5u);
    EXPECT_EQ(line, "more");
    moved.stream().send_all("after the move\n");
    line.clear();
    ASSERT_EQ(at_server.read_line(line, patience), 15u);
    EXPECT_EQ(line, "after the move");
    // Assigning over an owning reader closes the stream it owned: the peer sees the end.
    moved = stream_reader<tcp_stream>(server);
    EXPECT_EQ(at_server.read_line(line, ec, patience), 0u);
    EXPECT_FALSE(ec) << ec.message();
}

TEST(StreamReader, AnOwningReaderClosesItsStreamWhenDestroyed) {
    auto pair = make_tcp_pair();
    { stream_reader owner(std::move(pair.client)); }
    stream_reader at_server(pair.server);
    std::string line;
    std::error_code ec;
    EXPECT_EQ(at_server.read_line(line, ec, patience), 0u);  // a clean end, not a timeout
    EXPECT_FALSE(ec) << ec.message();
}

// --- timeouts and non-blocking mode -------------------------------------------------

TEST(StreamReader, ATimeoutKeepsWhatArrivedAndTheNextCallFinishesTheLine) {
    auto pair = make_tcp_pair();
    pair.server.send_all("half", patience);
    stream_reader reader(pair.client);
    std::string line;
    std::error_code ec;
    const portsock_test::stopwatch clock;
    EXPECT_EQ(reader.read_line(line, ec, 200ms), 0u);
    portsock_test::expect_waited(clock.elapsed(), 200ms);
    EXPECT_EQ(ec, std::errc::timed_out);
    EXPECT_EQ(line, "");
    pair.server.send_all(" and half\n", patience);
    EXPECT_EQ(reader.read_line(line, patience), 14u);
    EXPECT_EQ(line, "half and half");
}

TEST(StreamReader, OneTimeoutBoundsTheWholeCall) {
    // A peer that trickles bytes, never a newline: each receive succeeds, but the call as a
    // whole must still end at its limit.
    auto pair = make_tcp_pair();
    std::atomic<bool> stop{false};
    std::thread trickle([&] {
        std::error_code ec;
        for (int i = 0; i < 200 && !stop && !ec; ++i) {  // at most 4 s
            pair.server.send_all("x", ec, 1s);
            std::this_thread::sleep_for(20ms);
        }
    });
    stream_reader reader(pair.client);
    std::string line;
    std::error_code ec;
    const portsock_test::stopwatch clock;
    reader.read_line(line, ec, 300ms);
    EXPECT_EQ(ec, std::errc::timed_out);
    portsock_test::expect_waited(clock.elapsed(), 300ms);
    stop = true;
    trickle.join();
}

TEST(StreamReader, NonBlockingModeReportsWouldBlockAndKeepsTheData) {
    auto pair = make_tcp_pair();
    pair.client.set_non_blocking(true);
    stream_reader reader(pair.client);
    std::string line;
    std::error_code ec;
    EXPECT_EQ(reader.read_line(line, ec), 0u);
    EXPECT_EQ(ec, std::errc::operation_would_block);
    pair.server.send_all("ready\n", patience);
    for (int i = 0; i < 500; ++i) {  // bounded: at most about 5 s
        if (reader.read_line(line, ec) != 0 || ec != std::errc::operation_would_block) break;
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_FALSE(ec);
    EXPECT_EQ(line, "ready");
}

// --- exact sizes, peek and receive ---------------------------------------------------

TEST(StreamReader, ReadsExactSizesAfterALineAsRespBulkStringsNeed) {
    auto pair = make_tcp_pair();
    std::string body(1 << 20, '\0');
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7 % 251);
    std::thread sender([&] {
        pair.server.send_all("$" + std::to_string(body.size()) + "\r\n", patience);
        pair.server.send_all(body, patience);
        pair.server.send_all("\r\n+OK\r\n", patience);
    });
    stream_reader reader(pair.client, 1024);
    std::string header;
    ASSERT_GT(reader.read_line(header, patience), 0u);
    EXPECT_EQ(header, "$1048576");
    std::string value;
    EXPECT_EQ(reader.read_exact(value, body.size(), patience), body.size()) << "far beyond max_size(): fine";
    EXPECT_TRUE(value == body);
    char crlf[2];
    EXPECT_EQ(reader.read_exact(crlf, 2, patience), 2u);
    std::string status;
    reader.read_line(status, patience);
    EXPECT_EQ(status, "+OK");
    sender.join();
}

// A size announced by a hostile peer (a RESP "$1099511627776", say) costs memory only as
// far as the peer really sends: the string grows with the bytes, never by the size at once.
TEST(StreamReader, ReadExactOfAHugeAnnouncedSizeAllocatesOnlyWhatArrives) {
    constexpr std::size_t announced = std::size_t{1} << 40;  // 1 TiB
    for (const std::size_t sent : {std::size_t{10}, std::size_t{200'000}}) {
        scripted_stream stream({std::string(sent, 'x')});
        stream_reader reader(stream);
        std::string out = "kept:";
        std::error_code ec;
        largest_allocation_here = 0;
        EXPECT_EQ(reader.read_exact(out, announced, ec), sent);
        EXPECT_EQ(ec, errc::end_of_stream);
        EXPECT_EQ(out, "kept:" + std::string(sent, 'x')) << "what arrived, and no filler";
        EXPECT_LT(largest_allocation_here, 4 * sent + (std::size_t{1} << 17)) << sent << " bytes sent";
    }
    auto pair = make_tcp_pair();  // a peer that stalls: the timeout ends it, with what came
    pair.server.send_all("0123456789", patience);
    stream_reader reader(pair.client);
    std::string out;
    std::error_code ec;
    EXPECT_EQ(reader.read_exact(out, announced, ec, 100ms), 10u);
    EXPECT_EQ(ec, std::errc::timed_out);
    EXPECT_EQ(out, "0123456789");
    std::string large(300'000, 'y');  // more than one step: the bytes come out whole and in order
    for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>('a' + i % 26);
    std::thread sender([&] { pair.server.send_all(large, patience); });
    out.clear();
    EXPECT_EQ(reader.read_exact(out, large.size(), ec, patience), large.size());
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(out == large);
    sender.join();
}

TEST(StreamReader, ReadExactTellsACleanEndFromACutOne) {
    scripted_stream stream({"abc"});
    stream_reader reader(stream);
    char data[4];
    std::error_code ec;
    EXPECT_EQ(reader.read_exact(data, 2, ec), 2u);
    EXPECT_FALSE(ec);
    EXPECT_EQ(reader.read_exact(data, 4, ec), 1u) << "the byte that came is reported";
    EXPECT_EQ(ec, errc::end_of_stream);
    EXPECT_EQ(reader.read_exact(data, 4, ec), 0u);
    EXPECT_FALSE(ec) << "at a boundary the end is clean";
    std::string out = "kept";
    scripted_stream cut({"xy"});
    stream_reader cut_reader(cut);
    EXPECT_EQ(cut_reader.read_exact(out, 3, ec), 2u);
    EXPECT_EQ(ec, errc::end_of_stream);
    EXPECT_EQ(out, "keptxy") << "the string keeps what arrived, no filler";
    EXPECT_EQ(stream_reader(cut).read_exact(out, 0), 0u) << "nothing to read: no error, no throw";
}

TEST(StreamReader, PeekWaitsForBytesWithoutConsumingThem) {
    scripted_stream stream({"*", "2\r\n", "rest"});
    stream_reader reader(stream, 8);
    EXPECT_EQ(reader.buffered(), "");
    EXPECT_EQ(reader.peek(1), "*");
    EXPECT_EQ(reader.peek(3), "*2\r\n") << "waits for 3, shows all that is buffered";
    reader.consume(1);
    EXPECT_EQ(reader.buffered(), "2\r\n");
    std::error_code ec;
    EXPECT_EQ(reader.peek(9, ec), "2\r\n");
    EXPECT_EQ(ec, errc::message_too_long) << "cannot wait for more than the buffer holds";
    EXPECT_EQ(reader.peek(8, ec), "2\r\nrest") << "fewer only because the stream ended";
    EXPECT_FALSE(ec);
    reader.consume(100);
    EXPECT_EQ(reader.buffered(), "");
    EXPECT_EQ(reader.peek(1), "") << "empty at the end";
}

TEST(StreamReader, ReceiveGivesBufferedBytesFirstSoReadersStack) {
    scripted_stream stream({"head\nbody", "more\n"});
    stream_reader inner(stream, 16);
    stream_reader outer(inner, 4);  // a reader is a stream too
    std::string line;
    std::error_code ec;
    EXPECT_EQ(outer.read_line(line, ec), 0u);
    EXPECT_EQ(ec, errc::message_too_long) << "\"head\\n\" is five bytes, outer holds four";
    EXPECT_EQ(inner.read_line(line), 1u) << "the inner reader has the rest: \"\\n\"";
    EXPECT_EQ(line, "");
    char data[32];
    EXPECT_EQ(inner.receive(data, sizeof data), 4u) << "then \"body\", from its buffer";
    EXPECT_EQ(std::string(data, 4), "body");
    EXPECT_EQ(inner.receive(data, sizeof data), 5u) << "then straight from the stream";
    EXPECT_EQ(inner.receive(data, sizeof data), 0u) << "end of stream";
    EXPECT_EQ(inner.receive(data, 0), 0u);
}

// --- allocation ---------------------------------------------------------------------

TEST(StreamReader, ReadsAllocateNothingOnceTheStringHasRoom) {
    auto pair = make_tcp_pair();
    std::string lines;
    for (int i = 0; i < 1000; ++i) lines += "line number " + std::to_string(i) + "\r\n";
    std::thread sender([&] { pair.server.send_all(lines, patience); });
    stream_reader reader(pair.client, 256);
    std::string line;
    line.reserve(64);
    std::string exact;
    exact.reserve(64);
    std::size_t count = 0;
    const std::size_t before = allocations_here;
    std::error_code ec;
    for (int i = 0; i < 999; ++i) {
        line.clear();
        if (reader.read_line(line, ec, patience) == 0 || ec) break;
        ++count;
    }
    exact.clear();
    reader.read_exact(exact, 5, ec, patience);  // "line " of the last line
    const std::size_t allocated = allocations_here - before;
    sender.join();
    EXPECT_EQ(count, 999u);
    EXPECT_EQ(line, "line number 998");
    EXPECT_EQ(exact, "line ");
    EXPECT_EQ(allocated, 0u) << "reads into a string with capacity must not allocate";
    // The counter works: growing the string is seen.
    std::string grow;
    const std::size_t seen = allocations_here;
    reader.read_line(grow, patience);
    EXPECT_EQ(grow, "number 999");
    grow.append(100, 'x');
    EXPECT_GT(allocations_here, seen);
}

}  // namespace
