// The one address-family rule of every port: an IPv6 socket that is not dual-stack cannot
// reach an IPv4 or an IPv4-mapped (::ffff:a.b.c.d) peer, and an IPv4 socket cannot reach
// an IPv6 peer. Each OS says so differently (Linux ENETUNREACH or EAFNOSUPPORT, Windows
// WSAENETUNREACH, WSAEFAULT or WSAEAFNOSUPPORT; a bind to a mapped address is EINVAL), so
// after a failed bind(), send_to() or connect() the ports call explain_family_mismatch(),
// which reports every such case as std::errc::address_family_not_supported. No OS header: it uses the
// contract only.
#pragma once

#include "platform.hpp"

namespace portsock::platform {

/// True for ::ffff:a.b.c.d.
inline bool is_v4_mapped(const address& a) noexcept {
    if (a.fam != family::ipv6) return false;
    for (int i = 0; i < 10; ++i)
        if (a.bytes[i] != 0) return false;
    return a.bytes[10] == 0xff && a.bytes[11] == 0xff;
}

/// True if the socket `h` cannot reach `peer` by the rule above. Asks the OS (the socket's
/// family and IPV6_V6ONLY), so it is called on the error path only.
inline bool crosses_family(handle h, const address& peer) noexcept {
    std::error_code ec;
    const address local = local_address(h, ec);
    if (ec) return false;
    if (local.fam == family::ipv4) return peer.fam == family::ipv6;
    if (local.fam != family::ipv6 || (peer.fam != family::ipv4 && !is_v4_mapped(peer))) return false;
    const int v6_only = get_option(h, option::v6_only, ec);
    return !ec && v6_only != 0;
}

/// After a bind(), send_to() or connect() of `h` to `peer` failed with `ec`: reports a crossing of
/// families as std::errc::address_family_not_supported, the same on every port.
/// A connect still in progress is left alone: every OS refuses a crossing at once, and the
/// timed and non-blocking connects must not pay for the check.
inline void explain_family_mismatch(handle h, const address& peer, std::error_code& ec) noexcept {
    if (!ec || ec == std::errc::address_family_not_supported || ec == std::errc::operation_would_block ||
        ec == std::errc::operation_in_progress || ec == std::errc::resource_unavailable_try_again)
        return;
    if (crosses_family(h, peer)) ec = make_error(std::errc::address_family_not_supported);
}

}  // namespace portsock::platform
