/// @file
/// TCP: portsock::tcp_stream (a connection) and portsock::tcp_listener (a server socket).
#pragma once

#include <portsock/address.hpp>
#include <portsock/export.hpp>
#include <portsock/ip_socket.hpp>
#include <portsock/timeout.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace portsock {

/// TCP keep-alive timing: when probes start on an idle connection, how often they repeat,
/// and how many unanswered ones end it. See tcp_stream::set_keep_alive_timing().
///
/// A connection that stays silent for `idle` and then answers none of `probes` probes
/// sent `interval` apart is dropped after about `idle + probes * interval`; the next
/// receive or send reports std::errc::timed_out (or std::errc::connection_reset).
/// @threadsafety A plain value.
struct keep_alive_settings {
    std::chrono::seconds idle{7200};    ///< Silence before the first probe: 1 to 32767 s.
    std::chrono::seconds interval{75};  ///< Between unanswered probes: 1 to 32767 s.
    int probes = 9;                     ///< Unanswered probes that end the connection: 1 to 127.
};

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
/// Every operation on an empty stream reports errc::not_open (equal to
/// std::errc::bad_file_descriptor). In non-blocking mode (set_non_blocking()) an operation
/// that cannot complete at once reports std::errc::operation_would_block instead of waiting.
///
/// @snippet tcp_welcome_client/main.cpp connect
///
/// @threadsafety See portsock::basic_socket: one thread may send while another receives.
/// @platformnote
/// - SIGPIPE: POSIX would kill the process on a send to a closed connection; portsock
///   passes `MSG_NOSIGNAL` (or sets `SO_NOSIGPIPE` on macOS and the BSDs) on every send,
///   and never installs a signal handler. Windows has no SIGPIPE.
/// - Sizes: Winsock takes `int` sizes, so on Windows one send() or receive() moves at most
///   `INT_MAX` bytes (a short transfer; send_all() and receive_exact() loop).
/// - `EINTR` is retried inside portsock, against the original timeout.
///
/// @see @ref tutorial "Tutorial", @ref errors "Error handling"
class PORTSOCK_EXPORT tcp_stream : public ip_socket {
public:
    /// An empty stream; see portsock::basic_socket.
    tcp_stream() noexcept = default;

    /// Connects to an endpoint.
    /// @param remote where to connect.
    /// @param limit how long to wait for the connection.
    /// @return the connected stream.
    /// @throws std::system_error on failure, e.g. std::errc::connection_refused, std::errc::timed_out,
    ///         std::errc::network_unreachable.
    /// @errors std::errc::connection_refused (nobody listens there), std::errc::timed_out,
    /// std::errc::network_unreachable, std::errc::host_unreachable,
    /// std::errc::address_family_not_supported (e.g. IPv6 on a host without it),
    /// std::errc::address_not_available, std::errc::too_many_files_open, or another OS error.
    /// @platformnote With a timeout, portsock connects in non-blocking mode and waits for the
    /// result: POSIX signals a pending connect with `EINPROGRESS`, Windows with
    /// Winsock's would-block code (10035), and Winsock's poll call reports a failed connect as an error rather
    /// than writability; portsock handles each and reports the outcome (`SO_ERROR`) the same
    /// way. Without a timeout the OS's own connect timeout applies, which differs (about 21
    /// seconds on Windows, about two minutes on Linux): pass one to be portable.
    static tcp_stream connect(const endpoint& remote, timeout limit = {});

    /// Connects to an endpoint; see connect(const endpoint&, timeout) for the errors and
    /// platform notes.
    /// @param remote where to connect. @param ec set on failure.
    /// @param limit how long to wait. @return the stream, or an empty one on error.
    static tcp_stream connect(const endpoint& remote, std::error_code& ec, timeout limit = {}) noexcept;

    /// Resolves `host` and connects to each of its addresses in turn until one accepts.
    /// @param host a name or numeric address, not empty.
    /// @param port the port.
    /// @param limit how long the whole attempt may take, resolution excluded.
    /// @return the connected stream.
    /// @throws std::system_error with errc::empty_host, a resolve_errc, or the error of the
    ///         last address tried (e.g. std::errc::connection_refused).
    /// @errors errc::empty_host, the resolve() errors (resolve_errc::host_not_found, ...),
    /// then, if no address accepted, the error of the last one tried, as for
    /// connect(const endpoint&, timeout); std::errc::timed_out once `limit` is spent.
    static tcp_stream connect(std::string_view host, std::uint16_t port, timeout limit = {});

