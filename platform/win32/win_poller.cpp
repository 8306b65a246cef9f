// Winsock 2 port: the poller on WSAPoll(), woken through a loopback UDP socket.
//
// Windows has no pipe or eventfd that WSAPoll can watch, so the wake-up channel is a UDP
// socket bound to 127.0.0.1 and connected to itself: wake() sends it one byte, which makes
// it readable. It is opened through the port's own open(), so it holds the Winsock
// reference the poller needs and is non-inheritable like every other handle.
//
// The pollfd array is kept ready between calls (slot 0 is the wake socket), a hash map
// finds a socket's slot (SOCKETs are not small integers), and removal moves the last slot
// into the hole. WSAPoll quirks (see win_wait.cpp): only POLLRDNORM and POLLWRNORM may be
// asked for; a failed connect reports POLLERR|POLLHUP without POLLWRNORM, and a peer that
// closed reports POLLHUP without POLLRDNORM, so hang-up and error mark every awaited
// direction ready; Windows before 10 version 2004 does not report a failed connect at all.
#include "win_common.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <new>
#include <unordered_map>
#include <vector>

namespace portsock::platform {

struct poller_state {
    handle wake = invalid_handle;
    std::atomic<bool> wake_pending{false};        // skips the send when a wake-up is queued
    std::vector<WSAPOLLFD> slots;                 // [0] is the wake socket
    std::vector<std::uint64_t> tokens;            // parallel to slots
    std::unordered_map<SOCKET, std::size_t> slot_of;
    std::size_t cursor = 1;                       // where the next scan starts (fairness)
};

namespace {

SHORT to_poll(unsigned interest) noexcept {
    unsigned bits = 0;
    if (interest & wait_readable) bits |= POLLRDNORM;
    if (interest & wait_writable) bits |= POLLWRNORM;
    return static_cast<SHORT>(bits);
}

unsigned from_poll(SHORT revents, SHORT interest) noexcept {
    const unsigned bits = static_cast<unsigned short>(revents);
    unsigned events = 0;
    if (bits & (POLLRDNORM | POLLRDBAND)) events |= wait_readable;
    if (bits & POLLWRNORM) events |= wait_writable;
    if (bits & POLLHUP) events |= poller_hang_up;
    if (bits & (POLLERR | POLLNVAL)) events |= poller_error;
    if (events & (poller_hang_up | poller_error)) {
        if (interest & POLLRDNORM) events |= wait_readable;
        if (interest & POLLWRNORM) events |= wait_writable;
    }
    return events;
}

/// A UDP socket on 127.0.0.1 connected to itself: what it sends, it receives.
handle open_wake_socket(std::error_code& ec) noexcept {
    const handle h = open(family::ipv4, socket_type::datagram, ec);
    if (ec) return invalid_handle;
    address loopback;
    loopback.fam = family::ipv4;
    loopback.bytes[0] = 127;
    loopback.bytes[3] = 1;
    bind(h, loopback, ec);
    address self;
    if (!ec) self = local_address(h, ec);
    if (!ec) connect(h, self, ec);
    if (!ec) set_non_blocking(h, true, ec);
    if (ec) {
        std::error_code ignored;
        close(h, ignored);
        return invalid_handle;
    }
    return h;
}

void drain_wake(poller_state* p) noexcept {
    char sink[64];
    std::error_code ec;
    while (receive(p->wake, sink, sizeof sink, ec) > 0 && !ec) {}
    // Only now may a wake() write again: clearing the flag before draining could let the
    // drain swallow a new wake-up's byte while the flag stays set, losing every later wake().
    // A wake() that finds the flag still set is served by the return in progress.
    p->wake_pending.store(false, std::memory_order_release);
}

std::size_t find(const poller_state* p, handle h) noexcept {
    const auto found = p->slot_of.find(to_socket(h));
    return found == p->slot_of.end() ? 0 : found->second;
}

int poll_until(poller_state* p, int timeout_ms, std::error_code& ec) noexcept {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
    int remaining = timeout_ms;
    for (;;) {
        const int ready = ::WSAPoll(p->slots.data(), static_cast<ULONG>(p->slots.size()), remaining);
        if (ready > 0) {
            ec.clear();
            return ready;
        }
        if (ready < 0 && ::WSAGetLastError() != WSAEINTR) {
            ec = socket_error(::WSAGetLastError());
            return 0;
        }
        if (timeout_ms < 0) continue;
        // Timed out (WSAPoll may wake a little early) or interrupted: wait out the deadline.
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) {
            ec.clear();
            return 0;
        }
        remaining = static_cast<int>(left.count());
    }
}

}  // namespace

