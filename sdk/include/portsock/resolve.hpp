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
/// Thread-safety: safe to call from any thread; it blocks while the resolver works.
/// @param host a name (`"localhost"`, `"example.org"`) or a numeric address; not empty.
/// @param service a port number (`"80"`) or a service name known to the system (`"http"`).
/// @param family restrict results to one family, or address_family::unspecified for both.
/// @return the endpoints, never empty.
/// @throws std::system_error: portsock::errc::empty_host, portsock::errc::invalid_port for a
///         number above 65535, a portsock::resolve_errc such as
///         resolve_errc::host_not_found, or portsock::errc::no_address if nothing usable came back.
PORTSOCK_EXPORT std::vector<endpoint> resolve(std::string_view host, std::string_view service,
                                              address_family family = address_family::unspecified);

/// Resolves a host name and service; see the throwing overload.
/// @param host the name or address. @param service the port or service name.
/// @param ec set on failure (see the throwing overload for the codes).
/// @param family restrict results to one family.
/// @return the endpoints; empty on error.
PORTSOCK_EXPORT std::vector<endpoint> resolve(std::string_view host, std::string_view service,
                                              std::error_code& ec,
                                              address_family family = address_family::unspecified) noexcept;

}  // namespace portsock