    /// Resolves and connects; see connect(std::string_view, std::uint16_t, timeout).
    /// @param host a name or numeric address. @param port the port. @param ec set on failure.
    /// @param limit how long to wait. @return the stream, or an empty one on error.
    static tcp_stream connect(std::string_view host, std::uint16_t port, std::error_code& ec,
                              timeout limit = {}) noexcept;

    /// Starts connecting without waiting: the first half of a non-blocking connect.
    ///
    /// Returns at once with a stream in non-blocking mode whose connection is in progress
    /// (or already made). Learn the outcome with finish_connect(), typically once a poller
    /// reports the stream poll_events::writable (or hang-up/error). This lets one thread
    /// open many connections at a time. The stream stays non-blocking afterwards.
    /// @param remote where to connect.
    /// @return the connecting stream.
    /// @throws std::system_error if the attempt cannot even start.
    /// @errors std::errc::address_family_not_supported, std::errc::network_unreachable,
    /// std::errc::too_many_files_open, or another OS error. A refusal normally arrives
    /// later, from finish_connect() (on loopback some systems report it here at once).
    /// @threadsafety A new object: no sharing until it is returned.
    static tcp_stream start_connect(const endpoint& remote);

    /// Starts connecting without waiting; see start_connect(const endpoint&).
    /// @param remote where to connect. @param ec set if the attempt cannot start.
    /// @return the connecting stream, or an empty one on error.
    static tcp_stream start_connect(const endpoint& remote, std::error_code& ec) noexcept;

    /// Completes a connect begun with start_connect(): waits up to `limit` for it to
    /// finish, then reports its outcome (`SO_ERROR`).
    ///
    /// Call it once the stream is writable to a poller, with the default or a zero limit;
    /// it then returns at once. If the connect is still in progress when `limit` passes,
    /// the error is std::errc::operation_in_progress and the attempt goes on: call again.
    /// @param limit how long to wait (default: until the connect finishes or fails).
    /// @throws std::system_error with the reason the connect failed.
    /// @errors std::errc::operation_in_progress (not finished yet; not a failure),
    /// std::errc::connection_refused, std::errc::timed_out (the OS gave up),
    /// std::errc::network_unreachable, std::errc::host_unreachable, errc::not_open, or
    /// another OS error. The reason is reported once: the OS clears it when it is read.
    /// @threadsafety As any operation on one socket; see portsock::basic_socket.
    void finish_connect(timeout limit = {});

    /// Completes a connect begun with start_connect(); see finish_connect(timeout).
    /// @param ec cleared if connected; else the reason, or std::errc::operation_in_progress.
    /// @param limit how long to wait.
    void finish_connect(std::error_code& ec, timeout limit = {}) noexcept;

    /// Sends some of the bytes: at least one unless an error occurs.
    /// @param data the bytes. @param size how many.
    /// @param limit how long to wait for buffer space.
    /// @return how many bytes were sent, possibly fewer than `size`.
    /// @throws std::system_error on failure, e.g. std::errc::broken_pipe, std::errc::timed_out.
    /// @errors std::errc::broken_pipe (the peer has gone, or this side shut down sending),
    /// std::errc::connection_reset, std::errc::timed_out, std::errc::operation_would_block
    /// (non-blocking mode), errc::not_open, or another OS error.
    /// @platformnote Never raises SIGPIPE (see the class notes). Sending after
    /// shutdown(shutdown_type::send) is `EPIPE` on POSIX and Winsock's shutdown code (10058) on Windows:
    /// both compare equal to std::errc::broken_pipe.
    std::size_t send(const void* data, std::size_t size, timeout limit = {});

