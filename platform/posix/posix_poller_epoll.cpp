// POSIX port, Linux: the scalable poller backend (poller_backend.hpp), on epoll
// (level-triggered), woken through an eventfd.
//
// epoll keeps the interest set in the kernel, so a wait costs O(ready) rather than O(all)
// and 10,000 idle connections cost nothing per wait. The user's token lives in a table
// indexed by descriptor, not in epoll_event.data: that leaves data.fd free to tell the
// wake-up eventfd apart from a user socket whatever tokens the user picks.
#include "poll_deadline.hpp"
#include "poller_backend.hpp"
#include "wake_flag.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <deque>
#include <new>

namespace portsock::platform {

namespace {

/// How many events one epoll_wait() may return. Level-triggered epoll reports the rest on
/// the next call, so a fixed buffer loses nothing and keeps wait() allocation-free.
constexpr int batch_size = 256;

/// Per descriptor, beside its token: the interest bits, and whether it is registered.
/// Two tables rather than one of structs: 9 bytes a descriptor instead of 16, which is
/// most of the poller's user-space memory when it holds 10,000 idle connections. They are
/// deques, not vectors: growing one adds a block rather than copying the whole table, so
/// the peak is the table, not twice its old size.
constexpr std::uint8_t registered_bit = 0x80;

unsigned interest_of(std::uint8_t state) noexcept { return state & 0x7fU; }

}  // namespace

struct epoll_state : poller_state {
    epoll_state() noexcept : poller_state(poller_kind::scalable) {}

