/// @file
/// TCP: portsock::tcp_stream (a connection) and portsock::tcp_listener (a server socket).
#pragma once

#include <portsock/address.hpp>
#include <portsock/buffer.hpp>
#include <portsock/export.hpp>
#include <portsock/ip_socket.hpp>
#include <portsock/timeout.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
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
/// @threadsafety See portsock::basic_socket: one thread may send while another receives,
/// and any thread may cancel() a call blocked in another.
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
    /// @platformnote With a timeout, portsock connects in non-blocking mode and waits for the
    /// result: POSIX signals a pending connect with `EINPROGRESS`, Windows with
    /// Winsock's would-block code (10035), and Winsock's poll call reports a failed connect as an error rather
    /// than writability; portsock handles each and reports the outcome (`SO_ERROR`) the same
    /// way. Windows' readiness wait before Windows 10 version 2004 does not signal a failed
    /// connect at all, so portsock reads `SO_ERROR` also when the wait ends with nothing ready: a refusal is
    /// std::errc::connection_refused there too, not std::errc::timed_out. Without a timeout
    /// the OS's own connect timeout applies, which differs (about 21
    /// seconds on Windows, about two minutes on Linux): pass one to be portable.
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

    /// Races connects to several addresses; see connect_any(const std::vector<endpoint>&, timeout, const connect_options&).
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

    /// @name Sending
    /// @{

    /// Sends some of the bytes: at least one unless an error occurs.
    /// @param data the bytes. @param size how many.
    /// @param limit how long to wait for buffer space.
    /// @return how many bytes were sent, possibly fewer than `size`.
    /// @throws std::system_error on failure, e.g. std::errc::broken_pipe, std::errc::timed_out.
    /// @errors std::errc::broken_pipe (the peer has gone, or this side shut down sending),
    /// std::errc::connection_reset, std::errc::timed_out, std::errc::operation_would_block
    /// (non-blocking mode), std::errc::operation_canceled (cancel() was called),
    /// errc::not_open, or another OS error.
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
    /// @throws portsock::transfer_error (a std::system_error) on the first failure; its
    ///         bytes_transferred() is how many bytes were sent before it, and what() says
    ///         it: `"portsock::tcp_stream::send_all (1024 of 4096 bytes sent): Connection reset by peer"`.
    /// @errors As send(const void*, std::size_t, timeout).
    void send_all(const void* data, std::size_t size, timeout limit = {});

    /// Sends every byte; see send_all(const void*, std::size_t, timeout).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long the whole send may take.
    /// @return how many bytes were sent: `size` on success, fewer on error.
    std::size_t send_all(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Sends every byte of a string.
    /// @param text the bytes. @param limit how long the whole send may take.
    /// @throws portsock::transfer_error on the first failure, with the bytes sent before it.
    void send_all(std::string_view text, timeout limit = {}) { send_all(text.data(), text.size(), limit); }

    /// Sends every byte of a string; see send_all(const void*, std::size_t, std::error_code&, timeout).
    /// @param text the bytes. @param ec set on failure. @param limit how long it may take.
    /// @return how many bytes were sent.
    std::size_t send_all(std::string_view text, std::error_code& ec, timeout limit = {}) noexcept {
        return send_all(text.data(), text.size(), ec, limit);
    }

    /// @}

    /// @name Receiving
    /// @{

    /// Sends some of the bytes of several buffers, in order, as one write (a *gather
    /// write*): a header and a body without concatenating them first. Never allocates.
    /// @param buffers the buffers. @param count how many (more than 64 are sent in
    ///        several writes by send_all(); this call sends from the first 64).
    /// @param limit how long to wait for buffer space.
    /// @return how many bytes were sent, possibly fewer than the buffers hold; the next
    ///         byte is in whichever buffer that count reaches.
    /// @throws std::system_error on failure; see send(const void*, std::size_t, timeout).
    /// @errors As send(const void*, std::size_t, timeout).
    /// @platformnote `sendmsg` on POSIX, `WSASend` on Windows (at most `INT_MAX` bytes per call).
    std::size_t send(const const_buffer* buffers, std::size_t count, timeout limit = {});

    /// Sends some bytes of several buffers; see send(const const_buffer*, std::size_t, timeout).
    /// @param buffers the buffers. @param count how many. @param ec set on failure.
    /// @param limit how long to wait. @return how many bytes were sent (0 on error).
    std::size_t send(const const_buffer* buffers, std::size_t count, std::error_code& ec,
                     timeout limit = {}) noexcept;

    /// Sends every byte of several buffers, in order, with as few writes as the OS allows:
    /// a short write that ends inside a buffer resumes there. Never allocates.
    /// @param buffers the buffers. @param count how many (any number).
    /// @param limit how long the whole send may take.
    /// @throws portsock::transfer_error (a std::system_error) on the first failure, with the
    ///         bytes sent before it (bytes_transferred(); what() says "(N of M bytes sent)").
    /// @errors As send(const void*, std::size_t, timeout).
    /// @snippet gather_file_test.cpp gather_write
    void send_all(const const_buffer* buffers, std::size_t count, timeout limit = {});

    /// Sends every byte of several buffers; see send_all(const const_buffer*, std::size_t, timeout).
    /// @param buffers the buffers. @param count how many. @param ec set on failure.
    /// @param limit how long the whole send may take.
    /// @return how many bytes were sent: all of them on success, fewer on error.
    std::size_t send_all(const const_buffer* buffers, std::size_t count, std::error_code& ec,
                         timeout limit = {}) noexcept;

    /// send_file()'s `count` for "up to the end of the file".
    static constexpr std::uint64_t to_end_of_file = ~std::uint64_t{0};

    /// Sends a file, or part of it, as Python's `socket.sendfile(file, offset, count)`.
    ///
    /// Sends the bytes from `offset` up to `offset + count` or the end of the file,
    /// whichever comes first, then closes the file again. The file is named by a path,
    /// opened read-only for the call (not inheritable); its size may change meanwhile. The
    /// end of the file is where a read returns nothing, not the size the file system
    /// reports: a /proc file whose size says 0 sends what it holds. A file that is not
    /// seekable (a FIFO, a pipe, a terminal) is read in order from where it is, so `offset`
    /// must be 0; a FIFO with no writer sends nothing, one with a writer is read until the
    /// writer closes it or `count` bytes went (the reads wait for the writer, untimed).
    /// @param path the file. @param offset the first byte to send (any value: one at or
    ///        past the end sends nothing).
    /// @param count how many bytes at most; to_end_of_file for all the rest.
    /// @param limit how long the whole send may take (waits for the socket; a read of the
    ///        file is not cut short).
    /// @return how many bytes were sent: fewer than `count` only if the file was shorter
    ///         (0 if `offset` is at or past its end).
    /// @throws portsock::transfer_error (a std::system_error) on failure; its
    ///         bytes_transferred() is how many bytes were sent before it (0 if the file could
    ///         not be opened); what() names the file and says it, e.g. `(1048576 bytes sent)`.
    /// @errors std::errc::invalid_argument (a NUL in `path`: the OS would cut the path there
    /// and open another file), std::errc::no_such_file_or_directory, std::errc::permission_denied,
    /// std::errc::is_a_directory (every port), std::errc::invalid_seek (an `offset` other than
    /// 0 on a file that is not seekable), or another error opening or reading the file; then
    /// the errors of send(const void*, std::size_t, timeout). In non-blocking mode, as with
    /// send_all(), a call sends until the socket buffers are full and then fails with
    /// std::errc::operation_would_block, the bytes sent before it counted (the error_code
    /// form returns them; the throwing form's transfer_error carries them): call again from
    /// `offset` plus that count once the stream is writable. Bytes read from a file that is
    /// not seekable but not sent when a call fails are lost with it.
    /// @platformnote Linux, macOS and FreeBSD use `sendfile`: the bytes go from the page
    /// cache to the socket without passing through the program. Windows uses `TransmitFile`
    /// for an untimed call on a blocking socket. Where the OS's call refuses the file
    /// (Linux's `sendfile` on /proc files, character devices and FIFOs), for a file that is
    /// not seekable, for a timed call or a non-blocking socket on Windows, and on every
    /// other system, portsock reads a piece at a time (64 KiB) into a buffer and sends all
    /// of it, as Python's `socket.sendfile()` does. portsock::send_file_method() says which
    /// the system uses; docs/platforms.md has the table. With `TransmitFile` the file's size
    /// is read before the send: a file that shrinks meanwhile is counted as sent in full.
    /// @snippet gather_file_test.cpp send_file
    std::uint64_t send_file(const std::filesystem::path& path, std::uint64_t offset = 0,
                            std::uint64_t count = to_end_of_file, timeout limit = {});

    /// Sends a file, or part of it; see send_file(const std::filesystem::path&, std::uint64_t, std::uint64_t, timeout).
    /// @param path the file. @param offset the first byte. @param count how many at most.
    /// @param ec set on failure. @param limit how long the whole send may take.
    /// @return how many bytes were sent.
    std::uint64_t send_file(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t count,
                            std::error_code& ec, timeout limit = {}) noexcept;

    /// Receives some bytes: waits until at least one arrives or the stream ends.
    /// @param data where to put them. @param size the room there.
    /// @param limit how long to wait.
    /// @return how many bytes arrived; **0 means end of stream** (for `size > 0`). A `size`
    ///         of 0 returns 0 at once, without waiting or looking at the stream.
    /// @throws std::system_error on failure, e.g. std::errc::connection_reset, std::errc::timed_out.
    /// @errors std::errc::connection_reset (the peer aborted, or closed with data unread),
    /// std::errc::timed_out (the stream stays usable), std::errc::operation_would_block
    /// (non-blocking mode), std::errc::operation_canceled (cancel() was called: the end of
    /// stream it causes is reported as this), errc::not_open, or another OS error. End of
    /// stream is not an error.
    std::size_t receive(void* data, std::size_t size, timeout limit = {});

    /// Receives some bytes; see receive(void*, std::size_t, timeout).
    /// @param data where to put them. @param size the room there. @param ec set on failure.
    /// @param limit how long to wait. @return how many bytes arrived; 0 at end of stream or on error.
    std::size_t receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Receives up to `max_size` bytes into a string (it allocates; use the buffer forms on
    /// a hot path).
    /// @param max_size the most bytes to return. @param limit how long to wait.
    /// @return the bytes; **empty means end of stream** (for `max_size > 0`).
    /// @throws std::system_error as receive(void*, std::size_t, timeout), or with
    ///         std::errc::invalid_argument if `max_size` is more than a std::string can hold
    ///         (`std::string::max_size()`, e.g. `SIZE_MAX`), or std::errc::not_enough_memory if
    ///         the `max_size` bytes it reserves first cannot be allocated. Never
    ///         std::bad_alloc or std::length_error.
    std::string receive(std::size_t max_size, timeout limit = {});

    /// Receives into a string; see receive(std::size_t, timeout) for the errors, which all
    /// come through `ec` (std::errc::invalid_argument for a `max_size` no string can hold,
    /// std::errc::not_enough_memory if the buffer cannot be allocated): it never throws.
    /// @param max_size the most bytes. @param ec set on failure. @param limit how long to wait.
    /// @return the bytes; empty at end of stream or on error.
    std::string receive(std::size_t max_size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Receives exactly `size` bytes, waiting for as many arrivals as it takes.
    /// @param data where to put them. @param size how many.
    /// @param limit how long the whole receive may take.
    /// @throws portsock::transfer_error (a std::system_error) with errc::end_of_stream if the
    ///         peer closes first, or the OS error; its bytes_transferred() is how many bytes
    ///         arrived before.
    /// @errors errc::end_of_stream, std::errc::timed_out, and the errors of
    /// receive(void*, std::size_t, timeout). After an error the bytes that did arrive are
    /// consumed (the noexcept form says how many), so a message-based protocol is out of
    /// step: close the stream.
    void receive_exact(void* data, std::size_t size, timeout limit = {});

    /// Receives exactly `size` bytes; see receive_exact(void*, std::size_t, timeout).
    /// @param data where to put them. @param size how many. @param ec set on failure.
    /// @param limit how long it may take. @return how many bytes arrived: `size` on success.
    std::size_t receive_exact(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// @}

    /// @name Shutting down
    /// @{

    /// Shuts down one or both directions; `shutdown_type::send` makes the peer read end of stream.
    ///
    /// Unlike close(), the handle stays open: after shutdown(shutdown_type::send) this side
    /// can still receive the peer's reply.
    /// @param what the direction(s).
    /// @throws std::system_error on failure, e.g. std::errc::not_connected, or
    ///         std::errc::invalid_argument if `what` is not a shutdown_type value.
    /// @threadsafety shutdown(shutdown_type::send) counts as sending: one thread may call it
    /// while another is blocked in receive() on the same stream. The receive is not woken
    /// by it; it goes on waiting for the peer, which reads end of stream, and returns the
    /// peer's reply, or 0 once the peer closes too (this is how a request-then-read-to-end
    /// protocol works). Shutting down the receiving side is not a portable way to wake a
    /// blocked receive (Linux wakes it, Windows need not): give receive() a timeout instead.
    /// @platformnote See shutdown_type: only shutdown_type::send behaves the same on every OS.
    void shutdown(shutdown_type what);

    /// See shutdown(shutdown_type).
    /// @param what the direction(s). @param ec set on failure.
    void shutdown(shutdown_type what, std::error_code& ec) noexcept;

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

    /// @}

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
    /// On (the default): a restarted server binds its port at once, while connections of
    /// the old one linger (in `TIME_WAIT` or still open), and a second listener on a live
    /// port fails with std::errc::address_in_use. Off: the strict choice, where a restart
    /// may fail with std::errc::address_in_use until the old connections are gone.
    /// @platformnote
    /// On POSIX, on sets `SO_REUSEADDR` and off sets nothing. On Windows, on is Windows'
    /// own default, which already allows the rebinding and keeps sockets of other user
    /// accounts off a live port; off sets `SO_EXCLUSIVEADDRUSE`, which also keeps the same
    /// user's `SO_REUSEADDR` sockets off, but (as Microsoft documents) holds the port while
    /// any connection accepted on it remains, `TIME_WAIT` included. portsock never sets
    /// Windows' `SO_REUSEADDR`, which would let another socket take over a live port. See
    /// @ref platforms "Platform notes" for the reasoning.
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
/// reports std::errc::address_in_use, as POSIX does. listen_options::dual_stack always sets `IPV6_V6ONLY` explicitly,
/// since its default differs: off on Linux and macOS, on in Windows and the BSDs.
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

    /// @}

private:
    explicit tcp_listener(native_handle_type handle) noexcept : ip_socket(handle) {}
};

}  // namespace portsock
