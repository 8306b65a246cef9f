/// @file
/// The byte-stream operations, declared and documented once: portsock::basic_stream
/// (the conveniences every stream has, TLS included) and portsock::stream_socket (the
/// operations of a connected stream socket: TCP and local).
///
/// Synopsis (every call also has a `noexcept` form that takes a `std::error_code&`):
/// @code
/// std::size_t   send(data, size, limit);              // some bytes (stream_socket, tls_stream)
/// std::size_t   send(buffers, count, limit);          // some bytes of several buffers
/// void          send_all(data, size, limit);          // every byte
/// void          send_all(text, limit);
/// void          send_all(buffers, count, limit);      // gather write
/// std::uint64_t send_file(path, offset, count, limit);
/// std::size_t   receive(data, size, limit);           // some bytes; 0 = end of stream
/// std::string   receive(max_size, limit);
/// void          receive_exact(data, size, limit);
/// void          shutdown(shutdown_type);              // one direction (stream_socket)
/// @endcode
#pragma once

#include <portsock/buffer.hpp>
#include <portsock/error.hpp>
#include <portsock/export.hpp>
#include <portsock/socket.hpp>
#include <portsock/timeout.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace portsock {

namespace detail {

// The out-of-line halves of the templates below (sdk/src/stream.cpp), so that each loop
// and each error message is written once for every stream type.
using stream_send_fn = std::size_t (*)(void* stream, const void* data, std::size_t size, std::error_code& ec,
                                       timeout limit) noexcept;
using stream_receive_fn = std::size_t (*)(void* stream, void* data, std::size_t size, std::error_code& ec,
                                          timeout limit) noexcept;

PORTSOCK_EXPORT std::size_t send_all_with(void* stream, stream_send_fn send, const void* data,
                                          std::size_t size, std::error_code& ec, timeout limit) noexcept;
PORTSOCK_EXPORT std::size_t receive_exact_with(void* stream, stream_receive_fn receive, void* data,
                                               std::size_t size, std::error_code& ec, timeout limit) noexcept;
PORTSOCK_EXPORT std::string receive_string_with(void* stream, stream_receive_fn receive, std::size_t max_size,
                                                std::error_code& ec, timeout limit) noexcept;

[[noreturn]] PORTSOCK_EXPORT void throw_stream_error(const std::error_code& ec, const char* type,
                                                     const char* operation, timeout limit);
[[noreturn]] PORTSOCK_EXPORT void throw_stream_transfer_error(const std::error_code& ec, const char* type,
                                                              const char* operation, std::size_t done,
                                                              std::size_t size, timeout limit);
// send_file()'s path arrives as text, read as std::filesystem::path(text) reads it (char or
// wchar_t), so that no public header needs <filesystem> (it costs every user's compile).
[[noreturn]] PORTSOCK_EXPORT void throw_send_file_error(const std::error_code& ec, const char* type,
                                                        std::string_view path, std::uint64_t sent,
                                                        timeout limit);
[[noreturn]] PORTSOCK_EXPORT void throw_send_file_error(const std::error_code& ec, const char* type,
                                                        std::wstring_view path, std::uint64_t sent,
                                                        timeout limit);
PORTSOCK_EXPORT std::size_t total_bytes(const const_buffer* buffers, std::size_t count) noexcept;

PORTSOCK_EXPORT std::size_t socket_send(basic_socket& s, const void* data, std::size_t size,
                                        std::error_code& ec, timeout limit) noexcept;
PORTSOCK_EXPORT std::size_t socket_receive(basic_socket& s, void* data, std::size_t size, std::error_code& ec,
                                           timeout limit) noexcept;
PORTSOCK_EXPORT std::size_t socket_send_gather(basic_socket& s, const const_buffer* buffers,
                                               std::size_t count, std::error_code& ec,
                                               timeout limit) noexcept;
PORTSOCK_EXPORT std::size_t socket_send_all_gather(basic_socket& s, const const_buffer* buffers,
                                                   std::size_t count, std::error_code& ec,
                                                   timeout limit) noexcept;
PORTSOCK_EXPORT std::uint64_t socket_send_file(basic_socket& s, std::string_view path, std::uint64_t offset,
                                               std::uint64_t count, std::error_code& ec,
                                               timeout limit) noexcept;
PORTSOCK_EXPORT std::uint64_t socket_send_file(basic_socket& s, std::wstring_view path, std::uint64_t offset,
                                               std::uint64_t count, std::error_code& ec,
                                               timeout limit) noexcept;
PORTSOCK_EXPORT void socket_shutdown(basic_socket& s, shutdown_type what, std::error_code& ec) noexcept;

// A path type is one with a native() string of char or wchar_t, as std::filesystem::path.
template <class Path, class = void>
inline constexpr bool is_native_path = false;
template <class Path>
inline constexpr bool is_native_path<Path, std::void_t<decltype(std::declval<const Path&>().native())>> =
    std::is_same_v<std::decay_t<decltype(std::declval<const Path&>().native())>, std::string> ||
    std::is_same_v<std::decay_t<decltype(std::declval<const Path&>().native())>, std::wstring>;
template <class Path>
using if_native_path = std::enable_if_t<is_native_path<Path>, int>;

/// The Base of a stream that is not itself a socket (tls_stream).
struct no_socket {};

/// The name a stream type's error messages start with ("portsock::tcp_stream").
/// Each stream's header specialises it.
template <class Stream>
struct stream_type_name;

}  // namespace detail

