// POSIX port, Linux: send_file() is the kernel's sendfile(2), which copies from the page
// cache to the socket without passing the bytes through user space. It takes no flags, so
// SIGPIPE is blocked around it: a peer that went away is EPIPE, as with send().
#include "platform.hpp"
#include "posix_io.hpp"

#include <sys/sendfile.h>

#include <cerrno>
#include <limits>

namespace portsock::platform {
namespace {

// The errors with which sendfile(2) refuses a file it cannot read from the page cache
// (/proc and sysfs files, character devices, a FIFO) before moving any byte. (ENOTSUP
// is EOPNOTSUPP on Linux.)
bool refuses_file(int code) noexcept {
    return code == EINVAL || code == ENOSYS || code == EOPNOTSUPP || code == ESPIPE;
}

}  // namespace

std::size_t send_file(handle h, file f, std::uint64_t offset, std::uint64_t count, bool /*may_block*/,
                      std::error_code& ec) noexcept {
    constexpr std::uint64_t most = 0x7ffff000;  // Linux moves at most this much per call
    constexpr auto max_position = static_cast<std::uint64_t>(std::numeric_limits<off_t>::max());
    const auto size = static_cast<std::size_t>(file_span(offset, count, max_position, most));
    ec.clear();
    if (size == 0) return 0;  // past any file's end
    off_t position = static_cast<off_t>(offset);
    const sigpipe_blocker guard;  // sendfile(2) takes no MSG_NOSIGNAL
    const std::size_t sent =
        io_result([&] { return ::sendfile(h, static_cast<int>(f), &position, size); }, ec);
    if (ec && ec.value() == EOVERFLOW) ec.clear();  // offset past the largest file its file system holds
    if (ec && refuses_file(ec.value())) ec = make_error(std::errc::operation_not_supported);
    return sent;
}

const char* send_file_method() noexcept { return "sendfile"; }

}  // namespace portsock::platform
