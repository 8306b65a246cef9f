/// @file
/// TCP: portsock::tcp_stream (a connection) and portsock::tcp_listener (a server socket).
///
/// Synopsis (each fallible call also has a `noexcept` form taking `std::error_code&`):
/// @code
/// auto s = tcp_stream::connect(endpoint, limit);          // or (host, port, limit, options)
/// auto s = tcp_stream::connect_any(endpoints, limit);     // RFC 8305 race over a list
/// auto s = tcp_stream::start_connect(endpoint);           // non-blocking: then finish_connect()
/// auto s = tcp_stream::adopt(handle);
/// s.send_all("text"); s.receive(1024); ...               // the stream operations: stream.hpp
/// s.remote_endpoint(); s.set_no_delay(true); s.set_keep_alive_timing({...}); s.set_linger(0s);
///
/// tcp_listener server{endpoint, {/*backlog=*/5}};         // or {host, port, options}
/// auto [client, peer] = server.accept(limit);
/// @endcode
#pragma once

#include <portsock/address.hpp>
#include <portsock/buffer.hpp>
#include <portsock/export.hpp>
#include <portsock/ip_socket.hpp>
#include <portsock/stream.hpp>
#include <portsock/timeout.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace portsock {

/// Options of the connect to a name or a list of addresses (RFC 8305, "Happy Eyeballs");
/// see tcp_stream::connect(std::string_view, std::uint16_t, timeout, const connect_options&).
///
/// An aggregate: `portsock::connect_options{std::chrono::milliseconds(100)}`.
/// @threadsafety A plain value.
struct connect_options {
    /// How long one connection attempt runs alone before the next address is tried as
    /// well: RFC 8305's "Connection Attempt Delay" (250 ms recommended, 100 ms the least it
    /// recommends). Zero starts every attempt at once; negative is errc::invalid_argument.
    std::chrono::milliseconds attempt_delay{250};
};

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
/// Sending and receiving (send(), send_all(), send_file(), receive(), receive_exact(),
/// shutdown()) are portsock::stream_socket's, shared with local_stream; this class adds
/// connecting and the TCP options. Every blocking operation takes an optional timeout
/// (default: wait forever; an expired one is std::errc::timed_out) and comes in two
/// forms: one throws std::system_error, the other is `noexcept` and sets a std::error_code.
///
/// @snippet tcp_welcome_client/main.cpp connect
///
/// @threadsafety See portsock::basic_socket: one thread may send while another receives,
/// and any thread may cancel() a call blocked in another.
/// @see @ref tutorial "Tutorial", @ref errors "Error handling", @ref platforms_streams "Platform notes"
class PORTSOCK_EXPORT tcp_stream : public stream_socket<tcp_stream, ip_socket> {
public:
    /// @name Connecting
    /// @{

    /// An empty stream; see portsock::basic_socket.
    tcp_stream() noexcept = default;

    /// Connects to an endpoint.
    /// @param remote where to connect.
    /// @param limit how long to wait for the connection.
    /// @return the connected stream.
    /// @throws std::system_error on failure, e.g. std::errc::connection_refused, std::errc::timed_out,
    ///         std::errc::network_unreachable; what() names the endpoint, and for a timeout
    ///         how long it waited: `"portsock::tcp_stream::connect to 127.0.0.1:8080: Connection refused"`.
    /// @errors std::errc::connection_refused (nobody listens there), std::errc::timed_out,
    /// std::errc::network_unreachable, std::errc::host_unreachable,
    /// std::errc::address_family_not_supported (IPv6 on a host without it, or an
    /// IPv4-mapped address such as <code>\::ffff:127.0.0.1</code>: the IPv6 socket portsock opens
    /// for it is IPv6 only, on every OS; connect to the IPv4 address instead),
    /// std::errc::address_not_available, std::errc::too_many_files_open, or another OS error.
    /// @platformnote A timed connect reports the same outcome on every OS, including a refusal
    /// on Windows before 10 version 2004 (see @ref platforms_connect "Platform notes: connect").
    /// Without a timeout the OS's own limit applies (about 21 s on Windows, about two minutes
    /// on Linux): pass one to be portable.
    static tcp_stream connect(const endpoint& remote, timeout limit = {});

