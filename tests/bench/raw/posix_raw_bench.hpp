// What the two raw-socket reference servers of the scale benchmarks share
// (posix_raw_scale_server.cpp, posix_raw_blocking_scale_server.cpp). Not part of the library.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace portsock_raw_bench {

inline constexpr char welcome[] = "Welcome to the server!";

/// A socket of `type` (SOCK_STREAM listens) with `flags` (e.g. SOCK_NONBLOCK), bound to
/// 127.0.0.1 on a port the OS picks, stored in `port`. Exits the process on failure.
inline int open_bound(int type, int flags, std::uint16_t& port) {
    const int fd = ::socket(AF_INET, type | flags | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        (type == SOCK_STREAM && ::listen(fd, 4096) != 0) ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        std::perror("raw bench server");
        std::_Exit(1);
    }
    port = ntohs(address.sin_port);
    return fd;
}

/// Prints the ports line every benchmark server starts with, for run_scale_bench.sh.
inline void announce_ports(std::uint16_t echo, std::uint16_t welcome_port, std::uint16_t udp) {
    std::printf("ports %u %u %u\n", echo, welcome_port, udp);
    std::fflush(stdout);
}

}  // namespace portsock_raw_bench
