// portsock::async streams and listeners: every awaitable operation, its errors, and the
// traps of a poller loop (hang-up while sending, backpressure, reset, descriptor exhaustion,
// a frame destroyed or a socket closed while an operation waits).
#include "local_support.hpp"
#include "temp_dir.hpp"
#include "test_support.hpp"

#include <portsock/async.hpp>
#include <portsock/capabilities.hpp>
#include <portsock/udp.hpp>

#include "async/helper_pool.hpp"  // internal: the loop's helper threads

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <numeric>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace async = portsock::async;
using portsock_test::any_port_v4;
using portsock_test::overrun;
using portsock_test::patience;
using portsock_test::stopwatch;

/// CPU time of the whole process, to tell a wait from a spin.
std::chrono::milliseconds cpu_time() {
    return std::chrono::milliseconds(
        static_cast<long long>(1000.0 * static_cast<double>(std::clock()) / CLOCKS_PER_SEC));
}

/// std::clock() is the process's CPU time on POSIX, but wall time in Windows' C runtime:
/// a spin check needs the former.
bool clock_is_cpu_time() {
    const std::clock_t before = std::clock();
    std::this_thread::sleep_for(50ms);
    return std::chrono::milliseconds(static_cast<long long>(
               1000.0 * static_cast<double>(std::clock() - before) / CLOCKS_PER_SEC)) < 25ms;
}

std::string pattern(std::size_t size) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + i % 23);
    return bytes;
}

// --- an echo conversation ----------------------------------------------------------------

async::task<void> echo_once(async::tcp_listener& listener) {
    auto [stream, peer] = co_await listener.accept(patience);
    EXPECT_TRUE(peer.address().is_loopback());
    std::array<char, 64> buffer{};
    const std::size_t n = co_await stream.receive(buffer.data(), buffer.size(), patience);
    co_await stream.send_all(buffer.data(), n, patience);
}

async::task<std::string> ask(portsock::endpoint server, std::string question) {
    auto client = co_await async::tcp_stream::connect(server, patience);
    co_await client.send_all(question, patience);
    std::string answer(question.size(), '\0');
    co_await client.receive_exact(answer.data(), answer.size(), patience);
    co_return answer;
}

async::task<std::string> echo_conversation() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    const portsock::endpoint server = listener.socket().local_endpoint();
    async::task_group group;
    group.spawn(echo_once(listener));
    std::string answer = co_await ask(server, "hello, async");
    co_await group.join();
    co_return answer;
}

TEST(AsyncTcp, AcceptConnectSendReceiveEcho) {
    async::event_loop loop;
    EXPECT_EQ(loop.run(echo_conversation()), "hello, async");
}

// Accepted and connected streams are non-blocking from their creation: an untimed receive
// on the socket underneath reports would-block instead of waiting.
async::task<void> both_ends_non_blocking() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    EXPECT_TRUE(listener.socket().is_non_blocking());
    async::tcp_stream client =
        co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto [server, peer] = co_await listener.accept(patience);
    EXPECT_EQ(peer, client.socket().local_endpoint());
    for (async::tcp_stream* end : {&client, &server}) {
        EXPECT_TRUE(end->socket().is_non_blocking());
        char byte = 0;
        std::error_code ec;
        stopwatch clock;
        EXPECT_EQ(end->socket().receive(&byte, 1, ec), 0u);
        EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message();
        EXPECT_LT(clock.elapsed(), 2s);
    }
    co_await client.send_all("!", patience);
    char byte = 0;
    EXPECT_EQ(co_await server.receive(&byte, 1, patience), 1u);
    EXPECT_EQ(byte, '!');
}

TEST(AsyncTcp, AcceptedAndConnectedStreamsAreNonBlocking) {
    async::event_loop loop;
    loop.run(both_ends_non_blocking());
}

async::task<std::string> ask_by_name(std::uint16_t port) {
    auto client = co_await async::connect("localhost", port, patience);
    co_await client.send_all("by name", patience);
    std::string answer(7, '\0');
    co_await client.receive_exact(answer.data(), answer.size(), patience);
    co_return answer;
}

async::task<std::string> echo_by_name() {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    async::task_group group;
    group.spawn(echo_once(listener));
    std::string answer = co_await ask_by_name(listener.socket().local_endpoint().port());
    co_await group.join();
    co_return answer;
}

TEST(AsyncTcp, ConnectByNameRacesAddressesWithoutBlockingTheLoop) {
    async::event_loop loop;
    EXPECT_EQ(loop.run(echo_by_name()), "by name");
}

async::task<std::size_t> resolve_localhost(std::error_code& bad) {
    auto found = co_await async::resolve("localhost", "80");
    (void)co_await async::resolve("", "80", bad);
    co_return found.size();
}

TEST(AsyncTcp, ResolveOnAHelperThread) {
    async::event_loop loop;
    std::error_code bad;
    EXPECT_GE(loop.run(resolve_localhost(bad)), 1u);
    EXPECT_TRUE(bad) << "an empty host is an error";
}

// A resolution awaited again resolves again: it gives the addresses again, not the empty
// list that the first await's result left behind once taken.
async::task<void> resolve_awaited_again() {
    auto numeric = async::resolve("127.0.0.1", "80");
    const std::vector<portsock::endpoint> first = co_await numeric;
    const std::vector<portsock::endpoint> second = co_await numeric;
    EXPECT_EQ(first.size(), 1u);
    EXPECT_EQ(second, first);
}

TEST(AsyncTcp, AResolutionAwaitedAgainResolvesAgain) { async::run(resolve_awaited_again()); }

async::task<std::size_t> resolve_numeric_twice() {
    std::error_code ec;
    const auto first =
        co_await async::resolve("127.0.0.1", "80", ec, portsock::address_family::unspecified, patience);
    EXPECT_FALSE(ec) << ec.message();
    const auto second =
        co_await async::resolve("::1", "80", ec, portsock::address_family::unspecified, patience);
    co_return first.size() + (ec ? 0 : second.size());
}

