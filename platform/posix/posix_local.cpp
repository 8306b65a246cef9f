// POSIX port: Unix-domain (AF_UNIX) addresses, peer credentials and socket files.
//
// Abstract names (a sun_path that starts with NUL) and SO_PEERCRED are Linux's; macOS and
// the BSDs have getpeereid() and no abstract names. CMake's probes choose, and the
// posix-generic preset turns the Linux ones off.
#include "local_path.hpp"
#include "posix_address.hpp"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace portsock::platform {
namespace {

constexpr std::size_t sun_path_size = sizeof(sockaddr_un{}.sun_path);
constexpr socklen_t path_offset = offsetof(sockaddr_un, sun_path);

bool to_native(const local_name& in, native_address& out, std::error_code& ec) noexcept {
    out = native_address{};
    auto* un = reinterpret_cast<sockaddr_un*>(&out.storage);
    un->sun_family = AF_UNIX;
    const bool abstract = in.kind == local_name::abstract;
    const std::size_t limit = abstract ? local_abstract_max() : local_path_max();
    if (in.kind == local_name::unnamed || in.size > limit) {  // the sdk has said why already
        ec = make_error(in.kind == local_name::unnamed ? std::errc::invalid_argument
                                                       : std::errc::filename_too_long);
        return false;
    }
    const std::size_t start = abstract ? 1 : 0;  // an abstract name follows a NUL byte
    std::memcpy(un->sun_path + start, in.text, in.size);
    // A path is passed with its terminator; an abstract name is exactly its bytes.
    out.length = static_cast<socklen_t>(path_offset + start + in.size + (abstract ? 0 : 1));
    ec.clear();
    return true;
}

local_name local_from_native(const native_address& in) noexcept {
    local_name out;
    if (in.length <= path_offset || in.get()->sa_family != AF_UNIX) return out;  // unnamed
    const auto* un = reinterpret_cast<const sockaddr_un*>(&in.storage);
    const std::size_t room = static_cast<std::size_t>(in.length - path_offset);
    if (un->sun_path[0] == '\0') {
        if (room <= 1) return out;
        out.kind = local_name::abstract;
        out.size = static_cast<std::uint8_t>(room - 1);
        std::memcpy(out.text, un->sun_path + 1, out.size);
    } else {
        out.kind = local_name::path;
        out.size =
            static_cast<std::uint8_t>(::strnlen(un->sun_path, room < sun_path_size ? room : sun_path_size));
        std::memcpy(out.text, un->sun_path, out.size);
    }
    return out;
}

}  // namespace

std::size_t local_path_max() noexcept { return sun_path_size - 1; }

std::size_t local_abstract_max() noexcept { return PORTSOCK_HAVE_ABSTRACT_LOCAL ? sun_path_size - 1 : 0; }

bool has_local_sockets(socket_type) noexcept { return true; }

void bind(handle h, const local_name& name, std::error_code& ec) noexcept {
    native_address native;
    if (to_native(name, native, ec)) bind_native(h, native, ec);
}

void connect(handle h, const local_name& name, std::error_code& ec) noexcept {
    native_address native;
    if (to_native(name, native, ec)) connect_native(h, native, ec);
}

local_name local_name_of(handle h, std::error_code& ec) noexcept {
    const native_address native = local_native(h, ec);
    return ec ? local_name{} : local_from_native(native);
}

local_name peer_local_name_of(handle h, std::error_code& ec) noexcept {
    const native_address native = peer_native(h, ec);
    return ec ? local_name{} : local_from_native(native);
}

std::size_t send_to(handle h, const void* data, std::size_t size, const local_name& to,
                    std::error_code& ec) noexcept {
    native_address native;
    return to_native(to, native, ec) ? send_to_native(h, data, size, native, ec) : 0;
}

std::size_t receive_from(handle h, void* data, std::size_t size, local_name& from,
                         std::error_code& ec) noexcept {
    native_address native;
    const std::size_t n = receive_from_native(h, data, size, native, ec);
    if (!ec || ec == std::errc::message_size) from = local_from_native(native);
    return n;
}

bool has_peer_credentials() noexcept { return PORTSOCK_HAVE_SO_PEERCRED || PORTSOCK_HAVE_GETPEEREID; }

credentials peer_credentials(handle h, std::error_code& ec) noexcept {
    credentials out;
#if PORTSOCK_HAVE_SO_PEERCRED
    ucred native{};
    socklen_t length = sizeof native;
    if (::getsockopt(h, SOL_SOCKET, SO_PEERCRED, &native, &length) != 0) {
        ec = last_error();
        return {};
    }
    out.process_id = native.pid;
    out.user_id = native.uid;
    out.group_id = native.gid;
#elif PORTSOCK_HAVE_GETPEEREID
    uid_t user = 0;
    gid_t group = 0;
    if (::getpeereid(h, &user, &group) != 0) {
        ec = last_error();
        return {};
    }
    out.user_id = user;
    out.group_id = group;
#else
    (void)h;
    ec = make_error(std::errc::operation_not_supported);
    return {};
#endif
    ec.clear();
    return out;
}

file_kind local_file_kind(const local_name& name, std::error_code& ec) noexcept {
    char path[local_name_capacity + 1];
    if (!path_of(name, path, ec)) return file_kind::none;
    struct stat status {};
    if (::lstat(path, &status) != 0) {
        const bool absent = errno == ENOENT;
        ec = absent ? std::error_code{} : last_error();
        return file_kind::none;
    }
    ec.clear();
    return S_ISSOCK(status.st_mode) ? file_kind::socket : file_kind::other;
}

void remove_local_file(const local_name& name, std::error_code& ec) noexcept {
    char path[local_name_capacity + 1];
    if (!path_of(name, path, ec)) return;
    if (::unlink(path) == 0)
        ec.clear();
    else
        ec = last_error();
}

}  // namespace portsock::platform
