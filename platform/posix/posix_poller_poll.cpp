// POSIX port, any system: the portable poller backend (poller_backend.hpp), on poll(),
// woken through a self-pipe.
//
// The only backend on macOS, the BSDs and Linux under PORTSOCK_POSIX_GENERIC, and the one a
// poller_backend::portable poller gets on Linux. The registration table is poll_set.hpp's (slot 0 is the
// wake-up pipe), with a table indexed by descriptor, so every operation is O(1) except the wait itself, which
// is O(registered) as poll() is.
#include "poll_deadline.hpp"
#include "poll_set.hpp"
#include "poller_backend.hpp"
#include "wake_flag.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <new>
#include <vector>

namespace portsock::platform {

namespace {

/// Descriptors are small integers: a table indexed by them finds a slot in O(1).
class descriptor_index {
public:
    std::size_t get(int fd) const noexcept {
        const auto index = static_cast<std::size_t>(fd);
        return fd >= 0 && index < slot_of_.size() ? slot_of_[index] : 0;
    }
    void set(int fd, std::size_t slot) {  // may throw std::bad_alloc when it grows
        const auto index = static_cast<std::size_t>(fd);
        if (index >= slot_of_.size()) slot_of_.resize(index + 1, 0);
        slot_of_[index] = slot;
    }
    void erase(int fd) noexcept {
        const auto index = static_cast<std::size_t>(fd);
        if (fd >= 0 && index < slot_of_.size()) slot_of_[index] = 0;
    }

private:
    std::vector<std::size_t> slot_of_;  // slot, or 0 if absent
};

}  // namespace

using descriptor_set = poll_set<pollfd, descriptor_index>;

struct poll_state : poller_state {
    poll_state() noexcept : poller_state(poller_kind::portable) {}

