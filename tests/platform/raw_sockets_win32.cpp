// Winsock raw sockets for the adoption tests (see raw_sockets.hpp). Winsock is started
// here once, as a program that makes its own sockets does, and never cleaned up: the
// tests check that portsock's own start-up references leave this one standing.
#include "raw_sockets.hpp"

// Winsock 2 first, in a block of its own: afunix.h and windows.h rely on its types.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <afunix.h>
#include <windows.h>

#include <cstring>

namespace raw {
namespace {

void start_winsock() {
    static const bool started = [] {
        WSADATA data{};
        return ::WSAStartup(MAKEWORD(2, 2), &data) == 0;
    }();
    (void)started;
}

}  // namespace

pf::handle make(kind k, const std::string& path) {
    start_winsock();
    const int domain = k == kind::tcp_listener || k == kind::udp ? AF_INET
                       : k == kind::tcp_unconnected              ? AF_INET6
                                                                 : AF_UNIX;
    const int type = k == kind::udp || k == kind::local_datagram ? SOCK_DGRAM : SOCK_STREAM;
    const SOCKET s = ::socket(domain, type, 0);
    if (s == INVALID_SOCKET) return pf::invalid_handle;
    int bound = 0;
    if (k == kind::tcp_listener) {
        sockaddr_in at{};
        at.sin_family = AF_INET;
        at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bound = ::bind(s, reinterpret_cast<sockaddr*>(&at), static_cast<int>(sizeof at));
    } else if (k == kind::local_listener) {
        sockaddr_un at{};
        at.sun_family = AF_UNIX;
        std::strncpy(at.sun_path, path.c_str(), sizeof at.sun_path - 1);
        bound = ::bind(s, reinterpret_cast<sockaddr*>(&at), static_cast<int>(sizeof at));
    }
    const bool listening = k == kind::tcp_listener || k == kind::local_listener;
    if (bound != 0 || (listening && ::listen(s, 4) != 0)) {
        ::closesocket(s);
        return pf::invalid_handle;
    }
    return static_cast<pf::handle>(s);
}

pf::handle not_a_socket() {
    start_winsock();
    const HANDLE file = ::CreateFileA("NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                      OPEN_EXISTING, 0, nullptr);
    return file == INVALID_HANDLE_VALUE ? pf::invalid_handle : reinterpret_cast<pf::handle>(file);
}

bool is_open_socket(pf::handle h) {
    int type = 0;
    int length = static_cast<int>(sizeof type);
    return ::getsockopt(static_cast<SOCKET>(h), SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type),
                        &length) == 0;
}

void close_socket(pf::handle h) { ::closesocket(static_cast<SOCKET>(h)); }

void close_not_a_socket(pf::handle h) { ::CloseHandle(reinterpret_cast<HANDLE>(h)); }

bool is_inheritable(pf::handle h) {
    DWORD flags = 0;
    return ::GetHandleInformation(reinterpret_cast<HANDLE>(h), &flags) != 0 &&
           (flags & HANDLE_FLAG_INHERIT) != 0;
}

int reported_non_blocking(pf::handle) { return -1; }

}  // namespace raw
