// Winsock 2 port: the read-only files that send_file() sends.
#include "win_common.hpp"

namespace portsock::platform {
namespace {

// The file errors portable code asks about compare equal to std::errc here, as errno
// values do on POSIX; the rest keep Windows' own code and message.
std::error_code file_error() noexcept {
    const DWORD code = ::GetLastError();
    switch (code) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND: return std::make_error_code(std::errc::no_such_file_or_directory);
    case ERROR_ACCESS_DENIED: return std::make_error_code(std::errc::permission_denied);
    default: return {static_cast<int>(code), std::system_category()};
    }
}

}  // namespace

file open_file(const std::filesystem::path& path, std::error_code& ec) noexcept {
    // Not inheritable (no SECURITY_ATTRIBUTES); others may read, write or delete meanwhile,
    // as POSIX allows.
    const HANDLE f = ::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                   nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (f == INVALID_HANDLE_VALUE) {
        ec = file_error();
        return invalid_file;
    }
    ec.clear();
    return reinterpret_cast<file>(f);
}

void close_file(file f) noexcept { ::CloseHandle(reinterpret_cast<HANDLE>(f)); }

std::size_t read_file(file f, std::uint64_t offset, void* data, std::size_t size, std::error_code& ec) noexcept {
    OVERLAPPED at{};  // a synchronous handle reads at this offset
    at.Offset = static_cast<DWORD>(offset & 0xffffffffu);
    at.OffsetHigh = static_cast<DWORD>(offset >> 32);
    const DWORD want = size > 0x7fffffff ? 0x7fffffff : static_cast<DWORD>(size);
    DWORD got = 0;
    if (::ReadFile(reinterpret_cast<HANDLE>(f), data, want, &got, &at)) {
        ec.clear();
        return got;
    }
    if (::GetLastError() == ERROR_HANDLE_EOF) {
        ec.clear();
        return 0;
    }
    ec = file_error();
    return 0;
}

}  // namespace portsock::platform
