// Winsock 2 port: AF_UNIX stream sockets (Windows 10 version 1803 and later).
//
// Winsock has no AF_UNIX datagrams, no abstract names and no peer credentials: those
// report std::errc::address_family_not_supported or operation_not_supported. Wine 8 has
// no AF_UNIX at all; has_local_sockets() finds out by opening one.
#include "local_path.hpp"
#include "win_common.hpp"

#include <afunix.h>

#include <cstddef>
#include <cstring>

namespace portsock::platform {
namespace {

constexpr std::size_t sun_path_size = sizeof(sockaddr_un{}.sun_path);
constexpr int path_offset = static_cast<int>(offsetof(sockaddr_un, sun_path));
// The reparse tag of an AF_UNIX socket file (IO_REPARSE_TAG_AF_UNIX, not in every mingw-w64).
constexpr DWORD af_unix_reparse_tag = 0x80000023UL;

void check(int result, std::error_code& ec) noexcept {
    if (result == 0)
        ec.clear();
    else
        ec = last_error();
}

bool to_native(const local_name& in, native_address& out, std::error_code& ec) noexcept {
    if (in.kind != local_name::path || in.size > local_path_max()) {  // the sdk has said why already
        ec = make_error(in.kind == local_name::abstract  ? std::errc::address_family_not_supported
                        : in.kind == local_name::unnamed ? std::errc::invalid_argument
                                                         : std::errc::filename_too_long);
        return false;
    }
    out = native_address{};
    auto* un = reinterpret_cast<sockaddr_un*>(&out.storage);
    un->sun_family = AF_UNIX;
    std::memcpy(un->sun_path, in.text, in.size);
    out.length = path_offset + static_cast<int>(in.size) + 1;
    ec.clear();
    return true;
}

local_name local_from_native(const native_address& in) noexcept {
    local_name out;
    if (in.length <= path_offset || in.get()->sa_family != AF_UNIX) return out;
    const auto* un = reinterpret_cast<const sockaddr_un*>(&in.storage);
    const std::size_t room = static_cast<std::size_t>(in.length - path_offset);
    out.size =
        static_cast<std::uint8_t>(::strnlen(un->sun_path, room < sun_path_size ? room : sun_path_size));
    out.kind = out.size == 0 ? local_name::unnamed : local_name::path;
    std::memcpy(out.text, un->sun_path, out.size);
    return out;
}

using name_call = int(WSAAPI*)(SOCKET, sockaddr*, int*);

local_name name_of(handle h, name_call call, std::error_code& ec) noexcept {
    native_address native;
    native.length = static_cast<int>(sizeof native.storage);
    check(call(to_socket(h), native.get(), &native.length), ec);
    return ec ? local_name{} : local_from_native(native);
}

bool probe_local_stream() noexcept {
    std::error_code ec;
    const handle h = open(family::local, socket_type::stream, ec);
    if (ec) return false;
    close(h, ec);
    return true;
}

}  // namespace

std::size_t local_path_max() noexcept { return sun_path_size - 1; }

std::size_t local_abstract_max() noexcept { return 0; }

bool has_local_sockets(socket_type type) noexcept {
    static const bool stream = probe_local_stream();
    return type == socket_type::stream && stream;
}

void bind(handle h, const local_name& name, std::error_code& ec) noexcept {
    native_address native;
    if (to_native(name, native, ec)) check(::bind(to_socket(h), native.get(), native.length), ec);
}

void connect(handle h, const local_name& name, std::error_code& ec) noexcept {
    native_address native;
    if (to_native(name, native, ec)) check(::connect(to_socket(h), native.get(), native.length), ec);
}

local_name local_name_of(handle h, std::error_code& ec) noexcept { return name_of(h, ::getsockname, ec); }

local_name peer_local_name_of(handle h, std::error_code& ec) noexcept {
    return name_of(h, ::getpeername, ec);
}

std::size_t send_to(handle, const void*, std::size_t, const local_name&, std::error_code& ec) noexcept {
    ec = make_error(std::errc::address_family_not_supported);  // no AF_UNIX datagrams
    return 0;
}

std::size_t receive_from(handle, void*, std::size_t, local_name&, std::error_code& ec) noexcept {
    ec = make_error(std::errc::address_family_not_supported);
    return 0;
}

bool has_peer_credentials() noexcept { return false; }

credentials peer_credentials(handle, std::error_code& ec) noexcept {
    ec = make_error(std::errc::operation_not_supported);
    return {};
}

file_kind local_file_kind(const local_name& name, std::error_code& ec) noexcept {
    char path[local_name_capacity + 1];
    if (!path_of(name, path, ec)) return file_kind::none;
    WIN32_FIND_DATAA found{};
    const HANDLE search = ::FindFirstFileA(path, &found);
    if (search == INVALID_HANDLE_VALUE) {
        const DWORD code = ::GetLastError();
        const bool absent = code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND;
        ec = absent ? std::error_code{} : win32_last_error();
        return file_kind::none;
    }
    ::FindClose(search);
    ec.clear();
    const bool socket = (found.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0 &&
                        found.dwReserved0 == af_unix_reparse_tag;
    return socket ? file_kind::socket : file_kind::other;
}

void remove_local_file(const local_name& name, std::error_code& ec) noexcept {
    char path[local_name_capacity + 1];
    if (!path_of(name, path, ec)) return;
    if (::DeleteFileA(path))
        ec.clear();
    else
        ec = win32_last_error();
}

}  // namespace portsock::platform
