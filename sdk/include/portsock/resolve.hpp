/// @file
/// Name resolution: host names to endpoints.
#pragma once

#include <portsock/address.hpp>
#include <portsock/export.hpp>

#include <string_view>
#include <system_error>
#include <vector>

namespace portsock {

/// Resolves a host name and service to every endpoint the system resolver (getaddrinfo)
/// returns, in its order of preference.
///
/// @threadsafety Safe to call from any thread; it blocks while the resolver works.
/// @param host a name (`"localhost"`, `"example.org"`) or a numeric address; not empty.
/// @param service a port number (`"80"`) or a service name known to the system (`"http"`).
/// @param family restrict results to one family, or address_family::unspecified for both.
/// @return the endpoints, never empty.
/// @throws std::system_error with portsock::errc::empty_host, portsock::errc::invalid_port for a
///         number above 65535, a portsock::resolve_errc such as
///         resolve_errc::host_not_found, or portsock::errc::no_address if nothing usable came back.
/// @errors
/// Both forms report the same codes: errc::empty_host, errc::invalid_port,
/// resolve_errc::host_not_found, resolve_errc::try_again, resolve_errc::service_not_found,
/// resolve_errc::family_not_supported, resolve_errc::out_of_memory, resolve_errc::failure,
/// errc::no_address, std::errc::not_enough_memory; on Windows also a failed Winsock start-up.
/// @platformnote
/// The answer, and its order, come from the system resolver and its configuration (hosts
/// file, DNS, `/etc/gai.conf` on Linux), so `"localhost"` may give `::1`, `127.0.0.1` or
/// both. On Windows the first call starts Winsock; portsock does that itself.
PORTSOCK_EXPORT std::vector<endpoint> resolve(std::string_view host, std::string_view service,
                                              address_family family = address_family::unspecified);

/// Resolves a host name and service; see the throwing overload.
/// @param host the name or address. @param service the port or service name.
/// @param ec set on failure (see the throwing overload for the codes), cleared on success.
/// @param family restrict results to one family.
/// @return the endpoints; empty on error.
/// @threadsafety Safe to call from any thread; it blocks while the resolver works.
PORTSOCK_EXPORT std::vector<endpoint> resolve(std::string_view host, std::string_view service,
                                              std::error_code& ec,
                                              address_family family = address_family::unspecified) noexcept;

}  // namespace portsock