/// The conveniences every portsock byte stream has, built on its own `send()` and
/// `receive()`: send everything, receive into a string, receive an exact count. They are
/// declared once here for tcp_stream, local_stream and tls_stream.
///
/// @tparam Stream the stream type (CRTP): it provides `send(const void*, std::size_t,
///         std::error_code&, timeout) noexcept` and `receive(void*, std::size_t,
///         std::error_code&, timeout) noexcept`, where a receive of 0 is end of stream.
/// @tparam Base the class Stream's other members come from.
///
/// Each call takes a `limit` that bounds the whole call, however many sends or receives
/// it takes. The errors are those of the stream's send() or receive(), plus the ones named.
/// @threadsafety As the stream's send() and receive(): one thread may send while another
/// receives.
template <class Stream, class Base>
class basic_stream : public Base {
public:
    /// @name Sending
    /// @{

    /// Sends every byte, retrying short sends.
    /// @param data the bytes. @param size how many.
    /// @param limit how long the whole send may take.
    /// @throws portsock::transfer_error (a std::system_error) on the first failure; its
    ///         bytes_transferred() is how many bytes were sent before it, and what() says
    ///         it: `"portsock::tcp_stream::send_all (1024 of 4096 bytes sent): Connection reset by peer"`.
    /// @errors As the stream's send().
    void send_all(const void* data, std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::size_t sent = send_all(data, size, ec, limit);
        if (ec) detail::throw_stream_transfer_error(ec, name(), "send_all", sent, size, limit);
    }

    /// Sends every byte; see send_all(const void*, std::size_t, timeout).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long the whole send may take.
    /// @return how many bytes were sent: `size` on success, fewer on error.
    std::size_t send_all(const void* data, std::size_t size, std::error_code& ec,
                         timeout limit = {}) noexcept {
        if (!open_or_not_open(ec)) return 0;
        return detail::send_all_with(this, &send_thunk, data, size, ec, limit);
    }

    /// Sends every byte of a string.
    /// @param text the bytes. @param limit how long the whole send may take.
    /// @throws portsock::transfer_error on the first failure, with the bytes sent before it.
    void send_all(std::string_view text, timeout limit = {}) { send_all(text.data(), text.size(), limit); }

    /// Sends every byte of a string; see send_all(const void*, std::size_t, timeout).
    /// @param text the bytes. @param ec set on failure. @param limit how long it may take.
    /// @return how many bytes were sent.
    std::size_t send_all(std::string_view text, std::error_code& ec, timeout limit = {}) noexcept {
        return send_all(text.data(), text.size(), ec, limit);
    }

