// POSIX port, Linux: send_file() is the kernel's sendfile(2), which copies from the page
// cache to the socket without passing the bytes through user space. It takes no flags, so
// SIGPIPE is blocked around it: a peer that went away is EPIPE, as with send().
#include "platform.hpp"
#include "posix_io.hpp"

#include <sys/sendfile.h>

namespace portsock::platform {

std::size_t send_file(handle h, file f, std::uint64_t offset, std::uint64_t count, bool /*may_block*/,
                      std::error_code& ec) noexcept {
    constexpr std::uint64_t most = 0x7ffff000;  // Linux moves at most this much per call
    off_t position = static_cast<off_t>(offset);
    const auto size = static_cast<std::size_t>(count < most ? count : most);
    const sigpipe_blocker guard;  // sendfile(2) takes no MSG_NOSIGNAL
    return io_result([&] { return ::sendfile(h, static_cast<int>(f), &position, size); }, ec);
}

const char* send_file_method() noexcept { return "sendfile"; }

}  // namespace portsock::platform
