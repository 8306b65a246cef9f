// Winsock 2 port: what the win_*.cpp files share. Internal; the only place, with the
// win_*.cpp files, that includes the Windows headers (CMake defines WIN32_LEAN_AND_MEAN,
// NOMINMAX and _WIN32_WINNT for this port only).
#pragma once

#include "platform.hpp"

// Winsock 2 first, in a block of its own: the other Windows headers rely on its types.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <windows.h>

namespace portsock::platform {

// --- handles ------------------------------------------------------------------------
// SOCKET is UINT_PTR and native_handle_type is std::uintptr_t: the same width, converted
// explicitly so the port never depends on them being the same type. INVALID_SOCKET is a
// C-style cast in the SDK headers; portsock::invalid_native_handle has the same value.
inline SOCKET to_socket(handle h) noexcept { return static_cast<SOCKET>(h); }
inline handle to_handle(SOCKET s) noexcept { return static_cast<handle>(s); }
inline bool is_invalid(SOCKET s) noexcept { return to_handle(s) == invalid_handle; }

// --- the Winsock library (win_library.cpp) ------------------------------------------
/// Takes one reference on Winsock: WSAStartup(2.2) when the count goes from 0 to 1.
/// Returns the start-up error (socket_category) if Winsock could not start; the count is
/// then unchanged. Thread-safe.
std::error_code acquire_library() noexcept;
/// Drops one reference: WSACleanup when the count goes from 1 to 0. Thread-safe.
void release_library() noexcept;

/// Holds one Winsock reference for a scope (resolve(), capability probes).
class library_scope {
public:
    explicit library_scope(std::error_code& ec) noexcept : ec_(acquire_library()) { ec = ec_; }
    ~library_scope() {
        if (!ec_) release_library();
    }
    library_scope(const library_scope&) = delete;
    library_scope& operator=(const library_scope&) = delete;

private:
    std::error_code ec_;
};

// --- cancellation (win_cancel.cpp) ---------------------------------------------------
/// Registers a single-socket wait on s, so that cancel() makes sure to end it. False if s is
/// cancelled: do not wait. Pair a true result with end_wait().
bool begin_wait(SOCKET s) noexcept;
void end_wait(SOCKET s) noexcept;
/// True if cancel() was called on s and s is not closed yet. Cheap while nothing is cancelled.
bool was_cancelled(SOCKET s) noexcept;
/// Called by close(): s is no longer cancelled (its value may name the next socket).
void forget_cancelled(SOCKET s) noexcept;
/// Called by cancel(): every AFD poller that has s registered reports it as hung up from its
/// next wait on, and a wait in progress returns (win_poller_afd.cpp). A shutdown completes no
/// AFD poll, so the poller would not learn of it otherwise.
void note_poller_cancel(SOCKET s) noexcept;

// --- errors (win_error.cpp) -----------------------------------------------------------
/// A WSA error code as an error_code of socket_category().
std::error_code socket_error(int wsa_code) noexcept;
/// Maps a GetAddrInfoW() result to a portable resolve_errc, as the POSIX port does.
std::error_code resolver_error(int gai_code) noexcept;
/// GetLastError() of a non-Winsock Win32 call (SetHandleInformation and the like).
std::error_code win32_last_error() noexcept;

// --- addresses (win_address.cpp) ----------------------------------------------------
/// A sockaddr big enough for any family, with its length.
struct native_address {
    sockaddr_storage storage{};
    int length = 0;

    sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
    const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

/// Fills `out` from `in`; an unspecified family is std::errc::address_family_not_supported.
bool to_native(const address& in, native_address& out, std::error_code& ec) noexcept;
/// Reads an AF_INET or AF_INET6 sockaddr; anything else gives family::unspecified.
address from_native(const native_address& in) noexcept;

// --- sockets (win_socket.cpp) ---------------------------------------------------------
/// Turns Windows' report of an ICMP port unreachable on the next UDP receive (WSAECONNRESET)
/// on or off: off while unconnected, as POSIX reports it only on connected sockets.
void report_udp_connection_reset(SOCKET s, bool on) noexcept;

// --- options that depend on the family or that Windows lacks (win_options.cpp) -------
/// True for the options win_options.cpp maps (family-dependent, keep-alive timing, and
/// those Windows lacks); set_option()/get_option() hand them over.
bool is_extended_option(option opt) noexcept;
void set_extended_option(handle h, option opt, int value, std::error_code& ec) noexcept;
int get_extended_option(handle h, option opt, std::error_code& ec) noexcept;

}  // namespace portsock::platform
