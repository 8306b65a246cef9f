/// @file
/// UDP: portsock::udp_socket, datagrams to and from endpoints.
///
/// Synopsis (each fallible call also has a `noexcept` form taking `std::error_code&`):
/// @code
/// udp_socket s{endpoint};                         // bound; or udp_socket::open(family)
/// s.send_to(data, size, destination, limit);      // one datagram; also text and buffers
/// auto [bytes, from] = s.receive_from(max_size);  // or into a buffer: datagram_info
/// s.send_batch(batch, count); s.receive_batch(batch, count);
/// s.connect(remote); s.send(...); s.receive(...); // a default peer
/// s.join_group(group, interface); s.set_multicast_hops(4); s.set_broadcast(true);
/// @endcode
#pragma once

#include <portsock/address.hpp>
#include <portsock/buffer.hpp>
#include <portsock/export.hpp>
#include <portsock/ip_socket.hpp>
#include <portsock/network_interface.hpp>
#include <portsock/timeout.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace portsock {

/// What udp_socket::receive_from() received: how many bytes, and from whom.
///
/// Supports structured bindings: `auto [size, sender] = socket.receive_from(buf, sizeof buf);`
/// @threadsafety A plain value.
struct datagram_info {
    std::size_t size = 0;  ///< Bytes copied into the caller's buffer.
    endpoint sender;       ///< Who sent the datagram.
};

/// What udp_socket::receive_with_destination() received: as datagram_info, and the address
/// the datagram was sent to.
struct datagram_with_destination {
    std::size_t size = 0;  ///< Bytes copied into the caller's buffer.
    endpoint sender;       ///< Who sent the datagram.
    /// The address it was sent to: a multicast group, a broadcast address, or one of this
    /// host's addresses (the one to answer from on a multi-homed host). The unspecified
    /// address `0.0.0.0` unless udp_socket::set_receive_destination(true) was called before
    /// the datagram arrived.
    ip_address destination;
};

/// A datagram that udp_socket::receive_from(std::size_t, timeout) received: its bytes and
/// its sender.
///
/// Supports structured bindings: `auto [text, sender] = socket.receive_from(1500);`
/// @threadsafety A plain value.
struct received_datagram {
    std::string data;  ///< The bytes.
    endpoint sender;   ///< Who sent them.
};

/// One datagram for udp_socket::send_batch(): the bytes and where they go.
/// @threadsafety A plain value; the bytes are not copied and must stay valid during the call.
struct outgoing_datagram {
    const void* data = nullptr;  ///< The bytes.
    std::size_t size = 0;        ///< How many.
    endpoint destination;        ///< Where to send them.
};

/// Room for one datagram in udp_socket::receive_batch(), and what arrived there.
/// @threadsafety A plain value.
struct incoming_datagram {
    /// An empty slot: set `data` and `capacity` before use.
    incoming_datagram() noexcept = default;
    /// A slot for a datagram of up to `room` bytes at `buffer`.
    /// @param buffer where to put the datagram. @param room the bytes there.
    incoming_datagram(void* buffer, std::size_t room) noexcept : data(buffer), capacity(room) {}

    void* data = nullptr;      ///< In: where to put the datagram.
    std::size_t capacity = 0;  ///< In: the room there.
    std::size_t size = 0;      ///< Out: bytes copied.
    endpoint sender;           ///< Out: who sent it.
    bool truncated = false;    ///< Out: it was longer than `capacity`; the rest is lost.
};

/// How udp_socket binds: the options that must be set on the socket before `bind()`, set
/// there by udp_socket(const endpoint&, const udp_bind_options&) as listen_options does for
/// a TCP listener. All off by default: the port is this socket's alone.
///
/// To run several receivers of one multicast group on one port (mDNS on 5353, RFC 6762
/// §15.1), each sets reuse_address; every one of them then receives every datagram sent to
/// the groups it joined. What each OS allows, and refuses, is in @ref platforms
/// "Platform notes" ("Sharing a UDP port").
/// @threadsafety A plain value.
struct udp_bind_options {
    /// Let other sockets that set it too bind the same address and port (`SO_REUSEADDR`,
    /// on Windows as well). For multicast each of them receives every datagram; for a
    /// unicast datagram the OS picks one (Linux and Windows: the one bound last).
    /// @platformnote macOS and the BSDs share a wildcard-bound port only with reuse_port
    /// as well. Linux lets any socket that sets it share the port; Windows refuses a
    /// socket of another user account (std::errc::address_in_use).
    bool reuse_address = false;
    /// Let several sockets of the same user share the address and port (`SO_REUSEPORT`);
    /// Linux spreads unicast datagrams among them. Where the OS lacks it (Windows; see
    /// has_reuse_port()) true fails with std::errc::operation_not_supported.
    bool reuse_port = false;
    /// For a socket bound to an IPv6 address (such as `::`): also receive IPv4 datagrams,
    /// from IPv4-mapped senders. Off by default on every OS. Ignored for IPv4.
    bool dual_stack = false;
};

