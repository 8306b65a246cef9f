// POSIX port: conversion between the portable address and sockaddr.
#pragma once

#include "platform.hpp"

#include <sys/socket.h>

namespace portsock::platform {

/// A sockaddr big enough for any family, with its length.
struct native_address {
    sockaddr_storage storage{};
    socklen_t length = 0;

    sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
    const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

/// Fills `out` from `in`; an unspecified family is std::errc::address_family_not_supported.
bool to_native(const address& in, native_address& out, std::error_code& ec) noexcept;
/// Reads an AF_INET or AF_INET6 sockaddr; anything else gives family::unspecified.
address from_native(const native_address& in) noexcept;

/// Sets SO_NOSIGPIPE where that is how this system keeps sends from raising SIGPIPE
/// (posix_socket.cpp); does nothing elsewhere. False, with ec set, if the OS refused.
bool suppress_sigpipe(int fd, std::error_code& ec) noexcept;

// The socket calls on a sockaddr of any family (posix_socket.cpp), under the typed
// overloads of platform.hpp for IP and local addresses.
void bind_native(handle h, const native_address& native, std::error_code& ec) noexcept;
void connect_native(handle h, const native_address& native, std::error_code& ec) noexcept;
native_address local_native(handle h, std::error_code& ec) noexcept;
native_address peer_native(handle h, std::error_code& ec) noexcept;
std::size_t send_to_native(handle h, const void* data, std::size_t size, const native_address& to,
                           std::error_code& ec) noexcept;
/// Receives one datagram and its sender; a cut datagram is std::errc::message_size.
std::size_t receive_from_native(handle h, void* data, std::size_t size, native_address& from,
                                std::error_code& ec) noexcept;

}  // namespace portsock::platform
