/// @file
/// Error categories and codes: how portsock reports failure.
#pragma once

#include <portsock/export.hpp>

#include <cstddef>
#include <string>
#include <system_error>

namespace portsock {

/// Errors that portsock itself detects, before or instead of asking the OS.
///
/// Most compare equal to the std::errc named below, so portable code may test either:
/// `ec == portsock::errc::invalid_port` is precise, `ec == std::errc::invalid_argument`
/// also matches. Codes of this enumeration belong to error_category().
/// @see @ref errors "Error handling"
enum class errc {
    not_open = 1,  ///< The object is empty (default-constructed, moved-from or closed): a socket, a poller, a
                   ///< stream_reader, a TLS context or stream; std::errc::bad_file_descriptor.
    invalid_address,  ///< Text is not an IP address or endpoint; std::errc::invalid_argument.
    invalid_port,     ///< A port or service is neither a number from 0 to 65535 nor a service name;
                      ///< std::errc::invalid_argument.
    empty_host,       ///< A host name is empty; std::errc::invalid_argument.
    end_of_stream,    ///< The peer closed the stream before the requested bytes arrived
                      ///< (tcp_stream::receive_exact()); no std::errc equivalent.
    no_address,  ///< No address to use: an empty list (tcp_stream::connect_any()), or a name that resolved to
                 ///< none usable; no std::errc equivalent.
    invalid_argument,  ///< Any other argument out of its domain; std::errc::invalid_argument.
    invalid_host,      ///< A host holds a NUL, another control byte or a space, brackets or a port
                       ///< ("127.0.0.1:80", "[::1]"), or ends in a number without being an address ("127.1");
                       ///< std::errc::invalid_argument.
    message_too_long,  ///< A record, or a peek(), is longer than the reader's limit
                       ///< (stream_reader::read_line() and the like); std::errc::message_size.
};

/// Name-resolution (getaddrinfo) failures, the same on every OS.
///
/// Codes of this enumeration belong to resolver_category().
/// @platformnote
/// POSIX reports resolver failures as `EAI_*` codes, separate from `errno`; Windows
/// reports them as Winsock codes such as 11001 (host not found) and 11002 (try again). Both are
/// translated into these values, so the same comparison works everywhere.
/// Every `EAI_*` code has one value here, except `EAI_SYSTEM`, which is reported as its
/// `errno` (socket_category(), e.g. std::errc::too_many_files_open).
enum class resolve_errc {
    host_not_found =
        1,  ///< The name does not exist or has no address (EAI_NONAME, EAI_NODATA); no std::errc equivalent.
    try_again,             ///< A temporary failure; retrying later may succeed (EAI_AGAIN);
                           ///< std::errc::resource_unavailable_try_again.
    service_not_found,     ///< The service name is not known (EAI_SERVICE); no std::errc equivalent.
    family_not_supported,  ///< The address family is not supported (EAI_FAMILY);
                           ///< std::errc::address_family_not_supported.
    out_of_memory,         ///< The resolver ran out of memory (EAI_MEMORY); std::errc::not_enough_memory.
    failure,               ///< A non-recoverable resolver failure (EAI_FAIL); no std::errc equivalent.
    no_address_in_family,  ///< The host exists but has no address of the requested family (EAI_ADDRFAMILY),
                           ///< e.g. `"::1"` asked for IPv4; no std::errc equivalent.
    bad_flags,             ///< The resolver rejected its flags (EAI_BADFLAGS); std::errc::invalid_argument.
    socket_type_not_supported,  ///< The resolver rejected the socket type (EAI_SOCKTYPE);
                                ///< std::errc::not_supported.
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

/// The error of socket_category() for `condition`: the code an OS socket call reports for
/// it (`ETIMEDOUT`, Winsock's `WSAETIMEDOUT`). portsock's own timeouts and cancellations
/// are made this way, so their message() is the same text on every OS, also where the C
/// library's strerror() knows no text for the POSIX code (mingw-w64's says "Unknown error"
/// for std::errc::timed_out and std::errc::operation_canceled). Use it for errors your
/// own code reports beside portsock's.
/// @param condition the portable condition. @return a code that compares equal to
///        `condition`; where the OS has no code for it, std::make_error_code(condition).
/// @threadsafety Safe to call from any thread.
PORTSOCK_EXPORT std::error_code make_socket_error(std::errc condition) noexcept;

/// A failed transfer that had already moved some bytes: thrown by the throwing forms of
/// tcp_stream::send_all() and tcp_stream::receive_exact().
///
/// It is a std::system_error, so `catch (const std::system_error&)` still catches it and
/// code() compares as usual; catch it by this type to learn how far the transfer got, e.g.
/// to resume after the bytes that went. what() says it too:
/// `"portsock::tcp_stream::send_all (1024 of 4096 bytes sent): Connection reset by peer"`.
/// The `std::error_code` forms return the same count instead.
/// @threadsafety A plain value.
class PORTSOCK_EXPORT transfer_error : public std::system_error {
public:
    /// @param ec the error. @param what the context for what(). @param bytes_transferred
    ///        the bytes sent or received before the error.
    transfer_error(std::error_code ec, const std::string& what, std::size_t bytes_transferred);
    ~transfer_error() override;
    /// Copies the error. @param other the error to copy.
    transfer_error(const transfer_error& other) = default;
    /// Copies the error. @param other the error to copy. @return *this.
    transfer_error& operator=(const transfer_error& other) = default;

    /// @return how many bytes were sent (or received) before the error, in bytes.
    std::size_t bytes_transferred() const noexcept { return bytes_transferred_; }

private:
    std::size_t bytes_transferred_;
};

/// Tells whether an error means the process or the system ran out of a resource that a
/// departing connection or a short wait gives back, rather than a fault of the call.
///
/// True for std::errc::too_many_files_open (`EMFILE`, Winsock's 10024),
/// std::errc::too_many_files_open_in_system (`ENFILE`), std::errc::no_buffer_space
/// (`ENOBUFS`, Winsock's 10055) and std::errc::not_enough_memory (`ENOMEM`).
///
/// A server meets these in tcp_listener::accept(): the client stays queued and the
/// listener stays readable, so a poller loop that retries at once spins at full CPU
/// without serving anyone. Stop watching the listener instead (poller::modify() with
/// poll_events::none) and resume when a client leaves or after a short back-off; see
/// @ref scaling_exhaustion "Running out of descriptors".
/// @param ec any error code (of any category). @return true if it is one of the four.
/// @threadsafety Safe to call from any thread.
inline bool is_resource_exhaustion(const std::error_code& ec) noexcept {
    return ec == std::errc::too_many_files_open || ec == std::errc::too_many_files_open_in_system ||
           ec == std::errc::no_buffer_space || ec == std::errc::not_enough_memory;
}

/// Makes an error_code of error_category(); found by argument-dependent lookup, so
/// `std::error_code ec = portsock::errc::not_open;` works.
/// @param e the error. @return the code.
/// @threadsafety Safe to call from any thread.
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

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
