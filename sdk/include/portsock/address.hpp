/// @file
/// IP addresses, endpoints (address + port) and port parsing.
#pragma once

#include <portsock/export.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>  // declares std::hash; <functional> would add ~13 MB to every compile
#include <string_view>
#include <system_error>

namespace portsock {

/// An address family.
enum class address_family : std::uint8_t {
    unspecified,  ///< Either family: what the resolver finds, IPv4 or IPv6.
    ipv4,         ///< IPv4 (AF_INET).
    ipv6,         ///< IPv6 (AF_INET6).
};

/// An IPv4 or IPv6 address, with a scope id for IPv6 link-local addresses.
///
/// A value type: cheap to copy, comparable, hashable (std::hash), printable.
/// The default value is the IPv4 unspecified address `0.0.0.0`.
///
/// @threadsafety A plain value: distinct objects may be used from different threads, and
/// one object may be read (any const member) from several threads at once.
/// @platformnote
/// Parsing and formatting use the OS's `inet_pton` / `inet_ntop`. Ordinary addresses
/// print the same everywhere; a rare IPv6 form (such as IPv4-mapped) may print slightly
/// differently on another OS, but parse() reads either text back to an equal address.
/// An interface name as scope id (`%eth0`) must name an interface of this host.
class PORTSOCK_EXPORT ip_address {
public:
    /// The 16 bytes of an IPv6 address, in network order.
    using bytes_v6 = std::array<std::uint8_t, 16>;
    /// The 4 bytes of an IPv4 address, in network order.
    using bytes_v4 = std::array<std::uint8_t, 4>;

    /// @name Creating
    /// @{

    /// `0.0.0.0`.
    constexpr ip_address() noexcept = default;

    /// Makes an address from numeric text, as endpoint's text constructor does:
    /// `ip_address{"239.1.2.3"}`. The text follows parse(std::string_view) (numeric only,
    /// no brackets, no port). Explicit, as endpoint's is: a string never turns into an
    /// address unseen, so an error-code form taking an ip_address cannot throw from a
    /// conversion of its argument; parse(std::string_view, std::error_code&) does not throw.
    /// @param text the address, e.g. `"192.0.2.1"`, `"::1"` or `"fe80::1%3"`.
    /// @throws std::system_error as parse(std::string_view).
    explicit ip_address(std::string_view text);

    /// Makes an IPv4 address.
    /// @param bytes the address in network order, e.g. `{127, 0, 0, 1}`.
    /// @return the address.
    static ip_address v4(const bytes_v4& bytes) noexcept;

    /// Makes an IPv6 address.
    /// @param bytes the address in network order.
    /// @param scope_id the interface index of a link-local address, or 0.
    /// @return the address.
    static ip_address v6(const bytes_v6& bytes, std::uint32_t scope_id = 0) noexcept;

    /// @return `0.0.0.0`, to listen on every IPv4 interface.
    static ip_address any_v4() noexcept { return {}; }
    /// @return `::`, to listen on every IPv6 interface (and IPv4 too with dual_stack).
    static ip_address any_v6() noexcept;
    /// @return `127.0.0.1`.
    static ip_address loopback_v4() noexcept;
    /// @return `::1`.
    static ip_address loopback_v6() noexcept;

    /// Parses a numeric address: `"192.0.2.1"`, `"::1"`, `"fe80::1%3"` or `"fe80::1%eth0"`.
    ///
    /// No host names (use resolve()), no brackets, no port (use endpoint::parse()). The
    /// grammar, the same on every OS:
    /// - IPv4 is four decimal octets from 0 to 255. **A leading zero is refused** (`"010.0.0.1"`),
    ///   because inet_aton(), browsers and Windows' relaxed parser read it as octal: one text
    ///   must not name two addresses. An IPv4 tail inside IPv6 (`"::ffff:1.2.3.4"`) follows the
    ///   same rule.
    /// - IPv6 is RFC 4291 text: groups of one to four hex digits (so `"0001"` is fine), `::` once.
    /// - A scope (IPv6 only) follows `%`: a decimal number from 1 to 4294967295, in which
    ///   **leading zeros are allowed** as in parse_port(), or the name of an interface of
    ///   this host.
    /// - **No length limit of its own**: text is judged by this grammar only, so a scope
    ///   `"%0000000000001"` is valid. (An IPv6 address itself can never exceed 45
    ///   characters, and an interface name is limited by the OS.)
    /// - No spaces, no control bytes, no NUL: each is invalid text.
    /// @param text the address text.
    /// @return the address.
    /// @throws std::system_error with portsock::errc::invalid_address (equal to
    ///         std::errc::invalid_argument); what() quotes the text (see @ref errors), or with
    ///         std::errc::too_many_files_open if an interface name could not be looked up
    ///         because the process has no descriptor left.
    /// @threadsafety Safe to call from any thread.
    static ip_address parse(std::string_view text);