poller_state* poller_create(std::error_code& ec) noexcept {
    auto* p = new (std::nothrow) poller_state;
    if (!p) {
        ec = make_error(std::errc::not_enough_memory);
        return nullptr;
    }
    p->wake = open_wake_socket(ec);
    if (!ec) {
        try {
            WSAPOLLFD entry{};
            entry.fd = to_socket(p->wake);
            entry.events = POLLRDNORM;
            p->slots.push_back(entry);
            p->tokens.push_back(0);
        } catch (const std::bad_alloc&) {
            ec = make_error(std::errc::not_enough_memory);
        }
    }
    if (ec) {
        poller_destroy(p);
        return nullptr;
    }
    return p;
}

void poller_destroy(poller_state* p) noexcept {
    if (!p) return;
    std::error_code ignored;
    if (p->wake != invalid_handle) close(p->wake, ignored);  // drops the Winsock reference
    delete p;
}

void poller_add(poller_state* p, handle h, unsigned interest, std::uint64_t token,
                std::error_code& ec) noexcept {
    if (h == invalid_handle) {
        ec = make_error(std::errc::bad_file_descriptor);
        return;
    }
    if (find(p, h) != 0) {
        ec = make_error(std::errc::file_exists);
        return;
    }
    try {
        WSAPOLLFD entry{};
        entry.fd = to_socket(h);
        entry.events = to_poll(interest);
        p->slot_of.emplace(entry.fd, p->slots.size());
        p->slots.push_back(entry);
        p->tokens.push_back(token);
    } catch (const std::bad_alloc&) {
        p->slot_of.erase(to_socket(h));
        p->slots.resize(p->tokens.size());
        ec = make_error(std::errc::not_enough_memory);
        return;
    }
    ec.clear();
}

void poller_modify(poller_state* p, handle h, unsigned interest, std::uint64_t token,
                   std::error_code& ec) noexcept {
    const std::size_t slot = find(p, h);
    if (slot == 0) {
        ec = make_error(std::errc::no_such_file_or_directory);
        return;
    }
    p->slots[slot].events = to_poll(interest);
    p->tokens[slot] = token;
    ec.clear();
}

void poller_remove(poller_state* p, handle h, std::error_code& ec) noexcept {
    const std::size_t slot = find(p, h);
    if (slot == 0) {
        ec = make_error(std::errc::no_such_file_or_directory);
        return;
    }
    const std::size_t last = p->slots.size() - 1;
    if (slot != last) {  // move the last slot into the hole
        p->slots[slot] = p->slots[last];
        p->tokens[slot] = p->tokens[last];
        p->slot_of[p->slots[slot].fd] = slot;
    }
    p->slots.pop_back();
    p->tokens.pop_back();
    p->slot_of.erase(to_socket(h));
    ec.clear();
}

std::size_t poller_wait(poller_state* p, poller_event* events, std::size_t capacity,
                        int timeout_ms, std::error_code& ec) noexcept {
    if (capacity == 0) {
        ec = make_error(std::errc::invalid_argument);
        return 0;
    }
    int ready = poll_until(p, timeout_ms, ec);
    if (ec || ready == 0) return 0;
    if (p->slots[0].revents != 0) {
        drain_wake(p);
        --ready;
    }
    const std::size_t count = p->slots.size() - 1;  // user slots: 1..count
    std::size_t filled = 0;
    std::size_t slot = p->cursor <= count ? p->cursor : 1;
    for (std::size_t seen = 0; seen < count && ready > 0 && filled < capacity; ++seen) {
        const WSAPOLLFD& entry = p->slots[slot];
        if (entry.revents != 0) {
            events[filled++] = {p->tokens[slot], from_poll(entry.revents, entry.events)};
            --ready;
        }
        slot = slot == count ? 1 : slot + 1;
    }
    p->cursor = slot;
    return filled;
}

void poller_wake(poller_state* p, std::error_code& ec) noexcept {
    ec.clear();
    if (p->wake_pending.exchange(true, std::memory_order_acq_rel)) return;
    const char one = 1;
    send(p->wake, &one, 1, ec);
    if (ec == std::errc::operation_would_block) ec.clear();  // the buffer is full: it is readable
    if (ec) p->wake_pending.store(false, std::memory_order_release);  // nothing queued: let the next wake() try
}

const char* poller_backend() noexcept { return "WSAPoll"; }

}  // namespace portsock::platform
