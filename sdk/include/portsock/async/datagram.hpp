/// @file
/// Awaitable datagram sockets: portsock::async::udp_socket and portsock::async::local_datagram,
/// over portsock's non-blocking udp_socket and local_datagram.
#pragma once

#include <portsock/async/event_loop.hpp>
#include <portsock/async/stream.hpp>
#include <portsock/local.hpp>
#include <portsock/udp.hpp>

#include <concepts>
#include <cstddef>
#include <string_view>
#include <system_error>
#include <utility>

namespace portsock::async {

/// An awaitable datagram socket over `portsock::udp_socket` or `portsock::local_datagram`,
/// bound to one event_loop: portsock::async::udp_socket and portsock::async::local_datagram.
///
/// Every operation returns an awaitable and comes in the SDK's two forms: one throws
/// std::system_error when awaited, the other sets a `std::error_code&`. Each takes a
/// portsock::timeout (std::errc::timed_out when it passes) and ends with
/// std::errc::operation_canceled when the awaiting task is cancelled. An operation is tried
/// at once; the task suspends only if it would block. The errors are the blocking socket's
/// (see portsock::udp_socket, portsock::local_datagram). Buffers, batches and destination
/// addresses must live until the await ends (a temporary argument of the `co_await`
/// expression does).
///
/// One receive-side operation and one send-side operation may wait at a time; a second on
/// the same side fails with std::errc::device_or_resource_busy.
/// @tparam Socket portsock::udp_socket or portsock::local_datagram.
/// @threadsafety The loop's thread only. Do not move a socket while an operation waits on it.
template <class Socket>
class basic_datagram {
    using blocking_info = decltype(std::declval<Socket&>().receive_from(
        nullptr, 0, std::declval<std::error_code&>(), timeout{}));
    using address_type = std::remove_cvref_t<decltype(std::declval<blocking_info&>().sender)>;

public:
    /// The blocking socket type underneath.
    using socket_type = Socket;
    /// What receive_from() gives: the size and the sender.
    using info_type = blocking_info;

    /// An empty socket.
    basic_datagram() noexcept = default;
    /// Takes `socket`, puts it in non-blocking mode and binds it to `loop`.
    /// @param loop the loop. @param socket an open datagram socket (bound, or to be sent from).
    /// @throws std::system_error if the mode cannot be set.
    basic_datagram(event_loop& loop, Socket socket) : socket_(std::move(socket)) {
        detail::make_non_blocking(socket_);
        watch_ = socket_watch(loop, socket_);
    }
    /// Takes `socket` for the loop running on this thread. @param socket an open socket.
    /// @throws std::system_error outside a loop.
    explicit basic_datagram(Socket socket) : basic_datagram(event_loop::running(), std::move(socket)) {}
    /// Takes the socket of `other`. @param other the source.
    basic_datagram(basic_datagram&& other) noexcept
        : socket_(std::move(other.socket_)), watch_(std::move(other.watch_)) {
        watch_.rebind(socket_);
    }
    /// Closes this socket, then takes `other`'s. @param other the source. @return *this.
    basic_datagram& operator=(basic_datagram&& other) noexcept {
        if (this != &other) {
            watch_.release();
            socket_ = std::move(other.socket_);
            watch_ = std::move(other.watch_);
            watch_.rebind(socket_);
        }
        return *this;
    }
    /// Withdraws waiting operations (they end with std::errc::operation_canceled), then closes.
    ~basic_datagram() = default;

    /// @return true unless the socket is empty.
    bool is_open() const noexcept { return socket_.is_open(); }
    /// @return the socket underneath, for its options, addresses and connect() (non-blocking).
    Socket& socket() noexcept { return socket_; }
    /// @return the registration, for awaitables built on readiness.
    socket_watch& watch() noexcept { return watch_; }

