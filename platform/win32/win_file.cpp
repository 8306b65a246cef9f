// Winsock 2 port: the read-only files that send_file() sends.
#include "win_common.hpp"

#include <cstdint>

namespace portsock::platform {
namespace {

// The largest file offset a LARGE_INTEGER (and the OVERLAPPED that holds one) takes.
constexpr std::uint64_t max_position = 0x7fffffffffffffff;

bool names_a_directory(const std::filesystem::path& path) noexcept {
    const DWORD attributes = ::GetFileAttributesW(path.c_str());
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
}

// A read at the end of the file: ERROR_HANDLE_EOF at an offset past it, ERROR_BROKEN_PIPE
// from a pipe whose writers closed.
bool is_end_of_file(DWORD code) noexcept { return code == ERROR_HANDLE_EOF || code == ERROR_BROKEN_PIPE; }

// The file errors portable code asks about compare equal to std::errc here, as errno
// values do on POSIX; the rest keep Windows' own code and message.
std::error_code file_error() noexcept {
    const DWORD code = ::GetLastError();
    switch (code) {
        case ERROR_FILE_NOT_FOUND:
        case ERROR_PATH_NOT_FOUND:
            return std::make_error_code(std::errc::no_such_file_or_directory);
        case ERROR_ACCESS_DENIED:
            return std::make_error_code(std::errc::permission_denied);
        default:
            return {static_cast<int>(code), std::system_category()};
    }
}

// A ReadFile's outcome: the bytes read, 0 at the end of the file, or the error.
std::size_t read_result(BOOL done, DWORD got, std::error_code& ec) noexcept {
    if (done || is_end_of_file(::GetLastError())) {
        ec.clear();
        return done ? got : 0;
    }
    ec = file_error();
    return 0;
}

}  // namespace

file open_file(const std::filesystem::path& path, std::error_code& ec) noexcept {
    // Not inheritable (no SECURITY_ATTRIBUTES); others may read, write or delete meanwhile,
    // as POSIX allows.
    const HANDLE f =
        ::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                      nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (f == INVALID_HANDLE_VALUE) {
        // CreateFileW refuses a directory with ERROR_ACCESS_DENIED: say what POSIX says.
        ec = ::GetLastError() == ERROR_ACCESS_DENIED && names_a_directory(path)
                 ? std::make_error_code(std::errc::is_a_directory)
                 : file_error();
        return invalid_file;
    }
    ec.clear();
    return reinterpret_cast<file>(f);
}

void close_file(file f) noexcept { ::CloseHandle(reinterpret_cast<HANDLE>(f)); }

bool file_is_seekable(file f) noexcept {
    return ::GetFileType(reinterpret_cast<HANDLE>(f)) == FILE_TYPE_DISK;
}

std::size_t read_file(file f, std::uint64_t offset, void* data, std::size_t size,
                      std::error_code& ec) noexcept {
    const auto want = static_cast<DWORD>(file_span(offset, size, max_position, 0x7fffffff));
    ec.clear();
    if (want == 0) return 0;  // past any file's end
    OVERLAPPED at{};          // a synchronous handle reads at this offset
    at.Offset = static_cast<DWORD>(offset & 0xffffffffu);
    at.OffsetHigh = static_cast<DWORD>(offset >> 32);
    DWORD got = 0;
    const BOOL done = ::ReadFile(reinterpret_cast<HANDLE>(f), data, want, &got, &at);
    return read_result(done, got, ec);
}

std::size_t read_file_next(file f, void* data, std::size_t size, std::error_code& ec) noexcept {
    const DWORD want = size > 0x7fffffff ? 0x7fffffff : static_cast<DWORD>(size);
    DWORD got = 0;
    const BOOL done = ::ReadFile(reinterpret_cast<HANDLE>(f), data, want, &got, nullptr);
    return read_result(done, got, ec);
}

}  // namespace portsock::platform
