// Raw OS sockets for the benchmarks' reference loop: the same work as portsock does, with
// plain system calls and nothing else, so portsock's overhead can be measured against it.
// Not part of the library; built only with PORTSOCK_BUILD_BENCHMARKS.
#pragma once

#include <cstddef>
#include <cstdint>

namespace portsock::raw {

using raw_handle = long long;  // wide enough for an fd or a SOCKET

/// Opens a loopback IPv4 listener on an OS-chosen port; returns its handle and port.
raw_handle listen_loopback(std::uint16_t& port);
/// Accepts one connection (blocking).
raw_handle accept_one(raw_handle listener);
/// Connects to 127.0.0.1:port with TCP_NODELAY set (blocking).
raw_handle connect_loopback(std::uint16_t port);
/// Sets TCP_NODELAY.
void set_no_delay(raw_handle h);
/// Blocking send of every byte; false on error.
bool send_all(raw_handle h, const void* data, std::size_t size);
/// One blocking recv(); returns bytes, 0 at end of stream, -1 on error.
long long receive_some(raw_handle h, void* data, std::size_t size);
/// Blocking receive of exactly size bytes; false on error or end of stream.
inline bool receive_exact(raw_handle h, void* data, std::size_t size) {
    auto* bytes = static_cast<char*>(data);
    while (size > 0) {
        const long long n = receive_some(h, bytes, size);
        if (n <= 0) return false;
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}
/// Shuts down the sending side.
void shutdown_send(raw_handle h);
void close(raw_handle h);

}  // namespace portsock::raw
