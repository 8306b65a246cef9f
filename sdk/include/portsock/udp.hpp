/// @file
/// UDP: portsock::udp_socket, datagrams to and from endpoints.
#pragma once

#include <portsock/address.hpp>
#include <portsock/export.hpp>
#include <portsock/socket.hpp>
#include <portsock/timeout.hpp>

#include <cstddef>
#include <string_view>
#include <system_error>

namespace portsock {

/// What udp_socket::receive_from() received: how many bytes, and from whom.
struct datagram_info {
    std::size_t size = 0;  ///< Bytes copied into the caller's buffer.
    endpoint sender;       ///< Who sent the datagram.
};

/// A UDP socket: unreliable, unordered datagrams, each sent and received whole.
///
/// A datagram longer than the receive buffer is **never cut silently**: the call fails with
/// std::errc::message_size on every OS (the `noexcept` form still reports how many bytes it
/// copied). Every blocking operation takes an optional timeout (std::errc::timed_out when
/// it expires) and comes in a throwing and a `noexcept` form.
///
/// Thread-safety: see portsock::basic_socket.
class PORTSOCK_EXPORT udp_socket : public basic_socket {
public:
    /// An empty socket; see portsock::basic_socket.
    udp_socket() noexcept = default;

    /// Opens a socket bound to `local`.
    /// @param local the address and port; port 0 lets the OS choose (see local_endpoint()).
    /// @throws std::system_error, e.g. std::errc::address_in_use.
    explicit udp_socket(const endpoint& local);

    /// Opens a socket bound to `local`; see udp_socket(const endpoint&).
    /// @param local the endpoint. @param ec set on failure.
    /// @return the socket, or an empty one on error.
    static udp_socket bind(const endpoint& local, std::error_code& ec) noexcept;

    /// Opens an unbound socket of one family; the OS binds it on the first send.
    /// @param family address_family::ipv4 or address_family::ipv6.
    /// @return the socket.
    /// @throws std::system_error: errc::invalid_argument for address_family::unspecified, or the OS error.
    static udp_socket open(address_family family);

    /// See open(address_family).
    /// @param family the family. @param ec set on failure. @return the socket, or an empty one.
    static udp_socket open(address_family family, std::error_code& ec) noexcept;

    /// Sends one datagram to `destination`.
    /// @param data the bytes. @param size how many (at most about 65507 for IPv4).
    /// @param destination where to. @param limit how long to wait for buffer space.
    /// @return `size`: a datagram is sent whole or not at all.
    /// @throws std::system_error, e.g. std::errc::message_size for an oversized datagram.
    std::size_t send_to(const void* data, std::size_t size, const endpoint& destination, timeout limit = {});

    /// See send_to(const void*, std::size_t, const endpoint&, timeout).
    /// @param data the bytes. @param size how many. @param destination where to.
    /// @param ec set on failure. @param limit how long to wait. @return `size`, or 0 on error.
    std::size_t send_to(const void* data, std::size_t size, const endpoint& destination,
                        std::error_code& ec, timeout limit = {}) noexcept;

    /// Sends a string as one datagram.
    /// @param text the bytes. @param destination where to. @param limit how long to wait.
    /// @return the size sent. @throws std::system_error on failure.
    std::size_t send_to(std::string_view text, const endpoint& destination, timeout limit = {}) {
        return send_to(text.data(), text.size(), destination, limit);
    }

    /// Sends a string as one datagram; see the other send_to() forms.
    /// @param text the bytes. @param destination where to. @param ec set on failure.
    /// @param limit how long to wait. @return the size sent, or 0 on error.
    std::size_t send_to(std::string_view text, const endpoint& destination, std::error_code& ec,
                        timeout limit = {}) noexcept {
        return send_to(text.data(), text.size(), destination, ec, limit);
    }

    /// Receives one datagram.
    /// @param data where to put it. @param size the room there.
    /// @param limit how long to wait.
    /// @return its size and sender.
    /// @throws std::system_error: std::errc::message_size if it did not fit (the first
    ///         `size` bytes were copied), std::errc::timed_out, or the OS error.
    datagram_info receive_from(void* data, std::size_t size, timeout limit = {});

    /// See receive_from(void*, std::size_t, timeout).
    /// @param data where to put it. @param size the room there. @param ec set on failure.
    /// @param limit how long to wait.
    /// @return size and sender; on std::errc::message_size, the bytes copied and the sender.
    datagram_info receive_from(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Sets the default destination for send() and the only source receive() accepts.
    /// @param remote the peer. @throws std::system_error on failure.
    void connect(const endpoint& remote);

    /// See connect(const endpoint&). @param remote the peer. @param ec set on failure.
    void connect(const endpoint& remote, std::error_code& ec) noexcept;

    /// Sends one datagram to the connected peer.
    /// @param data the bytes. @param size how many. @param limit how long to wait.
    /// @return `size`. @throws std::system_error, e.g. std::errc::not_connected or, after
    ///         an ICMP port-unreachable, std::errc::connection_refused.
    std::size_t send(const void* data, std::size_t size, timeout limit = {});

    /// See send(const void*, std::size_t, timeout).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long to wait. @return `size`, or 0 on error.
    std::size_t send(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Receives one datagram from the connected peer.
    /// @param data where to put it. @param size the room there. @param limit how long to wait.
    /// @return its size. @throws std::system_error: std::errc::message_size if it did not fit.
    std::size_t receive(void* data, std::size_t size, timeout limit = {});

    /// See receive(void*, std::size_t, timeout).
    /// @param data where to put it. @param size the room there. @param ec set on failure.
    /// @param limit how long to wait. @return the bytes copied (also on std::errc::message_size).
    std::size_t receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// @return the connected peer. @throws std::system_error, e.g. std::errc::not_connected.
    endpoint remote_endpoint() const;
    /// See remote_endpoint(). @param ec set on failure. @return the peer, or `0.0.0.0:0`.
    endpoint remote_endpoint(std::error_code& ec) const noexcept;

    /// Allows sending to broadcast addresses (`SO_BROADCAST`).
    /// @param on true to allow. @throws std::system_error on failure.
    void set_broadcast(bool on);
    /// See set_broadcast(bool). @param on true to allow. @param ec set on failure.
    void set_broadcast(bool on, std::error_code& ec) noexcept;
    /// @return true if broadcast is allowed. @throws std::system_error on failure.
    bool broadcast() const;
    /// @param ec set on failure. @return true if broadcast is allowed.
    bool broadcast(std::error_code& ec) const noexcept;

private:
    explicit udp_socket(native_handle_type handle) noexcept : basic_socket(handle) {}
};

}  // namespace portsock
