/// @file
/// portsock::basic_socket: what every socket type shares (handle ownership, close, local endpoint).
#pragma once

#include <portsock/address.hpp>
#include <portsock/config.hpp>
#include <portsock/export.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <system_error>

namespace portsock {

namespace detail {
struct socket_access;
}  // namespace detail

/// How to shut down a stream; see tcp_stream::shutdown().
///
/// @platformnote `SHUT_RD` / `SHUT_WR` / `SHUT_RDWR` on POSIX, `SD_RECEIVE` / `SD_SEND` /
/// `SD_BOTH` on Windows. shutdown_type::send behaves the same everywhere. After
/// shutdown_type::receive the OSes differ: a later receive reports end of stream on POSIX
/// but fails on Windows (Winsock's shutdown code (10058)), and Windows resets the connection if more data
/// arrives; portable code uses shutdown_type::send and lets the peer close.
enum class shutdown_type : std::uint8_t {
    receive,  ///< No more receiving.
    send,     ///< No more sending: the peer reads end of stream.
    both,     ///< Neither.
};

/// The base of every socket type: owns one OS handle and closes it on destruction.
///
/// Sockets are move-only. A default-constructed, moved-from or closed socket is *empty*:
/// destroying it is safe, and every operation on it reports portsock::errc::not_open
/// (equal to std::errc::bad_file_descriptor) instead of touching the OS.
///
/// The noexcept form of every operation clears its `std::error_code&` on success and sets it
/// on failure; the other form throws std::system_error with the same code, and a what()
/// that names the operation.
///
/// **Timeouts leave no trace.** A blocking socket's OS handle is blocking whenever no timed
/// call runs on it, so native_handle() and release() hand over the mode is_non_blocking()
/// reports. A timed call switches the handle to non-blocking for its duration; concurrent
/// timed calls on one socket share that switch (the first turns it on, the last off).
/// A call without a timeout never switches anything: it is one system call, as with raw
/// sockets.
///
/// **Cancelling.** cancel() makes every call blocked on the socket in other threads
/// (accept, connect, send, receive, with or without a timeout) return promptly with
/// std::errc::operation_canceled, and every later call fail the same way until close().
///
/// @threadsafety Distinct sockets may be used from distinct threads freely. One socket
/// may have one thread sending while another receives (each with or without a timeout),
/// and cancel() may run concurrently with any operation but close(). Any other concurrent
/// use of one socket, and close() concurrent with anything, must be synchronised by the
/// caller: to stop a thread blocked on a socket, cancel() it, join the thread, then close().
/// @platformnote
/// Every handle portsock opens or accepts is non-inheritable (`SOCK_CLOEXEC` or
/// `FD_CLOEXEC` on POSIX, the no-inherit creation flag on Windows), so child processes do
/// not keep connections open. On Windows, Winsock is started and cleaned up automatically
/// (reference-counted); a failed start-up is reported by the call that opened the socket.
class PORTSOCK_EXPORT basic_socket {
public:
    /// @name Handle and state
    /// @{

    /// Not copyable: a socket owns its OS handle. Move it instead.
    basic_socket(const basic_socket&) = delete;
    /// Not copyable: a socket owns its OS handle. Move it instead.
    /// @return nothing; deleted.
    basic_socket& operator=(const basic_socket&) = delete;

    /// The OS handle, for socket options and calls that portsock does not wrap.
    /// @return the OS handle, or invalid_native_handle if empty. Still owned by this object:
    ///         do not close it (use release() to take it over).
    /// @platformnote A file descriptor (`int`) on POSIX, a `SOCKET` on Windows; see
    /// native_handle_type.
    native_handle_type native_handle() const noexcept { return handle_; }

    /// Tells whether the socket holds a handle.
    /// @return true unless the socket is empty.
    bool is_open() const noexcept { return handle_ != invalid_native_handle; }

    /// @}

    /// @name Closing
    /// @{