    /// @}

    /// @name Receiving
    /// @{

    /// Receives up to `max_size` bytes into a string (it allocates; use the stream's
    /// buffer form of receive() on a hot path).
    /// @param max_size the most bytes to return. @param limit how long to wait.
    /// @return the bytes; **empty means end of stream** (for `max_size > 0`).
    /// @throws std::system_error as the stream's receive(), or with
    ///         std::errc::invalid_argument if `max_size` is more than a std::string can hold
    ///         (`std::string::max_size()`, e.g. `SIZE_MAX`), or std::errc::not_enough_memory if
    ///         the `max_size` bytes it reserves first cannot be allocated. Never
    ///         std::bad_alloc or std::length_error.
    std::string receive(std::size_t max_size, timeout limit = {}) {
        std::error_code ec;
        std::string text = receive(max_size, ec, limit);
        if (ec) detail::throw_stream_error(ec, name(), "receive", limit);
        return text;
    }

    /// Receives into a string; see receive(std::size_t, timeout) for the errors, which all
    /// come through `ec`: it never throws.
    /// @param max_size the most bytes. @param ec set on failure. @param limit how long to wait.
    /// @return the bytes; empty at end of stream or on error.
    std::string receive(std::size_t max_size, std::error_code& ec, timeout limit = {}) noexcept {
        if (!open_or_not_open(ec)) return std::string();
        return detail::receive_string_with(this, &receive_thunk, max_size, ec, limit);
    }

    /// Receives exactly `size` bytes, waiting for as many arrivals as it takes.
    /// @param data where to put them. @param size how many.
    /// @param limit how long the whole receive may take.
    /// @throws portsock::transfer_error (a std::system_error) with errc::end_of_stream if the
    ///         peer closes first, or the stream's error; its bytes_transferred() is how many
    ///         bytes arrived before.
    /// @errors errc::end_of_stream, std::errc::timed_out, and the errors of the stream's
    /// receive(). After an error the bytes that did arrive are consumed (the noexcept form
    /// says how many), so a message-based protocol is out of step: close the stream.
    void receive_exact(void* data, std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::size_t received = receive_exact(data, size, ec, limit);
        if (ec) detail::throw_stream_transfer_error(ec, name(), "receive_exact", received, size, limit);
    }

    /// Receives exactly `size` bytes; see receive_exact(void*, std::size_t, timeout).
    /// @param data where to put them. @param size how many. @param ec set on failure.
    /// @param limit how long it may take. @return how many bytes arrived: `size` on success.
    std::size_t receive_exact(void* data, std::size_t size, std::error_code& ec,
                              timeout limit = {}) noexcept {
        if (!open_or_not_open(ec)) return 0;
        return detail::receive_exact_with(this, &receive_thunk, data, size, ec, limit);
    }

    /// @}

protected:
    /// An empty stream.
    basic_stream() noexcept = default;
    /// Takes ownership of an open socket handle (for socket streams).
    /// @param handle the handle.
    explicit basic_stream(native_handle_type handle) noexcept : Base(handle) {}

    /// The name error messages start with. @return e.g. "portsock::tcp_stream".
    static const char* name() noexcept { return detail::stream_type_name<Stream>::value; }

private:
    // An empty stream is errc::not_open before any argument is looked at, as for the
    // stream's own calls (a send_all of 0 bytes too).
    bool open_or_not_open(std::error_code& ec) const noexcept {
        if (static_cast<const Stream*>(this)->is_open()) return true;
        ec = make_error_code(errc::not_open);
        return false;
    }
    static std::size_t send_thunk(void* self, const void* data, std::size_t size, std::error_code& ec,
                                  timeout limit) noexcept {
        return static_cast<Stream*>(static_cast<basic_stream*>(self))->send(data, size, ec, limit);
    }
    static std::size_t receive_thunk(void* self, void* data, std::size_t size, std::error_code& ec,
                                     timeout limit) noexcept {
        return static_cast<Stream*>(static_cast<basic_stream*>(self))->receive(data, size, ec, limit);
    }
};

