// POSIX port: the read-only files that send_file() sends.
#include "platform.hpp"
#include "posix_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <limits>

namespace portsock::platform {
namespace {

constexpr auto max_position = static_cast<std::uint64_t>(std::numeric_limits<off_t>::max());

int open_read_only(const std::filesystem::path& path, std::error_code& ec) noexcept {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it changes nothing for
    // regular files.
    int flags = O_RDONLY | O_NONBLOCK;
#ifdef O_CLOEXEC
    flags |= O_CLOEXEC;
#endif
    for (;;) {
        const int fd = ::open(path.c_str(), flags);
        if (fd != -1) {
            ec.clear();
            return fd;
        }
        if (errno != EINTR) {
            ec = last_error();
            return -1;
        }
    }
}

}  // namespace

file open_file(const std::filesystem::path& path, std::error_code& ec) noexcept {
    const int fd = open_read_only(path, ec);
    if (fd == -1) return invalid_file;
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);  // where O_CLOEXEC is missing
    // Reads wait for a FIFO's writer, as they would had it been opened so.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    // open() takes a directory with O_RDONLY; sendfile() or read() would then fail with
    // EINVAL or EISDIR, and Windows refuses to open one: say so here, the same everywhere.
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
        ::close(fd);
        ec = make_error(std::errc::is_a_directory);
        return invalid_file;
    }
    return fd;
}

void close_file(file f) noexcept { ::close(static_cast<int>(f)); }

bool file_is_seekable(file f) noexcept { return ::lseek(static_cast<int>(f), 0, SEEK_CUR) != -1; }

std::size_t read_file(file f, std::uint64_t offset, void* data, std::size_t size,
                      std::error_code& ec) noexcept {
    const auto want = static_cast<std::size_t>(file_span(offset, size, max_position, size));
    ec.clear();
    if (want == 0) return 0;  // past any file's end
    return io_result([&] { return ::pread(static_cast<int>(f), data, want, static_cast<off_t>(offset)); },
                     ec);
}

std::size_t read_file_next(file f, void* data, std::size_t size, std::error_code& ec) noexcept {
    return io_result([&] { return ::read(static_cast<int>(f), data, size); }, ec);
}

}  // namespace portsock::platform
