// RFC 8305 ("Happy Eyeballs"): tcp_stream::connect_any() and the connect by name race
// their addresses. An address that drops connection attempts is made on loopback with a
// listener whose accept queue is full: Linux then drops new SYNs, so a connect there
// stalls. Where the OS answers instead (refuses or queues more), the timing tests skip.
#include "test_support.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace portsock_test;

/// A loopback address that drops connection attempts: a listener with backlog 0 whose
/// queue is filled by connections never accepted.
struct black_hole {
    portsock::tcp_listener listener;
    std::vector<portsock::tcp_stream> fillers;
    portsock::endpoint address;
};

/// Fills the hole's queue until an attempt stalls. False if this OS never stalls one.
bool make_black_hole(black_hole& hole, const portsock::endpoint& local) {
    hole.listener = portsock::tcp_listener(local, {/*backlog=*/0});
    hole.address = where(hole.listener);
    for (int i = 0; i < 8; ++i) {  // Linux queues backlog + 1 connections
        auto attempt = portsock::tcp_stream::start_connect(hole.address);
        std::error_code ec;
        attempt.finish_connect(ec, 300ms);
        if (ec == std::errc::operation_in_progress) return true;  // the SYN went unanswered
        if (ec) return false;
        hole.fillers.push_back(std::move(attempt));
    }
    return false;
}

#define PORTSOCK_REQUIRE_BLACK_HOLE(hole, local)                                               \
    do {                                                                                       \
        if (!make_black_hole(hole, local))                                                     \
            GTEST_SKIP() << "this OS answers connects to a full accept queue, so no loopback " \
                            "address can drop attempts here";                                  \
    } while (false)

/// The race connected to `listener`: accept the connection and compare the ends.
void expect_connected_to(portsock::tcp_listener& listener, const portsock::tcp_stream& stream) {
    ASSERT_TRUE(stream.is_open());
    EXPECT_FALSE(stream.is_non_blocking()) << "connect_any() returns a blocking stream, as connect() does";
    auto [server_side, peer] = listener.accept(patience);
    EXPECT_EQ(stream.remote_endpoint(), where(listener));
    EXPECT_EQ(peer, stream.local_endpoint());
}

constexpr std::chrono::milliseconds margin = 500ms;  // scheduling slack on a loaded machine

TEST(HappyEyeballs, NextAddressStartsAfterTheDefaultDelay) {
    black_hole hole;
    PORTSOCK_REQUIRE_BLACK_HOLE(hole, any_port_v4());
    portsock::tcp_listener listener(any_port_v4());
    const stopwatch clock;
    const auto stream = portsock::tcp_stream::connect_any({hole.address, where(listener)}, 5s);
    const auto elapsed = clock.elapsed();
    expect_connected_to(listener, stream);
    EXPECT_GE(elapsed, 240ms) << "the second attempt must wait for the attempt delay";
    EXPECT_LE(elapsed, 250ms + margin) << "measured " << elapsed.count() << " ms";
    std::cout << "[ timing   ] black hole then listener, default delay: " << elapsed.count() << " ms\n";
}

TEST(HappyEyeballs, AttemptDelayIsConfigurable) {
    black_hole hole;
    PORTSOCK_REQUIRE_BLACK_HOLE(hole, any_port_v4());
    portsock::tcp_listener listener(any_port_v4());
    for (const auto delay : {50ms, 600ms}) {
        const stopwatch clock;
        std::error_code ec;
        const auto stream = portsock::tcp_stream::connect_any({hole.address, where(listener)}, ec, 5s,
                                                              portsock::connect_options{delay});
        const auto elapsed = clock.elapsed();
        ASSERT_FALSE(ec) << ec.message();
        expect_connected_to(listener, stream);
        EXPECT_GE(elapsed, delay - 10ms);
        EXPECT_LE(elapsed, delay + margin) << "measured " << elapsed.count() << " ms";
        std::cout << "[ timing   ] attempt_delay " << delay.count() << " ms: " << elapsed.count() << " ms\n";
    }
}

TEST(HappyEyeballs, ZeroDelayStartsEveryAttemptAtOnce) {
    black_hole hole;
    PORTSOCK_REQUIRE_BLACK_HOLE(hole, any_port_v4());
    portsock::tcp_listener listener(any_port_v4());
    const stopwatch clock;
    const auto stream = portsock::tcp_stream::connect_any({hole.address, hole.address, where(listener)}, 5s,
                                                          portsock::connect_options{0ms});
    expect_connected_to(listener, stream);
    EXPECT_LE(clock.elapsed(), margin);
}

