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

}  // namespace portsock::platform