/// A UDP socket: unreliable, unordered datagrams, each sent and received whole.
///
/// A datagram longer than the receive buffer is **never cut silently**: the call fails with
/// std::errc::message_size on every OS (the `noexcept` form still reports how many bytes it
/// copied). Every blocking operation takes an optional timeout (std::errc::timed_out when
/// it expires) and comes in a throwing and a `noexcept` form. Every operation on an empty
/// socket reports errc::not_open (equal to std::errc::bad_file_descriptor).
///
/// @snippet udp_echo_server/main.cpp echo
///
/// @threadsafety See portsock::basic_socket: one thread may send while another receives.
/// @platformnote The same on every OS: a cut datagram is std::errc::message_size with the
/// bytes that fit; only a connected socket reports std::errc::connection_refused (Windows'
/// ICMP report on the next receive is turned off); an IPv6 socket is IPv6 only. See
/// @ref platforms_udp "Platform notes: UDP".
///
/// @see @ref tutorial "Tutorial" (UDP echo)
class PORTSOCK_EXPORT udp_socket : public ip_socket {
public:
    /// @name Opening
    /// @{

    /// An empty socket; see portsock::basic_socket.
    udp_socket() noexcept = default;

    /// Opens a socket, sets `options` and binds it to `local`.
    /// @param local the address and port; port 0 lets the OS choose (see local_endpoint()).
    /// @param options what to set before binding, such as sharing the port.
    /// @throws std::system_error on failure, e.g. std::errc::address_in_use.
    /// @errors std::errc::address_in_use, std::errc::permission_denied (ports below 1024 on
    /// POSIX), std::errc::address_not_available, std::errc::address_family_not_supported,
    /// std::errc::operation_not_supported (reuse_port where the OS has none), or another OS error.
    explicit udp_socket(const endpoint& local, const udp_bind_options& options = {});

    /// Opens, sets options and binds; see udp_socket(const endpoint&, const udp_bind_options&).
    /// @param local the endpoint. @param options what to set before binding.
    /// @return the socket. @throws std::system_error on failure.
    static udp_socket bind(const endpoint& local, const udp_bind_options& options = {});

    /// Opens, sets options and binds; see udp_socket(const endpoint&, const udp_bind_options&).
    /// @param local the endpoint. @param ec set on failure. @param options what to set before binding.
    /// @return the socket, or an empty one on error.
    static udp_socket bind(const endpoint& local, std::error_code& ec,
                           const udp_bind_options& options = {}) noexcept;

    /// Opens an unbound socket of one family; the OS binds it on the first send.
    /// @param family address_family::ipv4 or address_family::ipv6.
    /// @return the socket.
    /// @throws std::system_error with errc::invalid_argument for address_family::unspecified
    ///         or a number that is no address_family value, or the OS error.
    static udp_socket open(address_family family);

    /// See open(address_family).
    /// @param family the family. @param ec set on failure. @return the socket, or an empty one.
    static udp_socket open(address_family family, std::error_code& ec) noexcept;

    /// @}

    /// @name Sending and receiving datagrams
    /// @{

    /// Takes ownership of an OS handle that is a UDP socket (IPv4 or IPv6 `SOCK_DGRAM`),
    /// bound or not, connected or not: the inverse of release(). Checked and adopted as
    /// tcp_stream::adopt() describes; a refused handle is not adopted and not closed.
    /// @param handle the OS handle.
    /// @return the socket, owning the handle.
    /// @throws std::system_error if refused: std::errc::not_a_socket,
    /// std::errc::bad_file_descriptor, std::errc::wrong_protocol_type (a stream or a local
    /// socket), or another OS error.
    static udp_socket adopt(native_handle_type handle);

