/// @file
/// portsock::network_interface: which interface a multicast operation uses.
#pragma once

#include <portsock/address.hpp>
#include <portsock/export.hpp>

#include <cstdint>
#include <string_view>
#include <system_error>

namespace portsock {

/// A network interface, as multicast calls take it: the OS's choice, an interface index,
/// or, for IPv4 only, one of the interface's addresses.
///
/// Converts implicitly from an index or an address, so `socket.join_group(group, 2)` and
/// `socket.join_group(group, ip_address::loopback_v4())` both read naturally.
/// @threadsafety A plain value.
/// @platformnote Indexes are the OS's (`if_nametoindex()` on every OS); they are small
/// numbers, stable while the interface exists. IPv6 multicast names interfaces by index
/// only.
class PORTSOCK_EXPORT network_interface {
public:
    /// The OS chooses, by its routing table (index 0, or the IPv4 address `0.0.0.0`).
    constexpr network_interface() noexcept = default;

    /// The interface with this index; 0 lets the OS choose.
    /// @param index the interface index.
    constexpr network_interface(std::uint32_t index) noexcept
        : index_(index) {}  // NOLINT: implicit by design

    /// The interface that has this IPv4 address (IPv4 sockets only; an IPv6 address is
    /// reported as errc::invalid_argument by the call that uses it).
    /// @param address one of the interface's addresses.
    network_interface(const ip_address& address) noexcept
        : address_(address) {}  // NOLINT: implicit by design

    /// Looks an interface up by name (`if_nametoindex()`): `"lo"`, `"eth0"` on Linux,
    /// `"lo0"`, `"en0"` on macOS; on Windows the NDIS name such as `"loopback_0"` or
    /// `"ethernet_32768"`, not the friendly name the control panel shows.
    /// @param name the interface name.
    /// @return the interface, by index.
    /// @throws std::system_error with std::errc::no_such_device if there is no such
    ///         interface (also for an empty name or one containing a NUL).
    static network_interface from_name(std::string_view name);
    /// See from_name(std::string_view).
    /// @param name the interface name. @param ec set on failure.
    /// @return the interface, or the OS's choice on error.
    static network_interface from_name(std::string_view name, std::error_code& ec) noexcept;

    /// @return the interface index, 0 if chosen by address or by the OS.
    std::uint32_t index() const noexcept { return index_; }
    /// @return the IPv4 address given, `0.0.0.0` if none.
    const ip_address& address() const noexcept { return address_; }

private:
    std::uint32_t index_ = 0;
    ip_address address_;
};

}  // namespace portsock
