// Internal helpers of the local socket types: conversions between local_address and the
// platform's local_name, and the connect that local_stream and the stale-file check share.
#pragma once

#include "internal.hpp"
#include "text.hpp"

#include <portsock/local.hpp>

namespace portsock {

/// The one door into local_address's representation (a friend of it).
struct local_address_access {
    static platform::local_name to_platform(const local_address& address) noexcept;
    static local_address from_platform(const platform::local_name& name) noexcept;
};

namespace detail {

inline platform::local_name to_platform(const local_address& address) noexcept {
    return local_address_access::to_platform(address);
}

inline local_address from_platform(const platform::local_name& name) noexcept {
    return local_address_access::from_platform(name);
}

/// Sets errc::invalid_argument for an unnamed address, which nothing can bind or reach.
bool check_named(const local_address& address, std::error_code& ec) noexcept;

/// The address an error-code form was given, checked as check_named() does: a bad path is
/// reported in ec, never thrown. @return the address, or an unnamed one on error.
local_address named_address(local_address_view given, std::error_code& ec) noexcept;

/// The bound name of any local socket (getsockname), for the local_endpoint() members.
inline local_address local_name_of(const basic_socket& s, std::error_code& ec) noexcept {
    if (!check_open(s, ec)) return {};
    const platform::local_name name = platform::local_name_of(s.native_handle(), ec);
    return ec ? local_address{} : from_platform(name);
}

/// The throwing form of a call on a local address: what() names the address the way the
/// TCP types name their endpoint, "<what> '<path>'" (quoted: a path is the user's text),
/// and a timeout says how long it waited.
template <class Call>
auto or_throw_at(const char* what, const local_address& at, timeout limit, Call&& call) {
    return or_throw_with(
        [&](const std::error_code& ec) {
            return timed_context(std::string(what) + " " + quote(at.to_string()), limit, ec);
        },
        std::forward<Call>(call));
}

/// Connects an open local stream handle, bounded by `until`.
void connect_local(platform::handle h, const platform::local_name& name, const deadline& until,
                   std::error_code& ec) noexcept;

}  // namespace detail
}  // namespace portsock
