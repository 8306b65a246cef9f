/// @file
/// Local (Unix-domain, `AF_UNIX`) sockets: portsock::local_address, portsock::local_stream,
/// portsock::local_listener and portsock::local_datagram.
///
/// Synopsis (each fallible call also has a `noexcept` form taking `std::error_code&`):
/// @code
/// local_listener server{"/run/app.sock"};          // a path, or local_address::abstract(name)
/// auto [client, peer] = server.accept(limit);
/// auto s = local_stream::connect("/run/app.sock", limit);
/// s.send_all("text"); s.receive(1024); ...         // the stream operations: stream.hpp
/// s.peer_credentials();                           // who connected (POSIX)
/// local_datagram d{"/run/app.dgram"}; d.send_to(data, size, path); d.receive_from(...);
/// @endcode
#pragma once

#include <portsock/export.hpp>
#include <portsock/socket.hpp>
#include <portsock/stream.hpp>
#include <portsock/timeout.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <system_error>

namespace portsock {

/// The address of a local (Unix-domain) socket: a filesystem path, a Linux abstract name,
/// or nothing (*unnamed*: a client socket, or one not bound yet).
///
/// The counterpart of portsock::endpoint for local sockets, as asio's
/// `local::stream_protocol::endpoint` is; Python passes the path as a string. A path is
/// bytes, passed to the OS as they are (no encoding is applied).
///
/// Construct from a path: `portsock::local_address{"/run/app.sock"}`, which throws on a bad
/// path, or with from_path(text, ec). Linux abstract names, which live outside the file
/// system and vanish with their last socket, come from abstract().
///
/// **Limits.** The OS keeps the path in the fixed `sun_path` array of `sockaddr_un`, with its
/// terminating NUL: a path may be at most max_path_length() bytes, **107 on Linux and
/// Windows, 103 on macOS and the BSDs**. A longer path is std::errc::filename_too_long (and
/// the thrown message names the limit); use a shorter, e.g. relative, path. A path that is
/// empty or contains a NUL byte is errc::invalid_argument.
///
/// @threadsafety A plain value: no allocation, no OS handle.
/// @platformnote Abstract names exist on Linux only (has_abstract_local_names()); elsewhere
/// abstract() reports std::errc::operation_not_supported.
class PORTSOCK_EXPORT local_address {
public:
    /// The most bytes any OS allows in a path or name (Linux's and Windows' 108-byte
    /// `sun_path`); the running OS's limit is max_path_length().
    static constexpr std::size_t capacity = 108;

    /// An unnamed address.
    local_address() noexcept = default;

    /// A filesystem path.
    /// @param path the path, relative or absolute. @throws std::system_error with
    /// std::errc::filename_too_long (longer than max_path_length(); the message names the
    /// limit) or errc::invalid_argument (empty, or contains a NUL byte).
    local_address(std::string_view path);  // NOLINT(google-explicit-constructor): a path is an address
    /// A filesystem path; see local_address(std::string_view).
    /// @param path the path, NUL-terminated; a null pointer is an empty path (errc::invalid_argument).
    local_address(const char* path)
        : local_address(path ? std::string_view(path) : std::string_view()) {}  // NOLINT
    /// A filesystem path; see local_address(std::string_view).
    /// @param path the path.
    local_address(const std::string& path) : local_address(std::string_view(path)) {}  // NOLINT

    /// A filesystem path, without throwing; see local_address(std::string_view).
    /// @param path the path. @param ec set to std::errc::filename_too_long or
    /// errc::invalid_argument. @return the address, or an unnamed one on error.
    static local_address from_path(std::string_view path, std::error_code& ec) noexcept;

