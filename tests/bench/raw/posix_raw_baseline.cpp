// POSIX raw sockets for the benchmark reference loop (see raw_baseline.hpp).
#include "raw_baseline.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace portsock::raw {
namespace {

int fd_of(raw_handle h) { return static_cast<int>(h); }

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

#ifdef MSG_NOSIGNAL
constexpr int send_flags = MSG_NOSIGNAL;
#else
constexpr int send_flags = 0;
#endif

}  // namespace

raw_handle listen_loopback(std::uint16_t& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback(0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd, 16) != 0)
        throw std::runtime_error("raw listen failed");
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    return fd;
}

raw_handle accept_one(raw_handle listener) {
    const int fd = ::accept(fd_of(listener), nullptr, nullptr);
    if (fd < 0) throw std::runtime_error("raw accept failed");
    return fd;
}

raw_handle connect_loopback(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback(port);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        throw std::runtime_error("raw connect failed");
    return fd;
}

void set_no_delay(raw_handle h) {
    const int on = 1;
    ::setsockopt(fd_of(h), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

bool send_all(raw_handle h, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::send(fd_of(h), bytes, size, send_flags);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

long long receive_some(raw_handle h, void* data, std::size_t size) {
    for (;;) {
        const ssize_t n = ::recv(fd_of(h), data, size, 0);
        if (n < 0 && errno == EINTR) continue;
        return n;
    }
}

void shutdown_send(raw_handle h) { ::shutdown(fd_of(h), SHUT_WR); }

void close(raw_handle h) { ::close(fd_of(h)); }

}  // namespace portsock::raw
