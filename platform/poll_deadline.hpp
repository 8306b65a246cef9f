// The end of one poller wait, shared by the epoll, poll and WSAPoll backends: after EINTR
// (or WSAPoll returning early) a wait continues with what is left of the caller's timeout.
//
// The clock is read only for a finite, non-zero timeout. An event loop's waits are infinite
// or zero, and a clock read there costs a call on every iteration and, on Linux, two more
// code pages (libc's clock_gettime and libstdc++'s steady_clock) in every server.
#pragma once

#include <chrono>

namespace portsock::platform {

class poll_deadline {
public:
    /// @param timeout_ms the caller's timeout: negative waits forever, zero only looks.
    explicit poll_deadline(int timeout_ms) noexcept : timeout_ms_(timeout_ms) {
        if (timeout_ms_ > 0) end_ = clock::now() + std::chrono::milliseconds(timeout_ms_);
    }

    /// @return the timeout for the next wait: negative forever, zero once the end has passed.
    int remaining_ms() const noexcept {
        if (timeout_ms_ <= 0) return timeout_ms_;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(end_ - clock::now()).count();
        return left > 0 ? static_cast<int>(left) : 0;
    }

    /// @return true if the wait has no end.
    bool is_infinite() const noexcept { return timeout_ms_ < 0; }

private:
    using clock = std::chrono::steady_clock;
    int timeout_ms_;
    clock::time_point end_{};
};

}  // namespace portsock::platform
