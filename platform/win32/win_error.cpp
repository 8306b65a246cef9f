// Winsock 2 port: the "portsock.socket" error category over WSAGetLastError() codes.
//
// Winsock's codes (WSAE*) are not errno values, so this category maps each one a socket
// call can return to the std::errc condition POSIX code would see: on Windows too,
// `ec == std::errc::connection_refused` holds. Messages come from a table of our own,
// because FormatMessage depends on the installed language (and is incomplete under Wine);
// codes outside the table fall back to FormatMessageA.
#include "win_common.hpp"

#include <portsock/error.hpp>

#include <string>

namespace portsock {
namespace {

struct wsa_entry {
    int code;
    std::errc condition;
    bool mapped;  // false: no std::errc fits, the condition stays in the system category
    const char* message;
};

constexpr std::errc none{};

// Every code a socket, option, address or resolver call can return, in numeric order.
constexpr wsa_entry wsa_table[] = {
    {WSA_INVALID_HANDLE, std::errc::bad_file_descriptor, true, "specified event object handle is invalid"},
    {WSA_NOT_ENOUGH_MEMORY, std::errc::not_enough_memory, true, "insufficient memory available"},
    {WSA_INVALID_PARAMETER, std::errc::invalid_argument, true, "one or more parameters are invalid"},
    {WSA_OPERATION_ABORTED, std::errc::operation_canceled, true, "overlapped operation aborted"},
    {WSA_IO_INCOMPLETE, std::errc::resource_unavailable_try_again, true,
     "overlapped I/O event object not in signaled state"},
    {WSA_IO_PENDING, std::errc::operation_in_progress, true, "overlapped operation will complete later"},
    {WSAEINTR, std::errc::interrupted, true, "interrupted function call"},
    {WSAEBADF, std::errc::bad_file_descriptor, true, "file handle is not valid"},
    {WSAEACCES, std::errc::permission_denied, true, "permission denied"},
    {WSAEFAULT, std::errc::bad_address, true, "bad address"},
    {WSAEINVAL, std::errc::invalid_argument, true, "invalid argument"},
    {WSAEMFILE, std::errc::too_many_files_open, true, "too many open sockets"},
    {WSAEWOULDBLOCK, std::errc::operation_would_block, true,
     "resource temporarily unavailable (operation would block)"},
    {WSAEINPROGRESS, std::errc::operation_in_progress, true, "operation now in progress"},
    {WSAEALREADY, std::errc::connection_already_in_progress, true, "operation already in progress"},
    {WSAENOTSOCK, std::errc::not_a_socket, true, "socket operation on nonsocket"},
    {WSAEDESTADDRREQ, std::errc::destination_address_required, true, "destination address required"},
    {WSAEMSGSIZE, std::errc::message_size, true, "message too long"},
    {WSAEPROTOTYPE, std::errc::wrong_protocol_type, true, "protocol wrong type for socket"},
    {WSAENOPROTOOPT, std::errc::no_protocol_option, true, "bad protocol option"},
    {WSAEPROTONOSUPPORT, std::errc::protocol_not_supported, true, "protocol not supported"},
    {WSAESOCKTNOSUPPORT, std::errc::not_supported, true, "socket type not supported"},
    {WSAEOPNOTSUPP, std::errc::operation_not_supported, true, "operation not supported"},
    {WSAEPFNOSUPPORT, std::errc::address_family_not_supported, true, "protocol family not supported"},
    {WSAEAFNOSUPPORT, std::errc::address_family_not_supported, true,
     "address family not supported by protocol family"},
    {WSAEADDRINUSE, std::errc::address_in_use, true, "address already in use"},
    {WSAEADDRNOTAVAIL, std::errc::address_not_available, true, "cannot assign requested address"},
    {WSAENETDOWN, std::errc::network_down, true, "network is down"},
    {WSAENETUNREACH, std::errc::network_unreachable, true, "network is unreachable"},
    {WSAENETRESET, std::errc::network_reset, true, "network dropped connection on reset"},
    {WSAECONNABORTED, std::errc::connection_aborted, true, "software caused connection abort"},
    {WSAECONNRESET, std::errc::connection_reset, true, "connection reset by peer"},
    {WSAENOBUFS, std::errc::no_buffer_space, true, "no buffer space available"},
    {WSAEISCONN, std::errc::already_connected, true, "socket is already connected"},
    {WSAENOTCONN, std::errc::not_connected, true, "socket is not connected"},
    // Sending after shutdown(send): POSIX reports EPIPE, so this is broken_pipe.
    {WSAESHUTDOWN, std::errc::broken_pipe, true, "cannot send after socket shutdown"},
    {WSAETOOMANYREFS, none, false, "too many references"},
    {WSAETIMEDOUT, std::errc::timed_out, true, "connection timed out"},
    {WSAECONNREFUSED, std::errc::connection_refused, true, "connection refused"},
    {WSAELOOP, std::errc::too_many_symbolic_link_levels, true, "cannot translate name"},
    {WSAENAMETOOLONG, std::errc::filename_too_long, true, "name too long"},
    // EHOSTDOWN has no std::errc; the host cannot be reached either way.
    {WSAEHOSTDOWN, std::errc::host_unreachable, true, "host is down"},
    {WSAEHOSTUNREACH, std::errc::host_unreachable, true, "no route to host"},
    {WSAENOTEMPTY, std::errc::directory_not_empty, true, "directory not empty"},
    {WSAEPROCLIM, std::errc::resource_unavailable_try_again, true, "too many processes use Winsock"},
    {WSAEUSERS, none, false, "user quota exceeded"},
    {WSAEDQUOT, none, false, "disk quota exceeded"},
    {WSAESTALE, none, false, "stale file handle reference"},
    {WSAEREMOTE, none, false, "item is remote"},
    // Start-up failures: the network subsystem is not usable.
    {WSASYSNOTREADY, std::errc::network_down, true, "network subsystem is unavailable"},
    {WSAVERNOTSUPPORTED, std::errc::not_supported, true, "Winsock version 2.2 is not supported"},
    {WSANOTINITIALISED, std::errc::operation_not_permitted, true, "successful WSAStartup not yet performed"},
    // A graceful close is in progress on a message-oriented socket: nothing can be sent.
    {WSAEDISCON, std::errc::broken_pipe, true, "graceful shutdown in progress"},
    {WSAENOMORE, none, false, "no more results"},
    {WSAECANCELLED, std::errc::operation_canceled, true, "call has been canceled"},
    {WSAEINVALIDPROCTABLE, none, false, "procedure call table is invalid"},
    {WSAEINVALIDPROVIDER, none, false, "service provider is invalid"},
    {WSAEPROVIDERFAILEDINIT, none, false, "service provider failed to initialize"},
    {WSASYSCALLFAILURE, none, false, "system call failure"},
    {WSASERVICE_NOT_FOUND, none, false, "service not found"},
    {WSATYPE_NOT_FOUND, none, false, "class type not found"},
    {WSA_E_NO_MORE, none, false, "no more results"},
    {WSA_E_CANCELLED, std::errc::operation_canceled, true, "call was canceled"},
    {WSAEREFUSED, none, false, "database query was refused"},
    {WSAHOST_NOT_FOUND, none, false, "host not found"},
    {WSATRY_AGAIN, std::errc::resource_unavailable_try_again, true,
     "nonauthoritative host not found (try again)"},
    {WSANO_RECOVERY, none, false, "nonrecoverable name server error"},
    {WSANO_DATA, none, false, "valid name, no data record of requested type"},
};

const wsa_entry* find_entry(int code) noexcept {
    for (const wsa_entry& entry : wsa_table)
        if (entry.code == code) return &entry;
    return nullptr;
}

std::string system_message(int code) {
    char* text = nullptr;
    const DWORD length = ::FormatMessageA(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
        static_cast<DWORD>(code), MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US),
        reinterpret_cast<LPSTR>(&text), 0, nullptr);
    std::string message;
    if (length != 0 && text) {
        message.assign(text, length);
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r' ||
                                    message.back() == ' ' || message.back() == '.'))
            message.pop_back();
    }
    if (text) ::LocalFree(text);
    if (message.empty()) message = "unknown socket error " + std::to_string(code);
    return message;
}