    int epoll_fd = -1;
    int wake_fd = -1;
    wake_flag wake_pending;
    std::deque<std::uint64_t> tokens;  // indexed by descriptor
    std::deque<std::uint8_t> states;   // indexed by descriptor: interest | registered_bit
    epoll_event ready[batch_size];
};

namespace {

// EPOLLRDHUP is asked for whatever the interest: a peer's FIN is then hang-up even for a
// socket watched for nothing (EPOLLHUP and EPOLLERR need no asking).
std::uint32_t to_epoll(unsigned interest) noexcept {
    std::uint32_t bits = EPOLLRDHUP;
    if (interest & wait_readable) bits |= EPOLLIN;
    if (interest & wait_writable) bits |= EPOLLOUT;
    return bits;
}

unsigned from_epoll(std::uint32_t bits, unsigned interest) noexcept {
    unsigned events = 0;
    if (bits & EPOLLIN) events |= wait_readable;
    if (bits & EPOLLOUT) events |= wait_writable;
    if (bits & (EPOLLHUP | EPOLLRDHUP)) events |= poller_hang_up;
    if (bits & EPOLLERR) events |= poller_error;
    // As with wait(): hang-up and error make every awaited direction ready, so the next
    // receive or send reports what happened (WSAPoll reports a bare hang-up, epoll not).
    if (events & (poller_hang_up | poller_error)) events |= interest;
    return events;
}

void control(epoll_state* p, int op, handle h, unsigned interest, std::error_code& ec) noexcept {
    epoll_event change{};
    change.events = to_epoll(interest);
    change.data.fd = h;
    if (::epoll_ctl(p->epoll_fd, op, h, &change) == 0)
        ec.clear();
    else
        ec = last_error();
}

bool valid(handle h, std::error_code& ec) noexcept {
    if (h >= 0) return true;
    ec = make_error(std::errc::bad_file_descriptor);
    return false;
}

bool is_registered(const epoll_state* p, handle h) noexcept {
    const auto index = static_cast<std::size_t>(h);
    return index < p->states.size() && (p->states[index] & registered_bit) != 0;
}

void drain_wake(epoll_state* p) noexcept {
    std::uint64_t count = 0;
    while (::read(p->wake_fd, &count, sizeof count) < 0 && errno == EINTR) {
    }
    p->wake_pending.release();  // only now, after the drain (see wake_flag.hpp)
}

}  // namespace

namespace scalable_poller {

poller_state* create(std::error_code& ec) noexcept {
    auto* p = new (std::nothrow) epoll_state;
    if (!p) {
        ec = make_error(std::errc::not_enough_memory);
        return nullptr;
    }
    p->epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (p->epoll_fd >= 0) p->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->wake_fd >= 0)
        control(p, EPOLL_CTL_ADD, p->wake_fd, wait_readable, ec);
    else
        ec = last_error();
    if (ec) {
        destroy(p);
        return nullptr;
    }
    return p;
}

void destroy(poller_state* state) noexcept {
    auto* p = static_cast<epoll_state*>(state);
    if (!p) return;
    if (p->wake_fd >= 0) ::close(p->wake_fd);
    if (p->epoll_fd >= 0) ::close(p->epoll_fd);
    delete p;
}

void add(poller_state* state, handle h, unsigned interest, std::uint64_t token,
         std::error_code& ec) noexcept {
    auto* p = static_cast<epoll_state*>(state);
    if (!valid(h, ec)) return;
    // The kernel is the judge of "already registered" (EEXIST): a table entry left by a
    // descriptor closed without remove() is stale, since close() took it out of the set.
    const auto index = static_cast<std::size_t>(h);
    try {
        if (index >= p->tokens.size()) {
            p->tokens.resize(index + 1);
            p->states.resize(index + 1);
        }
    } catch (const std::bad_alloc&) {
        ec = make_error(std::errc::not_enough_memory);
        return;
    }
    control(p, EPOLL_CTL_ADD, h, interest, ec);
    if (!ec) {
        p->tokens[index] = token;
        p->states[index] = static_cast<std::uint8_t>(interest | registered_bit);
    }
}

void modify(poller_state* state, handle h, unsigned interest, std::uint64_t token,
            std::error_code& ec) noexcept {
    auto* p = static_cast<epoll_state*>(state);
    if (!valid(h, ec)) return;
    if (!is_registered(p, h)) {
        ec = make_error(std::errc::no_such_file_or_directory);
        return;
    }
    const auto index = static_cast<std::size_t>(h);
    if (interest_of(p->states[index]) != interest)
        control(p, EPOLL_CTL_MOD, h, interest, ec);
    else
        ec.clear();  // a token change alone needs no system call
    if (!ec) {
        p->tokens[index] = token;
        p->states[index] = static_cast<std::uint8_t>(interest | registered_bit);
    }
}

void remove(poller_state* state, handle h, std::error_code& ec) noexcept {
    auto* p = static_cast<epoll_state*>(state);
    if (!valid(h, ec)) return;
    if (!is_registered(p, h)) {
        ec = make_error(std::errc::no_such_file_or_directory);
        return;
    }
    p->states[static_cast<std::size_t>(h)] = 0;
    control(p, EPOLL_CTL_DEL, h, wait_none, ec);
    // A descriptor closed before remove() has already left the epoll set: nothing to undo.
    if (ec == std::errc::bad_file_descriptor || ec == std::errc::no_such_file_or_directory) ec.clear();
}

// epoll forgets a closed descriptor by itself (and the table entry left behind is judged
// stale by the kernel's EEXIST in add()).
void forget(handle) noexcept {}

std::size_t wait(poller_state* state, poller_event* events, std::size_t capacity, std::int64_t timeout_ms,
                 std::error_code& ec) noexcept {
    auto* p = static_cast<epoll_state*>(state);
    const int most =
        capacity < static_cast<std::size_t>(batch_size) ? static_cast<int>(capacity) : batch_size;
    const int ready = wait_until_deadline(timeout_ms, [&](int ms) {
        const int n = ::epoll_wait(p->epoll_fd, p->ready, most, ms);
        return n < 0 && errno == EINTR ? 0 : n;  // EINTR: wait on, against the deadline
    });
    if (ready < 0) {
        ec = last_error();
        return 0;
    }
    ec.clear();
    std::size_t filled = 0;
    for (int i = 0; i < ready; ++i) {
        const int fd = p->ready[i].data.fd;
        if (fd == p->wake_fd) {
            drain_wake(p);
            continue;
        }
        const auto index = static_cast<std::size_t>(fd);
        events[filled++] = {p->tokens[index], from_epoll(p->ready[i].events, interest_of(p->states[index]))};
    }
    return filled;
}

void wake(poller_state* state, std::error_code& ec) noexcept {
    auto* p = static_cast<epoll_state*>(state);
    ec.clear();
    if (!p->wake_pending.claim()) return;  // one is queued already
    const std::uint64_t one = 1;
    while (::write(p->wake_fd, &one, sizeof one) < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return;  // the counter is full, so it is readable
        ec = last_error();
        p->wake_pending.release();  // nothing queued: let the next wake() try
        return;
    }
}

bool available() noexcept { return true; }

const char* name() noexcept { return "epoll"; }

}  // namespace scalable_poller

}  // namespace portsock::platform
