// Winsock raw sockets for the benchmark reference loop (see raw_baseline.hpp): the same
// calls as posix_raw_baseline.cpp, with WSAStartup once and closesocket.
#include "raw_baseline.hpp"

#include <winsock2.h>
#include <ws2tcpip.h>

#include <climits>
#include <stdexcept>

namespace portsock::raw {
namespace {

SOCKET socket_of(raw_handle h) { return static_cast<SOCKET>(h); }
raw_handle handle_of(SOCKET s) { return static_cast<raw_handle>(s); }

// Winsock must be started once per process; the benchmark never stops it.
void start_winsock() {
    static const bool started = [] {
        WSADATA data;
        return ::WSAStartup(MAKEWORD(2, 2), &data) == 0;
    }();
    if (!started) throw std::runtime_error("raw WSAStartup failed");
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = ::htons(port);
    address.sin_addr.s_addr = ::htonl(INADDR_LOOPBACK);
    return address;
}

int clamp(std::size_t size) {
    return size > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
}

}  // namespace

raw_handle listen_loopback(std::uint16_t& port) {
    start_winsock();
    const SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in address = loopback(0);
    int length = static_cast<int>(sizeof address);
    if (s == INVALID_SOCKET || ::bind(s, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(s, 16) != 0 || ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("raw listen failed");
    port = ::ntohs(address.sin_port);
    return handle_of(s);
}

raw_handle accept_one(raw_handle listener) {
    const SOCKET s = ::accept(socket_of(listener), nullptr, nullptr);
    if (s == INVALID_SOCKET) throw std::runtime_error("raw accept failed");
    return handle_of(s);
}

raw_handle connect_loopback(std::uint16_t port) {
    start_winsock();
    const SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in address = loopback(port);
    if (s == INVALID_SOCKET ||
        ::connect(s, reinterpret_cast<sockaddr*>(&address), static_cast<int>(sizeof address)) != 0)
        throw std::runtime_error("raw connect failed");
    return handle_of(s);
}

void set_no_delay(raw_handle h) {
    const BOOL on = TRUE;
    ::setsockopt(socket_of(h), IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&on),
                 static_cast<int>(sizeof on));
}

bool send_all(raw_handle h, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const int n = ::send(socket_of(h), bytes, clamp(size), 0);
        if (n <= 0) return false;
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

long long receive_some(raw_handle h, void* data, std::size_t size) {
    const int n = ::recv(socket_of(h), static_cast<char*>(data), clamp(size), 0);
    return n == SOCKET_ERROR ? -1 : n;
}

void shutdown_send(raw_handle h) { ::shutdown(socket_of(h), SD_SEND); }

void close(raw_handle h) { ::closesocket(socket_of(h)); }

}  // namespace portsock::raw
