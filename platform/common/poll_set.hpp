// The registration table of the poll()-style pollers (POSIX poll, Winsock WSAPoll), shared
// so both backends keep one copy of its bookkeeping. No OS header: the pollfd type, the
// handle-to-slot index and the revents conversion come from the backend.
//
// The pollfd array is kept ready between waits, so a wait is one poll call and one scan
// with no allocation. Slot 0 is the backend's wake-up channel; tokens run parallel to the
// slots; removal moves the last slot into the hole, so add, modify and remove are O(1).
//
// Closed handles (as epoll does, by itself): poll() and WSAPoll() know nothing of a close,
// and the OS hands the same handle value to the next socket, whose events would then
// arrive under the old token. So the SDK calls poller_forget() before it closes a handle;
// live_poll_sets passes that to every poll_set, which marks the entry stale (from any
// thread, even while another waits in poll(): only a flag beside the array changes), and
// the poller's own thread drops stale entries before it adds, modifies, removes or reports
// anything. A handle closed behind the SDK's back (after release()) is found at wait time
// instead, by POLLNVAL, and dropped unreported.
#pragma once

#include "platform.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

namespace portsock::platform {

/// PollFd: `pollfd` or `WSAPOLLFD`. Index: maps a PollFd's `fd` to its slot, with
/// `std::size_t get(fd) const` (0 if absent), `void set(fd, slot)`, `void erase(fd)`.
template <class PollFd, class Index>
class poll_set {
public:
    using fd_type = decltype(PollFd{}.fd);
    using events_type = decltype(PollFd{}.events);

    /// Makes slot 0, the wake-up channel; call once, before anything else.
    void set_wake_channel(fd_type wake, events_type wake_events, std::error_code& ec) noexcept {
        try {
            PollFd entry{};
            entry.fd = wake;
            entry.events = wake_events;
            slots_.push_back(entry);
            tokens_.push_back(0);
            stale_.push_back(false);
            ec.clear();
        } catch (const std::bad_alloc&) {
            ec = make_error(std::errc::not_enough_memory);
        }
    }

    PollFd* data() noexcept { return slots_.data(); }
    std::size_t size() const noexcept { return slots_.size(); }

    void add(fd_type fd, events_type interest, std::uint64_t token, std::error_code& ec) noexcept {
        const std::lock_guard<std::mutex> hold(lock_);
        drop_stale();
        if (index_.get(fd) != 0) {
            ec = make_error(std::errc::file_exists);
            return;
        }
        try {
            PollFd entry{};
            entry.fd = fd;
            entry.events = interest;
            index_.set(fd, slots_.size());
            slots_.push_back(entry);
            tokens_.push_back(token);
            stale_.push_back(false);
        } catch (const std::bad_alloc&) {
            index_.erase(fd);
            slots_.resize(stale_.size());
            tokens_.resize(stale_.size());
            ec = make_error(std::errc::not_enough_memory);
            return;
        }
        ec.clear();
    }

    void modify(fd_type fd, events_type interest, std::uint64_t token, std::error_code& ec) noexcept {
        const std::lock_guard<std::mutex> hold(lock_);
        drop_stale();
        const std::size_t slot = index_.get(fd);
        if (slot == 0) {
            ec = make_error(std::errc::no_such_file_or_directory);
            return;
        }
        slots_[slot].events = interest;
        tokens_[slot] = token;
        ec.clear();
    }

    void remove(fd_type fd, std::error_code& ec) noexcept {
        const std::lock_guard<std::mutex> hold(lock_);
        drop_stale();
        const std::size_t slot = index_.get(fd);
        if (slot == 0) {
            ec = make_error(std::errc::no_such_file_or_directory);
            return;
        }
        remove_slot(slot);
        ec.clear();
    }

    /// The handle `fd` is about to be closed: its entry, if any, is stale from now on.
    /// Safe from any thread, also while another is in the poll call.
    void forget(fd_type fd) noexcept {
        const std::lock_guard<std::mutex> hold(lock_);
        const std::size_t slot = index_.get(fd);
        if (slot != 0) forget_slot(slot);
    }