    int wake_read = -1;
    int wake_write = -1;
    wake_flag wake_pending;
    descriptor_set set;  // slot 0 is wake_read
    bool enrolled = false;
};

namespace {

// POLLRDHUP (Linux, and any system whose <poll.h> has it) is asked for whatever the
// interest: a peer's FIN is then hang-up even for a socket watched for nothing. Without it
// poll() reports only what POSIX gives: POLLHUP once the connection is gone.
#ifdef POLLRDHUP
constexpr short peer_shutdown = POLLRDHUP;
#else
constexpr short peer_shutdown = 0;
#endif

short to_poll(unsigned interest) noexcept {
    short bits = peer_shutdown;
    if (interest & wait_readable) bits = static_cast<short>(bits | POLLIN);
    if (interest & wait_writable) bits = static_cast<short>(bits | POLLOUT);
    return bits;
}

unsigned from_poll(short bits, short interest) noexcept {
    unsigned events = 0;
    if (bits & POLLIN) events |= wait_readable;
    if (bits & POLLOUT) events |= wait_writable;
    if (bits & (POLLHUP | peer_shutdown)) events |= poller_hang_up;
    if (bits & (POLLERR | POLLNVAL)) events |= poller_error;
    // As with wait(): hang-up and error make every awaited direction ready, so the next
    // receive or send reports what happened.
    if (events & (poller_hang_up | poller_error)) {
        if (interest & POLLIN) events |= wait_readable;
        if (interest & POLLOUT) events |= wait_writable;
    }
    return events;
}

// Both ends non-blocking and close-on-exec: atomically with pipe2() where the OS has it
// (Linux, the BSDs); macOS has only pipe() and fcntl(), which leaves a fork() window.
bool open_pipe(poll_state* p, std::error_code& ec) noexcept {
    int ends[2];
#if PORTSOCK_HAVE_PIPE2
    const int result = ::pipe2(ends, O_CLOEXEC | O_NONBLOCK);
#else
    const int result = ::pipe(ends);
#endif
    if (result != 0) {
        ec = last_error();
        return false;
    }
    p->wake_read = ends[0];
    p->wake_write = ends[1];
#if !PORTSOCK_HAVE_PIPE2
    for (const int fd : ends) {
        const int fd_flags = ::fcntl(fd, F_GETFD);
        const int fl_flags = ::fcntl(fd, F_GETFL);
        if (fd_flags == -1 || fl_flags == -1 || ::fcntl(fd, F_SETFD, fd_flags | FD_CLOEXEC) == -1 ||
            ::fcntl(fd, F_SETFL, fl_flags | O_NONBLOCK) == -1) {
            ec = last_error();
            return false;
        }
    }
#endif
    ec.clear();
    return true;
}

void drain_wake(poll_state* p) noexcept {
    char sink[64];
    for (;;) {  // until EAGAIN: the pipe is empty
        const ssize_t n = ::read(p->wake_read, sink, sizeof sink);
        if (n > 0 || (n < 0 && errno == EINTR)) continue;
        break;
    }
    p->wake_pending.release();  // only now, after the drain (see wake_flag.hpp)
}

int poll_retrying(poll_state* p, std::int64_t timeout_ms, std::error_code& ec) noexcept {
    const int ready = wait_until_deadline(timeout_ms, [&](int ms) {
        const int n = ::poll(p->set.data(), static_cast<nfds_t>(p->set.size()), ms);
        return n < 0 && errno == EINTR ? 0 : n;  // EINTR: wait on, against the deadline
    });
    if (ready >= 0) {
        ec.clear();
        return ready;
    }
    ec = last_error();
    return 0;
}

}  // namespace

namespace portable_poller {

poller_state* create(std::error_code& ec) noexcept {
    auto* p = new (std::nothrow) poll_state;
    if (!p) {
        ec = make_error(std::errc::not_enough_memory);
        return nullptr;
    }
    if (open_pipe(p, ec)) p->set.set_wake_channel(p->wake_read, POLLIN, ec);
    if (!ec) p->enrolled = live_poll_sets<descriptor_set>::enroll(p->set);
    if (!ec && !p->enrolled) ec = make_error(std::errc::not_enough_memory);
    if (ec) {
        destroy(p);
        return nullptr;
    }
    return p;
}

void destroy(poller_state* state) noexcept {
    auto* p = static_cast<poll_state*>(state);
    if (!p) return;
    if (p->enrolled) live_poll_sets<descriptor_set>::leave(p->set);
    if (p->wake_read >= 0) ::close(p->wake_read);
    if (p->wake_write >= 0) ::close(p->wake_write);
    delete p;
}

void add(poller_state* state, handle h, unsigned interest, std::uint64_t token,
         std::error_code& ec) noexcept {
    auto* p = static_cast<poll_state*>(state);
    if (h < 0) {
        ec = make_error(std::errc::bad_file_descriptor);
        return;
    }
    p->set.add(h, to_poll(interest), token, ec);
}

void modify(poller_state* state, handle h, unsigned interest, std::uint64_t token,
            std::error_code& ec) noexcept {
    auto* p = static_cast<poll_state*>(state);
    p->set.modify(h, to_poll(interest), token, ec);
}

void remove(poller_state* state, handle h, std::error_code& ec) noexcept {
    auto* p = static_cast<poll_state*>(state);
    p->set.remove(h, ec);
}

void forget(handle h) noexcept { live_poll_sets<descriptor_set>::forget(h); }

std::size_t wait(poller_state* state, poller_event* events, std::size_t capacity, std::int64_t timeout_ms,
                 std::error_code& ec) noexcept {
    auto* p = static_cast<poll_state*>(state);
    const int ready = poll_retrying(p, timeout_ms, ec);
    if (ec || ready == 0) return 0;
    return p->set.collect(
        ready, [p] { drain_wake(p); }, events, capacity, POLLNVAL, from_poll);
}

void wake(poller_state* state, std::error_code& ec) noexcept {
    auto* p = static_cast<poll_state*>(state);
    ec.clear();
    if (!p->wake_pending.claim()) return;  // one is queued already
    const char one = 1;
    while (::write(p->wake_write, &one, 1) < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return;  // the pipe is full, so it is readable
        ec = last_error();
        p->wake_pending.release();  // nothing queued: let the next wake() try
        return;
    }
}

const char* name() noexcept { return "poll"; }

bool reports_peer_shutdown() noexcept { return peer_shutdown != 0; }

}  // namespace portable_poller

}  // namespace portsock::platform
