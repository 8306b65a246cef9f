// Winsock 2 port: readiness waits with WSAPoll(), the mechanism behind every timeout.
//
// WSAPoll differs from poll() in ways that matter here:
// - A refused or failed non-blocking connect reports POLLERR (with POLLHUP) but never
//   POLLOUT; a peer that closed reports POLLHUP without POLLIN. Both count as ready for the
//   requested events, as in posix_wait.cpp, so the next call (pending_error(), receive())
//   reports what happened instead of the wait running into its timeout.
// - POLLPRI and POLLWRBAND in `events` fail the call with WSAEINVAL: only POLLRDNORM and
//   POLLWRNORM are asked for (POLLIN includes POLLRDBAND, which Winsock also rejects in
//   some versions).
// - A handle that is not a socket gives POLLNVAL (or WSAENOTSOCK): bad_file_descriptor.
// - Windows before 10 version 2004 does not report a failed connect at all (the wait ends
//   by timeout; pending_error() then says why). Later Windows and Wine behave as above.
#include "win_common.hpp"

#include <chrono>

namespace portsock::platform {

unsigned wait(handle h, unsigned events, int timeout_ms, std::error_code& ec) noexcept {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
    WSAPOLLFD entry{};
    entry.fd = to_socket(h);
    unsigned interest = 0;
    if (events & wait_readable) interest |= POLLRDNORM;
    if (events & wait_writable) interest |= POLLWRNORM;
    entry.events = static_cast<SHORT>(interest);
    int remaining = timeout_ms;
    for (;;) {
        entry.revents = 0;
        const int ready = ::WSAPoll(&entry, 1, remaining);
        if (ready > 0) break;
        if (ready == 0) {
            // WSAPoll may wake a little early (timer granularity): wait out the deadline.
            if (timeout_ms < 0) continue;
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
            if (left.count() <= 0) {
                ec.clear();
                return wait_none;
            }
            remaining = static_cast<int>(left.count());
            continue;
        }
        const int code = ::WSAGetLastError();
        if (code == WSAENOTSOCK) {
            ec = make_error(std::errc::bad_file_descriptor);
            return wait_none;
        }
        if (code != WSAEINTR) {
            ec = socket_error(code);
            return wait_none;
        }
        if (timeout_ms >= 0) {  // interrupted: keep counting from the original deadline.
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
            remaining = left.count() > 0 ? static_cast<int>(left.count()) : 0;
        }
    }
    ec.clear();
    const unsigned revents = static_cast<unsigned short>(entry.revents);
    if (revents & POLLNVAL) {
        ec = make_error(std::errc::bad_file_descriptor);
        return wait_none;
    }
    // Hang-up and error wake both directions: the next call reports what happened.
    if (revents & (POLLERR | POLLHUP)) return events;
    unsigned result = wait_none;
    if (revents & (POLLRDNORM | POLLRDBAND)) result |= wait_readable;
    if (revents & POLLWRNORM) result |= wait_writable;
    return result;
}

}  // namespace portsock::platform