    /// Connects to an endpoint; see connect(const endpoint&, timeout) for the errors and
    /// platform notes.
    /// @param remote where to connect. @param ec set on failure.
    /// @param limit how long to wait. @return the stream, or an empty one on error.
    static tcp_stream connect(const endpoint& remote, std::error_code& ec, timeout limit = {}) noexcept;

    /// Resolves `host` and connects to the first of its addresses that accepts, racing
    /// them as RFC 8305 ("Happy Eyeballs") says; see connect_any().
    ///
    /// A name often has several addresses, say `::1` and `127.0.0.1`. Tried one after
    /// another, an address that silently drops connection attempts would eat the whole
    /// limit. Instead, the next address is tried as well once the current attempt has run
    /// for connect_options::attempt_delay (250 ms), alternating IPv6 and IPv4 from the
    /// first address resolved; the first attempt to succeed wins. Python's asyncio
    /// (`happy_eyeballs_delay`) and curl do the same; asio and sockpp try one address at a
    /// time.
    /// @param host a name or numeric address, not empty.
    /// @param port the port.
    /// @param limit how long the whole attempt may take, resolution excluded.
    /// @param options the delay between attempts.
    /// @return the connected stream (blocking, as from connect(const endpoint&, timeout)).
    /// @throws std::system_error with errc::empty_host, a resolve_errc, or the error of the
    ///         last address that failed (e.g. std::errc::connection_refused); what() quotes
    ///         the host and names the port: <code>"... connect to 'localhost' port 8080: ..."</code>.
    /// @errors errc::empty_host, errc::invalid_host (see resolve(): a control byte or space,
    /// or text that ends in a number without being an address), the
    /// resolve() errors (resolve_errc::host_not_found, ...), errc::invalid_argument (a
    /// negative attempt delay), then, if no address accepted, the error of the last one that
    /// failed, as for connect(const endpoint&, timeout); std::errc::timed_out once `limit` is
    /// spent.
    static tcp_stream connect(std::string_view host, std::uint16_t port, timeout limit = {},
                              const connect_options& options = {});

    /// Resolves and connects; see connect(std::string_view, std::uint16_t, timeout, const connect_options&).
    /// @param host a name or numeric address. @param port the port. @param ec set on failure.
    /// @param limit how long to wait. @param options the delay between attempts.
    /// @return the stream, or an empty one on error.
    static tcp_stream connect(std::string_view host, std::uint16_t port, std::error_code& ec,
                              timeout limit = {}, const connect_options& options = {}) noexcept;

    /// Connects to the first of several addresses that accepts, racing them as RFC 8305
    /// ("Happy Eyeballs") section 5 says.
    ///
    /// - The addresses are tried in the order given, but alternating families: the first
    ///   address's family, then the other, and so on (RFC 8305 section 4).
    /// - The first attempt starts at once. Each next one starts when the attempt before it
    ///   has run for connect_options::attempt_delay, while the earlier ones go on; it
    ///   starts at once if every running attempt has failed.
    /// - The first attempt to succeed wins; the others are closed.
    /// - `limit` bounds the whole race.
    ///
    /// At most 64 attempts run at a time (a later one waits for an earlier one to fail).
    /// @param candidates the addresses, usually from resolve(); not empty.
    /// @param limit how long the whole race may take.
    /// @param options the delay between attempts.
    /// @return the connected stream, blocking as from connect(const endpoint&, timeout).
    /// @throws std::system_error as the noexcept form reports.
    /// @errors errc::no_address (an empty list), errc::invalid_argument (a negative attempt
    /// delay), std::errc::timed_out once `limit` is spent, else the error of the last
    /// attempt that failed, as for connect(const endpoint&, timeout).
    /// @platformnote The attempts are non-blocking connects (start_connect()) watched by
    /// one readiness wait of the OS. On Windows before 10 version 2004 that wait does not
    /// report a failed connect, so a refused attempt there
    /// counts as one that is still running: the race still ends, by the next attempt or
    /// by `limit`.
    static tcp_stream connect_any(const std::vector<endpoint>& candidates, timeout limit = {},
                                  const connect_options& options = {});