// Each resolve runs on a helper thread that the loop joins; a helper that never ran once
// hung a loop forever in about one run in a thousand (detached threads, under the
// emulator). Many short loops in a row, each bounded by `patience`, look for that again.
TEST(AsyncTcp, EveryResolveHelperRunsAcrossManyLoops) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int rounds = 0;
    for (; rounds < 200 && std::chrono::steady_clock::now() < give_up; ++rounds) {
        async::event_loop loop;
        ASSERT_GE(loop.run(resolve_numeric_twice()), 1u) << "round " << rounds;
    }
    EXPECT_GE(rounds, 20) << "too few rounds ran in the time allowed";
}

// A burst of blocking work (a thousand connects by name) starts at most four helper threads;
// the rest waits in a queue and runs as helpers come free, every piece of it.
TEST(AsyncHelperPool, AtMostFourRunAtOnceAndTheRestWaitsItsTurn) {
    std::mutex mutex;
    std::condition_variable changed;
    int running = 0, peak = 0, done = 0;
    bool release = false;
    auto blocking_work = [&] {
        std::unique_lock lock(mutex);
        peak = std::max(peak, ++running);
        changed.notify_all();
        changed.wait_for(lock, patience, [&] { return release; });
        --running;
        ++done;
        changed.notify_all();
    };
    {
        async::detail::helper_pool pool;
        for (int i = 0; i < 10; ++i) pool.start(blocking_work);
        std::unique_lock lock(mutex);
        EXPECT_TRUE(changed.wait_for(lock, patience, [&] { return running == 4; }));
        EXPECT_FALSE(changed.wait_for(lock, 50ms, [&] { return running > 4; })) << "a fifth helper started";
        release = true;
        changed.notify_all();
        EXPECT_TRUE(changed.wait_for(lock, patience, [&] { return done == 10; })) << done << " of 10 ran";
    }  // joins the helpers
    EXPECT_EQ(peak, 4);
    EXPECT_EQ(done, 10);
}

async::task<int> abandon_a_resolve() {
    // The sleep wins: the resolve is cancelled while its helper may still be running.
    auto first = co_await async::when_any(
        []() -> async::task<int> {
            (void)co_await async::resolve("localhost", "80");
            co_return 1;
        }(),
        []() -> async::task<int> { co_return 2; }());
    co_return first.value;
}

TEST(AsyncTcp, ALoopOutlivesTheHelperOfACancelledResolve) {
    for (int round = 0; round < 20; ++round) {
        async::event_loop loop;
        EXPECT_EQ(loop.run(abandon_a_resolve()), 2);
    }  // ~event_loop joins the helper, which posts to the loop after the task is gone
}

async::task<std::error_code> connect_refused(portsock::endpoint gone, bool& threw) {
    std::error_code ec;
    auto stream = co_await async::tcp_stream::connect(gone, ec, patience);
    EXPECT_FALSE(stream.is_open());
    try {
        (void)co_await async::tcp_stream::connect(gone, patience);
    } catch (const std::system_error& error) {
        threw = error.code() == ec;
    }
    co_return ec;
}

TEST(AsyncTcp, ConnectRefusedInBothForms) {
    async::event_loop loop;
    bool threw = false;
    const std::error_code ec = loop.run(connect_refused(portsock_test::closed_port(), threw));
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    EXPECT_TRUE(threw);
}

async::task<std::error_code> connect_by_name_refused(std::uint16_t port) {
    std::error_code ec;
    (void)co_await async::connect("localhost", port, ec, patience);
    co_return ec;
}

TEST(AsyncTcp, ConnectByNameReportsTheLastError) {
    async::event_loop loop;
    const std::error_code ec = loop.run(connect_by_name_refused(portsock_test::closed_port().port()));
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
}

// --- timeouts and both error forms -------------------------------------------------------

async::task<void> receive_times_out(std::error_code& ec, bool& threw) {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto [server, peer] = co_await listener.accept(patience);
    char byte = 0;
    const stopwatch clock;
    const std::size_t n = co_await server.receive(&byte, 1, ec, 50ms);
    EXPECT_EQ(n, 0u);
    EXPECT_GE(clock.elapsed(), 50ms);
    try {
        (void)co_await server.receive(&byte, 1, 20ms);
    } catch (const std::system_error& error) {
        threw = error.code() == std::errc::timed_out;
    }
    // The stream stays usable after a timeout.
    co_await client.send_all("x", patience);
    EXPECT_EQ(co_await server.receive(&byte, 1, patience), 1u);
    EXPECT_EQ(byte, 'x');
    std::error_code zero;
    (void)co_await server.receive(&byte, 1, zero, 0ms);
    EXPECT_EQ(zero, std::errc::timed_out) << "a zero timeout does not wait";
}

TEST(AsyncTcp, ReceiveTimesOutInBothFormsAndTheStreamStaysUsable) {
    async::event_loop loop;
    std::error_code ec;
    bool threw = false;
    loop.run(receive_times_out(ec, threw));
    EXPECT_EQ(ec, std::errc::timed_out);
    EXPECT_TRUE(threw);
    // Every port's text: some C libraries' strerror() has none for ETIMEDOUT ("Unknown error").
    EXPECT_EQ(ec.message(), portsock::make_socket_error(std::errc::timed_out).message());
    EXPECT_EQ(ec.message().find("nknown"), std::string::npos) << ec.message();
}

async::task<void> accept_times_out(std::error_code& ec) {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto accepted = co_await listener.accept(ec, 30ms);
    EXPECT_FALSE(accepted.stream.is_open());
}

TEST(AsyncTcp, AcceptTimesOut) {
    async::event_loop loop;
    std::error_code ec;
    loop.run(accept_times_out(ec));
    EXPECT_EQ(ec, std::errc::timed_out);
}

