// POSIX port: readiness waits with poll(), the mechanism behind every timeout.
#include "platform.hpp"
#include "poll_deadline.hpp"

#include <poll.h>

#include <cerrno>

namespace portsock::platform {

unsigned wait(handle h, unsigned events, std::int64_t timeout_ms, std::error_code& ec) noexcept {
    pollfd entry{h, 0, 0};
    if (events & wait_readable) entry.events |= POLLIN;
    if (events & wait_writable) entry.events |= POLLOUT;
    const int outcome = wait_until_deadline(timeout_ms, [&](int ms) {
        const int n = ::poll(&entry, 1, ms);
        return n < 0 && errno == EINTR ? 0 : n;  // EINTR: wait on, against the deadline
    });
    if (outcome < 0) {
        ec = last_error();
        return wait_none;
    }
    if (outcome == 0) {
        ec.clear();
        return wait_none;
    }
    ec.clear();
    if (entry.revents & POLLNVAL) {
        ec = make_error(std::errc::bad_file_descriptor);
        return wait_none;
    }
    // Hang-up and error wake both directions: the next call reports what happened.
    if (entry.revents & (POLLERR | POLLHUP)) return events;
    unsigned ready = wait_none;
    if (entry.revents & POLLIN) ready |= wait_readable;
    if (entry.revents & POLLOUT) ready |= wait_writable;
    return ready;
}

}  // namespace portsock::platform
