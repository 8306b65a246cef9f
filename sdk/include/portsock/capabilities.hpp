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

/// Names the platform port this build of portsock uses, for logs and bug reports.
/// @return a static string: `"posix"`, `"posix (generic: ...)"` (the port built with only
///         the fallbacks macOS and the BSDs need), `"win32"`, or `"win32 (Wine <version>)"`
///         when the Windows build runs under Wine.
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT const char* platform_name() noexcept;

}  // namespace portsock