    /// Takes ownership of a UDP handle; see adopt(native_handle_type).
    /// @param handle the OS handle. @param ec set if refused. @return the socket, or an empty one.
    static udp_socket adopt(native_handle_type handle, std::error_code& ec) noexcept;

    /// Sends one datagram to `destination`.
    /// @param data the bytes. @param size how many (at most about 65507 for IPv4).
    /// @param destination where to. @param limit how long to wait for buffer space.
    /// @return `size`: a datagram is sent whole or not at all.
    /// @throws std::system_error on failure, e.g. std::errc::message_size for an oversized datagram.
    /// @errors std::errc::message_size, std::errc::timed_out, std::errc::operation_would_block
    /// (non-blocking mode), std::errc::network_unreachable, std::errc::permission_denied (a
    /// broadcast address without set_broadcast(true)), std::errc::address_family_not_supported
    /// (an IPv6 destination on an IPv4 socket, or an IPv4 or IPv4-mapped destination on an
    /// IPv6 socket: portsock's IPv6 UDP sockets are IPv6 only on every OS), errc::not_open, or
    /// another OS error.
    std::size_t send_to(const void* data, std::size_t size, const endpoint& destination, timeout limit = {});

    /// See send_to(const void*, std::size_t, const endpoint&, timeout).
    /// @param data the bytes. @param size how many. @param destination where to.
    /// @param ec set on failure. @param limit how long to wait. @return `size`, or 0 on error.
    std::size_t send_to(const void* data, std::size_t size, const endpoint& destination, std::error_code& ec,
                        timeout limit = {}) noexcept;

    /// Sends a string as one datagram.
    /// @param text the bytes. @param destination where to. @param limit how long to wait.
    /// @return the size sent.
    /// @throws std::system_error on failure; see send_to(const void*, std::size_t, const endpoint&, timeout).
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

    /// Sends several buffers as **one** datagram (a gather write; never allocates).
    /// @param buffers the pieces, in order. @param count how many: at most 64.
    /// @param destination where to. @param limit how long to wait for buffer space.
    /// @return the datagram's size, the sum of the pieces: it is sent whole or not at all.
    /// @throws std::system_error on failure.
    /// @errors errc::invalid_argument (more than 64 pieces), then as
    /// send_to(const void*, std::size_t, const endpoint&, timeout).
    /// @platformnote `sendmsg` on POSIX, `WSASendTo` on Windows.
    std::size_t send_to(const const_buffer* buffers, std::size_t count, const endpoint& destination,
                        timeout limit = {});

    /// Sends several buffers as one datagram; see send_to(const const_buffer*, std::size_t, const endpoint&,
    /// timeout).
    /// @param buffers the pieces. @param count how many. @param destination where to.
    /// @param ec set on failure. @param limit how long to wait. @return the size sent, or 0 on error.
    std::size_t send_to(const const_buffer* buffers, std::size_t count, const endpoint& destination,
                        std::error_code& ec, timeout limit = {}) noexcept;

    /// Receives one datagram into a string (it allocates; use the buffer forms on a hot path).
    /// @param max_size the largest datagram expected; 65536 takes any.
    /// @param limit how long to wait.
    /// @return the bytes and the sender.
    /// @throws std::system_error with std::errc::message_size if the datagram was longer
    ///         than `max_size` (the rest is lost), as receive_from(void*, std::size_t, timeout),
    ///         std::errc::invalid_argument if `max_size` is more than a std::string can hold, or
    ///         std::errc::not_enough_memory if the `max_size` bytes it reserves first cannot be
    ///         allocated. Never std::bad_alloc or std::length_error.
    received_datagram receive_from(std::size_t max_size, timeout limit = {});

