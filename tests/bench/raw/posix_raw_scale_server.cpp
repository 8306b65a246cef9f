// The raw-socket reference server of the scale benchmarks (tests/bench/run_scale_bench.sh):
// what portsock's poller server does, written with plain epoll and system calls, so the
// benchmark can report portsock's cost as a ratio. Linux only; not part of the library.
//
// usage: posix_raw_scale_server    prints "ports <echo> <welcome> <udp>" and serves until killed
//   echo     TCP: sends back every byte it receives
//   welcome  TCP: sends "Welcome to the server!" to each new client and closes
//   udp      UDP: sends every datagram back to its sender
#include "posix_raw_bench.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using portsock_raw_bench::welcome;

struct server {
    int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    int echo = -1, greet = -1, udp = -1;
    std::vector<std::string> unsent;  // indexed by descriptor
    char buffer[64 * 1024];

    void watch(int fd, std::uint32_t events, int op = EPOLL_CTL_ADD) {
        epoll_event change{};
        change.events = events;
        change.data.fd = fd;
        ::epoll_ctl(epoll_fd, op, fd, &change);
    }

    void drop(int fd) {
        ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
        unsent[static_cast<std::size_t>(fd)].clear();
        ::close(fd);
    }

    void accept_all(int listener) {
        for (;;) {
            const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;
            if (listener == greet) {
                ::send(fd, welcome, sizeof welcome - 1, MSG_NOSIGNAL);
                ::close(fd);
                continue;
            }
            const int on = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
            if (unsent.size() <= static_cast<std::size_t>(fd))
                unsent.resize(static_cast<std::size_t>(fd) + 1);
            watch(fd, EPOLLIN);
        }
    }

    // Sends all it can; keeps the rest and waits for writability if the peer is slow.
    void send_or_keep(int fd, const char* data, std::size_t size) {
        while (size > 0) {
            const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) {
                unsent[static_cast<std::size_t>(fd)].assign(data, size);
                watch(fd, EPOLLOUT, EPOLL_CTL_MOD);
                return;
            }
            if (n < 0) return drop(fd);
            data += n;
            size -= static_cast<std::size_t>(n);
        }
    }

    void on_stream(int fd, std::uint32_t events) {
        std::string& pending = unsent[static_cast<std::size_t>(fd)];
        if (!pending.empty() && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
            const std::string rest = std::move(pending);
            pending.clear();
            watch(fd, EPOLLIN, EPOLL_CTL_MOD);
            return send_or_keep(fd, rest.data(), rest.size());
        }
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) return send_or_keep(fd, buffer, static_cast<std::size_t>(n));
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) drop(fd);
    }

    void on_datagrams() {
        for (;;) {
            sockaddr_storage from{};
            socklen_t length = sizeof from;
            const ssize_t n =
                ::recvfrom(udp, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
            if (n < 0) return;
            ::sendto(udp, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL,
                     reinterpret_cast<sockaddr*>(&from), length);
        }
    }

    [[noreturn]] void run() {
        epoll_event ready[256];
        for (;;) {
            const int n = ::epoll_wait(epoll_fd, ready, 256, -1);
            for (int i = 0; i < n; ++i) {
                const int fd = ready[i].data.fd;
                if (fd == echo || fd == greet)
                    accept_all(fd);
                else if (fd == udp)
                    on_datagrams();
                else
                    on_stream(fd, ready[i].events);
            }
        }
    }
};

}  // namespace

int main() {
    static server s;  // static: the 64 KiB buffer stays off the stack
    std::uint16_t echo_port = 0, welcome_port = 0, udp_port = 0;
    s.echo = portsock_raw_bench::open_bound(SOCK_STREAM, SOCK_NONBLOCK, echo_port);
    s.greet = portsock_raw_bench::open_bound(SOCK_STREAM, SOCK_NONBLOCK, welcome_port);
    s.udp = portsock_raw_bench::open_bound(SOCK_DGRAM, SOCK_NONBLOCK, udp_port);
    s.watch(s.echo, EPOLLIN);
    s.watch(s.greet, EPOLLIN);
    s.watch(s.udp, EPOLLIN);
    portsock_raw_bench::announce_ports(echo_port, welcome_port, udp_port);
    s.run();
}
