// portsock::async::detail::helper_pool: a few threads for blocking work (name resolution),
// shared by a loop's operations. Internal: included by event_loop.cpp and by its test.
#pragma once

#include <portsock/async/posted_function.hpp>

#include <cstddef>
#include <deque>
#include <iterator>
#include <list>
#include <mutex>
#include <thread>

namespace portsock::async::detail {

/// At most max_running threads at once, each taking queued work until none is left, so a
/// burst of a thousand connects by name starts a few threads, not a thousand (libuv's pool
/// has 4 by default, too). The threads are joined rather than detached: a helper posts its
/// result to the loop, so the loop must outlive it (and a detached thread started here at
/// times never ran at all under the emulator).
class helper_pool {
public:
    static constexpr std::size_t max_running = 4;

    helper_pool() = default;
    helper_pool(const helper_pool&) = delete;
    helper_pool& operator=(const helper_pool&) = delete;

    /// Drops the work no helper has started (the loop that would take its results is
    /// going), then joins every helper.
    ~helper_pool() {
        {
            std::lock_guard lock(mutex_);
            queue_.clear();
        }
        for (helper& h : helpers_) h.thread.join();
    }

    /// Runs `work` on a helper: a new one if fewer than max_running run, else the next one
    /// that is free. @throws std::system_error if a thread cannot start; std::bad_alloc.
    void start(posted_function work) {
        std::list<helper> done;
        {
            std::lock_guard lock(mutex_);
            reap(done);
            if (running_ == max_running) {
                queue_.push_back(std::move(work));
                return;
            }
            helper& slot = helpers_.emplace_back();
            try {
                slot.thread =
                    std::thread([this, &slot, first = std::move(work)]() mutable { serve(slot, first); });
            } catch (...) {
                helpers_.pop_back();
                throw;
            }
            ++running_;
        }
        for (helper& h : done) h.thread.join();  // finished: this returns at once
    }

private:
    struct helper {
        std::thread thread;
        bool finished = false;  // under mutex_
    };

    // A helper's thread: its first work, then whatever is queued, then it ends.
    void serve(helper& self, posted_function& work) {
        for (;;) {
            work();
            std::lock_guard lock(mutex_);
            if (queue_.empty()) {
                self.finished = true;
                --running_;
                return;
            }
            work = std::move(queue_.front());
            queue_.pop_front();
        }
    }

    // Moves the finished helpers to `done`, to be joined outside the lock.
    void reap(std::list<helper>& done) noexcept {
        for (auto it = helpers_.begin(); it != helpers_.end();) {
            const auto next = std::next(it);
            if (it->finished) done.splice(done.end(), helpers_, it);
            it = next;
        }
    }

    std::mutex mutex_;
    std::list<helper> helpers_;          // a list: a helper's node stays where its thread writes
    std::deque<posted_function> queue_;  // work no helper has taken yet
    std::size_t running_ = 0;            // helpers not finished
};

}  // namespace portsock::async::detail
