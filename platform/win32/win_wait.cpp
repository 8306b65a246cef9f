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
// - CancelIoEx() on one of the sockets (platform::cancel()) ends a WSAPoll() that waits on it
//   with WSA_OPERATION_ABORTED: Winsock runs the poll as overlapped I/O on a socket handle.
// - Windows before 10 version 2004 does not report a failed connect at all (the wait ends
//   by timeout; pending_error() then says why). Later Windows and Wine behave as above.
#include "poll_deadline.hpp"
#include "win_common.hpp"

namespace portsock::platform {

unsigned wait(handle h, unsigned events, std::int64_t timeout_ms, std::error_code& ec) noexcept {
    WSAPOLLFD entry{};
    entry.fd = to_socket(h);
    unsigned interest = 0;
    if (events & wait_readable) interest |= POLLRDNORM;
    if (events & wait_writable) interest |= POLLWRNORM;
    entry.events = static_cast<SHORT>(interest);
    // A cancelled socket is ready, as for hang-up: WSAPoll() would not say so (win_cancel.cpp).
    if (!begin_wait(entry.fd)) {
        ec.clear();
        return events;
    }
    int code = 0;
    const int ready = wait_until_deadline(timeout_ms, [&](int ms) {
        entry.revents = 0;
        const int n = ::WSAPoll(&entry, 1, ms);
        if (n >= 0) return n;  // 0 may come a little early (timer granularity): wait on
        code = ::WSAGetLastError();
        return code == WSAEINTR ? 0 : n;
    });
    end_wait(entry.fd);
    if (ready == 0) {
        ec.clear();
        return wait_none;
    }
    if (ready < 0 && code == WSA_OPERATION_ABORTED) {
        // cancel() ran CancelIoEx() on the socket, which ends the poll WSAPoll runs on it:
        // ready, as for hang-up, so the next call (or sdk/'s cancel check) reports it.
        ec.clear();
        return events;
    }
    if (ready < 0) {
        ec = code == WSAENOTSOCK ? make_error(std::errc::bad_file_descriptor) : socket_error(code);
        return wait_none;
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
