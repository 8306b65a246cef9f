/// @file
/// What this host and build of portsock can do, for code (and tests) that adapt at run time.
#pragma once

#include <portsock/export.hpp>

namespace portsock {

/// Tells whether this host has IPv6 loopback, for code and tests that must skip IPv6 cases.
///
/// Answered by trying: it opens an IPv6 socket and binds it to `::1`, port 0.
/// @return true if an IPv6 socket can be bound to `::1` on this host; false if IPv6 is
///         disabled or absent (some containers and CI machines), or if the attempt fails.
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT bool has_ipv6_loopback() noexcept;

/// Tells whether udp_socket::send_batch() uses UDP segmentation offload on this host:
/// Linux's `UDP_SEGMENT` (kernel 4.18 or later), which takes a run of equal-size datagrams
/// to one destination through the network stack as one message and cuts it into the
/// datagrams on the way out, as QUIC stacks do. Receivers get the same datagrams either
/// way; only the sender's CPU cost per datagram differs.
///
/// The first call asks the kernel, through a short-lived UDP socket.
/// @return true if this build has it, the kernel supports it, and no send has found it
///         refused for good; false on other systems, in the generic POSIX build, on older
///         kernels, or after the kernel refused it (send_batch() then sends the datagrams
///         one message each, as it does where this is false from the start).
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT bool has_udp_segmentation_offload() noexcept;

/// Tells whether this OS has local stream sockets (local_stream, local_listener).
///
/// The first call asks the OS, by opening one.
/// @return true on Linux, macOS and the BSDs, and on Windows 10 version 1803 and later;
///         false on older Windows and under Wine 8, which has no `AF_UNIX`.
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT bool has_local_stream_sockets() noexcept;

/// Tells whether this OS has local datagram sockets (local_datagram).
/// @return true on POSIX systems; false on Windows, whose `AF_UNIX` has streams only.
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT bool has_local_datagram_sockets() noexcept;

/// Tells whether local sockets can have Linux abstract names (local_address::abstract()).
/// @return true on Linux (except in the posix-generic build, which has the macOS
///         fallbacks only); false elsewhere.
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT bool has_abstract_local_names() noexcept;

/// Tells whether local_stream::peer_credentials() is available.
/// @return true with `SO_PEERCRED` (Linux) or `getpeereid()` (macOS, the BSDs); false on
///         Windows and in the posix-generic build on Linux.
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT bool has_local_peer_credentials() noexcept;

/// Tells whether this OS has `SO_REUSEPORT` (ip_socket::set_reuse_port(),
/// listen_options::reuse_port).
/// @return true on Linux, macOS and the BSDs; false on Windows, where those calls report
///         std::errc::operation_not_supported.
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT bool has_reuse_port() noexcept;

/// Tells whether tcp_stream::set_keep_alive_timing() can work here.
///
/// On Windows the answer depends on the version (1709 and later), so the first call asks
/// a short-lived TCP socket.
/// @return true if the keep-alive idle time, interval and probe count can be set and read.
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT bool has_keep_alive_timing() noexcept;

/// Tells whether ip_socket::set_traffic_class() can work here.
/// @return true on POSIX; false on Windows, which ignores `IP_TOS` (see
///         ip_socket::set_traffic_class()).
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT bool has_traffic_class() noexcept;

/// Tells whether udp_socket::join_source_group() can work here: this build knows the
/// source-specific membership calls.
/// @return true on Linux, macOS, the BSDs and Windows (Vista and later).
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT bool has_source_specific_multicast() noexcept;

/// Names the platform port this build of portsock uses, for logs and bug reports.
/// @return a static string: `"posix"`, `"posix (generic: ...)"` (the port built with only
///         the fallbacks macOS and the BSDs need), `"win32"`, or `"win32 (Wine <version>)"`
///         when the Windows build runs under Wine.
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT const char* platform_name() noexcept;

/// Names how tcp_stream::send_file() sends a file in this build.
/// @return a static string: `"sendfile"` (Linux, macOS, FreeBSD: from the page cache to
///         the socket, in the kernel), `"TransmitFile"` (Windows: untimed calls on blocking
///         sockets; the rest read and send), or `"read-and-send"` (a piece at a time through
///         a buffer: other systems, the generic POSIX build, and Windows once `TransmitFile`
///         failed as not implemented, as it may under Wine).
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT const char* send_file_method() noexcept;

}  // namespace portsock