TEST(HappyEyeballs, FailedAttemptStartsTheNextAtOnce) {
    // RFC 8305 section 5: a refusal need not wait out the delay.
    portsock::tcp_listener listener(any_port_v4());
    const stopwatch clock;
    const auto stream = portsock::tcp_stream::connect_any({closed_port(), closed_port(), where(listener)},
                                                          20s, portsock::connect_options{5s});
    expect_connected_to(listener, stream);
    EXPECT_LT(clock.elapsed(), 2s) << "a refused attempt must start the next without the 5 s delay";
}

TEST(HappyEyeballs, FamiliesAlternateFromTheFirst) {
    PORTSOCK_REQUIRE_IPV6();
    black_hole first, second;
    PORTSOCK_REQUIRE_BLACK_HOLE(first, any_port_v4());
    PORTSOCK_REQUIRE_BLACK_HOLE(second, any_port_v4());
    portsock::tcp_listener listener(any_port_v6());
    // Given v4, v4, v6, the race runs v4, v6, v4: the IPv6 listener is the second attempt,
    // one delay in, not the third, two delays in.
    const stopwatch clock;
    const auto stream = portsock::tcp_stream::connect_any({first.address, second.address, where(listener)},
                                                          10s, portsock::connect_options{1s});
    const auto elapsed = clock.elapsed();
    expect_connected_to(listener, stream);
    EXPECT_GE(elapsed, 990ms);
    EXPECT_LT(elapsed, 1800ms) << "the IPv6 address should come second";
}

TEST(HappyEyeballs, LimitBoundsTheWholeRace) {
    black_hole first, second;
    PORTSOCK_REQUIRE_BLACK_HOLE(first, any_port_v4());
    PORTSOCK_REQUIRE_BLACK_HOLE(second, any_port_v4());
    const stopwatch clock;
    std::error_code ec;
    const auto stream = portsock::tcp_stream::connect_any({first.address, second.address}, ec, 400ms,
                                                          portsock::connect_options{100ms});
    EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
    EXPECT_FALSE(stream.is_open());
    expect_waited(clock.elapsed(), 400ms);
    // A limit shorter than the delay: the second attempt never starts.
    const stopwatch again;
    ec.clear();
    portsock::tcp_stream::connect_any({first.address, second.address}, ec, 100ms);
    EXPECT_EQ(ec, std::errc::timed_out);
    expect_waited(again.elapsed(), 100ms);
}

TEST(HappyEyeballs, ADelayBeyondTheLimitNeverStartsTheNextAttempt) {
    black_hole hole;
    PORTSOCK_REQUIRE_BLACK_HOLE(hole, any_port_v4());
    portsock::tcp_listener listener(any_port_v4());
    // Delays whose end cannot be represented on the clock (a sum that would overflow):
    // they saturate, so the good address, second, is never tried before the limit.
    for (const std::chrono::milliseconds delay :
         {std::chrono::milliseconds::max(), std::chrono::milliseconds(std::chrono::hours(24 * 365 * 1000))}) {
        const stopwatch clock;
        std::error_code ec;
        const auto stream = portsock::tcp_stream::connect_any({hole.address, where(listener)}, ec, 300ms,
                                                              portsock::connect_options{delay});
        EXPECT_EQ(ec, std::errc::timed_out) << ec.message();
        EXPECT_FALSE(stream.is_open());
        expect_waited(clock.elapsed(), 300ms);
    }
}

TEST(HappyEyeballs, EveryAddressRefusedReportsTheLastError) {
    std::error_code ec;
    const auto stream = portsock::tcp_stream::connect_any({closed_port(), closed_port()}, ec, patience);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    EXPECT_FALSE(stream.is_open());
    const thrown t = catch_system_error([] { portsock::tcp_stream::connect_any({closed_port()}, patience); });
    EXPECT_EQ(t.code, std::errc::connection_refused);
    EXPECT_NE(t.what.find("connect_any"), std::string::npos) << t.what;
}