    /// A Linux abstract name: any bytes (NULs included), without the leading NUL byte the
    /// kernel uses to mark it. `ss -x` and this class's text form show it as `@name`.
    /// @param name the name, 1 to max_abstract_length() bytes.
    /// @return the address.
    /// @throws std::system_error with std::errc::operation_not_supported (not Linux),
    /// std::errc::filename_too_long or errc::invalid_argument (empty).
    static local_address abstract(std::string_view name);
    /// A Linux abstract name; see abstract(std::string_view).
    /// @param name the name. @param ec set on error. @return the address, or an unnamed one.
    static local_address abstract(std::string_view name, std::error_code& ec) noexcept;

    /// The longest path this OS takes, in bytes, without the terminating NUL.
    /// @return 107 on Linux and Windows, 103 on macOS and the BSDs.
    static std::size_t max_path_length() noexcept;
    /// The longest abstract name, in bytes.
    /// @return 107 on Linux; 0 where there are no abstract names.
    static std::size_t max_abstract_length() noexcept;

    /// Tells whether the address has no name. @return true if unnamed.
    bool is_unnamed() const noexcept { return kind_ == kind::unnamed; }
    /// Tells whether the address is a filesystem path. @return true for a path.
    bool is_path() const noexcept { return kind_ == kind::path; }
    /// Tells whether the address is a Linux abstract name. @return true for an abstract name.
    bool is_abstract() const noexcept { return kind_ == kind::abstract; }

    /// The path or abstract name, as bytes (no leading NUL for an abstract name).
    /// @return a view into this object; empty if unnamed.
    std::string_view name() const noexcept { return {bytes_, size_}; }

    /// The address as text: the path, `@name` for an abstract name (each NUL shown as `@`,
    /// as `ss` does), or `(unnamed)`.
    /// @return the text. @throws std::bad_alloc.
    std::string to_string() const;

    /// Compares kind and bytes. @param a one. @param b other. @return true if equal.
    friend bool operator==(const local_address& a, const local_address& b) noexcept {
        return a.kind_ == b.kind_ && a.name() == b.name();
    }
    /// Compares kind and bytes. @param a one. @param b other. @return true if different.
    friend bool operator!=(const local_address& a, const local_address& b) noexcept { return !(a == b); }

private:
    enum class kind : std::uint8_t { unnamed, path, abstract };
    friend struct local_address_access;
    kind kind_ = kind::unnamed;
    std::uint8_t size_ = 0;
    char bytes_[capacity] = {};
};

/// Writes local_address::to_string().
/// @param out the stream. @param address the address. @return out.
PORTSOCK_EXPORT std::ostream& operator<<(std::ostream& out, const local_address& address);

/// What the error-code forms take where they need a local_address: an address, or a path
/// to make one from, converted **without throwing**. So `local_stream::connect(path, ec)`
/// reports a bad path through `ec` (std::errc::filename_too_long, errc::invalid_argument,
/// as local_address::from_path() does) rather than throwing from the conversion to
/// local_address, which runs before the call. It refers to its argument: use it as a
/// parameter only.
/// @threadsafety A plain value.
class PORTSOCK_EXPORT local_address_view {
public:
    /// @param address the address (referred to, not copied).
    local_address_view(const local_address& address) noexcept
        : address_(&address) {}  // NOLINT(google-explicit-constructor)
    /// @param path a filesystem path, checked when the call uses it.
    local_address_view(std::string_view path) noexcept
        : path_(path) {}  // NOLINT(google-explicit-constructor)
    /// @param path a filesystem path, NUL-terminated; a null pointer is an empty path.
    local_address_view(const char* path) noexcept
        : path_(path ? std::string_view(path) : std::string_view()) {}  // NOLINT
    /// @param path a filesystem path.
    local_address_view(const std::string& path) noexcept
        : path_(path) {}  // NOLINT(google-explicit-constructor)