    /// After a poll call that found `ready` slots ready: calls `drain_wake()` if the wake-up
    /// channel (slot 0) is among them, then fills events from the ready user slots and
    /// returns how many. The scan starts where the last full buffer stopped, so when more
    /// handles are ready than the buffer holds, those at the end are not always served last.
    /// `invalid` is the revents bit of a handle that is not open (POLLNVAL): such an entry
    /// was closed without poller_forget() and its value not reused yet; it is dropped, not
    /// reported.
    template <class Drain, class Convert>
    std::size_t collect(int ready, Drain drain_wake, poller_event* events, std::size_t capacity,
                        events_type invalid, Convert from_revents) noexcept {
        const std::lock_guard<std::mutex> hold(lock_);
        drop_stale();  // closed during the poll call: what it saw there is not theirs to report
        if (slots_[0].revents != 0) {
            drain_wake();
            --ready;
        }
        const std::size_t count = slots_.size() - 1;  // user slots: 1..count
        std::size_t filled = 0;
        std::size_t slot = cursor_ <= count ? cursor_ : 1;
        for (std::size_t seen = 0; seen < count && ready > 0 && filled < capacity; ++seen) {
            const PollFd& entry = slots_[slot];
            if (entry.revents & invalid) {
                forget_slot(slot);
                --ready;
            } else if (entry.revents != 0) {
                events[filled++] = {tokens_[slot], from_revents(entry.revents, entry.events)};
                --ready;
            }
            slot = slot == count ? 1 : slot + 1;
        }
        cursor_ = slot;
        drop_stale();
        return filled;
    }

private:
    // Takes slot (>= 1) out: the last slot moves into the hole.
    void remove_slot(std::size_t slot) noexcept {
        const std::size_t last = slots_.size() - 1;
        const fd_type fd = slots_[slot].fd;
        if (stale_[slot]) --stale_count_;
        if (slot != last) {
            slots_[slot] = slots_[last];
            tokens_[slot] = tokens_[last];
            stale_[slot] = stale_[last];
            index_.set(slots_[slot].fd, slot);  // an existing key: no allocation
        }
        slots_.pop_back();
        tokens_.pop_back();
        stale_.pop_back();
        index_.erase(fd);
    }

    void forget_slot(std::size_t slot) noexcept {
        if (stale_[slot]) return;
        stale_[slot] = true;
        ++stale_count_;
    }

    void drop_stale() noexcept {
        for (std::size_t slot = slots_.size() - 1; stale_count_ > 0 && slot >= 1; --slot)
            if (stale_[slot]) remove_slot(slot);
    }

    std::mutex lock_;                    // not held in the poll call: forget() only touches stale_ then
    std::vector<PollFd> slots_;          // [0] is the wake-up channel
    std::vector<std::uint64_t> tokens_;  // parallel to slots_
    std::vector<bool> stale_;            // parallel to slots_: closed, not yet dropped
    std::size_t stale_count_ = 0;
    Index index_;
    std::size_t cursor_ = 1;  // where the next scan starts (fairness)
};

/// Every live poll_set of one backend, so that poller_forget() reaches them all.
template <class Set>
class live_poll_sets {
public:
    /// Adds a new set; false if that needs memory there is not.
    static bool enroll(Set& set) noexcept {
        registry& r = get();
        const std::lock_guard<std::mutex> hold(r.lock);
        try {
            r.sets.push_back(&set);
        } catch (const std::bad_alloc&) {
            return false;
        }
        r.count.fetch_add(1, std::memory_order_release);
        return true;
    }

    static void leave(Set& set) noexcept {
        registry& r = get();
        const std::lock_guard<std::mutex> hold(r.lock);
        for (std::size_t i = 0; i < r.sets.size(); ++i) {
            if (r.sets[i] != &set) continue;
            r.sets[i] = r.sets.back();
            r.sets.pop_back();
            r.count.fetch_sub(1, std::memory_order_release);
            return;
        }
    }

    /// Marks `fd` stale in every set. With no poller alive it costs one atomic load.
    static void forget(typename Set::fd_type fd) noexcept {
        registry& r = get();
        if (r.count.load(std::memory_order_acquire) == 0) return;
        const std::lock_guard<std::mutex> hold(r.lock);
        for (Set* set : r.sets) set->forget(fd);
    }

private:
    struct registry {
        std::mutex lock;
        std::vector<Set*> sets;
        std::atomic<std::size_t> count{0};
    };
    // Built on first use, so a poller that is itself a static object finds it alive.
    static registry& get() noexcept {
        static registry instance;
        return instance;
    }
};

}  // namespace portsock::platform
