// POSIX port: readiness waits with poll(), the mechanism behind every timeout.
#include "platform.hpp"

#include <poll.h>

#include <cerrno>
#include <chrono>

namespace portsock::platform {

unsigned wait(handle h, unsigned events, int timeout_ms, std::error_code& ec) noexcept {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
    pollfd entry{h, 0, 0};
    if (events & wait_readable) entry.events |= POLLIN;
    if (events & wait_writable) entry.events |= POLLOUT;
    int remaining = timeout_ms;
    for (;;) {
        const int ready = ::poll(&entry, 1, remaining);
        if (ready > 0) break;
        if (ready == 0) {
            ec.clear();
            return wait_none;
        }
        if (errno != EINTR) {
            ec = last_error();
            return wait_none;
        }
        if (timeout_ms >= 0) {  // EINTR: keep counting from the original deadline.
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
            remaining = left.count() > 0 ? static_cast<int>(left.count()) : 0;
        }
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