    /// The address, or the one the path makes (see local_address::from_path()).
    /// @param ec set as local_address::from_path() sets it; cleared for an address.
    /// @return the address, or an unnamed one on error.
    local_address get(std::error_code& ec) const noexcept;

private:
    const local_address* address_ = nullptr;
    std::string_view path_;
};

/// Who is at the other end of a local stream, as the OS recorded it when the connection was
/// made (not when asked): see local_stream::peer_credentials().
/// @threadsafety A plain value.
struct process_credentials {
    std::int64_t process_id = -1;  ///< The peer's process id; -1 where the OS does not say (macOS, the BSDs).
    std::uint32_t user_id = 0;     ///< The peer's effective user id.
    std::uint32_t group_id = 0;    ///< The peer's effective group id.
};

/// A connected local stream socket: a reliable, ordered byte stream between processes of
/// one host, named by a path rather than a port.
///
/// Sending and receiving are portsock::stream_socket's, shared with tcp_stream: the same
/// timeouts, the same two error forms, the same end-of-stream rule (receive() returns 0),
/// never SIGPIPE, gather writes and send_file(). This class adds connecting by path,
/// the addresses and the peer's credentials.
///
/// @snippet local_welcome_client/main.cpp connect
///
/// @threadsafety See portsock::basic_socket: one thread may send while another receives.
/// @platformnote Linux, macOS and the BSDs. Windows 10 version 1803 and later (Winsock
/// `AF_UNIX`, `afunix.h`); has_local_stream_sockets() tells at run time (Wine 8 has none).
/// Connecting to a path with no listener is std::errc::connection_refused if a socket file
/// is there, std::errc::no_such_file_or_directory if nothing is.
/// @see @ref local_sockets "Local sockets guide", @ref platforms "Platform notes"
class PORTSOCK_EXPORT local_stream : public stream_socket<local_stream, basic_socket> {
public:
    /// An empty stream; see portsock::basic_socket.
    local_stream() noexcept = default;

    /// Connects to a listening local socket.
    /// @param remote its path or abstract name. @param limit how long to wait.
    /// @return the connected stream.
    /// @throws std::system_error with std::errc::connection_refused (a socket file, nobody
    /// listening), std::errc::no_such_file_or_directory (no file), std::errc::permission_denied,
    /// std::errc::timed_out (the listener's queue stayed full), errc::invalid_argument
    /// (unnamed address), std::errc::address_family_not_supported (no local sockets here:
    /// see has_local_stream_sockets()), or another OS error.
    static local_stream connect(const local_address& remote, timeout limit = {});
    /// Connects; see connect(const local_address&, timeout).
    /// @param remote where. @param ec set on failure. @param limit how long to wait.
    /// @return the stream, or an empty one on error.
    static local_stream connect(local_address_view remote, std::error_code& ec, timeout limit = {}) noexcept;

    /// Takes ownership of an OS handle that is a connected (or connecting) local stream
    /// socket: the inverse of release(). See tcp_stream::adopt() for the checks and errors.
    /// @param handle the handle. @return the stream.
    /// @throws std::system_error if the handle is not a local stream socket; the handle is
    /// then left open and still the caller's.
    static local_stream adopt(native_handle_type handle);
    /// See adopt(native_handle_type).
    /// @param handle the handle. @param ec set if refused (the handle stays the caller's).
    /// @return the stream, or an empty one on error.
    static local_stream adopt(native_handle_type handle, std::error_code& ec) noexcept;

    /// This socket's own address: unnamed for a client, which connects without a name.
    /// @return the address. @throws std::system_error with errc::not_open or the OS error.
    local_address local_endpoint() const;
    /// See local_endpoint(). @param ec set on failure. @return the address, or an unnamed one.
    local_address local_endpoint(std::error_code& ec) const noexcept;
    /// The peer's address: the listener's path for a client; usually unnamed for a stream
    /// a listener accepted.
    /// @return the address. @throws std::system_error, e.g. std::errc::not_connected.
    local_address remote_endpoint() const;
    /// See remote_endpoint(). @param ec set on failure. @return the address, or an unnamed one.
    local_address remote_endpoint(std::error_code& ec) const noexcept;

