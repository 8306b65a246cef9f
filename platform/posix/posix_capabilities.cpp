// POSIX port: what this host and build can do.
#include "platform.hpp"

namespace portsock::platform {

bool has_ipv6_loopback() noexcept {
    std::error_code ec;
    const handle h = open(family::ipv6, socket_type::stream, ec);
    if (ec) return false;
    address loopback;
    loopback.fam = family::ipv6;
    loopback.bytes[15] = 1;
    bind(h, loopback, ec);
    std::error_code ignored;
    close(h, ignored);
    return !ec;
}

bool has_atomic_close_on_exec() noexcept {
    // The epoll backend's descriptors are made with EPOLL_CLOEXEC and EFD_CLOEXEC; the poll
    // backend's pipe needs pipe2().
    return PORTSOCK_HAVE_SOCK_CLOEXEC && PORTSOCK_HAVE_ACCEPT4 &&
           (PORTSOCK_HAVE_EPOLL || PORTSOCK_HAVE_PIPE2);
}

const char* port_name() noexcept {
#if PORTSOCK_POSIX_GENERIC
    return "posix (generic: portable fallbacks only)";
#else
    return "posix";
#endif
}

}  // namespace portsock::platform