TEST(HappyEyeballs, BadArgumentsAreClearErrors) {
    std::error_code ec;
    auto stream = portsock::tcp_stream::connect_any({}, ec, patience);
    EXPECT_EQ(ec, portsock::errc::no_address);
    EXPECT_FALSE(stream.is_open());
    portsock::tcp_listener listener(any_port_v4());
    stream =
        portsock::tcp_stream::connect_any({where(listener)}, ec, patience, portsock::connect_options{-1ms});
    EXPECT_EQ(ec, portsock::errc::invalid_argument);
    EXPECT_FALSE(stream.is_open());
    stream = portsock::tcp_stream::connect("localhost", where(listener).port(), ec, patience,
                                           portsock::connect_options{-5ms});
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(catch_system_error([] { portsock::tcp_stream::connect_any({}); }).code,
              portsock::errc::no_address);
    // The error_code form clears a stale error on success.
    ec = std::make_error_code(std::errc::io_error);
    stream = portsock::tcp_stream::connect_any({where(listener)}, ec, patience);
    EXPECT_FALSE(ec) << "cleared on success";
    expect_connected_to(listener, stream);
}

// The connect by name, for a name with ::1 then 127.0.0.1 where ::1 drops attempts. The
// name comes from a private /etc/hosts that tests/unit/run_with_hosts.sh mounts inside
// `unshare -m`; anywhere else the test skips.
TEST(HappyEyeballs, NameWhoseFirstAddressDropsAttempts) {
    constexpr const char* name = "portsock-eyeballs.test";
    std::error_code ec;
    const auto addresses = portsock::resolve(name, "1", ec);
    if (ec || addresses.size() != 2 || !addresses[0].address().is_v6() || !addresses[1].address().is_v4())
        GTEST_SKIP()
            << name
            << " does not resolve to ::1 then 127.0.0.1 here (tests/unit/run_with_hosts.sh sets it up)";
    black_hole hole;
    PORTSOCK_REQUIRE_BLACK_HOLE(hole, any_port_v6());
    const std::uint16_t port = hole.address.port();
    portsock::tcp_listener listener =
        portsock::tcp_listener::listen({portsock::ip_address::loopback_v4(), port}, ec);
    if (ec) GTEST_SKIP() << "port " << port << " is taken on 127.0.0.1: " << ec.message();
    const stopwatch clock;
    const auto stream = portsock::tcp_stream::connect(name, port, 2s);
    const auto elapsed = clock.elapsed();
    expect_connected_to(listener, stream);
    EXPECT_TRUE(stream.remote_endpoint().address().is_v4());
    EXPECT_GE(elapsed, 240ms);
    EXPECT_LE(elapsed, 250ms + margin) << "measured " << elapsed.count() << " ms";
    std::cout << "[ timing   ] " << name << " (::1 dropped, 127.0.0.1 listening): " << elapsed.count()
              << " ms\n";
}

}  // namespace

namespace {

// Issue 20, item 10: with one free descriptor the first attempt takes it, and the next
// address cannot start. The race still waits for the attempt it has (it may connect), but
// what it reports at the limit is the exhaustion, not a bare timeout.
TEST(DescriptorTable, HappyEyeballsWithOneFreeDescriptorReportsExhaustion) {
    if (under_wine())
        GTEST_SKIP() << "Wine keeps every socket in wineserver, shared by all Wine processes: "
                        "filling its table would fail the tests that run beside this one";
    black_hole hole;
    PORTSOCK_REQUIRE_BLACK_HOLE(hole, any_port_v4());
    portsock::tcp_listener listener(any_port_v4());
    const std::vector<portsock::endpoint> candidates{hole.address, where(listener)};
    portsock::connect_options options;
    options.attempt_delay = 50ms;
    descriptor_table_filler filler;
    const bool full = filler.fill();
    filler.free_some(1);
    std::error_code ec;
    const stopwatch clock;
    if (full) (void)portsock::tcp_stream::connect_any(candidates, ec, 400ms, options);
    const auto elapsed = clock.elapsed();
    const std::error_code refusal = filler.release();
    if (!full) GTEST_SKIP() << "no descriptor limit reached within 200,000 sockets or 20 s";
    ASSERT_TRUE(portsock::is_resource_exhaustion(refusal)) << refusal.message();
    EXPECT_EQ(ec, std::errc::too_many_files_open) << "not a bare timeout: " << ec.message();
    EXPECT_TRUE(portsock::is_resource_exhaustion(ec));
    EXPECT_LT(elapsed, 400ms + overrun);
    // With descriptors back, the same race connects to the listener.
    options.attempt_delay = 50ms;
    expect_connected_to(listener, portsock::tcp_stream::connect_any(candidates, patience, options));
}

}  // namespace
