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
/// The text is checked before the resolver sees it, the same way on every OS:
/// - `host` must not be empty (errc::empty_host) and must hold no NUL, other control byte
///   or space (errc::invalid_host): the resolver reads C strings, so `"127.0.0.1\0.evil"`
///   would otherwise be resolved as `"127.0.0.1"`, and `"1.2.3.4 junk"` as 1.2.3.4.
/// - A `host` that ends in a number (its last label is all digits, or `0x` and hex digits:
///   no host name does) must be an address in ip_address::parse()'s grammar, else
///   errc::invalid_host. The resolver would read `"127.1"` and `"0"` by inet_aton()'s old
///   rules as 127.0.0.1 and 0.0.0.0, and `"010.0.0.1"` as 8.0.0.1 (octal); portsock takes
///   one text for one address only. A trailing dot (an absolute name) counts as nothing
///   here: `"1.2.3.4."` ends in a number and is refused, `"localhost."` goes to the resolver.
/// - A `host` holds no brackets, and a colon only as part of an IPv6 address in
///   ip_address::parse()'s grammar, else errc::invalid_host: `"127.0.0.1:80"`, `"[::1]"`
///   and `"localhost:8080"` are endpoints, not hosts (endpoint::parse() reads the numeric
///   ones). Windows' resolver would accept some of them and drop the port silently.
/// - `family` must be one of the address_family values (std::errc::invalid_argument).
/// - `service` is a service name if it has the RFC 6335 shape (letters, digits and single
///   hyphens, at least one letter, e.g. `"http"`); anything else must be a port number by
///   exactly the grammar of parse_port(), else errc::invalid_port. So `" 80"`, `"+80"`,
///   `""`, `"70000"` and `"80\0junk"` are errors, where getaddrinfo() would skip blanks,
///   take a sign, cut at the NUL or wrap the number to 16 bits.
///
/// @threadsafety Safe to call from any thread; it blocks while the resolver works.
/// @param host a name (`"localhost"`, `"example.org"`) or a numeric address; not empty.
/// @param service a port number (`"80"`, leading zeros allowed) or a service name known to
///        the system (`"http"`).
/// @param family restrict results to one family, or address_family::unspecified for both.
/// @return the endpoints, never empty.
/// @throws std::system_error with one of the codes below; what() quotes the host (or, for
///         errc::invalid_port, the service), cut to a bounded length with control bytes escaped.
/// @errors
/// Both forms report the same codes: errc::empty_host, errc::invalid_host,
/// errc::invalid_port, std::errc::invalid_argument (a `family` out of range); resolve_errc::host_not_found,
/// resolve_errc::try_again, resolve_errc::service_not_found, resolve_errc::family_not_supported,
/// resolve_errc::out_of_memory, resolve_errc::failure, resolve_errc::no_address_in_family
/// (e.g. `resolve("::1", "80", address_family::ipv4)`, on every OS), resolve_errc::bad_flags,
/// resolve_errc::socket_type_not_supported; errc::no_address; std::errc::not_enough_memory;
/// std::errc::too_many_files_open when the process has no descriptor left (the resolver
/// could not even read the hosts file; the system resolver itself would say "not found");
/// on Windows also a failed Winsock start-up.
/// @platformnote
/// The answer, and its order, come from the system resolver and its configuration (hosts
/// file, DNS, `/etc/gai.conf` on Linux), so `"localhost"` may give `::1`, `127.0.0.1` or
/// both. On Windows the first call starts Winsock; portsock does that itself. For a host
/// *name* without an address of the requested family, glibc says
/// resolve_errc::no_address_in_family and Windows resolve_errc::host_not_found.
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
