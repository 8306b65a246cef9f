/// @file
/// TCP: portsock::tcp_stream (a connection) and portsock::tcp_listener (a server socket).
#pragma once

#include <portsock/address.hpp>
#include <portsock/export.hpp>
#include <portsock/socket.hpp>
#include <portsock/timeout.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

namespace portsock {

/// A connected TCP socket: a reliable, ordered byte stream.
///
/// Every blocking operation takes an optional timeout (default: wait forever) and comes in
/// two forms: one throws std::system_error, the other is `noexcept` and sets a
/// std::error_code. An expired timeout is std::errc::timed_out.
///
/// **End of stream** is not an error: receive() returns 0 (and the `std::string` form an
/// empty string) once the peer has closed or shut down its sending side. Only
/// receive_exact() treats it as an error (errc::end_of_stream), because it was promised
/// more bytes.
///
/// Sending to a peer that has gone fails with std::errc::broken_pipe or
/// std::errc::connection_reset; it never raises SIGPIPE.
///
/// Thread-safety: see portsock::basic_socket.
class PORTSOCK_EXPORT tcp_stream : public basic_socket {
public:
    /// An empty stream; see portsock::basic_socket.
    tcp_stream() noexcept = default;

    /// Connects to an endpoint.
    /// @param remote where to connect.
    /// @param limit how long to wait for the connection.
    /// @return the connected stream.
    /// @throws std::system_error, e.g. std::errc::connection_refused, std::errc::timed_out,
    ///         std::errc::network_unreachable.
    static tcp_stream connect(const endpoint& remote, timeout limit = {});

    /// Connects to an endpoint; see connect(const endpoint&, timeout).
    /// @param remote where to connect. @param ec set on failure.
    /// @param limit how long to wait. @return the stream, or an empty one on error.
    static tcp_stream connect(const endpoint& remote, std::error_code& ec, timeout limit = {}) noexcept;

    /// Resolves `host` and connects to each of its addresses in turn until one accepts.
    /// @param host a name or numeric address, not empty.
    /// @param port the port.
    /// @param limit how long the whole attempt may take, resolution excluded.
    /// @return the connected stream.
    /// @throws std::system_error: errc::empty_host, a resolve_errc, or the error of the
    ///         last address tried (e.g. std::errc::connection_refused).
    static tcp_stream connect(std::string_view host, std::uint16_t port, timeout limit = {});

    /// Resolves and connects; see connect(std::string_view, std::uint16_t, timeout).
    /// @param host a name or numeric address. @param port the port. @param ec set on failure.
    /// @param limit how long to wait. @return the stream, or an empty one on error.
    static tcp_stream connect(std::string_view host, std::uint16_t port, std::error_code& ec,
                              timeout limit = {}) noexcept;

    /// Sends some of the bytes: at least one unless an error occurs.
    /// @param data the bytes. @param size how many.
    /// @param limit how long to wait for buffer space.
    /// @return how many bytes were sent, possibly fewer than `size`.
    /// @throws std::system_error, e.g. std::errc::broken_pipe, std::errc::timed_out.
    std::size_t send(const void* data, std::size_t size, timeout limit = {});

