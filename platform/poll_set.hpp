// The registration table of the poll()-style pollers (POSIX poll, Winsock WSAPoll), shared
// so both backends keep one copy of its bookkeeping. No OS header: the pollfd type, the
// handle-to-slot index and the revents conversion come from the backend.
//
// The pollfd array is kept ready between waits, so a wait is one poll call and one scan
// with no allocation. Slot 0 is the backend's wake-up channel; tokens run parallel to the
// slots; removal moves the last slot into the hole, so add, modify and remove are O(1).
#pragma once

#include "platform.hpp"

#include <cstddef>
#include <cstdint>
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
            ec.clear();
        } catch (const std::bad_alloc&) {
            ec = make_error(std::errc::not_enough_memory);
        }
    }

    PollFd* data() noexcept { return slots_.data(); }
    std::size_t size() const noexcept { return slots_.size(); }

    void add(fd_type fd, events_type interest, std::uint64_t token, std::error_code& ec) noexcept {
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
        } catch (const std::bad_alloc&) {
            index_.erase(fd);
            slots_.resize(tokens_.size());
            ec = make_error(std::errc::not_enough_memory);
            return;
        }
        ec.clear();
    }

    void modify(fd_type fd, events_type interest, std::uint64_t token, std::error_code& ec) noexcept {
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
        const std::size_t slot = index_.get(fd);
        if (slot == 0) {
            ec = make_error(std::errc::no_such_file_or_directory);
            return;
        }
        const std::size_t last = slots_.size() - 1;
        if (slot != last) {  // move the last slot into the hole
            slots_[slot] = slots_[last];
            tokens_[slot] = tokens_[last];
            index_.set(slots_[slot].fd, slot);
        }
        slots_.pop_back();
        tokens_.pop_back();
        index_.erase(fd);
        ec.clear();
    }

    /// After a poll call that found `ready` slots ready: calls `drain_wake()` if the wake-up
    /// channel (slot 0) is among them, then fills events from the ready user slots and
    /// returns how many. The scan starts where the last full buffer stopped, so when more
    /// handles are ready than the buffer holds, those at the end are not always served last.
    template <class Drain, class Convert>
    std::size_t collect(int ready, Drain drain_wake, poller_event* events, std::size_t capacity,
                        Convert from_revents) noexcept {
        if (slots_[0].revents != 0) {
            drain_wake();
            --ready;
        }
        const std::size_t count = slots_.size() - 1;  // user slots: 1..count
        std::size_t filled = 0;
        std::size_t slot = cursor_ <= count ? cursor_ : 1;
        for (std::size_t seen = 0; seen < count && ready > 0 && filled < capacity; ++seen) {
            const PollFd& entry = slots_[slot];
            if (entry.revents != 0) {
                events[filled++] = {tokens_[slot], from_revents(entry.revents, entry.events)};
                --ready;
            }
            slot = slot == count ? 1 : slot + 1;
        }
        cursor_ = slot;
        return filled;
    }

private:
    std::vector<PollFd> slots_;          // [0] is the wake-up channel
    std::vector<std::uint64_t> tokens_;  // parallel to slots_
    Index index_;
    std::size_t cursor_ = 1;             // where the next scan starts (fairness)
};

}  // namespace portsock::platform