    /// Parses a numeric address; see parse(std::string_view).
    /// @param text the address text.
    /// @param ec set to portsock::errc::invalid_address if `text` is not an address, or to
    ///        std::errc::too_many_files_open as in parse(std::string_view); cleared on success.
    /// @return the address, or `0.0.0.0` on error.
    /// @threadsafety Safe to call from any thread.
    static ip_address parse(std::string_view text, std::error_code& ec) noexcept;

    /// @}

    /// @name Inspecting
    /// @{

    /// @return the family: address_family::ipv4 or address_family::ipv6.
    address_family family() const noexcept { return family_; }
    /// @return true for an IPv4 address.
    bool is_v4() const noexcept { return family_ == address_family::ipv4; }
    /// @return true for an IPv6 address (IPv4-mapped ones included).
    bool is_v6() const noexcept { return family_ == address_family::ipv6; }

    /// @name Classification
    /// Each classifier reads an IPv4-mapped address (<code>\::ffff:a.b.c.d</code>, see
    /// is_v4_mapped()) as the IPv4 address it carries, so a dual-stack server classifies an
    /// IPv4 client the same whichever way it arrived.
    /// @{

    /// @return true for `127.0.0.0/8` or `::1` (and <code>\::ffff:127.0.0.0/104</code>).
    bool is_loopback() const noexcept;
    /// @return true for `0.0.0.0` or `::` without a scope (and <code>\::ffff:0.0.0.0</code>).
    bool is_unspecified() const noexcept;
    /// @return true for `224.0.0.0/4` or `ff00::/8`.
    bool is_multicast() const noexcept;
    /// @return true for `169.254.0.0/16` or `fe80::/10`.
    bool is_link_local() const noexcept;
    /// Private addresses: RFC 1918 for IPv4 (`10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`)
    /// and RFC 4193 unique local addresses for IPv6 (`fc00::/7`).
    ///
    /// Python's `ipaddress` uses the name for the wider IANA special-purpose registry (it
    /// also counts loopback, link-local and documentation ranges as private); portsock keeps
    /// the RFC ranges, as Rust's `is_private` does, and the other classifiers name the rest.
    /// @return true for a private address.
    bool is_private() const noexcept;
    /// @}

    /// @name IPv4-mapped IPv6 addresses
    /// A dual-stack listener (listen_options::dual_stack) sees an IPv4 client `a.b.c.d` as
    /// the IPv6 address <code>\::ffff:a.b.c.d</code> (RFC 4291, section 2.5.5.2). It is a
    /// distinct value: `ip_address::parse("::ffff:127.0.0.1") != ip_address::loopback_v4()`.
    /// **To compare peers, compare `peer.address().unmapped()`**, which gives the same value
    /// for a client whether it reached an IPv4 or a dual-stack listener:
    /// @snippet tutorial_first_steps.cpp unmapped
    /// @{

    /// @return true for an IPv6 address in <code>\::ffff:0:0/96</code>.
    bool is_v4_mapped() const noexcept;
    /// The IPv4 address a mapped address carries (Go's `netip.Addr.Unmap`, Python's
    /// `ipv4_mapped`, asio's `make_address_v4(v4_mapped, ...)`).
    /// @return the IPv4 address if is_v4_mapped(), else this address unchanged.
    ip_address unmapped() const noexcept;
    /// The IPv4-mapped IPv6 form of an IPv4 address (.NET's `MapToIPv6`, asio's
    /// `make_address_v6(v4_mapped, ...)`): what a dual-stack socket sees.
    /// @return <code>\::ffff:a.b.c.d</code> for IPv4 `a.b.c.d`, else this address unchanged.
    ip_address to_v4_mapped() const noexcept;
    /// @}