    /// Races connects to several addresses; see connect_any(const std::vector<endpoint>&, timeout, const
    /// connect_options&).
    /// @param candidates the addresses. @param ec set on failure. @param limit how long it may take.
    /// @param options the delay between attempts. @return the stream, or an empty one on error.
    static tcp_stream connect_any(const std::vector<endpoint>& candidates, std::error_code& ec,
                                  timeout limit = {}, const connect_options& options = {}) noexcept;

    /// Takes ownership of an OS handle: the inverse of release(), for a socket made by
    /// other code (a C library, a parent process, `socketpair`-style helpers) that portsock
    /// should use and close from now on, as Python's `socket.socket(fileno=...)` and asio's
    /// `assign()` do.
    ///
    /// The handle is checked first: it must be a socket (`SO_TYPE`) of the stream type, of
    /// the IPv4 or IPv6 family (from `getsockname()`, or the protocol info on Windows), and
    /// not listening (`SO_ACCEPTCONN`, where the OS answers it). A handle that fails a check
    /// is **not adopted and not closed**: it stays the caller's, unchanged. A stream that is
    /// not connected yet is accepted; its sends fail with std::errc::not_connected.
    ///
    /// The stream starts in blocking mode as portsock sees it (is_non_blocking() is false);
    /// portsock's calls wait correctly whatever mode the OS handle is in. The handle's
    /// inheritance by child processes is left as it was.
    /// @param handle the OS handle.
    /// @return the stream, owning the handle.
    /// @throws std::system_error if the handle is refused (then still the caller's).
    /// @errors std::errc::not_a_socket (a file or other non-socket handle),
    /// std::errc::bad_file_descriptor (not an open handle, or invalid_native_handle),
    /// std::errc::wrong_protocol_type (a socket of another type or family: datagram, local,
    /// raw...), errc::invalid_argument (a listening socket), or another OS error.
    /// @platformnote On Windows, portsock takes its own Winsock reference for the handle
    /// (released by close()), so the program's own Winsock start-up and clean-up balance is
    /// unaffected. On macOS and the BSDs `SO_NOSIGPIPE` is set on the handle, as on every
    /// socket portsock opens.
    /// @threadsafety The handle must not be used by other code afterwards.
    static tcp_stream adopt(native_handle_type handle);

    /// Takes ownership of an OS handle; see adopt(native_handle_type).
    /// @param handle the OS handle. @param ec set if the handle is refused (then still the caller's).
    /// @return the stream, or an empty one on error.
    static tcp_stream adopt(native_handle_type handle, std::error_code& ec) noexcept;

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
    /// std::errc::network_unreachable, std::errc::host_unreachable,
    /// std::errc::operation_canceled (cancel() was called), errc::not_open, or another OS
    /// error. The reason is reported once: the OS clears it when it is read.
    /// @threadsafety As any operation on one socket; see portsock::basic_socket. This is the
    /// connect that another thread can stop: start_connect(), then finish_connect() with or
    /// without a limit, and cancel() from the other thread.
    void finish_connect(timeout limit = {});

    /// Completes a connect begun with start_connect(); see finish_connect(timeout).
    /// @param ec cleared if connected; else the reason, or std::errc::operation_in_progress.
    /// @param limit how long to wait.
    void finish_connect(std::error_code& ec, timeout limit = {}) noexcept;

    /// @}

    /// @name Addresses and options
    /// @{

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

    /// @}

private:
    friend class tcp_listener;
    explicit tcp_stream(native_handle_type handle) noexcept : stream_socket(handle) {}
};

namespace detail {
template <>
struct stream_type_name<tcp_stream> {
    static constexpr const char* value = "portsock::tcp_stream";
};
}  // namespace detail