    /// The peer process's credentials as the OS recorded them at connect time, which a
    /// server can trust for access control (the peer cannot forge them).
    /// @return the credentials.
    /// @throws std::system_error with std::errc::operation_not_supported where the OS has no
    /// such call (Windows; has_local_peer_credentials() says), errc::not_open, or the OS error.
    /// @platformnote `SO_PEERCRED` on Linux (process, user and group id); `getpeereid()` on
    /// macOS and the BSDs (user and group id; process_id is -1).
    process_credentials peer_credentials() const;
    /// See peer_credentials(). @param ec set on failure. @return the credentials, or defaults.
    process_credentials peer_credentials(std::error_code& ec) const noexcept;

private:
    friend class local_listener;
    explicit local_stream(native_handle_type handle) noexcept : stream_socket(handle) {}
};

namespace detail {
template <>
struct stream_type_name<local_stream> {
    static constexpr const char* value = "portsock::local_stream";
};
}  // namespace detail

/// Options for local_listener.
///
/// An aggregate: `{/*backlog=*/5}`, or field by field.
/// @threadsafety A plain value.
struct local_listen_options {
    /// How many connections may wait to be accepted (the OS may round or cap it).
    int backlog = 128;
    /// Replace a socket file left behind by a server that exited without removing it (a
    /// crash, a kill): if a **socket** file is at the path and connecting to it is refused
    /// (nobody listens), the file is removed before binding. A file that is not a socket, or
    /// a socket someone listens on, is never removed: binding then fails with
    /// std::errc::address_in_use. Off by default, so nothing is ever deleted unasked.
    ///
    /// Two servers starting at the same moment can both see the file stale; run one server
    /// per path, as with ports.
    bool replace_stale_socket = false;
};

/// A client that local_listener::accept() returned: the stream and its address.
///
/// Supports structured bindings: `auto [client, peer] = listener.accept();`
/// @threadsafety A plain value; the stream follows portsock::basic_socket's rules.
struct accepted_local_connection {
    local_stream stream;  ///< The connection.
    local_address peer;   ///< The client's address: usually unnamed (clients rarely bind).
};

/// A listening local stream socket, bound to a path or abstract name.
///
/// Binding creates a socket file at a path; the OS does not remove it when the listener
/// closes. Remove it yourself when the server exits, or start the next server with
/// local_listen_options::replace_stale_socket. Abstract names leave no file.
///
/// @snippet local_welcome_server/main.cpp listen
///
/// @threadsafety See portsock::basic_socket. Two threads must not call accept() on one
/// listener at the same time.
/// @platformnote As local_stream. Access to a path-named socket follows the file's
/// permissions on POSIX (connecting needs write permission).
class PORTSOCK_EXPORT local_listener : public basic_socket {
public:
    /// An empty listener; see portsock::basic_socket.
    local_listener() noexcept = default;

    /// Binds to `local` and listens.
    /// @param local the path or abstract name. @param options backlog and stale-file handling.
    /// @throws std::system_error with std::errc::address_in_use (a file is at the path, or
    /// the abstract name is taken), std::errc::permission_denied,
    /// std::errc::no_such_file_or_directory (the directory does not exist),
    /// errc::invalid_argument (unnamed address or negative backlog),
    /// std::errc::address_family_not_supported (no local sockets here), or another OS error.
    explicit local_listener(const local_address& local, const local_listen_options& options = {});

    /// Binds and listens: the static twin of local_listener(const local_address&, const
    /// local_listen_options&).
    /// @param local the address. @param options the settings. @return the listener.
    /// @throws std::system_error as that constructor.
    static local_listener listen(const local_address& local, const local_listen_options& options = {}) {
        return local_listener(local, options);
    }

    /// Binds and listens; see local_listener(const local_address&, const local_listen_options&).
    /// @param local the address. @param ec set on failure. @param options the settings.
    /// @return the listener, or an empty one on error.
    static local_listener listen(local_address_view local, std::error_code& ec,
                                 const local_listen_options& options = {}) noexcept;