/// A connected stream socket: the operations tcp_stream and local_stream share, declared
/// and documented once.
///
/// **End of stream** is not an error: receive() returns 0 (and the `std::string` form an
/// empty string) once the peer has closed or shut down its sending side. Only
/// receive_exact() treats it as an error (errc::end_of_stream), because it was promised
/// more bytes. Sending to a peer that has gone fails with std::errc::broken_pipe or
/// std::errc::connection_reset; it never raises SIGPIPE.
///
/// Every operation on an empty stream reports errc::not_open (equal to
/// std::errc::bad_file_descriptor). In non-blocking mode (set_non_blocking()) an operation
/// that cannot complete at once reports std::errc::operation_would_block instead of waiting.
///
/// @tparam Stream the stream type (CRTP). @tparam Base ip_socket or basic_socket.
/// @threadsafety See portsock::basic_socket: one thread may send while another receives,
/// and any thread may cancel() a call blocked in another.
/// @platformnote No SIGPIPE on any OS; Windows moves at most `INT_MAX` bytes per call (the
/// `_all` forms loop); `EINTR` is retried against the original limit. See
/// @ref platforms_streams "Platform notes: streams".
template <class Stream, class Base>
class stream_socket : public basic_stream<Stream, Base> {
    using conveniences = basic_stream<Stream, Base>;

public:
    using conveniences::receive;
    using conveniences::send_all;

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
    std::size_t send(const void* data, std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::size_t sent = send(data, size, ec, limit);
        if (ec) detail::throw_stream_error(ec, this->name(), "send", limit);
        return sent;
    }

    /// Sends some of the bytes; see send(const void*, std::size_t, timeout).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long to wait. @return how many bytes were sent (0 on error).
    std::size_t send(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        return detail::socket_send(*this, data, size, ec, limit);
    }

    /// Sends some of the bytes of several buffers, in order, as one write (a *gather
    /// write*): a header and a body without concatenating them first. Never allocates.
    /// @param buffers the buffers. @param count how many (this call sends from the first 64).
    /// @param limit how long to wait for buffer space.
    /// @return how many bytes were sent; the next byte is in whichever buffer that count reaches.
    /// @throws std::system_error as send(const void*, std::size_t, timeout), or
    ///         std::errc::invalid_argument for a null buffer with a size.
    /// @platformnote `sendmsg` on POSIX, `WSASend` on Windows (at most `INT_MAX` bytes per call).
    std::size_t send(const const_buffer* buffers, std::size_t count, timeout limit = {}) {
        std::error_code ec;
        const std::size_t sent = send(buffers, count, ec, limit);
        if (ec) detail::throw_stream_error(ec, this->name(), "send", limit);
        return sent;
    }

    /// Sends some bytes of several buffers; see send(const const_buffer*, std::size_t, timeout).
    /// @param buffers the buffers. @param count how many. @param ec set on failure.
    /// @param limit how long to wait. @return how many bytes were sent (0 on error).
    std::size_t send(const const_buffer* buffers, std::size_t count, std::error_code& ec,
                     timeout limit = {}) noexcept {
        return detail::socket_send_gather(*this, buffers, count, ec, limit);
    }

    /// Sends every byte of several buffers, in order, with as few writes as the OS allows:
    /// a short write that ends inside a buffer resumes there. Never allocates.
    /// @param buffers the buffers. @param count how many (any number).
    /// @param limit how long the whole send may take.
    /// @throws portsock::transfer_error (a std::system_error) on the first failure, with the
    ///         bytes sent before it (bytes_transferred(); what() says "(N of M bytes sent)").
    /// @errors As send(const const_buffer*, std::size_t, timeout).
    /// @snippet gather_file_test.cpp gather_write
    void send_all(const const_buffer* buffers, std::size_t count, timeout limit = {}) {
        std::error_code ec;
        const std::size_t sent = send_all(buffers, count, ec, limit);
        if (ec) {
            detail::throw_stream_transfer_error(ec, this->name(), "send_all", sent,
                                                detail::total_bytes(buffers, count), limit);
        }
    }

