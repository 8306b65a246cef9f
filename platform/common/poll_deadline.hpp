// The end of one readiness wait, shared by platform::wait() and the epoll, poll and WSAPoll
// pollers: after EINTR, an early return (WSAPoll) or a wait clamped to INT_MAX ms (the most
// an OS wait takes, about 24.8 days), the wait continues with what is left of the caller's
// timeout, so a timeout of any length ends at its real deadline.
//
// The clock is read only for a finite, non-zero timeout. An event loop's waits are infinite
// or zero, and a clock read there costs a call on every iteration and, on Linux, two more
// code pages (libc's clock_gettime and libstdc++'s steady_clock) in every server.
//
// Clock is a template parameter so that a test can drive the loop with a fake clock and a
// fake OS wait, without waiting (tests/platform/poll_deadline_test.cpp).
#pragma once

#include <portsock/timeout.hpp>

#include <chrono>
#include <climits>
#include <cstdint>

namespace portsock::platform {

template <class Clock>
class basic_poll_deadline {
public:
    /// @param timeout_ms the caller's timeout: negative waits forever, zero only looks.
    explicit basic_poll_deadline(std::int64_t timeout_ms) noexcept : timeout_ms_(timeout_ms) {
        if (timeout_ms_ > 0)
            end_ = portsock::detail::add_saturating(Clock::now(), std::chrono::milliseconds(timeout_ms_));
    }

    /// @return the timeout for the next OS wait: -1 forever, 0 once the end has passed,
    /// else what is left, capped at INT_MAX.
    int remaining_ms() const noexcept {
        if (timeout_ms_ <= 0) return timeout_ms_ < 0 ? -1 : 0;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(end_ - Clock::now()).count();
        return left <= 0 ? 0 : left >= INT_MAX ? INT_MAX : static_cast<int>(left);
    }

    /// @return true if the wait has no end.
    bool is_infinite() const noexcept { return timeout_ms_ < 0; }

    /// @return true once the end has passed (never for an infinite wait).
    bool expired() const noexcept { return !is_infinite() && remaining_ms() == 0; }

private:
    std::int64_t timeout_ms_;
    typename Clock::time_point end_{};
};

using poll_deadline = basic_poll_deadline<std::chrono::steady_clock>;

/// Repeats `wait_once(ms)`, one OS wait of at most `ms` milliseconds (-1: forever), until it
/// reports something or the deadline of `timeout_ms` passes. `wait_once` returns > 0 when
/// something is ready, < 0 on an error it has recorded, and 0 when it ended with nothing
/// ready: a timeout (perhaps a clamped or early one) or an interruption (EINTR).
/// @return what the last wait_once() returned: 0 means the real deadline passed.
template <class Clock = std::chrono::steady_clock, class WaitOnce>
int wait_until_deadline(std::int64_t timeout_ms, WaitOnce&& wait_once) noexcept {
    const basic_poll_deadline<Clock> deadline(timeout_ms);
    for (;;) {
        const int ready = wait_once(deadline.remaining_ms());
        if (ready != 0 || deadline.expired()) return ready;
    }
}

}  // namespace portsock::platform
