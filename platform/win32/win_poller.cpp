// Winsock 2 port: the portable poller backend (poller_backend.hpp), on WSAPoll(), woken
// through a loopback UDP socket. The scalable one is win_poller_afd.cpp.
//
// Windows has no pipe or eventfd that WSAPoll can watch, so the wake-up channel is a UDP
// socket bound to 127.0.0.1 and connected to itself: wake() sends it one byte, which makes
// it readable. It is opened through the port's own open(), so it holds the Winsock
// reference the poller needs and is non-inheritable like every other handle.
//
// The registration table is poll_set.hpp's (slot 0 is the wake socket), with a hash map
// from SOCKET to slot. WSAPoll quirks (see win_wait.cpp): only POLLRDNORM and POLLWRNORM may be
// asked for; a failed connect reports POLLERR|POLLHUP without POLLWRNORM, and a peer that
// closed reports POLLHUP without POLLRDNORM, so hang-up and error mark every awaited
// direction ready; Windows before 10 version 2004 does not report a failed connect at all.
#include "poll_deadline.hpp"
#include "poll_set.hpp"
#include "poller_backend.hpp"
#include "wake_flag.hpp"
#include "win_common.hpp"

#include <climits>
#include <cstdint>
#include <new>
#include <unordered_map>
#include <vector>

namespace portsock::platform {

namespace {

/// SOCKETs are not small integers: a hash map finds a slot.
class socket_index {
public:
    std::size_t get(SOCKET s) const noexcept {
        const auto found = slot_of_.find(s);
        return found == slot_of_.end() ? 0 : found->second;
    }
    void set(SOCKET s, std::size_t slot) { slot_of_[s] = slot; }  // may throw std::bad_alloc
    void erase(SOCKET s) noexcept { slot_of_.erase(s); }

private:
    std::unordered_map<SOCKET, std::size_t> slot_of_;
};

}  // namespace

using socket_set = poll_set<WSAPOLLFD, socket_index>;

struct wsapoll_state : poller_state {
    wsapoll_state() noexcept : poller_state(poller_kind::portable) {}

