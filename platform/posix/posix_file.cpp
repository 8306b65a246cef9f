// POSIX port: the read-only files that send_file() sends.
#include "platform.hpp"
#include "posix_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace portsock::platform {

file open_file(const std::filesystem::path& path, std::error_code& ec) noexcept {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (a later read then fails with
    // a clear error); it changes nothing for regular files.
    int flags = O_RDONLY | O_NONBLOCK;
#ifdef O_CLOEXEC
    flags |= O_CLOEXEC;
#endif
    for (;;) {
        const int fd = ::open(path.c_str(), flags);
        if (fd != -1) {
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);  // where O_CLOEXEC is missing
            ec.clear();
            return fd;
        }
        if (errno != EINTR) {
            ec = last_error();
            return invalid_file;
        }
    }
}

void close_file(file f) noexcept { ::close(static_cast<int>(f)); }

std::size_t read_file(file f, std::uint64_t offset, void* data, std::size_t size, std::error_code& ec) noexcept {
    return io_result([&] { return ::pread(static_cast<int>(f), data, size, static_cast<off_t>(offset)); }, ec);
}

}  // namespace portsock::platform
