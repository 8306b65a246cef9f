// Winsock 2 port: send_file() with TransmitFile, which sends from the system cache in the
// kernel.
//
// TransmitFile on a non-blocking socket fails or succeeds as a whole and never says how
// many bytes went before a WSAEWOULDBLOCK, so it is used only when the call may block: an
// untimed send_file() on a blocking socket, where it blocks like send() does. On
// portsock's overlapped sockets Winsock runs it as overlapped I/O, so cancel()'s
// CancelIoEx() ends it from another thread. For a timed call or a non-blocking socket the
// port refuses (std::errc::operation_not_supported) and the SDK reads and sends: every byte
// is counted, and the SDK waits for writability between pieces, so the call ends by its
// deadline. That is simpler than an
// overlapped TransmitFile cancelled at the deadline, whose count after a cancel is not
// documented.
//
// TransmitFile is found at run time (SIO_GET_EXTENSION_FUNCTION_POINTER, so no mswsock
// import); where it is missing or fails as not implemented (possible under Wine), the port
// refuses from then on, and send_file_method() says "read-and-send".
#include "win_common.hpp"

#include <mswsock.h>

#include <atomic>

namespace portsock::platform {
namespace {

std::atomic<bool> transmit_file_missing{false};

bool means_missing(DWORD code) noexcept {
    return code == WSAEOPNOTSUPP || code == ERROR_NOT_SUPPORTED || code == ERROR_CALL_NOT_IMPLEMENTED ||
           code == ERROR_INVALID_FUNCTION;
}

// The provider's TransmitFile for s, or null (and transmit_file_missing set) without one.
LPFN_TRANSMITFILE find_transmit_file(SOCKET s) noexcept {
    GUID id = WSAID_TRANSMITFILE;
    LPFN_TRANSMITFILE found = nullptr;
    DWORD size = 0;
    if (::WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &found, sizeof found, &size,
                   nullptr, nullptr) != 0 ||
        !found) {
        transmit_file_missing = true;
        return nullptr;
    }
    return found;
}

// How many bytes TransmitFile is to send from offset: at most count, up to the end of the
// file as it is now (TransmitFile reports no count: a file that shrinks meanwhile is cut
// short, and the call then counts bytes that did not go), at most 1 GiB a call.
bool bytes_to_send(HANDLE file_handle, std::uint64_t offset, std::uint64_t count, DWORD& size,
                   std::error_code& ec) noexcept {
    LARGE_INTEGER file_size{};
    if (!::GetFileSizeEx(file_handle, &file_size)) {
        ec = win32_last_error();
        return false;
    }
    const auto total = static_cast<std::uint64_t>(file_size.QuadPart);
    // total fits a LONGLONG, so a size above 0 means offset does too (transmit() needs it).
    constexpr std::uint64_t most = std::uint64_t{1} << 30;
    size = static_cast<DWORD>(file_span(offset, count, total, most));
    return true;
}

// One blocking TransmitFile of up to count bytes from offset; false (ec clear) if it is
// missing or there is nothing before the reported size, so the caller reads and sends.
bool transmit(SOCKET s, HANDLE file_handle, std::uint64_t offset, std::uint64_t count, std::size_t& sent,
              std::error_code& ec) noexcept {
    const LPFN_TRANSMITFILE transmit_file = find_transmit_file(s);
    if (!transmit_file) return false;
    DWORD size = 0;
    sent = 0;
    if (!bytes_to_send(file_handle, offset, count, size, ec)) return true;
    // At or past the size the file reports: a read says whether that is its end (a file
    // whose size says 0 may hold bytes, as /proc files do under Wine).
    if (size == 0) return false;
    LARGE_INTEGER position{};
    position.QuadPart = static_cast<LONGLONG>(offset);
    // Without an OVERLAPPED, TransmitFile starts at the file position; the file is this
    // call's own (tcp_stream::send_file() opens it), so moving it disturbs no one.
    if (!::SetFilePointerEx(file_handle, position, nullptr, FILE_BEGIN)) {
        ec = win32_last_error();
        return true;
    }
    if (transmit_file(s, file_handle, size, 0, nullptr, nullptr, 0)) {
        sent = size;
        return true;
    }
    const int code = ::WSAGetLastError();
    if (means_missing(static_cast<DWORD>(code))) {
        transmit_file_missing = true;
        return false;
    }
    ec = socket_error(code);
    return true;
}

}  // namespace

std::size_t send_file(handle h, file f, std::uint64_t offset, std::uint64_t count, bool may_block,
                      std::error_code& ec) noexcept {
    ec.clear();
    if (may_block && !transmit_file_missing) {
        std::size_t sent = 0;
        if (transmit(to_socket(h), reinterpret_cast<HANDLE>(f), offset, count, sent, ec)) return sent;
    }
    ec = make_error(std::errc::operation_not_supported);
    return 0;
}

const char* send_file_method() noexcept { return transmit_file_missing ? "read-and-send" : "TransmitFile"; }

}  // namespace portsock::platform
