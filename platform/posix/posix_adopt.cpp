// POSIX port: what kind of socket an outside handle is, and taking it over.
#include "posix_address.hpp"

#include <sys/socket.h>

namespace portsock::platform {
namespace {

bool get_int_option(handle h, int name, int& value) noexcept {
    socklen_t length = sizeof value;
    return ::getsockopt(h, SOL_SOCKET, name, &value, &length) == 0;
}

family family_of(int native) noexcept {
    switch (native) {
        case AF_INET:
            return family::ipv4;
        case AF_INET6:
            return family::ipv6;
        case AF_UNIX:
            return family::local;
        default:
            return family::unspecified;
    }
}

}  // namespace

handle_kind describe(handle h, std::error_code& ec) noexcept {
    handle_kind kind;
    int type = 0;
    if (h < 0) {
        ec = make_error(std::errc::bad_file_descriptor);
        return kind;
    }
    if (!get_int_option(h, SO_TYPE, type)) {  // ENOTSOCK for a file, EBADF for no descriptor
        ec = last_error();
        return kind;
    }
    kind.known_type = type == SOCK_STREAM || type == SOCK_DGRAM;
    kind.type = type == SOCK_DGRAM ? socket_type::datagram : socket_type::stream;
    // getsockname() names the family even of an unbound socket (port 0, or no path).
    const native_address name = local_native(h, ec);
    if (ec) return kind;
    kind.fam = family_of(name.get()->sa_family);
    int accepting = 0;
    if (get_int_option(h, SO_ACCEPTCONN, accepting))  // not every system answers it
        kind.listening = accepting != 0 ? listen_state::yes : listen_state::no;
    return kind;
}

void adopt(handle h, std::error_code& ec) noexcept { suppress_sigpipe(h, ec); }

}  // namespace portsock::platform