    /// Receives one datagram into a string; see receive_from(std::size_t, timeout).
    /// @param max_size the largest datagram expected. @param ec set on failure.
    /// @param limit how long to wait.
    /// @return the bytes and sender; on std::errc::message_size the first `max_size` bytes.
    /// Every error, also a `max_size` no string can hold, comes through `ec`: it never throws.
    received_datagram receive_from(std::size_t max_size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Receives one datagram.
    /// @param data where to put it. @param size the room there.
    /// @param limit how long to wait.
    /// @return its size and sender.
    /// @throws std::system_error with std::errc::message_size if it did not fit (the first
    ///         `size` bytes were copied), std::errc::timed_out, or the OS error.
    /// @errors std::errc::message_size (the rest of the datagram is lost: use a 65536-byte
    /// buffer to receive any datagram whole), std::errc::timed_out,
    /// std::errc::operation_would_block (non-blocking mode), errc::not_open, or another OS error.
    datagram_info receive_from(void* data, std::size_t size, timeout limit = {});

    /// See receive_from(void*, std::size_t, timeout).
    /// @param data where to put it. @param size the room there. @param ec set on failure.
    /// @param limit how long to wait.
    /// @return size and sender; on std::errc::message_size, the bytes copied and the sender.
    datagram_info receive_from(void* data, std::size_t size, std::error_code& ec,
                               timeout limit = {}) noexcept;

    /// Receives one datagram as receive_from(void*, std::size_t, timeout) does, with the
    /// address it was sent to, if set_receive_destination(true) was called first.
    /// @param data where to put it. @param size the room there. @param limit how long to wait.
    /// @return size, sender and destination.
    /// @throws std::system_error as receive_from(void*, std::size_t, timeout).
    /// @platformnote `IP_PKTINFO` / `IPV6_PKTINFO` control messages (`IP_RECVDSTADDR` on the
    /// BSDs) through `recvmsg()`; on Windows through `WSARecvMsg()`.
    datagram_with_destination receive_with_destination(void* data, std::size_t size, timeout limit = {});
    /// See receive_with_destination(void*, std::size_t, timeout).
    /// @param data where to put it. @param size the room there. @param ec set on failure.
    /// @param limit how long to wait.
    /// @return size, sender and destination; on std::errc::message_size, the bytes copied.
    datagram_with_destination receive_with_destination(void* data, std::size_t size, std::error_code& ec,
                                                       timeout limit = {}) noexcept;

    /// @}

    /// @name Many datagrams per call
    /// @{

    /// Sends many datagrams in one call: `sendmmsg` where the OS has it (Linux), a loop of
    /// single sends elsewhere. Never allocates. Where has_udp_segmentation_offload() is
    /// true, a run of datagrams to one destination with one size (the last may be shorter)
    /// goes through the kernel as one message; receivers still get separate datagrams.
    ///
    /// Datagrams go in order. If one fails after others were sent, the call returns the
    /// number sent without an error, and the next call reports the failure.
    /// @param batch the datagrams. @param count how many.
    /// @param limit how long to wait for buffer space.
    /// @return how many were sent, from the start of `batch`.
    /// @throws std::system_error if the first datagram cannot be sent.
    /// @errors As send_to(const void*, std::size_t, const endpoint&, timeout), for the first
    /// datagram; errc::not_open.
    /// @threadsafety See portsock::basic_socket.
    std::size_t send_batch(const outgoing_datagram* batch, std::size_t count, timeout limit = {});

    /// See send_batch(const outgoing_datagram*, std::size_t, timeout).
    /// @param batch the datagrams. @param count how many. @param ec set on failure.
    /// @param limit how long to wait. @return how many were sent (0 on error).
    std::size_t send_batch(const outgoing_datagram* batch, std::size_t count, std::error_code& ec,
                           timeout limit = {}) noexcept;

    /// Receives many datagrams in one call: `recvmmsg` where the OS has it (Linux), a loop
    /// of single receives elsewhere. Never allocates.
    ///
    /// Waits (up to `limit`) for the first datagram only, then takes those already queued,
    /// up to `count`. Unlike receive_from(), a datagram that does not fit is not an error:
    /// its slot says `truncated`.
    /// @param batch the slots: `data` and `capacity` set by the caller.
    /// @param count how many slots.
    /// @param limit how long to wait for the first datagram.
    /// @return how many slots were filled, from the start of `batch` (at least 1).
    /// @throws std::system_error with std::errc::timed_out, std::errc::operation_would_block
    ///         (non-blocking mode), errc::not_open, or the OS error.
    /// @threadsafety See portsock::basic_socket.
    std::size_t receive_batch(incoming_datagram* batch, std::size_t count, timeout limit = {});

    /// See receive_batch(incoming_datagram*, std::size_t, timeout).
    /// @param batch the slots. @param count how many. @param ec set on failure.
    /// @param limit how long to wait. @return how many slots were filled (0 on error).
    std::size_t receive_batch(incoming_datagram* batch, std::size_t count, std::error_code& ec,
                              timeout limit = {}) noexcept;

    /// @}

    /// @name Connected mode
    /// @{

    /// Sets the default destination for send() and the only source receive() accepts.
    ///
    /// Nothing is sent: UDP has no connection. A connected socket also learns of ICMP
    /// errors: a later send() or receive() may fail with std::errc::connection_refused.
    /// @param remote the peer. @throws std::system_error on failure, e.g.
    ///        std::errc::address_family_not_supported or std::errc::network_unreachable.
    void connect(const endpoint& remote);

    /// Sets the default peer; see connect(const endpoint&).
    /// @param remote the peer. @param ec set on failure.
    void connect(const endpoint& remote, std::error_code& ec) noexcept;

    /// Sends one datagram to the connected peer.
    /// @param data the bytes. @param size how many. @param limit how long to wait.
    /// @return `size`. @throws std::system_error on failure, e.g. std::errc::not_connected or, after
    ///         an ICMP port-unreachable, std::errc::connection_refused.
    /// @errors As send_to(), plus std::errc::connection_refused after an ICMP
    /// port-unreachable, and an error if connect() was not called.
    /// @platformnote Without connect(), POSIX reports std::errc::destination_address_required
    /// and Windows std::errc::not_connected.
    std::size_t send(const void* data, std::size_t size, timeout limit = {});

    /// See send(const void*, std::size_t, timeout).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long to wait. @return `size`, or 0 on error.
    std::size_t send(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Receives one datagram from the connected peer.
    /// @param data where to put it. @param size the room there. @param limit how long to wait.
    /// @return its size. @throws std::system_error with std::errc::message_size if it did not fit.
    /// @errors std::errc::message_size, std::errc::connection_refused (an earlier datagram
    /// was refused), std::errc::timed_out, std::errc::operation_would_block,
    /// or errc::not_open.
    std::size_t receive(void* data, std::size_t size, timeout limit = {});

    /// See receive(void*, std::size_t, timeout).
    /// @param data where to put it. @param size the room there. @param ec set on failure.
    /// @param limit how long to wait. @return the bytes copied (also on std::errc::message_size).
    std::size_t receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// @}

    /// @name Addresses and options
    /// @{

    /// Sends several buffers as one datagram to the connected peer; see
    /// send_to(const const_buffer*, std::size_t, const endpoint&, timeout).
    /// @param buffers the pieces. @param count how many: at most 64.
    /// @param limit how long to wait. @return the datagram's size.
    /// @throws std::system_error on failure; errors as send(const void*, std::size_t, timeout).
    std::size_t send(const const_buffer* buffers, std::size_t count, timeout limit = {});

    /// Sends several buffers as one datagram to the connected peer.
    /// @param buffers the pieces. @param count how many. @param ec set on failure.
    /// @param limit how long to wait. @return the size sent, or 0 on error.
    std::size_t send(const const_buffer* buffers, std::size_t count, std::error_code& ec,
                     timeout limit = {}) noexcept;

    /// Receives one datagram from the connected peer into a string, like
    /// tcp_stream::receive(std::size_t, timeout) (it allocates).
    /// @param max_size the largest datagram expected; 65536 takes any.
    /// @param limit how long to wait.
    /// @return the bytes (a datagram may be empty: that is not an end of stream).
    /// @throws std::system_error with std::errc::message_size if the datagram was longer
    ///         than `max_size`, as receive(void*, std::size_t, timeout),
    ///         std::errc::invalid_argument if `max_size` is more than a std::string can hold, or
    ///         std::errc::not_enough_memory if the `max_size` bytes it reserves first cannot be
    ///         allocated. Never std::bad_alloc or std::length_error.
    std::string receive(std::size_t max_size, timeout limit = {});

    /// Receives one datagram into a string; see receive(std::size_t, timeout).
    /// @param max_size the largest datagram expected. @param ec set on failure.
    /// @param limit how long to wait.
    /// @return the bytes; on std::errc::message_size the first `max_size` bytes.
    /// Every error, also a `max_size` no string can hold, comes through `ec`: it never throws.
    std::string receive(std::size_t max_size, std::error_code& ec, timeout limit = {}) noexcept;

    /// The peer set by connect().
    /// @return the connected peer. @throws std::system_error on failure, e.g. std::errc::not_connected.
    endpoint remote_endpoint() const;
    /// The peer set by connect(); see remote_endpoint().
    /// @param ec set on failure. @return the peer, or `0.0.0.0:0`.
    endpoint remote_endpoint(std::error_code& ec) const noexcept;

    /// Allows sending to broadcast addresses (`SO_BROADCAST`).
    /// @param on true to allow. @throws std::system_error on failure.
    void set_broadcast(bool on);
    /// Allows or forbids broadcast; see set_broadcast(bool).
    /// @param on true to allow. @param ec set on failure.
    void set_broadcast(bool on, std::error_code& ec) noexcept;
    /// Reads `SO_BROADCAST`.
    /// @return true if broadcast is allowed. @throws std::system_error on failure.
    bool broadcast() const;
    /// Reads `SO_BROADCAST`; see broadcast().
    /// @param ec set on failure. @return true if broadcast is allowed.
    bool broadcast(std::error_code& ec) const noexcept;

    /// Asks the OS to report each datagram's destination address, for
    /// receive_with_destination() (`IP_PKTINFO`, `IPV6_RECVPKTINFO`). Datagrams already
    /// queued are not affected. The socket must be bound (its family decides the option).
    /// @param on true to report it. @throws std::system_error with
    /// std::errc::operation_not_supported where the OS cannot, errc::not_open, or the OS error.
    void set_receive_destination(bool on);
    /// See set_receive_destination(bool).
    /// @param on true to report it. @param ec set on failure.
    void set_receive_destination(bool on, std::error_code& ec) noexcept;
    /// Reads the setting of set_receive_destination(bool).
    /// @return true if on. @throws std::system_error on failure.
    bool receive_destination() const;
    /// See receive_destination(). @param ec set on failure. @return true if on.
    bool receive_destination(std::error_code& ec) const noexcept;

    /// @}

    /// @name Multicast
    /// Receiving: bind the port the group uses (the wildcard address, or the group's
    /// address on POSIX), then join_group(). Sending: send_to() the group's address and
    /// port; set_multicast_hops(), set_multicast_loopback() and set_multicast_interface()
    /// shape where the datagrams go. See @ref multicast "the multicast guide".
    /// @{

    /// Joins a multicast group: datagrams sent to it arrive at this socket (if it is
    /// bound to the group's port), from any source.
    /// @param group an IPv4 (`224.0.0.0/4`) or IPv6 (`ff00::/8`) multicast address of
    ///        the socket's family.
    /// @param where the interface: the OS's choice (default), an index, or (IPv4) an
    ///        address of the interface.
    /// @throws std::system_error with errc::invalid_argument (not a multicast address, a
    ///         family other than the socket's, or an IPv4 interface address for an IPv6
    ///         group), std::errc::address_in_use (already joined there, on Linux; other
    ///         OSes report their own code), std::errc::no_such_device (no route or no such
    ///         interface), errc::not_open, or the OS error.
    /// @platformnote `IP_ADD_MEMBERSHIP` for IPv4 by address, RFC 3678 `MCAST_JOIN_GROUP`
    /// for IPv4 by index, `IPV6_JOIN_GROUP` for IPv6. A host is limited in memberships
    /// per socket (20 by default on Linux, `net.ipv4.igmp_max_memberships`).
    void join_group(const ip_address& group, const network_interface& where = {});
    /// See join_group(const ip_address&, const network_interface&).
    /// @param group the group. @param where the interface. @param ec set on failure.
    void join_group(const ip_address& group, const network_interface& where, std::error_code& ec) noexcept;

    /// Leaves a group joined with join_group() on the same interface.
    /// @param group the group. @param where the interface it was joined on.
    /// @throws std::system_error with errc::invalid_argument (as join_group()), an OS
    ///         error if the group was not joined there (std::errc::address_not_available
    ///         on Linux), errc::not_open, or another OS error.
    void leave_group(const ip_address& group, const network_interface& where = {});
    /// See leave_group(const ip_address&, const network_interface&).
    /// @param group the group. @param where the interface. @param ec set on failure.
    void leave_group(const ip_address& group, const network_interface& where, std::error_code& ec) noexcept;

    /// Joins a group for datagrams from one source only (source-specific multicast,
    /// RFC 4607; SSM groups are `232.0.0.0/8` and `ff3x::/32`).
    /// @param group the group. @param source the sender to accept, a unicast address of
    ///        the group's family. @param where the interface.
    /// @throws std::system_error with errc::invalid_argument (as join_group(), or a
    ///         source that is multicast or unspecified), std::errc::operation_not_supported
    ///         where the OS has no source-specific membership (see
    ///         has_source_specific_multicast()), or the OS error.
    /// @platformnote `IP_ADD_SOURCE_MEMBERSHIP` for IPv4 by address, RFC 3678
    /// `MCAST_JOIN_SOURCE_GROUP` otherwise.
    void join_source_group(const ip_address& group, const ip_address& source,
                           const network_interface& where = {});
    /// See join_source_group(const ip_address&, const ip_address&, const network_interface&).
    /// @param group the group. @param source the sender. @param where the interface.
    /// @param ec set on failure.
    void join_source_group(const ip_address& group, const ip_address& source, const network_interface& where,
                           std::error_code& ec) noexcept;

    /// Leaves a source-specific membership made with join_source_group().
    /// @param group the group. @param source the sender. @param where the interface.
    /// @throws std::system_error as join_source_group(), or if there was no such membership.
    void leave_source_group(const ip_address& group, const ip_address& source,
                            const network_interface& where = {});
    /// See leave_source_group(const ip_address&, const ip_address&, const network_interface&).
    /// @param group the group. @param source the sender. @param where the interface.
    /// @param ec set on failure.
    void leave_source_group(const ip_address& group, const ip_address& source, const network_interface& where,
                            std::error_code& ec) noexcept;

    /// Chooses the interface multicast datagrams from this socket leave by
    /// (`IP_MULTICAST_IF`, `IPV6_MULTICAST_IF`); by default the OS picks by its routes.
    /// @param where the interface: an index, or (IPv4) one of its addresses; the default
    ///        value returns the choice to the OS.
    /// @throws std::system_error with errc::invalid_argument (an IPv4 address on an IPv6
    ///         socket), an OS error for an unknown interface
    ///         (std::errc::address_not_available or std::errc::no_such_device), or
    ///         errc::not_open.
    /// @platformnote An IPv4 interface by index is `ip_mreqn` on Linux, the `0.0.0.0/8`
    /// index form on Windows, and on macOS and the BSDs the interface's first IPv4 address.
    void set_multicast_interface(const network_interface& where);
    /// See set_multicast_interface(const network_interface&).
    /// @param where the interface. @param ec set on failure.
    void set_multicast_interface(const network_interface& where, std::error_code& ec) noexcept;

    /// Sets the hop limit of outgoing multicast datagrams (`IP_MULTICAST_TTL`,
    /// `IPV6_MULTICAST_HOPS`). The default, 1, keeps them on the local network; 0 keeps
    /// them on this host.
    /// @param hops 0 to 255. @throws std::system_error with errc::invalid_argument if out
    ///        of range, errc::not_open, or the OS error.
    void set_multicast_hops(int hops);
    /// See set_multicast_hops(int).
    /// @param hops 0 to 255. @param ec set on failure.
    void set_multicast_hops(int hops, std::error_code& ec) noexcept;
    /// Reads the multicast hop limit.
    /// @return 0 to 255. @throws std::system_error on failure.
    int multicast_hops() const;
    /// See multicast_hops().
    /// @param ec set on failure. @return the hop limit, or 0 on error.
    int multicast_hops(std::error_code& ec) const noexcept;

    /// Sets whether this host's own members of a group receive what is sent to it
    /// (`IP_MULTICAST_LOOP`, `IPV6_MULTICAST_LOOP`); on by default.
    /// @param on true to loop datagrams back. @throws std::system_error on failure.
    /// @platformnote POSIX applies it to the *sending* socket. Windows applies it to the
    /// *receiving* socket: there, turning it off on the sender changes nothing, and a
    /// receiver with it off misses datagrams from its own host. Set it on both sides for
    /// portable behaviour.
    void set_multicast_loopback(bool on);
    /// See set_multicast_loopback(bool).
    /// @param on true to loop back. @param ec set on failure.
    void set_multicast_loopback(bool on, std::error_code& ec) noexcept;
    /// Reads the multicast loopback setting.
    /// @return true if on. @throws std::system_error on failure.
    bool multicast_loopback() const;
    /// See multicast_loopback().
    /// @param ec set on failure. @return the setting, false on error.
    bool multicast_loopback(std::error_code& ec) const noexcept;
    /// @}

private:
    explicit udp_socket(native_handle_type handle) noexcept : ip_socket(handle) {}
};

}  // namespace portsock
