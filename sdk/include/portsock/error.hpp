/// @file
/// Error categories and codes: how portsock reports failure.
#pragma once

#include <portsock/export.hpp>

#include <system_error>

namespace portsock {

/// Errors that portsock itself detects, before or instead of asking the OS.
///
/// Each compares equal to the std::errc named below, so portable code may test either.
enum class errc {
    not_open = 1,      ///< The socket is empty (default-constructed, moved-from or closed); std::errc::bad_file_descriptor.
    invalid_address,   ///< Text is not an IP address or endpoint; std::errc::invalid_argument.
    invalid_port,      ///< A port is not a number from 0 to 65535; std::errc::invalid_argument.
    empty_host,        ///< A host name is empty; std::errc::invalid_argument.
    end_of_stream,     ///< The peer closed the stream before the requested bytes arrived.
    no_address,        ///< Name resolution succeeded but gave no usable address.
    invalid_argument,  ///< Any other argument out of its domain; std::errc::invalid_argument.
};

/// Name-resolution (getaddrinfo) failures, the same on every OS.
enum class resolve_errc {
    host_not_found = 1,    ///< The name does not exist or has no address (EAI_NONAME, EAI_NODATA).
    try_again,             ///< A temporary failure; retrying later may succeed (EAI_AGAIN).
    service_not_found,     ///< The service or port is not known (EAI_SERVICE).
    family_not_supported,  ///< The address family is not supported (EAI_FAMILY).
    out_of_memory,         ///< The resolver ran out of memory (EAI_MEMORY).
    failure,               ///< Any other resolver failure (EAI_FAIL and the rest).
};

/// The category of portsock::errc codes (name "portsock").
///
/// Thread-safety: safe to call from any thread.
/// @return the one instance of the category.
PORTSOCK_EXPORT const std::error_category& error_category() noexcept;

/// The category of portsock::resolve_errc codes (name "portsock.resolve").
///
/// Thread-safety: safe to call from any thread.
/// @return the one instance of the category.
PORTSOCK_EXPORT const std::error_category& resolver_category() noexcept;

/// The category of OS socket errors (name "portsock.socket").
///
/// Values are the OS's own codes (`errno` on POSIX, `WSAGetLastError()` on Windows); each
/// compares equal to the matching std::errc on every OS, so
/// `ec == std::errc::connection_refused` holds on Windows and Linux alike.
/// Thread-safety: safe to call from any thread.
/// @return the one instance of the category.
PORTSOCK_EXPORT const std::error_category& socket_category() noexcept;

/// Makes an error_code of error_category(); found by argument-dependent lookup.
/// @param e the error. @return the code.
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// Makes an error_code of resolver_category(); found by argument-dependent lookup.
/// @param e the error. @return the code.
inline std::error_code make_error_code(resolve_errc e) noexcept {
    return {static_cast<int>(e), resolver_category()};
}

}  // namespace portsock

/// @cond INTERNAL
template <>
struct std::is_error_code_enum<portsock::errc> : std::true_type {};
template <>
struct std::is_error_code_enum<portsock::resolve_errc> : std::true_type {};
/// @endcond