    /// Sends one datagram to `destination`.
    /// @param data the bytes. @param size how many. @param destination where.
    /// @param limit how long to wait for buffer space. @return an awaitable of the count sent.
    /// @throws std::system_error when awaited, as Socket::send_to().
    auto send_to(const void* data, std::size_t size, const address_type& destination,
                 timeout limit = {}) noexcept {
        return send_to_impl(data, size, destination, nullptr, limit);
    }
    /// See send_to(const void*, std::size_t, const address_type&, timeout). @param data the bytes.
    /// @param size how many. @param destination where. @param ec set on failure.
    /// @param limit how long. @return an awaitable of the count (0 on error).
    auto send_to(const void* data, std::size_t size, const address_type& destination, std::error_code& ec,
                 timeout limit = {}) noexcept {
        return send_to_impl(data, size, destination, &ec, limit);
    }
    /// Sends `text` as one datagram. @param text the bytes. @param destination where.
    /// @param limit how long. @return an awaitable of the count.
    auto send_to(std::string_view text, const address_type& destination, timeout limit = {}) noexcept {
        return send_to_impl(text.data(), text.size(), destination, nullptr, limit);
    }
    /// Sends `text` as one datagram. @param text the bytes. @param destination where.
    /// @param ec set on failure. @param limit how long. @return an awaitable of the count.
    auto send_to(std::string_view text, const address_type& destination, std::error_code& ec,
                 timeout limit = {}) noexcept {
        return send_to_impl(text.data(), text.size(), destination, &ec, limit);
    }

    /// Waits for one datagram and receives it.
    /// @param data where to store it. @param size the room there.
    /// @param limit how long to wait. @return an awaitable of its size and sender.
    /// @throws std::system_error when awaited, as Socket::receive_from() (a datagram longer
    ///         than `size`: std::errc::message_size).
    auto receive_from(void* data, std::size_t size, timeout limit = {}) noexcept {
        return receive_from_impl(data, size, nullptr, limit);
    }
    /// See receive_from(void*, std::size_t, timeout). @param data where. @param size the room.
    /// @param ec set on failure. @param limit how long. @return an awaitable of the size and sender.
    auto receive_from(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        return receive_from_impl(data, size, &ec, limit);
    }

    /// Sends one datagram to the connected peer (see Socket::connect()).
    /// @param data the bytes. @param size how many. @param limit how long.
    /// @return an awaitable of the count. @throws std::system_error when awaited, as Socket::send().
    auto send(const void* data, std::size_t size, timeout limit = {}) noexcept {
        return send_impl(data, size, nullptr, limit);
    }
    /// See send(const void*, std::size_t, timeout). @param data the bytes. @param size how many.
    /// @param ec set on failure. @param limit how long. @return an awaitable of the count.
    auto send(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        return send_impl(data, size, &ec, limit);
    }
    /// Receives one datagram from the connected peer.
    /// @param data where. @param size the room. @param limit how long.
    /// @return an awaitable of its size. @throws std::system_error when awaited, as Socket::receive().
    auto receive(void* data, std::size_t size, timeout limit = {}) noexcept {
        return receive_impl(data, size, nullptr, limit);
    }
    /// See receive(void*, std::size_t, timeout). @param data where. @param size the room.
    /// @param ec set on failure. @param limit how long. @return an awaitable of its size.
    auto receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        return receive_impl(data, size, &ec, limit);
    }

    /// Sends many datagrams in one call, as portsock::udp_socket::send_batch() does.
    /// @param batch the datagrams. @param count how many. @param limit how long to wait for
    /// buffer space. @return an awaitable of how many were sent, from the start of `batch`.
    /// @throws std::system_error when awaited, as udp_socket::send_batch().
    auto send_batch(const outgoing_datagram* batch, std::size_t count,
                    timeout limit = {}) noexcept requires std::same_as<Socket, portsock::udp_socket> {
        return send_batch_impl(batch, count, nullptr, limit);
    }
    /// See send_batch(const outgoing_datagram*, std::size_t, timeout). @param batch the
    /// datagrams. @param count how many. @param ec set on failure. @param limit how long.
    /// @return an awaitable of how many were sent.
    auto send_batch(const outgoing_datagram* batch, std::size_t count, std::error_code& ec,
                    timeout limit = {}) noexcept requires std::same_as<Socket, portsock::udp_socket> {
        return send_batch_impl(batch, count, &ec, limit);
    }
    /// Waits for the first datagram, then takes those already queued, up to `count`, as
    /// portsock::udp_socket::receive_batch() does.
    /// @param batch the slots (`data` and `capacity` set). @param count how many slots.
    /// @param limit how long to wait for the first. @return an awaitable of how many slots were filled.
    /// @throws std::system_error when awaited, as udp_socket::receive_batch().
    auto receive_batch(incoming_datagram* batch, std::size_t count,
                       timeout limit = {}) noexcept requires std::same_as<Socket, portsock::udp_socket> {
        return receive_batch_impl(batch, count, nullptr, limit);
    }
    /// See receive_batch(incoming_datagram*, std::size_t, timeout). @param batch the slots.
    /// @param count how many. @param ec set on failure. @param limit how long.
    /// @return an awaitable of how many slots were filled.
    auto receive_batch(incoming_datagram* batch, std::size_t count, std::error_code& ec,
                       timeout limit = {}) noexcept requires std::same_as<Socket, portsock::udp_socket> {
        return receive_batch_impl(batch, count, &ec, limit);
    }