    /// Closes the socket; afterwards it is empty. Closing an empty socket does nothing.
    ///
    /// The destructor closes too, ignoring errors; call close() to see them. Either takes
    /// the socket out of every portsock::poller it is registered in.
    /// @throws std::system_error if the OS reports an error (the handle is released anyway).
    /// @threadsafety Must not run concurrently with any other operation on this socket.
    /// @platformnote `closesocket()` on Windows, `close()` on POSIX. A `close()` interrupted
    /// by a signal (`EINTR`) is not retried, since the descriptor is already released on
    /// Linux and macOS, and counts as success.
    void close();

    /// Closes the socket; see close().
    /// @param ec set if the OS reports an error (the handle is released anyway).
    void close(std::error_code& ec) noexcept;

    /// Gives up ownership of the handle without closing it; afterwards the socket is empty.
    /// Remove it from any portsock::poller first: a poller learns of a close by other code
    /// only at its next wait().
    /// @return the handle, which the caller must close (`close()` on POSIX, `closesocket()`
    ///         on Windows), or invalid_native_handle if the socket was empty.
    [[nodiscard]] native_handle_type release() noexcept;

    /// @}

    /// @name Mode and cancelling
    /// @{

    /// Switches non-blocking mode. In non-blocking mode an operation that cannot complete at
    /// once fails with std::errc::operation_would_block (on every OS) and timeouts are
    /// ignored. New sockets are blocking. The OS handle is in this mode whenever no timed
    /// call runs on the socket (see the class notes).
    /// @param on true for non-blocking.
    /// @throws std::system_error with errc::not_open, or the OS error.
    /// @platformnote `fcntl(O_NONBLOCK)` on POSIX, `ioctlsocket(FIONBIO)` on Windows, which
    /// cannot read the mode back; so portsock remembers it (is_non_blocking()). A would-block
    /// result is `EAGAIN`/`EWOULDBLOCK` on POSIX and Winsock's would-block code (10035) on Windows; all
    /// compare equal to std::errc::operation_would_block.
    void set_non_blocking(bool on);

    /// Switches non-blocking mode; see set_non_blocking(bool).
    /// @param on true for non-blocking. @param ec set to errc::not_open or the OS error.
    void set_non_blocking(bool on, std::error_code& ec) noexcept;

    /// Tells whether the socket is in non-blocking mode.
    /// @return true if set_non_blocking(true) is in force.
    bool is_non_blocking() const noexcept { return non_blocking_; }

    /// Makes every call blocked on this socket in other threads return, and every later
    /// call fail, with std::errc::operation_canceled, until close().
    ///
    /// The one operation that may run concurrently with any other on the same socket
    /// (except close()): a way to stop a thread blocked in accept(), receive(), send(), or
    /// a connect (tcp_stream::finish_connect()), with or without a timeout, on every OS. The
    /// handle stays open, so its value cannot be reused by a new socket under a blocked thread;
    /// after cancel(), join the threads that use the socket, then close() or destroy it.
    /// Cancelling twice, or an empty socket, does nothing. Bytes that a call had already
    /// moved are reported by that call as usual; the connection itself is shut down in
    /// both directions (the peer reads end of stream), so cancel() ends a connection for
    /// good. A poller that watches the socket reports it ready (hang-up or readable; on
    /// macOS and the BSDs a listener only while an accept() is in flight on it), and the
    /// next call on it reports std::errc::operation_canceled.
    ///
    /// Costs nothing until used: a call without a timeout reads one atomic flag before
    /// and after its system call, and makes no extra system call.
    /// @throws std::system_error if the OS fails to shut the socket down.
    /// @threadsafety Safe to call from any thread, concurrently with any operation on this
    /// socket but close(), destruction, move and release().
    /// @platformnote A `shutdown(SHUT_RDWR)` (`SD_BOTH` on Windows) wakes blocked stream
    /// calls and waits. On Windows, `CancelIoEx()` on the socket also cancels the blocking
    /// call in progress (Winsock runs blocking calls as overlapped I/O internally). A blocked
    /// accept() is woken by the shutdown on Linux; on macOS, the BSDs and Windows, where it
    /// is not, cancel() makes one loopback connection to the listener per blocked accept()
    /// (the accepted connection is closed at once and never returned).
    void cancel();

