// POSIX port: a readiness wait over several handles with poll(), for the RFC 8305 connect.
#include "platform.hpp"
#include "poll_deadline.hpp"

#include <poll.h>

#include <cerrno>

namespace portsock::platform {

std::size_t wait_any(wait_entry* entries, std::size_t count, std::int64_t timeout_ms,
                     std::error_code& ec) noexcept {
    if (count > wait_any_capacity) {
        ec = make_error(std::errc::invalid_argument);
        return 0;
    }
    pollfd set[wait_any_capacity];
    for (std::size_t i = 0; i < count; ++i) {
        set[i] = pollfd{entries[i].h, 0, 0};
        if (entries[i].events & wait_readable) set[i].events |= POLLIN;
        if (entries[i].events & wait_writable) set[i].events |= POLLOUT;
        entries[i].ready = wait_none;
    }
    const int ready = wait_until_deadline(timeout_ms, [&](int ms) {
        const int n = ::poll(set, static_cast<nfds_t>(count), ms);
        return n < 0 && errno == EINTR ? 0 : n;  // EINTR: wait on, against the deadline
    });
    if (ready < 0) {
        ec = last_error();
        return 0;
    }
    ec.clear();
    for (std::size_t i = 0; i < count && ready > 0; ++i) {
        const short revents = set[i].revents;
        if (revents & POLLNVAL) {
            ec = make_error(std::errc::bad_file_descriptor);
            return 0;
        }
        // Hang-up and error wake every awaited direction, as in wait().
        unsigned& out = entries[i].ready;
        if (revents & (POLLERR | POLLHUP)) out = entries[i].events;
        if (revents & POLLIN) out |= entries[i].events & wait_readable;
        if (revents & POLLOUT) out |= entries[i].events & wait_writable;
    }
    return static_cast<std::size_t>(ready);
}

}  // namespace portsock::platform
