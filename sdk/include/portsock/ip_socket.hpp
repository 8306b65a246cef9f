/// @file
/// portsock::ip_socket: the options every IP socket (TCP stream, TCP listener, UDP) shares.
#pragma once

#include <portsock/export.hpp>
#include <portsock/socket.hpp>

#include <system_error>

namespace portsock {

/// The base of tcp_stream, tcp_listener and udp_socket: IP-level options.
///
/// Each option has a setter and a getter, each in a throwing form and a `noexcept` form
/// that takes a std::error_code. Where an option has an IPv4 and an IPv6 form, the one
/// of the socket's family is used, so the same call works on both. An option the OS lacks
/// reports std::errc::operation_not_supported, never a silent success; the capability
/// queries in portsock/capabilities.hpp tell in advance. A value out of the option's
/// range reports errc::invalid_argument, the same on every OS, before the OS is asked.
///
/// @threadsafety See portsock::basic_socket: options may be read and set while another
/// thread sends or receives, but not concurrently with close() or a move.
/// @see @ref options "Socket options" for a table of options by OS.
class PORTSOCK_EXPORT ip_socket : public basic_socket {
public:
    /// The address and port the socket is bound to (the OS picks them on connect, or
    /// when binding port 0).
    /// @return the local endpoint.
    /// @throws std::system_error with errc::not_open, or the OS error.
    /// @platformnote For a socket not yet bound (udp_socket::open() before its first send),
    /// Windows' `getsockname()` fails with Winsock's invalid-argument code (10022); portsock reports the
    /// wildcard address and port 0 there, as POSIX does.
    endpoint local_endpoint() const;

    /// The address and port the socket is bound to; see local_endpoint().
    /// @param ec set to errc::not_open or the OS error. @return the endpoint, or `0.0.0.0:0`.
    endpoint local_endpoint(std::error_code& ec) const noexcept;

    /// Sets the hop limit of unicast packets: `IP_TTL` on an IPv4 socket,
    /// `IPV6_UNICAST_HOPS` on an IPv6 one. Each router on the way subtracts one, and drops
    /// the packet at zero.
    /// @param hops 1 to 255. @throws std::system_error with errc::invalid_argument if out
    ///        of range, errc::not_open, or the OS error.
    /// @platformnote The default is the OS's: 64 on Linux and macOS, 128 on Windows. On a
    /// dual-stack IPv6 socket, only the IPv6 setting is changed; IPv4 peers of such a socket
    /// see the OS's IPv4 default.
    void set_unicast_hops(int hops);
    /// See set_unicast_hops(int).
    /// @param hops 1 to 255. @param ec set on failure.
    void set_unicast_hops(int hops, std::error_code& ec) noexcept;
    /// Reads the unicast hop limit (`IP_TTL` or `IPV6_UNICAST_HOPS`).
    /// @return the hop limit, 1 to 255. @throws std::system_error on failure.
    int unicast_hops() const;
    /// See unicast_hops().
    /// @param ec set on failure. @return the hop limit, or 0 on error.
    int unicast_hops(std::error_code& ec) const noexcept;

    /// Sets the traffic class byte of outgoing packets: the DSCP in the upper six bits,
    /// ECN in the lower two (`IP_TOS` on IPv4, `IPV6_TCLASS` on IPv6). For example
    /// `46 << 2` (0xb8) is DSCP EF, "expedited forwarding", RFC 3246.
    /// @param value 0 to 255. @throws std::system_error with errc::invalid_argument if out
    ///        of range, std::errc::operation_not_supported (Windows), or the OS error.
    /// @platformnote
    /// - Linux keeps the ECN bits of a TCP socket under its own control: it stores and
    ///   reports the DSCP bits set, with the ECN bits it chose. Set ECN bits to 0.
    /// - Windows accepts `IP_TOS` and then ignores it unless a registry setting allows it;
    ///   its supported way is the QoS2 (qWAVE) API. portsock reports
    ///   std::errc::operation_not_supported there rather than pretend; see
    ///   has_traffic_class().
    void set_traffic_class(int value);
    /// See set_traffic_class(int).
    /// @param value 0 to 255. @param ec set on failure.
    void set_traffic_class(int value, std::error_code& ec) noexcept;
    /// Reads the traffic class byte (`IP_TOS` or `IPV6_TCLASS`).
    /// @return 0 to 255. @throws std::system_error on failure (see set_traffic_class(int)).
    int traffic_class() const;
    /// See traffic_class().
    /// @param ec set on failure. @return the value, or 0 on error.
    int traffic_class(std::error_code& ec) const noexcept;

