/// @file
/// portsock::basic_socket: what every socket type shares (handle ownership, close, local endpoint).
#pragma once

#include <portsock/address.hpp>
#include <portsock/config.hpp>
#include <portsock/export.hpp>

#include <system_error>

namespace portsock {

/// How to shut down a stream.
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
/// Thread-safety: distinct sockets may be used from distinct threads freely. One socket
/// may have one thread sending while another receives; any other concurrent use of one
/// socket, and close() concurrent with anything, must be synchronised by the caller.
class PORTSOCK_EXPORT basic_socket {
public:
    basic_socket(const basic_socket&) = delete;
    basic_socket& operator=(const basic_socket&) = delete;

    /// @return the OS handle, or invalid_native_handle if empty. Still owned by this object.
    native_handle_type native_handle() const noexcept { return handle_; }

    /// @return true unless the socket is empty.
    bool is_open() const noexcept { return handle_ != invalid_native_handle; }

    /// Closes the socket; afterwards it is empty. Closing an empty socket does nothing.
    /// @throws std::system_error if the OS reports an error (the handle is released anyway).
    void close();

    /// Closes the socket; see close().
    /// @param ec set if the OS reports an error (the handle is released anyway).
    void close(std::error_code& ec) noexcept;

    /// Gives up ownership of the handle without closing it; afterwards the socket is empty.
    /// @return the handle, which the caller must close.
    [[nodiscard]] native_handle_type release() noexcept;

    /// The address and port the socket is bound to (the OS picks them on connect, or
    /// when binding port 0).
    /// @return the local endpoint.
    /// @throws std::system_error with errc::not_open, or the OS error.
    endpoint local_endpoint() const;

    /// See local_endpoint().
    /// @param ec set to errc::not_open or the OS error. @return the endpoint, or `0.0.0.0:0`.
    endpoint local_endpoint(std::error_code& ec) const noexcept;

    /// Switches non-blocking mode. In non-blocking mode an operation that cannot complete at
    /// once fails with std::errc::operation_would_block (on every OS) and timeouts are
    /// ignored. New sockets are blocking.
    /// @param on true for non-blocking.
    /// @throws std::system_error with errc::not_open, or the OS error.
    void set_non_blocking(bool on);

    /// See set_non_blocking(bool).
    /// @param on true for non-blocking. @param ec set to errc::not_open or the OS error.
    void set_non_blocking(bool on, std::error_code& ec) noexcept;

    /// @return true if set_non_blocking(true) is in force.
    bool is_non_blocking() const noexcept { return non_blocking_; }

protected:
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

private:
    native_handle_type handle_ = invalid_native_handle;
    bool non_blocking_ = false;
};

}  // namespace portsock