class win32_socket_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "portsock.socket"; }

    std::string message(int code) const override {
        if (const wsa_entry* entry = find_entry(code)) return entry->message;
        return system_message(code);
    }

    std::error_condition default_error_condition(int code) const noexcept override {
        const wsa_entry* entry = find_entry(code);
        if (entry && entry->mapped) return std::make_error_condition(entry->condition);
        return {code, std::system_category()};
    }
};

}  // namespace

const std::error_category& socket_category() noexcept {
    static const win32_socket_category category;
    return category;
}

namespace platform {

std::error_code socket_error(int wsa_code) noexcept { return {wsa_code, socket_category()}; }

std::error_code last_error() noexcept { return socket_error(::WSAGetLastError()); }

std::error_code make_error(std::errc condition) noexcept {
    // Prefer the WSAE* code (the one a socket call would return) over the WSA_* aliases.
    const wsa_entry* alias = nullptr;
    for (const wsa_entry& entry : wsa_table) {
        if (!entry.mapped || entry.condition != condition) continue;
        if (entry.code >= WSABASEERR) return socket_error(entry.code);
        if (!alias) alias = &entry;
    }
    return alias ? socket_error(alias->code) : std::make_error_code(condition);
}

std::error_code win32_last_error() noexcept {
    return {static_cast<int>(::GetLastError()), std::system_category()};
}

std::error_code resolver_error(int gai_code) noexcept {
    // The EAI_* names are aliases of these WSA codes on Windows (EAI_NONAME is
    // WSAHOST_NOT_FOUND, ...), so the switch uses the WSA names only.
    switch (gai_code) {
        case WSAHOST_NOT_FOUND:  // EAI_NONAME
        case WSANO_DATA:         // EAI_NODATA
            return make_error_code(resolve_errc::host_not_found);
        case WSATRY_AGAIN:  // EAI_AGAIN
            return make_error_code(resolve_errc::try_again);
        case WSATYPE_NOT_FOUND:  // EAI_SERVICE
            return make_error_code(resolve_errc::service_not_found);
        case WSAEAFNOSUPPORT:  // EAI_FAMILY
            return make_error_code(resolve_errc::family_not_supported);
        case WSA_NOT_ENOUGH_MEMORY:  // EAI_MEMORY
            return make_error_code(resolve_errc::out_of_memory);
        case WSANO_RECOVERY:  // EAI_FAIL
            return make_error_code(resolve_errc::failure);
        case WSAEINVAL:  // EAI_BADFLAGS
            return make_error_code(resolve_errc::bad_flags);
        case WSAESOCKTNOSUPPORT:  // EAI_SOCKTYPE
            return make_error_code(resolve_errc::socket_type_not_supported);
        default:  // start-up failures (the system, not the name, is the problem) and the rest
            return socket_error(gai_code);
    }
}

}  // namespace platform
}  // namespace portsock