    /// Sends every byte of several buffers; see send_all(const const_buffer*, std::size_t, timeout).
    /// @param buffers the buffers. @param count how many. @param ec set on failure.
    /// @param limit how long the whole send may take.
    /// @return how many bytes were sent: all of them on success, fewer on error.
    std::size_t send_all(const const_buffer* buffers, std::size_t count, std::error_code& ec,
                         timeout limit = {}) noexcept {
        return detail::socket_send_all_gather(*this, buffers, count, ec, limit);
    }

    /// send_file()'s `count` for "up to the end of the file".
    static constexpr std::uint64_t to_end_of_file = ~std::uint64_t{0};

    /// Sends a file, or part of it, as Python's `socket.sendfile(file, offset, count)`.
    ///
    /// Sends the bytes from `offset` up to `offset + count` or the end of the file,
    /// whichever comes first. The file is opened read-only for the call (not inheritable).
    /// The end of the file is where a read returns nothing, not the size the file system
    /// reports: a /proc file whose size says 0 sends what it holds. A file that is not
    /// seekable (a FIFO, a pipe) is read in order from where it is, so `offset` must be 0.
    /// @tparam Path `std::filesystem::path` (its text goes to the OS as it is), or any type
    ///         with a `native()` string of `char` or `wchar_t`, read as a path of that text.
    /// @param path the file. @param offset the first byte to send (one at or past the end
    ///        sends nothing).
    /// @param count how many bytes at most; to_end_of_file for all the rest.
    /// @param limit how long the whole send may take (it waits for the socket; a read of
    ///        the file is not cut short).
    /// @return how many bytes were sent: fewer than `count` only if the file was shorter.
    /// @throws portsock::transfer_error (a std::system_error) on failure, with the bytes sent
    ///         before it; what() names the file, e.g. `(1048576 bytes sent)`.
    /// @errors std::errc::invalid_argument (a NUL in `path`), std::errc::no_such_file_or_directory,
    /// std::errc::permission_denied, std::errc::is_a_directory, std::errc::invalid_seek (an
    /// `offset` other than 0 on a file that is not seekable), another error opening or
    /// reading the file, then the errors of send(const void*, std::size_t, timeout). In
    /// non-blocking mode a call sends until the socket buffers are full, then fails with
    /// std::errc::operation_would_block, the bytes sent before it counted: call again from
    /// `offset` plus that count once the stream is writable.
    /// @platformnote `sendfile` on Linux, macOS and FreeBSD, `TransmitFile` on Windows (untimed
    /// and blocking only), else reads of 64 KiB sent in turn. portsock::send_file_method()
    /// says which; see @ref platforms_send_file "Platform notes: send_file".
    /// @snippet gather_file_test.cpp send_file
    template <class Path, detail::if_native_path<Path> = 0>
    std::uint64_t send_file(const Path& path, std::uint64_t offset = 0, std::uint64_t count = to_end_of_file,
                            timeout limit = {}) {
        return send_file_text(path.native(), offset, count, limit);
    }

    /// Sends a file named by text, or part of it; see send_file(const Path&, std::uint64_t,
    /// std::uint64_t, timeout).
    /// @param path the file's name, read as `std::filesystem::path(path)` reads it (a
    ///        `std::string` or a string literal converts to it).
    /// @param offset the first byte. @param count how many at most; to_end_of_file for all.
    /// @param limit how long the whole send may take.
    /// @return how many bytes were sent.
    /// @throws portsock::transfer_error (a std::system_error) on failure, as the other form.
    std::uint64_t send_file(std::string_view path, std::uint64_t offset = 0,
                            std::uint64_t count = to_end_of_file, timeout limit = {}) {
        return send_file_text(path, offset, count, limit);
    }