    /// Cancels blocked and later calls; see cancel().
    /// @param ec set if the OS fails to shut the socket down.
    void cancel(std::error_code& ec) noexcept;

    /// @}

    /// Asks for a send buffer of `bytes` (`SO_SNDBUF`): how much the OS holds that the
    /// peer has not yet acknowledged (TCP) or that waits to go out (UDP).
    /// @param bytes 1 to `INT_MAX`. @throws std::system_error with errc::invalid_argument
    ///        if out of range, errc::not_open, or the OS error.
    /// @platformnote The OS may adjust the size, so read it back with send_buffer_size().
    /// Linux doubles the value set (the extra half is its bookkeeping) and caps it at
    /// twice `net.core.wmem_max`, with a minimum of about 4.5 KiB; macOS, the BSDs and
    /// Windows report the value set (macOS caps it at `kern.ipc.maxsockbuf`). On Linux,
    /// setting it turns off the kernel's automatic tuning of that buffer.
    void set_send_buffer_size(std::size_t bytes);
    /// See set_send_buffer_size(std::size_t).
    /// @param bytes 1 to `INT_MAX`. @param ec set on failure.
    void set_send_buffer_size(std::size_t bytes, std::error_code& ec) noexcept;
    /// Reads `SO_SNDBUF`: the size the OS uses (see set_send_buffer_size() for how it
    /// relates to the value set).
    /// @return the size in bytes. @throws std::system_error on failure.
    std::size_t send_buffer_size() const;
    /// See send_buffer_size().
    /// @param ec set on failure. @return the size in bytes, or 0 on error.
    std::size_t send_buffer_size(std::error_code& ec) const noexcept;

    /// Asks for a receive buffer of `bytes` (`SO_RCVBUF`): how much the OS holds for this
    /// socket before the application reads it. For TCP it bounds the window offered to
    /// the peer; set it on a listener before clients connect, as accepted streams inherit
    /// it and the window scale is agreed during the handshake.
    /// @param bytes 1 to `INT_MAX`. @throws std::system_error with errc::invalid_argument
    ///        if out of range, errc::not_open, or the OS error.
    /// @platformnote As for set_send_buffer_size(std::size_t): Linux reports twice the
    /// value set, capped by `net.core.rmem_max`; other OSes report the value set.
    void set_receive_buffer_size(std::size_t bytes);
    /// See set_receive_buffer_size(std::size_t).
    /// @param bytes 1 to `INT_MAX`. @param ec set on failure.
    void set_receive_buffer_size(std::size_t bytes, std::error_code& ec) noexcept;
    /// Reads `SO_RCVBUF`: the size the OS uses.
    /// @return the size in bytes. @throws std::system_error on failure.
    std::size_t receive_buffer_size() const;
    /// See receive_buffer_size().
    /// @param ec set on failure. @return the size in bytes, or 0 on error.
    std::size_t receive_buffer_size(std::error_code& ec) const noexcept;

protected:
    /// @name For derived classes
    /// @{

    /// An empty socket.
    basic_socket() noexcept = default;
    /// Takes ownership of an open handle.
    /// @param handle the handle.
    explicit basic_socket(native_handle_type handle) noexcept : handle_(handle) {}
    /// Takes the handle of `other`, leaving it empty.
    /// @param other the source.
    basic_socket(basic_socket&& other) noexcept;
    /// Closes this socket, then takes the handle of `other`, leaving it empty.
    /// @param other the source. @return *this.
    basic_socket& operator=(basic_socket&& other) noexcept;
    /// Closes the handle, ignoring errors.
    ~basic_socket();

    /// @}

private:
    friend struct detail::socket_access;

    // Widest first, so that the two flags share the last word (16 bytes where a handle is an int).
    native_handle_type handle_ = invalid_native_handle;
    std::uint32_t timed_calls_ = 0;            // guarded by the handle's lock (sdk/src/socket.cpp)
    std::atomic<std::uint32_t> accepting_{0};  // accept() calls in flight, for cancel()
    bool non_blocking_ = false;
    std::atomic<bool> cancelled_{false};  // set by cancel(), cleared by close()
};

}  // namespace portsock