    /// Makes an IPv6 socket IPv6-only (`IPV6_V6ONLY`), or lets it also carry IPv4 as
    /// IPv4-mapped addresses (dual stack). portsock sets it explicitly on IPv6 sockets it
    /// binds, since OS defaults differ; this call changes it.
    ///
    /// It decides what a later bind covers: set it on a socket not yet bound (such as one
    /// from udp_socket::open()). Listeners take it as listen_options::dual_stack.
    /// @param on true for IPv6 only. @throws std::system_error with errc::invalid_argument
    ///        on an IPv4 socket, errc::not_open, or the OS error (std::errc::invalid_argument
    ///        on Linux once the socket is bound).
    /// @platformnote The OS default is off on Linux and macOS, on on Windows and the BSDs.
    void set_v6_only(bool on);
    /// See set_v6_only(bool).
    /// @param on true for IPv6 only. @param ec set on failure.
    void set_v6_only(bool on, std::error_code& ec) noexcept;
    /// Reads `IPV6_V6ONLY`.
    /// @return true if the socket carries IPv6 only.
    /// @throws std::system_error with errc::invalid_argument on an IPv4 socket, or the OS error.
    bool v6_only() const;
    /// See v6_only().
    /// @param ec set on failure. @return the setting, false on error.
    bool v6_only(std::error_code& ec) const noexcept;

    /// Lets several sockets bind the same address and port, if each of them sets this
    /// first (`SO_REUSEPORT`). Linux spreads incoming connections and datagrams among them;
    /// every one of them receives multicast datagrams.
    ///
    /// It affects a later bind only: listeners take it as listen_options::reuse_port.
    /// @param on true to share. @throws std::system_error with
    ///        std::errc::operation_not_supported where the OS has no `SO_REUSEPORT`
    ///        (Windows; see has_reuse_port()), errc::not_open, or the OS error.
    /// @platformnote Linux (3.9 and later) lets only sockets of the same user share a port
    /// and balances load between them; macOS and the BSDs share without balancing. Windows
    /// has no equivalent with the same safety: its `SO_REUSEADDR` lets any program take
    /// over a port in use, so portsock does not offer it as reuse-port.
    void set_reuse_port(bool on);
    /// See set_reuse_port(bool).
    /// @param on true to share. @param ec set on failure.
    void set_reuse_port(bool on, std::error_code& ec) noexcept;
    /// Reads `SO_REUSEPORT`.
    /// @return true if set. @throws std::system_error on failure (see set_reuse_port(bool)).
    bool reuse_port() const;
    /// See reuse_port().
    /// @param ec set on failure. @return the setting, false on error.
    bool reuse_port(std::error_code& ec) const noexcept;

protected:
    /// An empty socket.
    ip_socket() noexcept = default;
    /// Takes ownership of an open handle.
    /// @param handle the handle.
    explicit ip_socket(native_handle_type handle) noexcept : basic_socket(handle) {}
    /// Takes the handle of `other`, leaving it empty.
    /// @param other the source.
    ip_socket(ip_socket&& other) noexcept = default;
    /// Closes this socket, then takes the handle of `other`, leaving it empty.
    /// @param other the source. @return *this.
    ip_socket& operator=(ip_socket&& other) noexcept = default;
    /// Closes the handle, ignoring errors.
    ~ip_socket() = default;
};

}  // namespace portsock