    /// Takes ownership of an OS handle that is a listening local stream socket (as systemd
    /// socket activation passes one); see tcp_stream::adopt() for the checks and errors.
    /// @param handle the handle. @return the listener.
    /// @throws std::system_error if refused; the handle stays open and the caller's.
    static local_listener adopt(native_handle_type handle);
    /// See adopt(native_handle_type).
    /// @param handle the handle. @param ec set if refused. @return the listener, or an empty one.
    static local_listener adopt(native_handle_type handle, std::error_code& ec) noexcept;

    /// Waits for a client and accepts it; see tcp_listener::accept(timeout).
    /// @param limit how long to wait. @return the connection and the client's address.
    /// @throws std::system_error, e.g. std::errc::timed_out.
    accepted_local_connection accept(timeout limit = {});
    /// See accept(timeout). @param ec set on failure. @param limit how long to wait.
    /// @return the connection, with an empty stream on error.
    accepted_local_connection accept(std::error_code& ec, timeout limit = {}) noexcept;

    /// Waits for a client and accepts it as a non-blocking stream; see
    /// tcp_listener::accept_non_blocking(timeout).
    /// @param limit how long to wait. @return the connection (non-blocking) and the client's address.
    /// @throws std::system_error as accept(timeout) does.
    accepted_local_connection accept_non_blocking(timeout limit = {});
    /// See accept_non_blocking(timeout). @param ec set on failure. @param limit how long to wait.
    /// @return the connection, with an empty stream on error.
    accepted_local_connection accept_non_blocking(std::error_code& ec, timeout limit = {}) noexcept;

    /// The address the listener is bound to.
    /// @return the path or abstract name. @throws std::system_error on failure.
    local_address local_endpoint() const;
    /// See local_endpoint(). @param ec set on failure. @return the address, or an unnamed one.
    local_address local_endpoint(std::error_code& ec) const noexcept;

private:
    explicit local_listener(native_handle_type handle) noexcept : basic_socket(handle) {}
    accepted_local_connection accept_in(bool non_blocking, std::error_code& ec, timeout limit) noexcept;
};

/// What local_datagram::receive_from() returns: the size and the sender.
/// @threadsafety A plain value.
struct local_datagram_info {
    std::size_t size = 0;  ///< Bytes copied into the caller's buffer.
    local_address sender;  ///< Who sent it: unnamed if the sender was not bound.
};

/// A local datagram socket (`SOCK_DGRAM`): reliable, ordered, message-preserving datagrams
/// between processes of one host.
///
/// The counterpart of portsock::udp_socket. Unlike UDP, a local datagram is never dropped
/// on the way: a sender whose peer's queue is full waits (or times out). To get replies, a
/// client must bind an address of its own.
///
/// @threadsafety See portsock::basic_socket.
/// @platformnote POSIX only: Windows has no `AF_UNIX` datagrams, so every call there reports
/// std::errc::address_family_not_supported (has_local_datagram_sockets() is false).
class PORTSOCK_EXPORT local_datagram : public basic_socket {
public:
    /// An empty socket; see portsock::basic_socket.
    local_datagram() noexcept = default;

    /// Opens a socket bound to `local`.
    /// @param local the path or abstract name.
    /// @throws std::system_error as local_listener(const local_address&, const local_listen_options&).
    explicit local_datagram(const local_address& local);
    /// Opens and binds, as udp_socket::bind() does; see local_datagram(const local_address&).
    /// @param local the address. @return the socket. @throws std::system_error on failure.
    static local_datagram bind(const local_address& local);
    /// Opens and binds; see local_datagram(const local_address&).
    /// @param local the address. @param ec set on failure. @return the socket, or an empty one.
    static local_datagram bind(local_address_view local, std::error_code& ec) noexcept;
    /// Opens an unbound socket, which can send but not be replied to.
    /// @return the socket. @throws std::system_error on failure.
    static local_datagram open();
    /// See open(). @param ec set on failure. @return the socket, or an empty one.
    static local_datagram open(std::error_code& ec) noexcept;