    /// Sends some of the bytes; see send(const void*, std::size_t, timeout).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long to wait. @return how many bytes were sent (0 on error).
    std::size_t send(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Sends every byte, retrying short sends.
    /// @param data the bytes. @param size how many.
    /// @param limit how long the whole send may take.
    /// @throws std::system_error on the first failure; bytes before it have been sent.
    void send_all(const void* data, std::size_t size, timeout limit = {});

    /// Sends every byte; see send_all(const void*, std::size_t, timeout).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long the whole send may take.
    /// @return how many bytes were sent: `size` on success, fewer on error.
    std::size_t send_all(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Sends every byte of a string.
    /// @param text the bytes. @param limit how long the whole send may take.
    /// @throws std::system_error on the first failure.
    void send_all(std::string_view text, timeout limit = {}) { send_all(text.data(), text.size(), limit); }

    /// Sends every byte of a string; see send_all(const void*, std::size_t, std::error_code&, timeout).
    /// @param text the bytes. @param ec set on failure. @param limit how long it may take.
    /// @return how many bytes were sent.
    std::size_t send_all(std::string_view text, std::error_code& ec, timeout limit = {}) noexcept {
        return send_all(text.data(), text.size(), ec, limit);
    }

    /// Receives some bytes: waits until at least one arrives or the stream ends.
    /// @param data where to put them. @param size the room there.
    /// @param limit how long to wait.
    /// @return how many bytes arrived; **0 means end of stream** (for `size > 0`).
    /// @throws std::system_error, e.g. std::errc::connection_reset, std::errc::timed_out.
    std::size_t receive(void* data, std::size_t size, timeout limit = {});

    /// Receives some bytes; see receive(void*, std::size_t, timeout).
    /// @param data where to put them. @param size the room there. @param ec set on failure.
    /// @param limit how long to wait. @return how many bytes arrived; 0 at end of stream or on error.
    std::size_t receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Receives up to `max_size` bytes into a string (it allocates; use the buffer forms on
    /// a hot path).
    /// @param max_size the most bytes to return. @param limit how long to wait.
    /// @return the bytes; **empty means end of stream** (for `max_size > 0`).
    /// @throws std::system_error as receive(void*, std::size_t, timeout).
    std::string receive(std::size_t max_size, timeout limit = {});

    /// Receives into a string; see receive(std::size_t, timeout).
    /// @param max_size the most bytes. @param ec set on failure. @param limit how long to wait.
    /// @return the bytes; empty at end of stream or on error.
    std::string receive(std::size_t max_size, std::error_code& ec, timeout limit = {});

    /// Receives exactly `size` bytes, waiting for as many arrivals as it takes.
    /// @param data where to put them. @param size how many.
    /// @param limit how long the whole receive may take.
    /// @throws std::system_error: errc::end_of_stream if the peer closes first, or the OS error.
    void receive_exact(void* data, std::size_t size, timeout limit = {});

    /// Receives exactly `size` bytes; see receive_exact(void*, std::size_t, timeout).
    /// @param data where to put them. @param size how many. @param ec set on failure.
    /// @param limit how long it may take. @return how many bytes arrived: `size` on success.
    std::size_t receive_exact(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Shuts down one or both directions; `shutdown_type::send` makes the peer read end of stream.
    /// @param what the direction(s).
    /// @throws std::system_error, e.g. std::errc::not_connected.
    void shutdown(shutdown_type what);

    /// See shutdown(shutdown_type).
    /// @param what the direction(s). @param ec set on failure.
    void shutdown(shutdown_type what, std::error_code& ec) noexcept;

    /// @return the peer's address and port.
    /// @throws std::system_error, e.g. std::errc::not_connected.
    endpoint remote_endpoint() const;

    /// See remote_endpoint(). @param ec set on failure. @return the endpoint, or `0.0.0.0:0`.
    endpoint remote_endpoint(std::error_code& ec) const noexcept;

    /// Turns Nagle's algorithm off (`TCP_NODELAY`): small writes go out at once.
    /// @param on true to send without delay. @throws std::system_error on failure.
    void set_no_delay(bool on);
    /// See set_no_delay(bool). @param on true to send without delay. @param ec set on failure.
    void set_no_delay(bool on, std::error_code& ec) noexcept;
    /// @return true if `TCP_NODELAY` is on. @throws std::system_error on failure.
    bool no_delay() const;
    /// @param ec set on failure. @return true if `TCP_NODELAY` is on.
    bool no_delay(std::error_code& ec) const noexcept;

    /// Turns TCP keep-alive probes on or off (`SO_KEEPALIVE`).
    /// @param on true to probe idle connections. @throws std::system_error on failure.
    void set_keep_alive(bool on);
    /// See set_keep_alive(bool). @param on true to probe. @param ec set on failure.
    void set_keep_alive(bool on, std::error_code& ec) noexcept;
    /// @return true if keep-alive is on. @throws std::system_error on failure.
    bool keep_alive() const;
    /// @param ec set on failure. @return true if keep-alive is on.
    bool keep_alive(std::error_code& ec) const noexcept;

private:
    friend class tcp_listener;
    explicit tcp_stream(native_handle_type handle) noexcept : basic_socket(handle) {}
};

/// Options for tcp_listener.
struct listen_options {
    /// How many connections may wait to be accepted (the OS may round or cap it).
    int backlog = 128;
    /// Let a restarted server bind its port while old connections linger in TIME_WAIT.
    /// Never lets two live sockets share a port: on Windows this is `SO_EXCLUSIVEADDRUSE`,
    /// on POSIX `SO_REUSEADDR`, so the behaviour is the same.
    bool reuse_address = true;
    /// For a listener bound to an IPv6 address (such as `::`): also accept IPv4 clients,
    /// seen as `::ffff:a.b.c.d`. Off by default on every OS (`IPV6_V6ONLY` is set
    /// explicitly, since OS defaults differ). Ignored for IPv4.
    bool dual_stack = false;
};

/// A client that tcp_listener::accept() returned: the stream and who it is.
///
/// Supports structured bindings: `auto [client, peer] = listener.accept();`
struct accepted_connection {
    tcp_stream stream;  ///< The connection.
    endpoint peer;      ///< The client's address and port.
};

/// A listening TCP socket that accepts connections.
///
/// Thread-safety: see portsock::basic_socket.
class PORTSOCK_EXPORT tcp_listener : public basic_socket {
public:
    /// An empty listener; see portsock::basic_socket.
    tcp_listener() noexcept = default;

    /// Binds to `local` and listens.
    /// @param local the address and port; port 0 lets the OS choose (see local_endpoint()).
    /// @param options backlog, reuse-address and dual-stack settings.
    /// @throws std::system_error, e.g. std::errc::address_in_use.
    explicit tcp_listener(const endpoint& local, const listen_options& options = {});

    /// Resolves `host` and listens on the first of its addresses that can be bound.
    /// @param host a name or numeric address, e.g. `"localhost"` or `"::"`; not empty.
    /// @param port the port; 0 lets the OS choose.
    /// @param options backlog, reuse-address and dual-stack settings.
    /// @throws std::system_error: errc::empty_host, a resolve_errc, or the OS error.
    tcp_listener(std::string_view host, std::uint16_t port, const listen_options& options = {});

    /// Binds and listens; see tcp_listener(const endpoint&, const listen_options&).
    /// @param local the endpoint. @param ec set on failure. @param options the settings.
    /// @return the listener, or an empty one on error.
    static tcp_listener listen(const endpoint& local, std::error_code& ec,
                               const listen_options& options = {}) noexcept;

    /// Resolves and listens; see tcp_listener(std::string_view, std::uint16_t, const listen_options&).
    /// @param host the name or address. @param port the port. @param ec set on failure.
    /// @param options the settings. @return the listener, or an empty one on error.
    static tcp_listener listen(std::string_view host, std::uint16_t port, std::error_code& ec,
                               const listen_options& options = {}) noexcept;

    /// Waits for a client and accepts it.
    /// @param limit how long to wait for a client.
    /// @return the connection and the client's endpoint.
    /// @throws std::system_error, e.g. std::errc::timed_out.
    accepted_connection accept(timeout limit = {});

    /// Accepts a client; see accept(timeout).
    /// @param ec set on failure. @param limit how long to wait.
    /// @return the connection, with an empty stream on error.
    accepted_connection accept(std::error_code& ec, timeout limit = {}) noexcept;

private:
    explicit tcp_listener(native_handle_type handle) noexcept : basic_socket(handle) {}
};

}  // namespace portsock