    /// Ends waiting operations (std::errc::operation_canceled), then closes the socket.
    void close() noexcept {
        watch_.release();
        std::error_code ignored;
        socket_.close(ignored);
    }

private:
    auto send_to_impl(const void* data, std::size_t size, const address_type& destination,
                      std::error_code* ec, timeout limit) noexcept {
        return detail::make_op<std::size_t>(
            watch_, poll_events::writable, limit, ec, "portsock::async::send_to",
            [s = &socket_, data, size, to = &destination](std::size_t& n, std::error_code& error) noexcept {
                std::error_code got;
                n = s->send_to(data, size, *to, got);
                return detail::settle(got, error);
            });
    }

    auto receive_from_impl(void* data, std::size_t size, std::error_code* ec, timeout limit) noexcept {
        return detail::make_op<info_type>(
            watch_, poll_events::readable, limit, ec, "portsock::async::receive_from",
            [s = &socket_, data, size](info_type& info, std::error_code& error) noexcept {
                std::error_code got;
                info = s->receive_from(data, size, got);
                return detail::settle(got, error);
            });
    }

    auto send_impl(const void* data, std::size_t size, std::error_code* ec, timeout limit) noexcept {
        return detail::make_op<std::size_t>(
            watch_, poll_events::writable, limit, ec, "portsock::async::send",
            [s = &socket_, data, size](std::size_t& n, std::error_code& error) noexcept {
                std::error_code got;
                n = s->send(data, size, got);
                return detail::settle(got, error);
            });
    }

    auto receive_impl(void* data, std::size_t size, std::error_code* ec, timeout limit) noexcept {
        return detail::make_op<std::size_t>(
            watch_, poll_events::readable, limit, ec, "portsock::async::receive",
            [s = &socket_, data, size](std::size_t& n, std::error_code& error) noexcept {
                std::error_code got;
                n = s->receive(data, size, got);
                return detail::settle(got, error);
            });
    }

    auto send_batch_impl(const outgoing_datagram* batch, std::size_t count, std::error_code* ec,
                         timeout limit) noexcept {
        return detail::make_op<std::size_t>(
            watch_, poll_events::writable, limit, ec, "portsock::async::send_batch",
            [s = &socket_, batch, count](std::size_t& n, std::error_code& error) noexcept {
                std::error_code got;
                n = s->send_batch(batch, count, got);
                return detail::settle(got, error);
            });
    }

    auto receive_batch_impl(incoming_datagram* batch, std::size_t count, std::error_code* ec,
                            timeout limit) noexcept {
        return detail::make_op<std::size_t>(
            watch_, poll_events::readable, limit, ec, "portsock::async::receive_batch",
            [s = &socket_, batch, count](std::size_t& n, std::error_code& error) noexcept {
                std::error_code got;
                n = s->receive_batch(batch, count, got);
                return detail::settle(got, error);
            });
    }

    Socket socket_;
    socket_watch watch_;  // after socket_: destroyed first, so the socket leaves the loop before it closes
};

/// An awaitable UDP socket. @see basic_datagram
using udp_socket = basic_datagram<portsock::udp_socket>;
/// An awaitable local (Unix-domain) datagram socket (POSIX; see has_local_datagram_sockets()).
/// @see basic_datagram
using local_datagram = basic_datagram<portsock::local_datagram>;

}  // namespace portsock::async