    /// @return the IPv4 bytes (meaningful only if is_v4()).
    bytes_v4 to_v4_bytes() const noexcept;
    /// @return the IPv6 bytes (meaningful only if is_v6()).
    bytes_v6 to_v6_bytes() const noexcept { return bytes_; }
    /// @return the IPv6 scope id (interface index), 0 if none.
    std::uint32_t scope_id() const noexcept { return scope_id_; }

    /// Formats the address: `"127.0.0.1"`, `"::1"`, `"fe80::1%3"`.
    /// @return the text; parse() reads it back to an equal address.
    /// @throws std::bad_alloc if the string cannot be allocated.
    std::string to_string() const;

    /// @}

    /// @name Comparing
    /// @{

    /// @param a,b the addresses. @return true if family, bytes and scope id are equal.
    friend bool operator==(const ip_address& a, const ip_address& b) noexcept {
        return a.family_ == b.family_ && a.bytes_ == b.bytes_ && a.scope_id_ == b.scope_id_;
    }
    /// @param a,b the addresses. @return !(a == b).
    friend bool operator!=(const ip_address& a, const ip_address& b) noexcept { return !(a == b); }
    /// A strict total order: IPv4 before IPv6, then by bytes, then by scope id.
    /// @param a,b the addresses. @return true if a orders before b.
    friend bool operator<(const ip_address& a, const ip_address& b) noexcept;

    /// @}

private:
    address_family family_ = address_family::ipv4;
    bytes_v6 bytes_{};  // IPv4 uses the first 4 bytes
    std::uint32_t scope_id_ = 0;
};

/// Writes ip_address::to_string() to a stream.
/// @param out the stream. @param address the address. @return out.
/// @threadsafety As for any std::ostream: one stream must not be written from two threads at once.
PORTSOCK_EXPORT std::ostream& operator<<(std::ostream& out, const ip_address& address);

/// An IP address and a port: where a socket is bound or connected.
///
/// A value type: cheap to copy, comparable, hashable (std::hash), printable as
/// `"127.0.0.1:80"` or `"[::1]:80"`. To turn a host *name* into endpoints, use resolve().
///
/// @threadsafety A plain value: distinct objects may be used from different threads, and
/// one object may be read (any const member) from several threads at once.
class PORTSOCK_EXPORT endpoint {
public:
    /// @name Creating
    /// @{

    /// `0.0.0.0:0`.
    constexpr endpoint() noexcept = default;

    /// @param address the IP address. @param port the port (0: any free port, when binding).
    endpoint(const ip_address& address, std::uint16_t port) noexcept : address_(address), port_(port) {}

    /// Makes an endpoint from a numeric address and a port: `endpoint{"127.0.0.1", 80}`.
    ///
    /// The address is parsed as ip_address::parse() does: numeric only, no brackets, no
    /// host names (use resolve() or tcp_stream::connect(std::string_view, std::uint16_t, timeout)).
    /// @param address_text the address, e.g. `"192.0.2.1"`, `"::1"` or `"fe80::1%3"`.
    /// @param port the port (0: any free port, when binding).
    /// Explicit: a braced `{"text", port}` argument never becomes an endpoint unseen, so
    /// an error-code form cannot throw while its argument is converted (write
    /// `endpoint{"192.0.2.1", 80}`, or parse() it with an error code).
    /// @throws std::system_error with portsock::errc::invalid_address (equal to
    ///         std::errc::invalid_argument); what() quotes the text. parse(std::string_view,
    ///         std::uint16_t, std::error_code&) is the form that does not throw.
    explicit endpoint(std::string_view address_text, std::uint16_t port);

    /// Makes an endpoint from a numeric address and a port; see endpoint(std::string_view, std::uint16_t).
    /// @param address_text the address. @param port the port.
    /// @param ec set to portsock::errc::invalid_address if the text is not an address.
    /// @return the endpoint, or `0.0.0.0:0` on error.
    static endpoint parse(std::string_view address_text, std::uint16_t port, std::error_code& ec) noexcept;