// --- receive_exact, gather, send_file ----------------------------------------------------

struct connected {
    async::tcp_listener listener;
    async::tcp_stream client;
    async::tcp_stream server;
};

async::task<connected> connect_pair() {
    connected pair;
    pair.listener = async::tcp_listener{portsock::tcp_listener(any_port_v4())};
    pair.client = co_await async::tcp_stream::connect(pair.listener.socket().local_endpoint(), patience);
    pair.server = std::move((co_await pair.listener.accept(patience)).stream);
    co_return pair;
}

async::task<void> exact_and_end_of_stream(std::error_code& ec, std::size_t& got) {
    connected pair = co_await connect_pair();
    co_await pair.client.send_all("0123456789", patience);
    pair.client.shutdown(portsock::shutdown_type::send);
    std::array<char, 4> four{};
    co_await pair.server.receive_exact(four.data(), four.size(), patience);
    EXPECT_EQ(std::string(four.data(), 4), "0123");
    std::array<char, 10> more{};
    got = co_await pair.server.receive_exact(more.data(), more.size(), ec, patience);
}

TEST(AsyncTcp, ReceiveExactReportsEndOfStreamWithTheCount) {
    async::event_loop loop;
    std::error_code ec;
    std::size_t got = 0;
    loop.run(exact_and_end_of_stream(ec, got));
    EXPECT_EQ(ec, portsock::errc::end_of_stream);
    EXPECT_EQ(got, 6u);
}

// An awaitable awaited again is a new operation (as a sleep waits again): the operations
// that count their progress (send_all(), its gather form, receive_exact(), send_file())
// start from nothing again, instead of reporting the first await's count with no byte moved.
async::task<void> operations_awaited_again() {
    connected pair = co_await connect_pair();
    const portsock_test::temp_dir dir;
    const std::string file = dir.file("three.txt");
    std::ofstream(file, std::ios::binary) << "fil";
    const portsock::const_buffer parts[] = {"ga", "", "t"};
    auto send_abc = pair.client.send_all("abc", 3, patience);
    auto send_parts = pair.client.send_all(parts, 3, patience);
    auto send_fil = pair.client.send_file(std::string_view(file), 0, 3, patience);
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(co_await send_abc, 3u) << i;
        EXPECT_EQ(co_await send_parts, 3u) << i;
        EXPECT_EQ(co_await send_fil, 3u) << i;
    }
    pair.client.shutdown(portsock::shutdown_type::send);
    std::array<char, 9> nine{};
    auto receive_nine = pair.server.receive_exact(nine.data(), nine.size(), patience);
    std::string received;
    for (int i = 0; i < 2; ++i) {
        nine.fill('-');  // what the first await received is not read twice
        EXPECT_EQ(co_await receive_nine, nine.size()) << i;
        received.append(nine.data(), nine.size());
    }
    EXPECT_EQ(received, "abcgatfilabcgatfil") << "every await sent and received its bytes";
    std::error_code ec;
    EXPECT_EQ(co_await pair.server.receive(nine.data(), nine.size(), ec, patience), 0u) << "nothing more";
    EXPECT_FALSE(ec) << ec.message();
}

TEST(AsyncTcp, AnOperationAwaitedAgainSendsAndReceivesAgain) { async::run(operations_awaited_again()); }

template <class Stream>
async::task<void> drain(Stream& stream, std::string& into, std::size_t expected) {
    std::vector<char> buffer(64 * 1024);
    while (into.size() < expected) {
        const std::size_t n = co_await stream.receive(buffer.data(), buffer.size(), patience);
        if (n == 0) break;
        into.append(buffer.data(), n);
    }
}

async::task<std::string> gather_large() {
    connected pair = co_await connect_pair();
    const std::string big = pattern(3 * 1024 * 1024);
    const portsock::const_buffer parts[] = {"head:", big, ":tail"};
    std::string received;
    async::task_group group;
    group.spawn(drain(pair.server, received, big.size() + 10));
    const std::size_t sent = co_await pair.client.send_all(parts, 3, patience);
    co_await group.join();
    EXPECT_EQ(sent, big.size() + 10);
    EXPECT_EQ(received.substr(0, 5), "head:");
    EXPECT_EQ(received.substr(received.size() - 5), ":tail");
    co_return received.substr(5, big.size()) == big ? "intact" : "corrupt";
}

TEST(AsyncTcp, GatherSendAllOfMegabytesWhileThePeerReads) {
    async::event_loop loop;
    EXPECT_EQ(loop.run(gather_large()), "intact");
}

async::task<std::string> file_over_stream(std::filesystem::path path, std::size_t size) {
    connected pair = co_await connect_pair();
    std::string received;
    async::task_group group;
    group.spawn(drain(pair.server, received, size - 100));
    const std::uint64_t sent =
        co_await pair.client.send_file(path, 100, portsock::tcp_stream::to_end_of_file, patience);
    co_await group.join();
    EXPECT_EQ(sent, size - 100);
    co_return received;
}

TEST(AsyncTcp, SendFileFromAnOffsetWhileThePeerReads) {
    portsock_test::temp_dir dir;
    const auto path = std::filesystem::path(dir.file("payload.bin"));
    const std::string content = pattern(2 * 1024 * 1024 + 7);
    std::ofstream(path, std::ios::binary) << content;
    async::event_loop loop;
    EXPECT_TRUE(loop.run(file_over_stream(path, content.size())) == content.substr(100));
}