    handle wake = invalid_handle;
    wake_flag wake_pending;
    socket_set set;  // slot 0 is the wake socket
    bool enrolled = false;
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

void drain_wake(wsapoll_state* p) noexcept {
    char sink[64];
    std::error_code ec;
    while (receive(p->wake, sink, sizeof sink, ec) > 0 && !ec) {
    }
    p->wake_pending.release();  // only now, after the drain (see wake_flag.hpp)
}

// Wine's WSAPoll() marks a closed socket POLLNVAL but leaves it out of the count it
// returns (0 if nothing else is ready), so the entry would never be dropped. Only after a
// result of 0: a scan of the array for such marks.
int uncounted_invalid(wsapoll_state* p) noexcept {
    int marked = 0;
    for (std::size_t i = 0; i < p->set.size(); ++i)
        if (p->set.data()[i].revents & POLLNVAL) ++marked;
    return marked;
}

// WSAPoll() does not report a socket that its own side shut down, so a registered socket
// that cancel() has shut down is marked hung up here (see win_cancel.cpp).
bool has_cancelled(wsapoll_state* p) noexcept {
    for (std::size_t slot = 1; slot < p->set.size(); ++slot)
        if (was_cancelled(p->set.data()[slot].fd)) return true;
    return false;
}

int report_cancelled(wsapoll_state* p) noexcept {
    int marked = 0;
    for (std::size_t slot = 1; slot < p->set.size(); ++slot) {
        WSAPOLLFD& entry = p->set.data()[slot];
        if (entry.revents == 0 && was_cancelled(entry.fd)) {
            entry.revents = POLLHUP;
            ++marked;
        }
    }
    return marked;
}

int poll_until(wsapoll_state* p, std::int64_t timeout_ms, std::error_code& ec) noexcept {
    int code = 0;
    const int ready = wait_until_deadline(timeout_ms, [&](int ms) {
        int n = ::WSAPoll(p->set.data(), static_cast<ULONG>(p->set.size()), ms);
        if (n == 0) n = uncounted_invalid(p);
        if (n >= 0) return n;  // 0 may come a little early (timer granularity): wait on
        code = ::WSAGetLastError();
        if (code == WSA_OPERATION_ABORTED) return INT_MIN;  // cancel() on a registered socket
        return code == WSAEINTR ? 0 : n;
    });
    if (ready == INT_MIN) {  // report the cancelled socket (report_cancelled())
        ec.clear();
        return 0;
    }
    if (ready >= 0) {
        ec.clear();
        return ready;
    }
    ec = socket_error(code);
    return 0;
}

}  // namespace

namespace portable_poller {

poller_state* create(std::error_code& ec) noexcept {
    auto* p = new (std::nothrow) wsapoll_state;
    if (!p) {
        ec = make_error(std::errc::not_enough_memory);
        return nullptr;
    }
    p->wake = open_wake_socket(ec);
    if (!ec) p->set.set_wake_channel(to_socket(p->wake), POLLRDNORM, ec);
    if (!ec) p->enrolled = live_poll_sets<socket_set>::enroll(p->set);
    if (!ec && !p->enrolled) ec = make_error(std::errc::not_enough_memory);
    if (ec) {
        destroy(p);
        return nullptr;
    }
    return p;
}

void destroy(poller_state* state) noexcept {
    auto* p = static_cast<wsapoll_state*>(state);
    if (!p) return;
    if (p->enrolled) live_poll_sets<socket_set>::leave(p->set);
    std::error_code ignored;
    if (p->wake != invalid_handle) close(p->wake, ignored);  // drops the Winsock reference
    delete p;
}

void add(poller_state* state, handle h, unsigned interest, std::uint64_t token,
         std::error_code& ec) noexcept {
    auto* p = static_cast<wsapoll_state*>(state);
    if (h == invalid_handle) {
        ec = make_error(std::errc::bad_file_descriptor);
        return;
    }
    p->set.add(to_socket(h), to_poll(interest), token, ec);
}

void modify(poller_state* state, handle h, unsigned interest, std::uint64_t token,
            std::error_code& ec) noexcept {
    auto* p = static_cast<wsapoll_state*>(state);
    p->set.modify(to_socket(h), to_poll(interest), token, ec);
}

void remove(poller_state* state, handle h, std::error_code& ec) noexcept {
    auto* p = static_cast<wsapoll_state*>(state);
    p->set.remove(to_socket(h), ec);
}

void forget(handle h) noexcept { live_poll_sets<socket_set>::forget(to_socket(h)); }

std::size_t wait(poller_state* state, poller_event* events, std::size_t capacity, std::int64_t timeout_ms,
                 std::error_code& ec) noexcept {
    auto* p = static_cast<wsapoll_state*>(state);
    // A cancelled socket is ready at once: look without waiting.
    const bool cancelled = has_cancelled(p);
    int ready = poll_until(p, cancelled ? 0 : timeout_ms, ec);
    if (ec) return 0;
    if (cancelled || ready == 0) ready += report_cancelled(p);
    if (ready == 0) return 0;
    return p->set.collect(
        ready, [p] { drain_wake(p); }, events, capacity, POLLNVAL, from_poll);
}

void wake(poller_state* state, std::error_code& ec) noexcept {
    auto* p = static_cast<wsapoll_state*>(state);
    ec.clear();
    if (!p->wake_pending.claim()) return;  // one is queued already
    // A would-block send is retried a few times: Wine (seen under load) can refuse a 1-byte
    // datagram on an almost empty socket, so it does not prove that a wake-up is queued.
    const char one = 1;
    constexpr int attempts = 3;
    constexpr int pause_ms = 10;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        send(p->wake, &one, 1, ec);
        if (!ec) return;
        if (ec != std::errc::operation_would_block) break;
        std::error_code ignored;
        platform::wait(p->wake, wait_writable, pause_ms, ignored);
    }
    // Not sent. Either earlier wake-ups fill the buffer (the poller wakes for them) or the
    // send failed; in both cases the flag must not stay set, or every later wake() would be
    // skipped.
    if (ec == std::errc::operation_would_block) ec.clear();
    p->wake_pending.release();
}

const char* name() noexcept { return "WSAPoll"; }

// WSAPoll reports a graceful close as POLLHUP, also for a socket watched for nothing.
bool reports_peer_shutdown() noexcept { return true; }

}  // namespace portable_poller

}  // namespace portsock::platform
