// POSIX port, FreeBSD and macOS: send_file() is the BSD sendfile(), file first and socket
// second, which copies from the page cache to the socket in the kernel. The two systems
// differ in how the count goes in and out; CMake compiles this file only where one of the
// two probes compiled its call (never on Linux), and says which.
#include "platform.hpp"
#include "posix_io.hpp"

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <cerrno>
#include <limits>

namespace portsock::platform {
namespace {

// The errors with which sendfile() refuses a file it cannot send (not a regular file:
// ENOTSUP on macOS, EOPNOTSUPP on FreeBSD; EINVAL) before sending any byte.
bool refuses_file(int code) noexcept {
#if defined(ENOTSUP) && ENOTSUP != EOPNOTSUPP
    if (code == ENOTSUP) return true;
#endif
    return code == EOPNOTSUPP || code == EINVAL || code == ENOSYS || code == ESPIPE;
}

// One sendfile() call of `size` (> 0) bytes: -1 with errno on failure. The bytes that went
// come out in *sent either way: EAGAIN (non-blocking socket) and EINTR may follow some.
int bsd_sendfile(handle h, file f, std::uint64_t offset, std::size_t size, off_t* sent) noexcept {
#if PORTSOCK_HAVE_FREEBSD_SENDFILE
    *sent = 0;
    return ::sendfile(static_cast<int>(f), h, static_cast<off_t>(offset), size, nullptr, sent, 0);
#else  // macOS: the count goes in and comes out through the same argument
    *sent = static_cast<off_t>(size);
    return ::sendfile(static_cast<int>(f), h, static_cast<off_t>(offset), sent, nullptr, 0);
#endif
}

}  // namespace

std::size_t send_file(handle h, file f, std::uint64_t offset, std::uint64_t count, bool /*may_block*/,
                      std::error_code& ec) noexcept {
    // Both read a count of 0 as "to the end of the file": never pass one.
    constexpr std::uint64_t most = std::uint64_t{1} << 30;
    constexpr auto max_position = static_cast<std::uint64_t>(std::numeric_limits<off_t>::max());
    const auto size = static_cast<std::size_t>(file_span(offset, count, max_position, most));
    ec.clear();
    if (size == 0) return 0;  // past any file's end
#if !PORTSOCK_HAVE_SO_NOSIGPIPE
    const sigpipe_blocker guard;  // sendfile() takes no MSG_NOSIGNAL
#endif
    for (;;) {
        off_t sent = 0;
        const int result = bsd_sendfile(h, f, offset, size, &sent);
        if (result == 0 || (sent > 0 && (errno == EAGAIN || errno == EINTR)))
            return static_cast<std::size_t>(sent);  // all, a part, or 0 at the end of the file
        if (errno != EINTR) {                       // EINTR before any byte went is retried
            ec = refuses_file(errno) ? make_error(std::errc::operation_not_supported) : last_error();
            return 0;
        }
    }
}

const char* send_file_method() noexcept { return "sendfile"; }

}  // namespace portsock::platform
