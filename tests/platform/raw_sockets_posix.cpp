// POSIX raw sockets for the adoption tests (see raw_sockets.hpp).
#include "raw_sockets.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace raw {

pf::handle make(kind k, const std::string& path) {
    const int domain = k == kind::tcp_listener || k == kind::udp ? AF_INET
                       : k == kind::tcp_unconnected              ? AF_INET6
                                                                 : AF_UNIX;
    const int type = k == kind::udp || k == kind::local_datagram ? SOCK_DGRAM : SOCK_STREAM;
    const int fd = ::socket(domain, type, 0);
    if (fd < 0) return pf::invalid_handle;
    int bound = 0;
    if (k == kind::tcp_listener) {
        sockaddr_in at{};
        at.sin_family = AF_INET;
        at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bound = ::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at);
    } else if (k == kind::local_listener) {
        sockaddr_un at{};
        at.sun_family = AF_UNIX;
        std::strncpy(at.sun_path, path.c_str(), sizeof at.sun_path - 1);
        bound = ::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at);
    }
    const bool listening = k == kind::tcp_listener || k == kind::local_listener;
    if (bound != 0 || (listening && ::listen(fd, 4) != 0)) {
        ::close(fd);
        return pf::invalid_handle;
    }
    return fd;
}

pf::handle not_a_socket() { return ::open("/dev/null", O_RDONLY); }

bool is_open_socket(pf::handle h) {
    int type = 0;
    socklen_t length = sizeof type;
    return ::getsockopt(h, SOL_SOCKET, SO_TYPE, &type, &length) == 0;
}

void close_socket(pf::handle h) { ::close(h); }

void close_not_a_socket(pf::handle h) { ::close(h); }

bool is_inheritable(pf::handle h) {
    const int flags = ::fcntl(h, F_GETFD);
    return flags != -1 && (flags & FD_CLOEXEC) == 0;
}

int reported_non_blocking(pf::handle h) {
    const int flags = ::fcntl(h, F_GETFL);
    if (flags == -1) return -1;
    return (flags & O_NONBLOCK) != 0 ? 1 : 0;
}

}  // namespace raw