    /// Takes ownership of an OS handle that is a local datagram socket; see
    /// tcp_stream::adopt() for the checks and errors.
    /// @param handle the handle. @return the socket.
    /// @throws std::system_error if refused; the handle stays open and the caller's.
    static local_datagram adopt(native_handle_type handle);
    /// See adopt(native_handle_type). @param handle the handle. @param ec set if refused.
    /// @return the socket, or an empty one.
    static local_datagram adopt(native_handle_type handle, std::error_code& ec) noexcept;

    /// Sets the default destination, for send() and receive(): only datagrams from there
    /// are received afterwards.
    /// @param remote the peer. @throws std::system_error, e.g. std::errc::connection_refused
    /// (nobody bound there) or std::errc::no_such_file_or_directory.
    void connect(const local_address& remote);
    /// See connect(const local_address&). @param remote the peer. @param ec set on failure.
    void connect(local_address_view remote, std::error_code& ec) noexcept;

    /// Sends one datagram to `destination`.
    /// @param data the bytes. @param size how many. @param destination where.
    /// @param limit how long to wait while the receiver's queue is full.
    /// @return `size`. @throws std::system_error with std::errc::connection_refused (nobody
    /// bound there), std::errc::no_such_file_or_directory, std::errc::message_size (larger
    /// than the socket's send buffer), std::errc::timed_out, or another OS error.
    std::size_t send_to(const void* data, std::size_t size, const local_address& destination,
                        timeout limit = {});
    /// See send_to(const void*, std::size_t, const local_address&, timeout).
    /// @param data the bytes. @param size how many. @param destination where.
    /// @param ec set on failure. @param limit how long to wait. @return the size sent, or 0.
    std::size_t send_to(const void* data, std::size_t size, local_address_view destination,
                        std::error_code& ec, timeout limit = {}) noexcept;

    /// Sends one datagram to the connected peer.
    /// @param data the bytes. @param size how many. @param limit how long to wait.
    /// @return `size`. @throws std::system_error with std::errc::not_connected, or as send_to().
    std::size_t send(const void* data, std::size_t size, timeout limit = {});
    /// See send(const void*, std::size_t, timeout). @param data the bytes. @param size how many.
    /// @param ec set on failure. @param limit how long to wait. @return the size sent, or 0.
    std::size_t send(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Receives one datagram and its sender.
    /// @param data where. @param size the room. @param limit how long to wait.
    /// @return its size and sender. @throws std::system_error with std::errc::message_size if
    /// it did not fit (the first `size` bytes were copied, the rest is lost),
    /// std::errc::timed_out, or the OS error.
    local_datagram_info receive_from(void* data, std::size_t size, timeout limit = {});
    /// See receive_from(void*, std::size_t, timeout). @param data where. @param size the room.
    /// @param ec set on failure. @param limit how long to wait.
    /// @return size and sender; on std::errc::message_size, the bytes copied and the sender.
    local_datagram_info receive_from(void* data, std::size_t size, std::error_code& ec,
                                     timeout limit = {}) noexcept;

    /// Receives one datagram, ignoring who sent it.
    /// @param data where. @param size the room. @param limit how long to wait.
    /// @return its size. @throws std::system_error as receive_from().
    std::size_t receive(void* data, std::size_t size, timeout limit = {});
    /// See receive(void*, std::size_t, timeout). @param data where. @param size the room.
    /// @param ec set on failure. @param limit how long to wait. @return the bytes copied.
    std::size_t receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// The address the socket is bound to (unnamed if it is not).
    /// @return the address. @throws std::system_error on failure.
    local_address local_endpoint() const;
    /// See local_endpoint(). @param ec set on failure. @return the address, or an unnamed one.
    local_address local_endpoint(std::error_code& ec) const noexcept;

private:
    explicit local_datagram(native_handle_type handle) noexcept : basic_socket(handle) {}
};

}  // namespace portsock
