// The wake-up coalescing shared by the three poller backends: only the first poller_wake()
// after a drain writes to the wake channel (eventfd, pipe or socket), so a burst of wake-ups
// costs one write and one read.
#pragma once

#include <atomic>

namespace portsock::platform {

class wake_flag {
public:
    /// @return true if the caller must write a wake-up: none is queued yet.
    bool claim() noexcept { return !pending_.exchange(true, std::memory_order_acq_rel); }

    /// Lets the next claim() write. Call it after draining the wake channel, never before:
    /// clearing first could let the drain swallow a new wake-up's byte while the flag stays
    /// set, losing every later wake-up (a claim() that finds the flag set is served by the
    /// wait returning now). Call it too when a claimed write failed and queued nothing.
    void release() noexcept { pending_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> pending_{false};
};

}  // namespace portsock::platform
