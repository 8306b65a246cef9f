// Error categories and codes, timeout conversions, version and capability queries: the
// small value types every other call relies on.
#include "test_support.hpp"

#include <portsock/capabilities.hpp>
#include <portsock/error.hpp>
#include <portsock/timeout.hpp>
#include <portsock/version.hpp>

#include <chrono>
#include <cstring>
#include <iterator>
#include <set>
#include <string>

namespace {

using portsock::errc;
using portsock::resolve_errc;
using portsock::timeout;
using namespace std::chrono_literals;

// --- error categories -----------------------------------------------------------------

TEST(ErrorCategory, Names) {
    EXPECT_STREQ(portsock::error_category().name(), "portsock");
    EXPECT_STREQ(portsock::resolver_category().name(), "portsock.resolve");
    EXPECT_STREQ(portsock::socket_category().name(), "portsock.socket");
}

TEST(ErrorCategory, EachIsOneDistinctInstance) {
    EXPECT_EQ(&portsock::error_category(), &portsock::error_category());
    EXPECT_NE(portsock::error_category(), portsock::resolver_category());
    EXPECT_NE(portsock::error_category(), portsock::socket_category());
    EXPECT_NE(portsock::resolver_category(), portsock::socket_category());
}

TEST(ErrorCategory, EveryLibraryCodeHasAMessage) {
    const errc all[] = {errc::not_open,         errc::invalid_address, errc::invalid_port,
                        errc::empty_host,       errc::end_of_stream,   errc::no_address,
                        errc::invalid_argument, errc::invalid_host,    errc::message_too_long};
    std::set<std::string> messages;
    for (const errc e : all) {
        const std::error_code ec = e;  // implicit: errc is an error-code enum
        EXPECT_EQ(ec.category(), portsock::error_category());
        EXPECT_EQ(ec.value(), static_cast<int>(e));
        EXPECT_TRUE(ec) << "no code is zero";
        EXPECT_FALSE(ec.message().empty());
        messages.insert(ec.message());
    }
    EXPECT_EQ(messages.size(), std::size(all)) << "each code says something different";
    EXPECT_FALSE(portsock::error_category().message(999).empty()) << "unknown codes too";
}

TEST(ErrorCategory, EveryResolverCodeHasAMessage) {
    const resolve_errc all[] = {resolve_errc::host_not_found,
                                resolve_errc::try_again,
                                resolve_errc::service_not_found,
                                resolve_errc::family_not_supported,
                                resolve_errc::out_of_memory,
                                resolve_errc::failure,
                                resolve_errc::no_address_in_family,
                                resolve_errc::bad_flags,
                                resolve_errc::socket_type_not_supported};
    std::set<std::string> messages;
    for (const resolve_errc e : all) {
        const std::error_code ec = e;
        EXPECT_EQ(ec.category(), portsock::resolver_category());
        EXPECT_TRUE(ec);
        EXPECT_FALSE(ec.message().empty());
        messages.insert(ec.message());
    }
    EXPECT_EQ(messages.size(), std::size(all));
    EXPECT_FALSE(portsock::resolver_category().message(999).empty());
}

TEST(ErrorCategory, LibraryCodesMatchStdErrc) {
    EXPECT_EQ(make_error_code(errc::not_open), std::errc::bad_file_descriptor);
    EXPECT_EQ(make_error_code(errc::invalid_address), std::errc::invalid_argument);
    EXPECT_EQ(make_error_code(errc::invalid_port), std::errc::invalid_argument);
    EXPECT_EQ(make_error_code(errc::empty_host), std::errc::invalid_argument);
    EXPECT_EQ(make_error_code(errc::invalid_argument), std::errc::invalid_argument);
    EXPECT_EQ(make_error_code(errc::invalid_host), std::errc::invalid_argument);
    EXPECT_EQ(make_error_code(errc::message_too_long), std::errc::message_size);
    EXPECT_NE(make_error_code(errc::message_too_long), std::errc::invalid_argument);
    // Conditions must not be too broad either.
    EXPECT_NE(make_error_code(errc::not_open), std::errc::invalid_argument);
    EXPECT_NE(make_error_code(errc::end_of_stream), std::errc::invalid_argument);
    EXPECT_NE(make_error_code(errc::end_of_stream), std::errc::bad_file_descriptor);
    EXPECT_NE(make_error_code(errc::no_address), std::errc::invalid_argument);
    EXPECT_NE(make_error_code(errc::invalid_address), errc::invalid_port) << "distinct codes";
}

TEST(ErrorCategory, ResolverCodesMatchStdErrcWhereOneFits) {
    EXPECT_EQ(make_error_code(resolve_errc::try_again), std::errc::resource_unavailable_try_again);
    EXPECT_EQ(make_error_code(resolve_errc::family_not_supported), std::errc::address_family_not_supported);
    EXPECT_EQ(make_error_code(resolve_errc::out_of_memory), std::errc::not_enough_memory);
    EXPECT_EQ(make_error_code(resolve_errc::bad_flags), std::errc::invalid_argument);
    EXPECT_EQ(make_error_code(resolve_errc::socket_type_not_supported), std::errc::not_supported);
    EXPECT_NE(make_error_code(resolve_errc::no_address_in_family), std::errc::address_family_not_supported)
        << "the family is supported; this host has no address in it";
    EXPECT_NE(make_error_code(resolve_errc::no_address_in_family), resolve_errc::host_not_found);
    EXPECT_NE(make_error_code(resolve_errc::host_not_found), std::errc::invalid_argument);
    EXPECT_NE(make_error_code(resolve_errc::host_not_found), std::errc::no_such_file_or_directory);
}

TEST(ErrorCategory, SocketCodesCompareEqualToStdErrc) {
    // A real OS error, whatever its native value: connecting where nothing listens.
    std::error_code ec;
    const auto stream =
        portsock::tcp_stream::connect(portsock_test::closed_port(), ec, portsock_test::patience);
    ASSERT_EQ(ec, std::errc::connection_refused) << ec.category().name() << ' ' << ec.message();
    EXPECT_EQ(ec.category(), portsock::socket_category());
    EXPECT_FALSE(ec.message().empty());
    EXPECT_NE(ec, std::errc::timed_out);
    EXPECT_FALSE(stream.is_open());
}

TEST(ErrorCategory, ResourceExhaustionIsTheFourRunningOutConditions) {
    for (const std::errc out_of : {std::errc::too_many_files_open, std::errc::too_many_files_open_in_system,
                                   std::errc::no_buffer_space, std::errc::not_enough_memory})
        EXPECT_TRUE(portsock::is_resource_exhaustion(std::make_error_code(out_of)))
            << std::make_error_code(out_of).message();
    EXPECT_TRUE(portsock::is_resource_exhaustion(make_error_code(resolve_errc::out_of_memory)));
    // Faults of the call or of one peer are not: retrying at once is right for would-block,
    // and the rest are reported.
    for (const std::errc other :
         {std::errc::operation_would_block, std::errc::connection_reset, std::errc::connection_aborted,
          std::errc::timed_out, std::errc::invalid_argument, std::errc::bad_file_descriptor})
        EXPECT_FALSE(portsock::is_resource_exhaustion(std::make_error_code(other)))
            << std::make_error_code(other).message();
    EXPECT_FALSE(portsock::is_resource_exhaustion(make_error_code(errc::not_open)));
    EXPECT_FALSE(portsock::is_resource_exhaustion(std::error_code{}));
    // A real socket error of the OS's own category goes through the same comparison.
    std::error_code refused;
    portsock::tcp_stream::connect(portsock_test::closed_port(), refused, portsock_test::patience);
    ASSERT_EQ(refused, std::errc::connection_refused);
    EXPECT_FALSE(portsock::is_resource_exhaustion(refused));
}

// --- timeout --------------------------------------------------------------------------

TEST(Timeout, DefaultIsInfinite) {
    constexpr timeout forever;
    static_assert(forever.is_infinite(), "usable in constant expressions");
    EXPECT_TRUE(forever.is_infinite());
    EXPECT_EQ(forever.milliseconds(), -1);
    EXPECT_TRUE(timeout::infinite().is_infinite());
    EXPECT_EQ(timeout::infinite().milliseconds(), -1);
}

TEST(Timeout, WholeMillisecondsConvertExactly) {
    EXPECT_EQ(timeout(250ms).milliseconds(), 250);
    EXPECT_EQ(timeout(2s).milliseconds(), 2000);
    EXPECT_EQ(timeout(std::chrono::minutes(1)).milliseconds(), 60000);
    EXPECT_FALSE(timeout(2s).is_infinite());
}

TEST(Timeout, FractionsRoundUp) {
    EXPECT_EQ(timeout(1us).milliseconds(), 1) << "a tiny wait is still a wait";
    EXPECT_EQ(timeout(1ns).milliseconds(), 1);
    EXPECT_EQ(timeout(1500us).milliseconds(), 2);
    EXPECT_EQ(timeout(1001us).milliseconds(), 2);
    EXPECT_EQ(timeout(1000us).milliseconds(), 1);
    EXPECT_EQ(timeout(std::chrono::duration<double>(0.0015)).milliseconds(), 2);
    EXPECT_EQ(timeout(std::chrono::duration<double, std::milli>(2.25)).milliseconds(), 3);
}

TEST(Timeout, ZeroMeansDoNotWait) {
    EXPECT_EQ(timeout(0ms).milliseconds(), 0);
    EXPECT_EQ(timeout(0ns).milliseconds(), 0);
    EXPECT_FALSE(timeout(0ms).is_infinite());
}

TEST(Timeout, NegativeClampsToZero) {
    EXPECT_EQ(timeout(-1ms).milliseconds(), 0);
    EXPECT_EQ(timeout(-5s).milliseconds(), 0);
    EXPECT_EQ(timeout(-1ns).milliseconds(), 0);
    EXPECT_EQ(timeout(std::chrono::duration<double>(-0.5)).milliseconds(), 0);
    EXPECT_FALSE(timeout(-1ms).is_infinite()) << "negative is 'now', not 'forever'";
}

TEST(Timeout, LargeDurationsStayFinite) {
    const timeout year = std::chrono::hours(24 * 365);
    EXPECT_FALSE(year.is_infinite());
    EXPECT_EQ(year.milliseconds(), 365LL * 24 * 3600 * 1000);
}

constexpr std::int64_t longest_ms = 1'000'000'000'000;  // the cap: about 31 years

TEST(Timeout, ExtremeDurationsAreCappedOrZero) {
    using namespace std::chrono;
    EXPECT_EQ(timeout(nanoseconds::max()).milliseconds(), longest_ms);
    EXPECT_EQ(timeout(milliseconds::max()).milliseconds(), longest_ms);
    EXPECT_EQ(timeout(hours::max()).milliseconds(), longest_ms);
    EXPECT_EQ(timeout(duration<double>(1e300)).milliseconds(), longest_ms);
    for (const timeout t : {timeout(nanoseconds::min()), timeout(milliseconds::min()), timeout(hours::min()),
                            timeout(duration<double>(-1e300))}) {
        EXPECT_EQ(t.milliseconds(), 0);
        EXPECT_FALSE(t.is_infinite());
    }
}

TEST(Timeout, ExtremeTimePointsAreCappedOrZero) {
    using namespace std::chrono;
    using steady = steady_clock;
    // The past, however far: do not wait.
    for (const timeout t : {timeout(steady::time_point::min()), timeout(time_point<steady, hours>::min()),
                            timeout(time_point<steady, seconds>::min()), timeout(steady::time_point{}),
                            timeout(time_point<steady, duration<double>>(duration<double>(-1e300)))}) {
        EXPECT_EQ(t.milliseconds(), 0) << "a deadline that has passed does not wait";
        EXPECT_FALSE(t.is_infinite());
    }
    // The future, however far: the same cap as a duration's.
    for (const timeout t : {timeout(steady::time_point::max()), timeout(time_point<steady, seconds>::max()),
                            timeout(time_point<steady, hours>::max()),
                            timeout(time_point<steady, duration<double>>(duration<double>(1e300)))})
        EXPECT_EQ(t.milliseconds(), longest_ms);
    // Coarse time points near now still convert exactly enough.
    const timeout minute = time_point_cast<seconds>(steady::now()) + seconds(60);
    EXPECT_GT(minute.milliseconds(), 58'000);
    EXPECT_LE(minute.milliseconds(), 60'000);
}

TEST(Timeout, SaturatingAddStopsAtTheLastTimePoint) {
    using namespace std::chrono;
    using portsock::detail::add_saturating;
    const auto now = steady_clock::now();
    EXPECT_EQ(add_saturating(now, milliseconds::max()), steady_clock::time_point::max());
    EXPECT_EQ(add_saturating(now, duration_cast<milliseconds>(hours(24 * 365 * 1000))),
              steady_clock::time_point::max());
    EXPECT_EQ(add_saturating(now, 5ms), now + 5ms);
    EXPECT_EQ(add_saturating(now, -5ms), now) << "a negative amount counts as zero";
    EXPECT_EQ(add_saturating(steady_clock::time_point::max(), 1ms), steady_clock::time_point::max());
}

TEST(Timeout, ConvertsImplicitlyAtCallSites) {
    const auto take = [](timeout t) { return t.milliseconds(); };
    EXPECT_EQ(take(3ms), 3);
    EXPECT_EQ(take({}), -1);
}

// --- version and capabilities ------------------------------------------------------------

TEST(Version, LibraryMatchesHeaders) {
    ASSERT_NE(portsock::version(), nullptr);
    EXPECT_STREQ(portsock::version(), PORTSOCK_VERSION_STRING);
    const std::string expected = std::to_string(PORTSOCK_VERSION_MAJOR) + '.' +
                                 std::to_string(PORTSOCK_VERSION_MINOR) + '.' +
                                 std::to_string(PORTSOCK_VERSION_PATCH);
    EXPECT_EQ(expected, PORTSOCK_VERSION_STRING);
}

TEST(Capabilities, PlatformNameIsKnown) {
    const char* name = portsock::platform_name();
    ASSERT_NE(name, nullptr);
    const bool known = std::strncmp(name, "posix", 5) == 0 || std::strncmp(name, "win32", 5) == 0;
    EXPECT_TRUE(known) << name;
}

TEST(Capabilities, Ipv6LoopbackAnswerIsTrue) {
    // has_ipv6_loopback() promises that ::1 can be bound: check the promise both ways.
    std::error_code ec;
    const auto listener = portsock::tcp_listener::listen(portsock_test::any_port_v6(), ec);
    EXPECT_EQ(portsock::has_ipv6_loopback(), !ec) << ec.message();
    EXPECT_EQ(listener.is_open(), !ec);
}

}  // namespace