// send_file() takes text as well as a path, in both forms, with the blocking call's errors.
async::task<std::string> file_by_text(std::string path, std::size_t size) {
    connected pair = co_await connect_pair();
    std::string received;
    async::task_group group;
    group.spawn(drain(pair.server, received, size));
    std::error_code ec;
    EXPECT_EQ(co_await pair.client.send_file(path, 0, 10, ec, patience), 10u);  // a std::string
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(co_await pair.client.send_file(std::string_view(path), 10), size - 10);
    EXPECT_EQ(co_await pair.client.send_file("portsock_no_such_literal.bin", 0, 1, ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory) << ec.message();
    EXPECT_EQ(co_await pair.client.send_file(path + std::string(1, '\0'), 0, 1, ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "a NUL in the name: " << ec.message();
    std::error_code thrown;
    try {
        co_await pair.client.send_file(std::string());
    } catch (const std::system_error& error) {
        thrown = error.code();
    }
    EXPECT_EQ(thrown, std::errc::no_such_file_or_directory) << "an empty name, thrown when awaited";
    co_await group.join();
    co_return received;
}

TEST(AsyncTcp, SendFileTakesTextWithTheBlockingCallsErrors) {
    portsock_test::temp_dir dir;
    const auto path = std::filesystem::path(dir.file("text.bin"));
    const std::string content = pattern(100000);
    std::ofstream(path, std::ios::binary) << content;
    async::event_loop loop;
    EXPECT_TRUE(loop.run(file_by_text(path.string(), content.size())) == content);
}

// --- backpressure ------------------------------------------------------------------------

async::task<void> backpressure(std::size_t& sent_before_timeout, std::error_code& ec, std::size_t& total) {
    connected pair = co_await connect_pair();
    const std::string big = pattern(32 * 1024 * 1024);
    sent_before_timeout = co_await pair.client.send_all(big.data(), big.size(), ec, 100ms);
    // Now a reader: the rest goes through.
    std::string received;
    async::task_group group;
    group.spawn(drain(pair.server, received, big.size()));
    total = sent_before_timeout;
    total += co_await pair.client.send_all(big.data() + sent_before_timeout, big.size() - sent_before_timeout,
                                           patience);
    co_await group.join();
    EXPECT_TRUE(received == big) << "bytes lost or reordered";
}

TEST(AsyncTcp, SendAllSuspendsWhileThePeerDoesNotRead) {
    async::event_loop loop;
    std::size_t before = 0, total = 0;
    std::error_code ec;
    loop.run(backpressure(before, ec, total));
    EXPECT_EQ(ec, std::errc::timed_out) << "32 MiB fit in the socket buffers?";
    EXPECT_GT(before, 0u);
    EXPECT_LT(before, 32u * 1024 * 1024);
    EXPECT_EQ(total, 32u * 1024 * 1024);
}

// --- many operations that complete at once -----------------------------------------------

async::task<std::size_t> hundred_thousand_one_byte_receives() {
    connected pair = co_await connect_pair();
    const std::string data = pattern(100'000);
    async::task_group group;
    std::size_t count = 0;
    std::string received;
    co_await pair.client.send_all(data, patience);
    char byte = 0;
    while (received.size() < data.size()) {
        const std::size_t n = co_await pair.server.receive(&byte, 1, patience);
        if (n == 0) break;
        received.push_back(byte);
        ++count;
    }
    EXPECT_TRUE(received == data);
    co_await group.join();
    co_return count;
}

TEST(AsyncTcp, ThousandsOfOperationsThatCompleteAtOnceDoNotOverflowTheStack) {
    async::event_loop loop;
    EXPECT_EQ(loop.run(hundred_thousand_one_byte_receives()), 100'000u);
}

// A task whose operations always complete at once (its peer has data ready, or takes all
// it sends) must not hold the loop: after a share of such operations, it waits a turn, and
// the other tasks (other clients) run.
async::task<void> raise_flag(bool& flag) {
    flag = true;
    co_return;
}

async::task<std::size_t> receives_before_another_task_runs() {
    connected pair = co_await connect_pair();
    const std::string data = pattern(20'000);
    co_await pair.client.send_all(data, patience);
    bool other_ran = false;
    async::task_group group;
    group.spawn(raise_flag(other_ran));  // starts at the loop's next turn
    std::size_t receives = 0;
    char byte = 0;
    while (!other_ran && receives < data.size()) {
        if (co_await pair.server.receive(&byte, 1, patience) == 0) break;
        ++receives;
    }
    co_await group.join();
    co_return receives;
}

TEST(AsyncTcp, ATaskWhoseOperationsCompleteAtOnceLetsTheOtherTasksRun) {
    async::event_loop loop;
    EXPECT_LT(loop.run(receives_before_another_task_runs()), 1000u)
        << "the other task ran only once the receiving task had taken all the data";
}

// Operations with a zero timeout end at once, and count as completing at once: a task that
// polls (`sleep_for(0ms)` to let others run, as asyncio's `sleep(0)`, or a receive that only
// looks) waits a turn after its share, and the task it waits for runs.
async::task<std::size_t> zero_timeouts_before_another_task_runs(bool receive) {
    connected pair = co_await connect_pair();
    bool other_ran = false;
    async::task_group group;
    group.spawn(raise_flag(other_ran));  // starts at the loop's next turn
    std::size_t polls = 0;
    char byte = 0;
    while (!other_ran && polls < 100'000) {
        std::error_code ec;
        if (receive)
            co_await pair.server.receive(&byte, 1, ec, 0ms);  // nothing ever comes: timed_out
        else
            co_await async::sleep_for(0ms, ec);
        ++polls;
    }
    co_await group.join();
    co_return polls;
}

TEST(AsyncTcp, ATaskThatPollsWithZeroTimeoutsLetsTheOtherTasksRun) {
    async::event_loop loop;
    EXPECT_LT(loop.run(zero_timeouts_before_another_task_runs(false)), 1000u)
        << "sleep_for(0ms) held the loop";
    EXPECT_LT(loop.run(zero_timeouts_before_another_task_runs(true)), 1000u)
        << "receive() with a zero timeout held the loop";
}

// --- reset, hang-up, close, destruction --------------------------------------------------

async::task<void> reset_one_of_two(std::error_code& reset_side, std::string& other_side) {
    connected one = co_await connect_pair();
    connected two = co_await connect_pair();
    co_await one.server.send_all("unread", patience);  // unread data: a close then resets
    one.client.socket().set_linger(std::chrono::seconds(0));
    one.client.close();
    std::array<char, 16> buffer{};
    std::size_t n = co_await one.server.receive(buffer.data(), buffer.size(), reset_side, patience);
    if (!reset_side && n == 0) {  // Wine reports a reset as end of stream; its next send fails
        (void)co_await one.server.send_all("more", reset_side, patience);
    }
    co_await two.client.send_all("still here", patience);
    n = co_await two.server.receive(buffer.data(), buffer.size(), patience);
    other_side.assign(buffer.data(), n);
}

TEST(AsyncTcp, ResetEndsOnlyThatStreamsOperation) {
    async::event_loop loop;
    std::error_code reset_side;
    std::string other_side;
    loop.run(reset_one_of_two(reset_side, other_side));
    EXPECT_TRUE(reset_side == std::errc::connection_reset || reset_side == std::errc::broken_pipe)
        << reset_side.message();
    EXPECT_EQ(other_side, "still here");
}

async::task<void> read_later(async::tcp_stream& stream, std::string& into, std::size_t expected) {
    co_await async::sleep_for(300ms);
    co_await drain(stream, into, expected);
}

async::task<void> hang_up_while_sending(std::string& received, std::size_t& sent,
                                        std::chrono::milliseconds& cpu) {
    connected pair = co_await connect_pair();
    const std::string big = pattern(16 * 1024 * 1024);
    pair.client.shutdown(portsock::shutdown_type::send);  // the peer's FIN: hang-up, reported on every wait
    async::task_group group;
    group.spawn(read_later(pair.client, received, big.size()));
    const auto cpu_before = cpu_time();
    sent = co_await pair.server.send_all(big.data(), big.size(), patience);
    cpu = cpu_time() - cpu_before;
    co_await group.join();
    EXPECT_TRUE(received == big) << "bytes lost";
}

TEST(AsyncTcp, PeerHangUpWhileSendWaitsNeitherSpinsNorLosesBytes) {
    async::event_loop loop;
    std::string received;
    std::size_t sent = 0;
    std::chrono::milliseconds cpu{0};
    const stopwatch clock;
    loop.run(hang_up_while_sending(received, sent, cpu));
    EXPECT_EQ(sent, 16u * 1024 * 1024);
    EXPECT_EQ(received.size(), sent);
    // 300 ms of waiting for the reader: a spinning loop would burn all of it.
    if (clock_is_cpu_time()) {
        EXPECT_LT(cpu.count(), clock.elapsed().count() * 3 / 4) << "CPU " << cpu.count() << " ms";
    }
}

async::task<void> receive_until_closed(async::tcp_stream& stream, std::error_code& ec) {
    char byte = 0;
    (void)co_await stream.receive(&byte, 1, ec, patience);
}

async::task<void> close_while_waiting(std::error_code& ec) {
    connected pair = co_await connect_pair();
    async::task_group group;
    group.spawn(receive_until_closed(pair.server, ec));
    co_await async::sleep_for(10ms);
    pair.server.close();
    co_await group.join();
}

TEST(AsyncTcp, ClosingAStreamEndsItsWaitingOperationWithOperationCanceled) {
    async::event_loop loop;
    std::error_code ec;
    const stopwatch clock;
    loop.run(close_while_waiting(ec));
    EXPECT_EQ(ec, std::errc::operation_canceled);
    EXPECT_EQ(ec.message().find("nknown"), std::string::npos) << ec.message();
    EXPECT_LT(clock.elapsed(), overrun);
}

async::task<void> two_receives_at_once(std::error_code& second) {
    connected pair = co_await connect_pair();
    std::error_code first;
    async::task_group group;
    group.spawn(receive_until_closed(pair.server, first));
    co_await async::yield{};
    co_await async::yield{};
    char byte = 0;
    (void)co_await pair.server.receive(&byte, 1, second, patience);
    group.cancel();
    co_await group.join();
    EXPECT_EQ(first, std::errc::operation_canceled);
}

TEST(AsyncTcp, SecondReceiveOnOneStreamIsBusy) {
    async::event_loop loop;
    std::error_code second;
    loop.run(two_receives_at_once(second));
    EXPECT_EQ(second, std::errc::device_or_resource_busy);
}

async::task<void> suspended_forever(async::tcp_stream& stream) {
    char byte = 0;
    (void)co_await stream.receive(&byte, 1);
}

async::task<void> stop_while_suspended(async::event_loop& loop, portsock::tcp_stream& peer_out) {
    connected pair = co_await connect_pair();
    async::task_group group;
    group.spawn(suspended_forever(pair.server));
    co_await async::yield{};
    peer_out = std::move(pair.client.socket());  // outlives the run, to send afterwards
    loop.stop();
    co_await group.join();
}

async::task<void> idle(std::chrono::milliseconds d) { co_await async::sleep_for(d); }

TEST(AsyncTcp, TaskDestroyedWhileSuspendedLeavesNoRegistrationBehind) {
    async::event_loop loop;
    portsock::tcp_stream peer;
    EXPECT_THROW(loop.run(stop_while_suspended(loop, peer)), std::system_error);
    // The destroyed frame's socket is closed; whatever the peer does now, the loop must not
    // resume it (ASan would see a use after free).
    std::error_code ec;
    peer.set_non_blocking(false);
    (void)peer.send_all("late", ec);
    loop.run(idle(30ms));
    SUCCEED();
}

// Sockets declared before their loop outlive it: the loop unbinds them as it goes, so they
// close normally afterwards (ASan would see a write into the destroyed loop), and an
// operation on one fails with not_open instead of waiting on a loop that is gone.
async::task<void> bind_to_loop(async::tcp_listener& listener, async::tcp_stream& stream) {
    listener = async::tcp_listener{portsock::tcp_listener(any_port_v4())};
    stream = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
}

async::task<void> receive_on(async::tcp_stream& stream, std::error_code& ec) {
    char byte = 0;
    (void)co_await stream.receive(&byte, 1, ec, patience);
}

TEST(AsyncTcp, SocketsThatOutliveTheirLoopAreUnboundNotLeftPointingAtIt) {
    async::tcp_listener listener;
    async::tcp_stream stream;
    {
        async::event_loop loop;
        loop.run(bind_to_loop(listener, stream));
    }
    EXPECT_EQ(stream.watch().loop(), nullptr);
    EXPECT_TRUE(stream.is_open()) << "the socket itself is still there, to be closed";
    async::event_loop other;
    std::error_code ec;
    other.run(receive_on(stream, ec));
    EXPECT_EQ(ec, portsock::errc::not_open);
    stream.close();
    listener.close();
}

// --- running out of descriptors ----------------------------------------------------------

async::task<void> accept_when_descriptors_return(async::tcp_listener& listener,
                                                 std::vector<portsock::udp_socket>& filler,
                                                 std::chrono::milliseconds& cpu, bool& accepted) {
    async::task_group group;
    const auto cpu_before = cpu_time();
    auto connection = co_await listener.accept(patience);
    cpu = cpu_time() - cpu_before;
    accepted = connection.stream.is_open();
    (void)filler;
    co_await group.join();
}

async::task<void> free_descriptors_later(std::vector<portsock::udp_socket>& filler) {
    co_await async::sleep_for(300ms);
    filler.clear();
}

async::task<void> exhaustion(std::vector<portsock::udp_socket>& filler, portsock::endpoint& server,
                             std::chrono::milliseconds& cpu, bool& accepted, bool& full) {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    server = listener.socket().local_endpoint();
    portsock::tcp_stream client = portsock::tcp_stream::connect(server, patience);  // queued, not accepted
    std::error_code refusal;
    while (filler.size() < 5000) {
        auto socket = portsock::udp_socket::open(portsock::address_family::ipv4, refusal);
        if (refusal) break;
        filler.push_back(std::move(socket));
    }
    full = portsock::is_resource_exhaustion(refusal);
    if (!full) co_return;
    async::task_group group;
    group.spawn(free_descriptors_later(filler));
    group.spawn(accept_when_descriptors_return(listener, filler, cpu, accepted));
    co_await group.join();
}

TEST(AsyncDescriptors, AcceptOutOfDescriptorsBacksOffAndResumes) {
    if (portsock_test::under_wine()) GTEST_SKIP() << "Wine's descriptor table is the wineserver's, shared";
    async::event_loop loop;
    std::vector<portsock::udp_socket> filler;
    portsock::endpoint server;
    std::chrono::milliseconds cpu{0};
    bool accepted = false, full = false;
    const stopwatch clock;
    loop.run(exhaustion(filler, server, cpu, accepted, full));
    if (!full) GTEST_SKIP() << "no descriptor limit within 5,000 sockets (run under ulimit -n 256)";
    EXPECT_TRUE(accepted);
    EXPECT_GE(clock.elapsed(), 300ms);
    EXPECT_LT(cpu.count(), 150) << "the accept spun while out of descriptors";
}

// --- send, shutdown, readiness, take_socket, event -----------------------------------------

async::task<void> send_and_shutdown(std::string& received, std::error_code& after_shutdown) {
    connected pair = co_await connect_pair();
    const std::string text = "partial or whole";
    std::size_t sent = 0;
    while (sent < text.size())
        sent += co_await pair.client.send(text.data() + sent, text.size() - sent, patience);
    pair.client.shutdown(portsock::shutdown_type::send);
    co_await drain(pair.server, received, text.size() + 1);  // stops at end of stream
    (void)co_await pair.client.send(text.data(), 1, after_shutdown, patience);
}

TEST(AsyncTcp, SendSomeThenShutdownEndsThePeersStream) {
    async::event_loop loop;
    std::string received;
    std::error_code after_shutdown;
    loop.run(send_and_shutdown(received, after_shutdown));
    EXPECT_EQ(received, "partial or whole");
    EXPECT_EQ(after_shutdown, std::errc::broken_pipe) << after_shutdown.message();
}

async::task<void> readiness_waits(std::error_code& timed_out, portsock::poll_events& seen) {
    connected pair = co_await connect_pair();
    (void)co_await async::readiness(pair.server.watch(), portsock::poll_events::readable, timed_out, 20ms);
    co_await pair.client.send_all("!", patience);
    seen = co_await pair.server.wait(portsock::poll_events::readable, patience);
}

// A readiness wait for neither readable nor writable would wait for nothing (to its limit,
// or for ever without one): it is an invalid argument, in both forms.
async::task<void> readiness_for_nothing(std::error_code& none, std::error_code& hang_up_only, bool& threw) {
    connected pair = co_await connect_pair();
    (void)co_await async::readiness(pair.server.watch(), portsock::poll_events::none, none, patience);
    (void)co_await async::readiness(pair.server.watch(), portsock::poll_events::hang_up, hang_up_only,
                                    patience);
    try {
        (void)co_await pair.server.wait(portsock::poll_events::none, patience);
    } catch (const std::system_error& error) {
        threw = error.code() == std::errc::invalid_argument;
    }
}

TEST(AsyncTcp, ReadinessForNeitherDirectionIsInvalidNotAWaitForEver) {
    async::event_loop loop;
    std::error_code none, hang_up_only;
    bool threw = false;
    const stopwatch clock;
    loop.run(readiness_for_nothing(none, hang_up_only, threw));
    EXPECT_EQ(none, std::errc::invalid_argument);
    EXPECT_EQ(hang_up_only, std::errc::invalid_argument);
    EXPECT_TRUE(threw);
    EXPECT_LT(clock.elapsed(), overrun);
}

TEST(AsyncTcp, ReadinessWaitsForTheSocketOrTimesOut) {
    async::event_loop loop;
    std::error_code timed_out;
    portsock::poll_events seen = portsock::poll_events::none;
    loop.run(readiness_waits(timed_out, seen));
    EXPECT_EQ(timed_out, std::errc::timed_out);
    EXPECT_TRUE(portsock::has(seen, portsock::poll_events::readable));
}

// A readiness awaited again waits again: what it saw the last time is not taken for the
// socket's state now (a loop of "try, await the readiness" built on one awaitable would
// spin instead of waiting).
async::task<void> readiness_awaited_again(std::error_code& second, std::chrono::milliseconds& waited) {
    connected pair = co_await connect_pair();
    auto readable = pair.server.wait(portsock::poll_events::readable, 200ms);
    co_await pair.client.send_all("x", patience);
    EXPECT_TRUE(portsock::has(co_await readable, portsock::poll_events::readable));
    std::array<char, 4> buffer{};
    EXPECT_EQ(co_await pair.server.receive(buffer.data(), buffer.size(), patience), 1u);
    const stopwatch clock;
    try {
        (void)co_await readable;  // nothing to read now
    } catch (const std::system_error& error) {
        second = error.code();
    }
    waited = clock.elapsed();
}

TEST(AsyncTcp, ReadinessAwaitedAgainWaitsAgain) {
    async::event_loop loop;
    std::error_code second;
    std::chrono::milliseconds waited{0};
    loop.run(readiness_awaited_again(second, waited));
    EXPECT_EQ(second, std::errc::timed_out) << "not 'readable' again with nothing to read";
    portsock_test::expect_waited(waited, 200ms);
}

async::task<std::string> hand_over_socket() {
    connected pair = co_await connect_pair();
    portsock::tcp_stream taken = pair.server.take_socket();
    EXPECT_FALSE(pair.server.is_open());
    async::tcp_stream again(std::move(taken));  // as another loop would, after post()
    co_await pair.client.send_all("moved", patience);
    std::string text(5, '\0');
    co_await again.receive_exact(text.data(), text.size(), patience);
    co_return text;
}

TEST(AsyncTcp, TakeSocketHandsAConnectionToAnotherStream) {
    async::event_loop loop;
    EXPECT_EQ(loop.run(hand_over_socket()), "moved");
}

async::task<void> set_later(async::event& flag) {
    co_await async::sleep_for(10ms);
    flag.set();
}

async::task<void> event_waits(std::error_code& timed_out) {
    async::event flag;
    (void)co_await flag.wait(timed_out, 10ms);
    async::task_group group;
    group.spawn(set_later(flag));
    co_await flag.wait(patience);
    EXPECT_TRUE(flag.is_set());
    co_await flag.wait(0ms);  // set: no wait
    flag.clear();
    EXPECT_FALSE(flag.is_set());
    co_await group.join();
}

async::task<int> kept_awaitable(std::error_code& first, std::error_code& slept) {
    async::event flag;
    auto wait = flag.wait(5ms);
    int resumed = 0;
    try {
        co_await wait;  // times out; the awaitable outlives its await
    } catch (const std::system_error& error) {
        first = error.code();
    }
    ++resumed;
    flag.set();  // must not resume this task a second time, in the middle of the sleep
    co_await async::sleep_for(20ms, slept);
    co_return resumed;
}

TEST(AsyncEvent, SetAfterATimedOutWaitDoesNotResumeTwice) {
    async::event_loop loop;
    std::error_code first, slept;
    const stopwatch clock;
    EXPECT_EQ(loop.run(kept_awaitable(first, slept)), 1);
    EXPECT_EQ(first, std::errc::timed_out);
    EXPECT_FALSE(slept);
    EXPECT_GE(clock.elapsed(), 25ms) << "the sleep was cut short by a second resumption";
}

TEST(AsyncEvent, WaitTimesOutThenWakesOnSet) {
    async::event_loop loop;
    std::error_code timed_out;
    loop.run(event_waits(timed_out));
    EXPECT_EQ(timed_out, std::errc::timed_out);
}

// --- local streams -----------------------------------------------------------------------

async::task<void> echo_once_local(async::local_listener& listener) {
    auto [stream, peer] = co_await listener.accept(patience);
    std::array<char, 64> buffer{};
    const std::size_t n = co_await stream.receive(buffer.data(), buffer.size(), patience);
    co_await stream.send_all(buffer.data(), n, patience);
}

async::task<std::string> local_echo(portsock::local_address at, std::error_code& timed_out) {
    async::local_listener listener{portsock::local_listener(at)};
    async::task_group group;
    group.spawn(echo_once_local(listener));
    auto client = co_await async::local_stream::connect(at, patience);
    char byte = 0;
    (void)co_await client.receive(&byte, 1, timed_out, 20ms);  // the server waits for a question
    co_await client.send_all("local hello", patience);
    std::string answer(11, '\0');
    co_await client.receive_exact(answer.data(), answer.size(), patience);
    co_await group.join();
    co_return answer;
}

TEST(AsyncLocal, AcceptConnectEchoAndTimeout) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    portsock_test::temp_dir dir;
    async::event_loop loop;
    std::error_code timed_out;
    EXPECT_EQ(loop.run(local_echo(dir.file("echo.sock"), timed_out)), "local hello");
    EXPECT_EQ(timed_out, std::errc::timed_out);
}

async::task<std::error_code> local_refused(portsock::local_address at) {
    std::error_code ec;
    (void)co_await async::local_stream::connect(at, ec, patience);
    co_return ec;
}

TEST(AsyncLocal, ConnectToNoListenerFails) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    portsock_test::temp_dir dir;
    async::event_loop loop;
    const std::error_code ec = loop.run(local_refused(dir.file("nobody.sock")));
    EXPECT_TRUE(ec == std::errc::no_such_file_or_directory || ec == std::errc::connection_refused)
        << ec.message();
}

// A local stream is a stream socket as TCP's is: the same send_file() and gather writes.
async::task<std::string> file_and_gather_over_local(portsock::local_address at, std::filesystem::path path,
                                                    std::size_t size) {
    async::local_listener listener{portsock::local_listener(at)};
    auto client = co_await async::local_stream::connect(at, patience);
    auto server = std::move((co_await listener.accept(patience)).stream);
    std::string received;
    async::task_group group;
    group.spawn(drain(server, received, size - 100 + 10));
    const std::uint64_t sent =
        co_await client.send_file(path, 100, portsock::local_stream::to_end_of_file, patience);
    EXPECT_EQ(sent, size - 100);
    const portsock::const_buffer parts[] = {"gath", "er-end"};
    EXPECT_EQ(co_await client.send_all(parts, 2, patience), 10u);
    co_await group.join();
    co_return received;
}

TEST(AsyncLocal, SendFileAndGatherWritesAsOverTcp) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    portsock_test::temp_dir dir;
    const auto path = std::filesystem::path(dir.file("payload.bin"));
    const std::string content = pattern(1024 * 1024 + 3);
    std::ofstream(path, std::ios::binary) << content;
    async::event_loop loop;
    const std::string received =
        loop.run(file_and_gather_over_local(dir.file("f.sock"), path, content.size()));
    EXPECT_TRUE(received == content.substr(100) + "gather-end") << received.size();
}

// --- a group's children waiting on sockets: cancellation and destruction -----------------

async::task<void> wait_readable(async::tcp_stream& stream, std::error_code& ec) {
    co_await async::readiness(stream.watch(), portsock::poll_events::readable, ec);
}

async::task<void> cancel_socket_waits_in_a_group(std::error_code& direct, std::error_code& nested) {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto [server, peer] = co_await listener.accept(patience);
    async::task_group group;
    group.spawn(wait_readable(server, direct));  // waits in the poller: nothing is sent
    group.spawn([](async::tcp_stream& stream, std::error_code& ec) -> async::task<void> {
        char byte = 0;
        (void)co_await stream.receive(&byte, 1, ec);  // a task awaited by the child
    }(client, nested));
    co_await async::sleep_for(10ms);
    EXPECT_EQ(group.size(), 2u);
    group.cancel();
    co_await group.join();
    // The cancelled waits gave their registrations back: the streams wait again.
    co_await client.send_all("x", patience);
    char byte = 0;
    EXPECT_EQ(co_await server.receive(&byte, 1, patience), 1u);
}

TEST(AsyncTcp, CancellingAGroupEndsItsChildrensSocketWaits) {
    async::event_loop loop;
    std::error_code direct, nested;
    const stopwatch clock;
    loop.run(cancel_socket_waits_in_a_group(direct, nested));
    EXPECT_EQ(direct, std::errc::operation_canceled);
    EXPECT_EQ(nested, std::errc::operation_canceled);
    EXPECT_LT(clock.elapsed(), overrun);
}

async::task<void> destroy_group_while_children_wait(int& resumed) {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto [server, peer] = co_await listener.accept(patience);
    {
        async::task_group group;
        group.spawn([](async::tcp_stream& stream, int& count) -> async::task<void> {
            std::error_code ec;
            co_await async::readiness(stream.watch(), portsock::poll_events::readable, ec);
            ++count;  // must never run: the frame is destroyed while it waits
        }(server, resumed));
        co_await async::sleep_for(5ms);
    }  // frames destroyed where they wait: their registrations and stop links go with them
    co_await client.send_all("x", patience);  // the socket turns readable
    co_await async::sleep_for(20ms);
    char byte = 0;
    EXPECT_EQ(co_await server.receive(&byte, 1, patience), 1u) << "the registration was freed";
}

TEST(AsyncTcp, GroupDestroyedWhileItsChildrenWaitOnSocketsResumesNothing) {
    async::event_loop loop;
    int resumed = 0;
    loop.run(destroy_group_while_children_wait(resumed));
    EXPECT_EQ(resumed, 0);
}

async::task<void> wait_then_report(async::tcp_stream& stream, std::error_code& ec,
                                   portsock::poll_events& seen) {
    seen = co_await async::readiness(stream.watch(), portsock::poll_events::readable, ec);
}

async::task<void> move_a_stream_while_an_operation_waits(std::error_code& first, portsock::poll_events& seen,
                                                         std::error_code& second) {
    async::tcp_listener listener{portsock::tcp_listener(any_port_v4())};
    auto client = co_await async::tcp_stream::connect(listener.socket().local_endpoint(), patience);
    auto [server, peer] = co_await listener.accept(patience);
    async::task_group group;
    group.spawn(wait_then_report(server, first, seen));
    co_await async::sleep_for(5ms);  // it waits in the poller now
    async::tcp_stream moved = std::move(server);
    co_await client.send_all("x", patience);
    co_await group.join();  // the wait followed the registration to its new place
    EXPECT_NE(seen, portsock::poll_events::none);
    char byte = 0;
    EXPECT_EQ(co_await moved.receive(&byte, 1, patience), 1u);
    group.spawn(wait_then_report(moved, second, seen));
    co_await async::sleep_for(5ms);
    async::tcp_stream again = std::move(moved);
    again.close();  // withdraws the moved registration: its waiting operation ends
    co_await group.join();
}

TEST(AsyncTcp, MovingAStreamWhileAnOperationWaitsKeepsTheWait) {
    async::event_loop loop;
    std::error_code first, second;
    portsock::poll_events seen = portsock::poll_events::none;
    const stopwatch clock;
    loop.run(move_a_stream_while_an_operation_waits(first, seen, second));
    EXPECT_FALSE(first) << first.message();
    EXPECT_EQ(second, std::errc::operation_canceled);
    EXPECT_LT(clock.elapsed(), overrun);
}

}  // namespace