    /// Sends a file, or part of it; see send_file(const Path&, std::uint64_t, std::uint64_t,
    /// timeout).
    /// @tparam Path as there.
    /// @param path the file. @param offset the first byte. @param count how many at most.
    /// @param ec set on failure. @param limit how long the whole send may take.
    /// @return how many bytes were sent.
    template <class Path, detail::if_native_path<Path> = 0>
    std::uint64_t send_file(const Path& path, std::uint64_t offset, std::uint64_t count, std::error_code& ec,
                            timeout limit = {}) noexcept {
        return detail::socket_send_file(*this, path.native(), offset, count, ec, limit);
    }

    /// Sends a file named by text, or part of it; see send_file(std::string_view,
    /// std::uint64_t, std::uint64_t, timeout).
    /// @param path the file's name. @param offset the first byte. @param count how many at most.
    /// @param ec set on failure (a name the conversion to a path rejects is one).
    /// @param limit how long the whole send may take.
    /// @return how many bytes were sent.
    std::uint64_t send_file(std::string_view path, std::uint64_t offset, std::uint64_t count,
                            std::error_code& ec, timeout limit = {}) noexcept {
        return detail::socket_send_file(*this, path, offset, count, ec, limit);
    }

    /// @}

    /// @name Receiving
    /// @{

    /// Receives some bytes: waits until at least one arrives or the stream ends.
    /// @param data where to put them. @param size the room there.
    /// @param limit how long to wait.
    /// @return how many bytes arrived; **0 means end of stream** (for `size > 0`). A `size`
    ///         of 0 returns 0 at once, without waiting or looking at the stream.
    /// @throws std::system_error on failure, e.g. std::errc::connection_reset, std::errc::timed_out.
    /// @errors std::errc::connection_reset (the peer aborted, or closed with data unread),
    /// std::errc::timed_out (the stream stays usable), std::errc::operation_would_block
    /// (non-blocking mode), std::errc::operation_canceled (cancel() was called: the end of
    /// stream it causes is reported as this), errc::not_open, or another OS error.
    std::size_t receive(void* data, std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::size_t received = receive(data, size, ec, limit);
        if (ec) detail::throw_stream_error(ec, this->name(), "receive", limit);
        return received;
    }

    /// Receives some bytes; see receive(void*, std::size_t, timeout).
    /// @param data where to put them. @param size the room there. @param ec set on failure.
    /// @param limit how long to wait. @return how many bytes arrived; 0 at end of stream or on error.
    std::size_t receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        return detail::socket_receive(*this, data, size, ec, limit);
    }

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
    /// while another is blocked in receive(), which goes on waiting for the peer's reply.
    /// It is not a portable way to wake a blocked receive: use cancel() or a timeout.
    /// @platformnote Only shutdown_type::send behaves the same on every OS; see shutdown_type.
    void shutdown(shutdown_type what) {
        std::error_code ec;
        shutdown(what, ec);
        if (ec) detail::throw_stream_error(ec, this->name(), "shutdown", timeout{});
    }

    /// See shutdown(shutdown_type).
    /// @param what the direction(s). @param ec set on failure.
    void shutdown(shutdown_type what, std::error_code& ec) noexcept {
        detail::socket_shutdown(*this, what, ec);
    }

    /// @}

protected:
    /// An empty stream.
    stream_socket() noexcept = default;
    /// Takes ownership of an open, connected socket handle.
    /// @param handle the handle.
    explicit stream_socket(native_handle_type handle) noexcept : conveniences(handle) {}

private:
    // The throwing send_file() of every path type: the text is a string_view or a wstring_view.
    template <class Text>
    std::uint64_t send_file_text(const Text& path, std::uint64_t offset, std::uint64_t count, timeout limit) {
        std::error_code ec;
        const std::uint64_t sent = detail::socket_send_file(*this, path, offset, count, ec, limit);
        if (ec) detail::throw_send_file_error(ec, this->name(), path, sent, limit);
        return sent;
    }
};

}  // namespace portsock
