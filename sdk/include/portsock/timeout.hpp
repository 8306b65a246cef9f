/// @file
/// portsock::timeout: how long a blocking call may wait.
#pragma once

#include <cstdint>  // first: it tells which standard library this is

// Durations and clocks. In C++20, libstdc++'s <chrono> also brings the calendar, the time
// zones and <sstream>: 8 MiB more compiler memory in every file that includes portsock (see
// docs/performance.md, "Compile time"). Its <bits/chrono.h> holds the durations, clocks,
// time points and literals alone, and is what its own <thread> and <mutex> include. Include
// <chrono> yourself for the rest.
#if defined(__GLIBCXX__) && __has_include(<bits/chrono.h>)
#include <bits/chrono.h>
#else
#include <chrono>
#endif

namespace portsock {

/// How long a blocking operation may wait before it fails with std::errc::timed_out.
///
/// A default-constructed timeout waits forever. Any std::chrono duration converts to it
/// implicitly, rounded up to whole milliseconds; a zero or negative duration means "do not
/// wait": the call succeeds only if it can complete at once. Timeouts are implemented with a
/// readiness wait (`poll` on POSIX, its Winsock twin on Windows), so they behave the same on every OS, unlike
/// `SO_RCVTIMEO`.
///
/// @code
/// using namespace std::chrono_literals;
/// stream.receive(buffer, sizeof buffer, 500ms);      // at most half a second
/// listener.accept(portsock::timeout::infinite());    // the same as no argument
/// @endcode
///
/// **One deadline across several calls.** A `std::chrono::steady_clock` time point converts
/// to a timeout too: what is left until then, read when the call starts. Give the same
/// time point to every call of a request (connect, send, several receives) and together
/// they take no longer than that:
///
/// @snippet errors_guide.cpp deadline
///
///
/// @threadsafety A plain value: safe to copy and read from any thread.
/// @platformnote `SO_RCVTIMEO` takes a `timeval` on POSIX and a `DWORD` of milliseconds on
/// Windows, and on Windows a timed-out call may leave the socket unusable; portsock never
/// uses it. A timed-out portsock call leaves the socket usable.
class timeout {
public:
    /// @name Creating
    /// @{

    /// A timeout that waits forever.
    constexpr timeout() noexcept = default;

    /// Waits at most `limit`: rounded up to whole milliseconds, negative (or NaN) counts as
    /// zero, and anything longer than about 31 years is capped there.
    /// @param limit the longest wait.
    template <class Rep, class Period>
    constexpr timeout(std::chrono::duration<Rep, Period> limit) noexcept  // NOLINT: implicit by design
        : milliseconds_(round_up(as_milliseconds(limit))) {}

    /// Waits until `end` at most: what is left of it now, rounded up to whole milliseconds,
    /// or zero ("do not wait") once it has passed; as far off as the duration constructor's
    /// cap (about 31 years) at most. Any representable time point converts, however far in
    /// the past or future and whatever its duration type (`time_point::min()` and `max()`
    /// included): the difference is taken in floating point, so it cannot overflow.
    /// Reads the clock, so convert it where the call is made (passing the time point to the
    /// call does that).
    /// @param end when the wait must be over, on the steady clock (one that never jumps:
    ///        a time point of `std::chrono::system_clock` does not convert).
    template <class Duration>
    timeout(std::chrono::time_point<std::chrono::steady_clock, Duration>
                end) noexcept  // NOLINT: implicit by design
        : milliseconds_(round_up(as_milliseconds(end.time_since_epoch()) -
                                 as_milliseconds(std::chrono::steady_clock::now().time_since_epoch()))) {}

    /// A timeout that waits forever (the same as `timeout{}`).
    /// @return the infinite timeout.
    static constexpr timeout infinite() noexcept { return timeout{}; }

    /// @}

    /// @name Inspecting
    /// @{

    /// Tells whether this timeout waits forever.
    /// @return true if this timeout waits forever.
    constexpr bool is_infinite() const noexcept { return milliseconds_ < 0; }

    /// The limit, as the readiness wait uses it.
    /// @return the limit in milliseconds (0: do not wait), or -1 if infinite.
    constexpr std::int64_t milliseconds() const noexcept { return milliseconds_; }

    /// @}

private:
    static constexpr std::int64_t longest = 1'000'000'000'000;  // ms; far from clock overflow

    template <class Rep, class Period>
    static constexpr double as_milliseconds(std::chrono::duration<Rep, Period> d) noexcept {
        return std::chrono::duration<double, std::milli>(d).count();  // never overflows
    }

    static constexpr std::int64_t round_up(double ms) noexcept {
        if (!(ms > 0)) return 0;
        if (ms >= static_cast<double>(longest)) return longest;
        const auto whole = static_cast<std::int64_t>(ms);
        return static_cast<double>(whole) < ms ? whole + 1 : whole;
    }

    std::int64_t milliseconds_ = -1;
};

/// @cond INTERNAL
namespace detail {

/// `from + ms`, saturating at the clock's last time point instead of overflowing: a
/// deadline too far off to represent is as good as never. A negative `ms` counts as zero.
/// For clocks whose tick is a millisecond or finer (the steady clock's nanoseconds).
template <class Clock, class Duration>
constexpr std::chrono::time_point<Clock, Duration> add_saturating(
    std::chrono::time_point<Clock, Duration> from, std::chrono::milliseconds ms) noexcept {
    using point = std::chrono::time_point<Clock, Duration>;
    if (ms.count() <= 0) return from;
    const Duration since = from.time_since_epoch();
    // The room left before the last time point, in whole milliseconds (a division: safe).
    const Duration room = since.count() < 0 ? Duration::max() : Duration::max() - since;
    if (ms >= std::chrono::duration_cast<std::chrono::milliseconds>(room)) return point::max();
    return from + std::chrono::duration_cast<Duration>(ms);
}

}  // namespace detail
/// @endcond

}  // namespace portsock