    /// Sends some of the bytes; see send(const void*, std::size_t, timeout).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long to wait. @return how many bytes were sent (0 on error).
    std::size_t send(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Sends every byte, retrying short sends.
    /// @param data the bytes. @param size how many.
    /// @param limit how long the whole send may take.
    /// @throws std::system_error on the first failure; bytes before it have been sent.
    /// @errors As send(const void*, std::size_t, timeout).
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
    /// @throws std::system_error on failure, e.g. std::errc::connection_reset, std::errc::timed_out.
    /// @errors std::errc::connection_reset (the peer aborted, or closed with data unread),
    /// std::errc::timed_out (the stream stays usable), std::errc::operation_would_block
    /// (non-blocking mode), errc::not_open, or another OS error. End of stream is not an error.
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
    /// @throws std::bad_alloc if the string cannot be allocated: this form is not `noexcept`.
    std::string receive(std::size_t max_size, std::error_code& ec, timeout limit = {});

    /// Receives exactly `size` bytes, waiting for as many arrivals as it takes.
    /// @param data where to put them. @param size how many.
    /// @param limit how long the whole receive may take.
    /// @throws std::system_error with errc::end_of_stream if the peer closes first, or the OS error.
    /// @errors errc::end_of_stream, std::errc::timed_out, and the errors of
    /// receive(void*, std::size_t, timeout). After an error the bytes that did arrive are
    /// consumed (the noexcept form says how many), so a message-based protocol is out of
    /// step: close the stream.
    void receive_exact(void* data, std::size_t size, timeout limit = {});

    /// Receives exactly `size` bytes; see receive_exact(void*, std::size_t, timeout).
    /// @param data where to put them. @param size how many. @param ec set on failure.
    /// @param limit how long it may take. @return how many bytes arrived: `size` on success.
    std::size_t receive_exact(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Shuts down one or both directions; `shutdown_type::send` makes the peer read end of stream.
    ///
    /// Unlike close(), the handle stays open: after shutdown(shutdown_type::send) this side
    /// can still receive the peer's reply.
    /// @param what the direction(s).
    /// @throws std::system_error on failure, e.g. std::errc::not_connected.
    /// @platformnote See shutdown_type: only shutdown_type::send behaves the same on every OS.
    void shutdown(shutdown_type what);

    /// See shutdown(shutdown_type).
    /// @param what the direction(s). @param ec set on failure.
    void shutdown(shutdown_type what, std::error_code& ec) noexcept;

    /// The address and port of the peer.
    /// @return the peer's address and port.
    /// @throws std::system_error on failure, e.g. std::errc::not_connected.
    endpoint remote_endpoint() const;

    /// The address and port of the peer; see remote_endpoint().
    /// @param ec set on failure. @return the endpoint, or `0.0.0.0:0`.
    endpoint remote_endpoint(std::error_code& ec) const noexcept;

    /// Turns Nagle's algorithm off (`TCP_NODELAY`): small writes go out at once.
    /// @param on true to send without delay. @throws std::system_error on failure.
    void set_no_delay(bool on);
    /// Turns Nagle's algorithm off or on; see set_no_delay(bool).
    /// @param on true to send without delay. @param ec set on failure.
    void set_no_delay(bool on, std::error_code& ec) noexcept;
    /// Reads `TCP_NODELAY`.
    /// @return true if `TCP_NODELAY` is on. @throws std::system_error on failure.
    bool no_delay() const;
    /// Reads `TCP_NODELAY`; see no_delay().
    /// @param ec set on failure. @return true if `TCP_NODELAY` is on.
    bool no_delay(std::error_code& ec) const noexcept;

    /// Turns TCP keep-alive probes on or off (`SO_KEEPALIVE`).
    /// @param on true to probe idle connections. @throws std::system_error on failure.
    /// @platformnote The probe timing is the OS's (two hours idle by default on Linux and
    /// Windows) unless set_keep_alive_timing() changes it.
    void set_keep_alive(bool on);
    /// Turns keep-alive probes on or off; see set_keep_alive(bool).
    /// @param on true to probe. @param ec set on failure.
    void set_keep_alive(bool on, std::error_code& ec) noexcept;
    /// Reads `SO_KEEPALIVE`.
    /// @return true if keep-alive is on. @throws std::system_error on failure.
    bool keep_alive() const;
    /// Reads `SO_KEEPALIVE`; see keep_alive().
    /// @param ec set on failure. @return true if keep-alive is on.
    bool keep_alive(std::error_code& ec) const noexcept;

    /// Sets when keep-alive probes start, how often they repeat and how many may go
    /// unanswered (`TCP_KEEPIDLE`, `TCP_KEEPINTVL`, `TCP_KEEPCNT`). Probes are sent only
    /// while set_keep_alive(true) is in force; set both, in either order.
    /// @param timing the three values, each in its range (see keep_alive_settings).
    /// @throws std::system_error with errc::invalid_argument if a value is out of range,
    ///         std::errc::operation_not_supported where the OS cannot set them (see
    ///         has_keep_alive_timing()), errc::not_open, or the OS error. If the OS
    ///         refuses the second or third value, the ones before it stay set.
    /// @platformnote The idle time is `TCP_KEEPIDLE` on Linux and the BSDs,
    /// `TCP_KEEPALIVE` on macOS. Windows has the three options from Windows 10 version
    /// 1709; older Windows reports std::errc::operation_not_supported (its
    /// `SIO_KEEPALIVE_VALS` cannot set the probe count or read anything back). The OS
    /// defaults: Linux 7200 s, 75 s, 9 probes; macOS 7200 s, 75 s, 8; Windows 7200 s,
    /// 1 s, 10.
    void set_keep_alive_timing(const keep_alive_settings& timing);
    /// See set_keep_alive_timing(const keep_alive_settings&).
    /// @param timing the three values. @param ec set on failure.
    void set_keep_alive_timing(const keep_alive_settings& timing, std::error_code& ec) noexcept;
    /// Reads the keep-alive timing.
    /// @return the idle time, interval and probe count in force.
    /// @throws std::system_error on failure (see set_keep_alive_timing(const keep_alive_settings&)).
    keep_alive_settings keep_alive_timing() const;
    /// See keep_alive_timing().
    /// @param ec set on failure. @return the timing, or a default keep_alive_settings on error.
    keep_alive_settings keep_alive_timing(std::error_code& ec) const noexcept;

    /// Sets what close() does with data not yet sent (`SO_LINGER`).
    ///
    /// - `std::nullopt` (the default): close() returns at once and the OS goes on sending
    ///   in the background, then ends the connection normally (FIN).
    /// - zero seconds: an **abortive close**. close() discards unsent data and resets the
    ///   connection (RST): the peer's next receive or send fails with
    ///   std::errc::connection_reset, and no TIME_WAIT state is left behind.
    /// - N seconds: close() waits up to N seconds for the data to be sent and acknowledged.
    /// @param time std::nullopt, or 0 to 65535 seconds.
    /// @throws std::system_error with errc::invalid_argument if out of range,
    ///         errc::not_open, or the OS error.
    /// @platformnote A lingering close blocks the calling thread on Linux and Windows, also
    /// for a non-blocking socket (portsock closes it in blocking mode on Windows, which
    /// would otherwise refuse); on macOS and the BSDs a non-blocking socket does not wait.
    /// A zero linger time never blocks. The seconds are a `u_short` on
    /// Windows, hence the common limit. Under Wine, the peer's receive reports the reset
    /// as end of stream; its next send fails with std::errc::connection_reset.
    void set_linger(std::optional<std::chrono::seconds> time);
    /// See set_linger(std::optional<std::chrono::seconds>).
    /// @param time std::nullopt, or 0 to 65535 seconds. @param ec set on failure.
    void set_linger(std::optional<std::chrono::seconds> time, std::error_code& ec) noexcept;
    /// Reads `SO_LINGER`.
    /// @return std::nullopt if off, else the linger time.
    /// @throws std::system_error on failure.
    std::optional<std::chrono::seconds> linger() const;
    /// See linger().
    /// @param ec set on failure. @return the setting, std::nullopt on error.
    std::optional<std::chrono::seconds> linger(std::error_code& ec) const noexcept;

private:
    friend class tcp_listener;
    explicit tcp_stream(native_handle_type handle) noexcept : ip_socket(handle) {}
};

/// Options for tcp_listener.
///
/// An aggregate: `{/*backlog=*/5}` or, field by field, `opts.dual_stack = true;`.
/// @threadsafety A plain value.
struct listen_options {
    /// How many connections may wait to be accepted (the OS may round or cap it).
    int backlog = 128;
    /// Let a restarted server bind its port while old connections linger in TIME_WAIT.
    /// Never lets two live sockets share a port: on Windows this is `SO_EXCLUSIVEADDRUSE`,
    /// on POSIX `SO_REUSEADDR`, so the behaviour is the same.
    bool reuse_address = true;
    /// For a listener bound to an IPv6 address (such as `::`): also accept IPv4 clients,
    /// seen as IPv4-mapped addresses (<code>\::ffff:a.b.c.d</code>). Off by default on every
    /// OS (`IPV6_V6ONLY` is set explicitly, since OS defaults differ). Ignored for IPv4.
    bool dual_stack = false;
    /// Let several listeners bind the same address and port, each setting this
    /// (`SO_REUSEPORT`); Linux spreads new connections among them. Where the OS lacks it
    /// (Windows; see has_reuse_port()) true makes the listener fail with
    /// std::errc::operation_not_supported. See ip_socket::set_reuse_port().
    bool reuse_port = false;
};

/// A client that tcp_listener::accept() returned: the stream and who it is.
///
/// Supports structured bindings: `auto [client, peer] = listener.accept();`
/// @threadsafety A plain value; the stream follows portsock::basic_socket's rules.
struct accepted_connection {
    tcp_stream stream;  ///< The connection.
    endpoint peer;      ///< The client's address and port.
};

/// A listening TCP socket that accepts connections.
///
/// @snippet tcp_welcome_server/main.cpp listen
///
/// @threadsafety See portsock::basic_socket. Two threads must not call accept() on one
/// listener at the same time.
/// @platformnote listen_options::reuse_address maps to `SO_REUSEADDR` on POSIX but to
/// `SO_EXCLUSIVEADDRUSE` on Windows, where `SO_REUSEADDR` would let another program bind
/// the same live port. listen_options::dual_stack always sets `IPV6_V6ONLY` explicitly,
/// since its default differs: off on Linux and macOS, on in Windows and the BSDs.
/// @see @ref platforms "Platform notes"
class PORTSOCK_EXPORT tcp_listener : public ip_socket {
public:
    /// An empty listener; see portsock::basic_socket.
    tcp_listener() noexcept = default;

    /// Binds to `local` and listens.
    /// @param local the address and port; port 0 lets the OS choose (see local_endpoint()).
    /// @param options backlog, reuse-address and dual-stack settings.
    /// @throws std::system_error on failure, e.g. std::errc::address_in_use.
    /// @errors std::errc::address_in_use (another socket holds the port),
    /// std::errc::permission_denied (on POSIX, ports below 1024 need privileges),
    /// std::errc::address_not_available (the address is not one of this host's),
    /// std::errc::address_family_not_supported, or another OS error.
    explicit tcp_listener(const endpoint& local, const listen_options& options = {});

    /// Resolves `host` and listens on the first of its addresses that can be bound.
    /// @param host a name or numeric address, e.g. `"localhost"` or `"::"`; not empty.
    /// @param port the port; 0 lets the OS choose.
    /// @param options backlog, reuse-address and dual-stack settings.
    /// @throws std::system_error with errc::empty_host, a resolve_errc, or the OS error.
    /// @errors errc::empty_host, the resolve() errors, then the error of the last address
    /// tried, as for tcp_listener(const endpoint&, const listen_options&).
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
    ///
    /// The new stream is blocking, whatever the listener's mode.
    /// @param limit how long to wait for a client.
    /// @return the connection and the client's endpoint.
    /// @throws std::system_error on failure, e.g. std::errc::timed_out.
    /// @errors std::errc::timed_out (the listener stays usable),
    /// std::errc::operation_would_block (non-blocking mode, no client waiting),
    /// std::errc::too_many_files_open, errc::not_open, or another OS error. A client that
    /// gave up before it was accepted (`ECONNABORTED`) is skipped, not reported.
    /// @platformnote On Windows an accepted socket inherits the listener's non-blocking
    /// mode and is inheritable by child processes; portsock resets both, so the stream is
    /// blocking and non-inheritable on every OS.
    accepted_connection accept(timeout limit = {});

    /// Accepts a client; see accept(timeout).
    /// @param ec set on failure. @param limit how long to wait.
    /// @return the connection, with an empty stream on error.
    accepted_connection accept(std::error_code& ec, timeout limit = {}) noexcept;

private:
    explicit tcp_listener(native_handle_type handle) noexcept : ip_socket(handle) {}
};

}  // namespace portsock
