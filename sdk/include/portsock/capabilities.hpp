/// @file
/// What this host and build of portsock can do, for code (and tests) that adapt at run time.
#pragma once

#include <portsock/export.hpp>

namespace portsock {

/// @return true if an IPv6 socket can be bound to `::1` on this host.
/// Thread-safety: safe to call from any thread.
PORTSOCK_EXPORT bool has_ipv6_loopback() noexcept;

/// @return the name of the platform port in use: `"posix"`, `"posix (generic: ...)"` or `"win32"`.
PORTSOCK_EXPORT const char* platform_name() noexcept;

}  // namespace portsock