/// Options for tcp_listener.
///
/// An aggregate: `{/*backlog=*/5}` or, field by field, `opts.dual_stack = true;`.
/// @threadsafety A plain value.
struct listen_options {
    /// How many connections may wait to be accepted (the OS may round or cap it).
    int backlog = 128;
    /// On (the default): a restarted server binds its port at once, while connections of
    /// the old one linger (in `TIME_WAIT` or still open), and a second listener on a live
    /// port fails with std::errc::address_in_use. Off: the strict choice, where a restart
    /// may fail with std::errc::address_in_use until the old connections are gone.
    /// @platformnote On: `SO_REUSEADDR` on POSIX, Windows' own default on Windows (never
    /// Windows' `SO_REUSEADDR`, which would let another socket take over a live port). Off:
    /// nothing on POSIX, `SO_EXCLUSIVEADDRUSE` on Windows. See @ref platforms_reuse
    /// "Platform notes: reusing an address" for why.
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
/// Windows' default on Windows, where `SO_REUSEADDR` would let another program bind
/// the same live port. Windows reports some binds of a taken port as `WSAEACCES`; portsock
/// reports std::errc::address_in_use, as POSIX does. listen_options::dual_stack always sets `IPV6_V6ONLY`
/// explicitly, since its default differs: off on Linux and macOS, on in Windows and the BSDs.
/// @see @ref platforms "Platform notes"
class PORTSOCK_EXPORT tcp_listener : public ip_socket {
public:
    /// @name Listening
    /// @{

    /// An empty listener; see portsock::basic_socket.
    tcp_listener() noexcept = default;

    /// Binds to `local` and listens.
    /// @param local the address and port; port 0 lets the OS choose (see local_endpoint()).
    /// @param options backlog, reuse-address and dual-stack settings.
    /// @throws std::system_error on failure, e.g. std::errc::address_in_use; what() names the
    ///         step and the endpoint: `"portsock::tcp_listener: bind to 0.0.0.0:80: Address already in use"`.
    /// @errors std::errc::address_in_use (another socket holds the port, on Windows too),
    /// std::errc::permission_denied (on POSIX, ports below 1024 need privileges),
    /// std::errc::address_not_available (the address is not one of this host's),
    /// std::errc::address_family_not_supported (also for an IPv4-mapped address such as
    /// <code>\::ffff:127.0.0.1</code>, on every OS: listen on `127.0.0.1`, or on `::` with
    /// listen_options::dual_stack), or another OS error.
    explicit tcp_listener(const endpoint& local, const listen_options& options = {});

    /// Resolves `host` and listens on the first of its addresses that can be bound.
    /// @param host a name or numeric address, e.g. `"localhost"` or `"::"`; not empty.
    /// @param port the port; 0 lets the OS choose.
    /// @param options backlog, reuse-address and dual-stack settings.
    /// @throws std::system_error with errc::empty_host, a resolve_errc, or the OS error;
    ///         what() quotes the host and names the port.
    /// @errors errc::empty_host, errc::invalid_host, the resolve() errors, then the error of the last address
    /// tried, as for tcp_listener(const endpoint&, const listen_options&).
    tcp_listener(std::string_view host, std::uint16_t port, const listen_options& options = {});

    /// Binds and listens: the static twin of tcp_listener(const endpoint&, const listen_options&),
    /// as udp_socket::bind() is of its constructor.
    /// @param local the endpoint. @param options the settings. @return the listener.
    /// @throws std::system_error as tcp_listener(const endpoint&, const listen_options&).
    static tcp_listener listen(const endpoint& local, const listen_options& options = {}) {
        return tcp_listener(local, options);
    }

    /// Resolves and listens: the static twin of tcp_listener(std::string_view, std::uint16_t, const
    /// listen_options&).
    /// @param host the name or address. @param port the port. @param options the settings.
    /// @return the listener. @throws std::system_error as that constructor.
    static tcp_listener listen(std::string_view host, std::uint16_t port,
                               const listen_options& options = {}) {
        return tcp_listener(host, port, options);
    }

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

    /// @}

    /// @name Accepting
    /// @{

