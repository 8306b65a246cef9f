// Winsock 2 port: a readiness wait over several handles with WSAPoll(), for the RFC 8305
// connect. WSAPoll's quirks are those of win_wait.cpp: only POLLRDNORM and POLLWRNORM may
// be asked for, a failed connect reports POLLERR/POLLHUP without POLLWRNORM, and the call
// may return a little before its timeout.
#include "win_common.hpp"

#include "poll_deadline.hpp"

namespace portsock::platform {

std::size_t wait_any(wait_entry* entries, std::size_t count, std::int64_t timeout_ms,
                     std::error_code& ec) noexcept {
    if (count > wait_any_capacity) {
        ec = make_error(std::errc::invalid_argument);
        return 0;
    }
    WSAPOLLFD set[wait_any_capacity];
    for (std::size_t i = 0; i < count; ++i) {
        set[i] = WSAPOLLFD{};
        set[i].fd = to_socket(entries[i].h);
        unsigned interest = 0;
        if (entries[i].events & wait_readable) interest |= POLLRDNORM;
        if (entries[i].events & wait_writable) interest |= POLLWRNORM;
        set[i].events = static_cast<SHORT>(interest);
        entries[i].ready = wait_none;
    }
    int code = 0;
    const int ready = wait_until_deadline(timeout_ms, [&](int ms) {
        const int n = ::WSAPoll(set, static_cast<ULONG>(count), ms);
        if (n >= 0) return n;  // 0 may come a little early (timer granularity): wait on
        code = ::WSAGetLastError();
        return code == WSAEINTR ? 0 : n;
    });
    if (ready < 0) {
        ec = code == WSAENOTSOCK ? make_error(std::errc::bad_file_descriptor) : socket_error(code);
        return 0;
    }
    ec.clear();
    for (std::size_t i = 0; i < count; ++i) {
        const unsigned revents = static_cast<unsigned short>(set[i].revents);
        if (revents & POLLNVAL) {
            ec = make_error(std::errc::bad_file_descriptor);
            return 0;
        }
        // Hang-up and error wake every awaited direction, as in wait().
        unsigned& out = entries[i].ready;
        if (revents & (POLLERR | POLLHUP)) out = entries[i].events;
        if (revents & (POLLRDNORM | POLLRDBAND)) out |= entries[i].events & wait_readable;
        if (revents & POLLWRNORM) out |= entries[i].events & wait_writable;
    }
    return static_cast<std::size_t>(ready);
}

}  // namespace portsock::platform
