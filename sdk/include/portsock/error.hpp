/// @file
/// Error categories and codes: how portsock reports failure.
#pragma once

#include <portsock/export.hpp>

#include <system_error>

namespace portsock {

/// Errors that portsock itself detects, before or instead of asking the OS.
///
/// Most compare equal to the std::errc named below, so portable code may test either:
/// `ec == portsock::errc::invalid_port` is precise, `ec == std::errc::invalid_argument`
/// also matches. Codes of this enumeration belong to error_category().
/// @see @ref errors "Error handling"
enum class errc {
    not_open = 1,      ///< The socket is empty (default-constructed, moved-from or closed); std::errc::bad_file_descriptor.
    invalid_address,   ///< Text is not an IP address or endpoint; std::errc::invalid_argument.
    invalid_port,      ///< A port is not a number from 0 to 65535; std::errc::invalid_argument.
    empty_host,        ///< A host name is empty; std::errc::invalid_argument.
    end_of_stream,     ///< The peer closed the stream before the requested bytes arrived (tcp_stream::receive_exact()); no std::errc equivalent.
    no_address,        ///< Name resolution succeeded but gave no usable address; no std::errc equivalent.
    invalid_argument,  ///< Any other argument out of its domain; std::errc::invalid_argument.
    message_too_long,  ///< A record is longer than the reader's limit (stream_reader::read_line() and the like); std::errc::message_size.
};

/// Name-resolution (getaddrinfo) failures, the same on every OS.
///
/// Codes of this enumeration belong to resolver_category().
/// @platformnote
/// POSIX reports resolver failures as `EAI_*` codes, separate from `errno`; Windows
/// reports them as Winsock codes such as 11001 (host not found) and 11002 (try again). Both are
/// translated into these values, so the same comparison works everywhere.
enum class resolve_errc {
    host_not_found = 1,    ///< The name does not exist or has no address (EAI_NONAME, EAI_NODATA); no std::errc equivalent.
    try_again,             ///< A temporary failure; retrying later may succeed (EAI_AGAIN); std::errc::resource_unavailable_try_again.
    service_not_found,     ///< The service or port is not known (EAI_SERVICE); no std::errc equivalent.
    family_not_supported,  ///< The address family is not supported (EAI_FAMILY); std::errc::address_family_not_supported.
    out_of_memory,         ///< The resolver ran out of memory (EAI_MEMORY); std::errc::not_enough_memory.
    failure,               ///< Any other resolver failure (EAI_FAIL and the rest); no std::errc equivalent.
};

/// The category of portsock::errc codes (name "portsock").
///
/// @threadsafety Safe to call from any thread.
/// @return the one instance of the category.
PORTSOCK_EXPORT const std::error_category& error_category() noexcept;

/// The category of portsock::resolve_errc codes (name "portsock.resolve").
///
/// @threadsafety Safe to call from any thread.
/// @return the one instance of the category.
PORTSOCK_EXPORT const std::error_category& resolver_category() noexcept;

/// The category of OS socket errors (name "portsock.socket").
///
/// Values are the OS's own codes (`errno` on POSIX, the Winsock last-error value on Windows); each
/// compares equal to the matching std::errc on every OS, so
/// `ec == std::errc::connection_refused` holds on Windows and Linux alike.
///
/// @platformnote
/// value() and message() are the OS's: `ECONNREFUSED` (111 on Linux, 61 on macOS) and
/// strerror() text on POSIX, Winsock's 10061 (connection refused) and FormatMessage() text on Windows.
/// Compare with std::errc, never with numbers or message text.
///
/// @threadsafety Safe to call from any thread.
/// @return the one instance of the category.
PORTSOCK_EXPORT const std::error_category& socket_category() noexcept;

/// Makes an error_code of error_category(); found by argument-dependent lookup, so
/// `std::error_code ec = portsock::errc::not_open;` works.
/// @param e the error. @return the code.
/// @threadsafety Safe to call from any thread.
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

/// Makes an error_code of resolver_category(); found by argument-dependent lookup.
/// @param e the error. @return the code.
/// @threadsafety Safe to call from any thread.
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