    /// Takes ownership of an OS handle that is a listening TCP socket, such as one a
    /// service manager passes (systemd socket activation: descriptor 3 onwards, with
    /// `LISTEN_FDS`). The inverse of release().
    ///
    /// Checked as tcp_stream::adopt() checks, except that the socket must be listening
    /// (`SO_ACCEPTCONN`; where the OS cannot say, this check is skipped). A refused handle is
    /// not adopted and not closed.
    /// @param handle the OS handle.
    /// @return the listener, owning the handle.
    /// @throws std::system_error if the handle is refused (then still the caller's).
    /// @errors As tcp_stream::adopt(); errc::invalid_argument for a socket that is not listening.
    static tcp_listener adopt(native_handle_type handle);

    /// Takes ownership of a listening handle; see adopt(native_handle_type).
    /// @param handle the OS handle. @param ec set if refused. @return the listener, or an empty one.
    static tcp_listener adopt(native_handle_type handle, std::error_code& ec) noexcept;

    /// Waits for a client and accepts it.
    ///
    /// The new stream is blocking, whatever the listener's mode.
    /// @param limit how long to wait for a client.
    /// @return the connection and the client's endpoint.
    /// @throws std::system_error on failure, e.g. std::errc::timed_out; what() names the
    ///         listener's endpoint and, for a timeout, how long it waited.
    /// @errors std::errc::timed_out (the listener stays usable),
    /// std::errc::operation_would_block (non-blocking mode, no client waiting),
    /// std::errc::operation_canceled (cancel() was called, from any thread: the way to stop a
    /// thread blocked here), std::errc::too_many_files_open, errc::not_open, or another OS
    /// error. A client that gave up before it was accepted (`ECONNABORTED`) is skipped, not
    /// reported.
    ///
    /// **Running out of descriptors.** std::errc::too_many_files_open (and the other
    /// errors of is_resource_exhaustion()) leaves the client queued and the listener
    /// readable, so a poller loop that retries at once spins at full CPU. Stop watching
    /// the listener (poller::modify() with poll_events::none) and resume when a client
    /// leaves or after a short back-off; see @ref scaling_exhaustion "Running out of descriptors".
    /// @platformnote On Windows an accepted socket inherits the listener's non-blocking
    /// mode and is inheritable by child processes; portsock resets both, so the stream is
    /// blocking and non-inheritable on every OS.
    accepted_connection accept(timeout limit = {});

    /// Accepts a client; see accept(timeout).
    /// @param ec set on failure. @param limit how long to wait.
    /// @return the connection, with an empty stream on error.
    accepted_connection accept(std::error_code& ec, timeout limit = {}) noexcept;

    /// Waits for a client and accepts it as a non-blocking stream, for a poller loop or
    /// portsock::async: the stream's is_non_blocking() is true.
    ///
    /// Waiting, errors and inheritance are as accept(timeout); only the new stream's mode
    /// differs. Where the OS can create the socket non-blocking in the accepting call, it
    /// does, which saves the system call that set_non_blocking() after accept() would make.
    /// @param limit how long to wait for a client (a non-blocking listener does not wait:
    ///        std::errc::operation_would_block when no client is queued).
    /// @return the connection (non-blocking) and the client's endpoint.
    /// @throws std::system_error as accept(timeout) does.
    /// @errors As accept(timeout).
    /// @platformnote One call (`accept4` with `SOCK_NONBLOCK | SOCK_CLOEXEC`) on Linux and
    /// the BSDs; elsewhere accept() then the mode, each set only where it differs on POSIX,
    /// and always on Windows, which cannot read it back. See @ref platforms "Platform notes".
    accepted_connection accept_non_blocking(timeout limit = {});

    /// Accepts a client as a non-blocking stream; see accept_non_blocking(timeout).
    /// @param ec set on failure. @param limit how long to wait.
    /// @return the connection, with an empty stream on error.
    accepted_connection accept_non_blocking(std::error_code& ec, timeout limit = {}) noexcept;

    /// @}

private:
    explicit tcp_listener(native_handle_type handle) noexcept : ip_socket(handle) {}
};

}  // namespace portsock