    /// Parses `"192.0.2.1:80"`, `"[::1]:80"` or `"[fe80::1%eth0]:80"`.
    ///
    /// The address follows ip_address::parse() and the port parse_port(), with their rules
    /// for leading zeros and lengths; IPv6 needs the brackets.
    /// @param text the endpoint text; the port is required.
    /// @return the endpoint.
    /// @throws std::system_error with portsock::errc::invalid_address or
    ///         portsock::errc::invalid_port (both equal to std::errc::invalid_argument);
    ///         what() quotes the text.
    static endpoint parse(std::string_view text);

    /// Parses an endpoint; see parse(std::string_view).
    /// @param text the endpoint text.
    /// @param ec set to portsock::errc::invalid_address or portsock::errc::invalid_port.
    /// @return the endpoint, or `0.0.0.0:0` on error.
    static endpoint parse(std::string_view text, std::error_code& ec) noexcept;

    /// @}

    /// @name Inspecting
    /// @{

    /// @return the address.
    const ip_address& address() const noexcept { return address_; }
    /// @return the port.
    std::uint16_t port() const noexcept { return port_; }
    /// @return the address family.
    address_family family() const noexcept { return address_.family(); }

    /// Formats the endpoint, with IPv6 addresses in brackets.
    /// @return `"127.0.0.1:80"` or `"[::1]:80"`; parse() reads it back to an equal endpoint.
    /// @throws std::bad_alloc if the string cannot be allocated.
    std::string to_string() const;

    /// @}

    /// @name Comparing
    /// @{

    /// @param a,b the endpoints. @return true if address and port are equal.
    friend bool operator==(const endpoint& a, const endpoint& b) noexcept {
        return a.address_ == b.address_ && a.port_ == b.port_;
    }
    /// @param a,b the endpoints. @return !(a == b).
    friend bool operator!=(const endpoint& a, const endpoint& b) noexcept { return !(a == b); }
    /// Orders by address, then port.
    /// @param a,b the endpoints. @return true if a orders before b.
    friend bool operator<(const endpoint& a, const endpoint& b) noexcept {
        return a.address_ < b.address_ || (a.address_ == b.address_ && a.port_ < b.port_);
    }

    /// @}

private:
    ip_address address_;
    std::uint16_t port_ = 0;
};

/// Writes endpoint::to_string() to a stream.
/// @param out the stream. @param ep the endpoint. @return out.
/// @threadsafety As for any std::ostream: one stream must not be written from two threads at once.
PORTSOCK_EXPORT std::ostream& operator<<(std::ostream& out, const endpoint& ep);

/// Parses a decimal port number from 0 to 65535, e.g. a command-line argument.
///
/// The grammar: one or more ASCII digits and nothing else (no sign, no space, no NUL).
/// Leading zeros are allowed, and there is no length limit: the value decides, so
/// `"000080"` is 80 and `"065536"` is out of range. resolve() reads a service that holds no
/// letter by exactly this grammar, so the two always agree.
/// @param text the digits.
/// @return the port.
/// @throws std::system_error with portsock::errc::invalid_port (equal to
///         std::errc::invalid_argument); what() quotes the text, cut to a bounded length
///         with control bytes escaped (see @ref errors).
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT std::uint16_t parse_port(std::string_view text);

/// Parses a decimal port number; see parse_port(std::string_view).
/// @param text the digits.
/// @param ec set to portsock::errc::invalid_port if text is empty, not a number or above
///        65535; cleared on success.
/// @return the port, or 0 on error.
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT std::uint16_t parse_port(std::string_view text, std::error_code& ec) noexcept;

}  // namespace portsock

/// Hashes an ip_address for unordered containers.
///
/// @threadsafety Safe to call from any thread.
template <>
struct PORTSOCK_EXPORT std::hash<portsock::ip_address> {
    /// @param address the address. @return its hash.
    std::size_t operator()(const portsock::ip_address& address) const noexcept;
};

/// Hashes an endpoint for unordered containers.
///
/// @threadsafety Safe to call from any thread.
template <>
struct PORTSOCK_EXPORT std::hash<portsock::endpoint> {
    /// @param ep the endpoint. @return its hash.
    std::size_t operator()(const portsock::endpoint& ep) const noexcept;
};
