// Sockets made with the OS's own calls, not the platform layer's, for the tests of
// describe() and adopt(): the handles a C library or a parent process would hand over.
// One implementation per port (raw_sockets_posix.cpp, raw_sockets_win32.cpp), chosen by
// CMake as the ports are, so the tests need no OS header.
#pragma once

#include "platform.hpp"

#include <string>

namespace raw {

namespace pf = portsock::platform;

enum class kind {
    tcp_listener,     ///< IPv4 TCP, bound to 127.0.0.1:0, listening
    tcp_unconnected,  ///< IPv6 TCP, neither bound nor connected
    udp,              ///< IPv4 UDP, unbound
    local_listener,   ///< AF_UNIX stream, bound to a path, listening
    local_stream,     ///< AF_UNIX stream, unbound
    local_datagram,   ///< AF_UNIX datagram, unbound
};

/// Makes a socket of that kind with socket(), bind() and listen(); `path` names the file of
/// a local listener. invalid_handle if the OS cannot (no AF_UNIX, no IPv6).
pf::handle make(kind k, const std::string& path = {});
/// An open handle that is not a socket (/dev/null, or the NUL device on Windows).
pf::handle not_a_socket();
/// True if the OS still knows h as an open socket (SO_TYPE can be read).
bool is_open_socket(pf::handle h);
/// Closes a socket with closesocket() or close().
void close_socket(pf::handle h);
/// Closes what not_a_socket() returned.
void close_not_a_socket(pf::handle h);
/// True if a child process would inherit h (the OS's close-on-exec or inherit flag).
bool is_inheritable(pf::handle h);
/// 1 if the OS says h is non-blocking, 0 if blocking, -1 where the OS cannot read the mode
/// back (one port's socket library cannot).
int reported_non_blocking(pf::handle h);

/// Closes a raw socket at the end of a scope, unless released.
class guard {
public:
    explicit guard(pf::handle h) : h_(h) {}
    ~guard() {
        if (h_ != pf::invalid_handle) close_socket(h_);
    }
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;
    pf::handle get() const { return h_; }
    pf::handle release() {
        const pf::handle h = h_;
        h_ = pf::invalid_handle;
        return h;
    }

private:
    pf::handle h_;
};

}  // namespace raw
