// The raw-socket reference for the scale benchmarks' blocking portsock server
// (tests/bench/portsock_blocking_server.cpp): the same design, blocking calls and a thread
// per connection, written with plain system calls. The epoll server (posix_raw_scale_server.cpp)
// is the reference for the single-threaded servers; a thread per connection pays for its
// threads whatever library it uses, so the blocking server is compared with this one.
// Linux only; not part of the library.
//
// usage: posix_raw_blocking_scale_server    prints "ports <echo> <welcome> <udp>" and serves until killed
#include "posix_raw_bench.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <thread>

namespace {

using portsock_raw_bench::welcome;

/// Sends all of it, as portsock's send_all() does; false on an error.
bool send_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

int accept_retrying(int listener) {
    for (;;) {
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0 || errno != EINTR) return fd;
    }
}

void echo_connection(int fd) {
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || !send_all(fd, buffer, static_cast<std::size_t>(n))) break;
    }
    ::close(fd);
}

[[noreturn]] void greet_forever(int listener) {
    for (;;) {
        const int fd = accept_retrying(listener);
        if (fd < 0) continue;
        send_all(fd, welcome, sizeof welcome - 1);
        ::close(fd);
    }
}

[[noreturn]] void echo_datagrams_forever(int udp) {
    static char buffer[64 * 1024];
    for (;;) {
        sockaddr_storage from{};
        socklen_t length = sizeof from;
        const ssize_t n =
            ::recvfrom(udp, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
        if (n < 0) continue;
        ::sendto(udp, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&from),
                 length);
    }
}

}  // namespace

int main() {
    std::uint16_t echo_port = 0, welcome_port = 0, udp_port = 0;
    const int echo = portsock_raw_bench::open_bound(SOCK_STREAM, 0, echo_port);
    const int greet = portsock_raw_bench::open_bound(SOCK_STREAM, 0, welcome_port);
    const int udp = portsock_raw_bench::open_bound(SOCK_DGRAM, 0, udp_port);
    portsock_raw_bench::announce_ports(echo_port, welcome_port, udp_port);
    std::thread(greet_forever, greet).detach();
    std::thread(echo_datagrams_forever, udp).detach();
    for (;;) {
        const int fd = accept_retrying(echo);
        if (fd >= 0) std::thread(echo_connection, fd).detach();
    }
}
