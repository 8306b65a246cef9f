// The platform contract: every function a port (posix/, win32/) must provide.
//
// This header is internal. It includes no OS header either, so sdk/ can use it; each
// port defines these functions once in its own .cpp files and CMake picks the port
// (platform/CMakeLists.txt). Every call is noexcept and reports failure through a
// std::error_code whose category is portsock::socket_category() (OS socket errors) or
// portsock::resolver_category().
//
// Where each section lives (common/ holds the code and headers every port shares):
//
// | section                     | POSIX (posix/)                              | Windows (win32/) |
// |-----------------------------|---------------------------------------------|-----------------------------------|
// | errors                      | posix_error.cpp                             | win_error.cpp | | lifetime |
// posix_socket.cpp                            | win_socket.cpp, win_library.cpp   | | connection set-up |
// posix_socket.cpp, common/connect_wait.cpp   | win_socket.cpp, win_cancel.cpp,   | | | |
// common/connect_wait.cpp           | | data                        | posix_socket.cpp | win_socket.cpp | |
// gather writes and files     | posix_socket.cpp, posix_file.cpp,           | win_socket.cpp, win_file.cpp, |
// |                             | posix_send_file_{linux,bsd,loop}.cpp        | win_send_file.cpp | | modes,
// options, readiness   | posix_options.cpp, posix_wait.cpp,          | win_socket.cpp, win_wait.cpp,     | |
// | posix_wait_any.cpp                          | win_wait_any.cpp                  | | datagram batches |
// posix_udp_batch_mmsg.cpp, or                | common/udp_*_batch_one_by_one.cpp | | |
// posix_udp_receive_batch_one_by_one.cpp +    |                                   | | |
// common/udp_send_batch_one_by_one.cpp        |                                   | | poller |
// posix_poller_epoll.cpp (or _none.cpp) and   | win_poller_afd.cpp and            | | |
// posix_poller_poll.cpp, chosen per poller by | win_poller.cpp (WSAPoll), the     | | |
// common/poller_dispatch.cpp                  | same way                          | | addresses |
// posix_address.cpp                           | win_address.cpp                   | | linger and multicast |
// posix_options.cpp                           | win_options.cpp                   | | capabilities |
// posix_capabilities.cpp                      | win_capabilities.cpp              | | local (Unix-domain)
// sockets | posix_local.cpp                             | win_local.cpp                     | | adopting
// handles            | posix_adopt.cpp                             | win_adopt.cpp                     |
#pragma once

#include <portsock/config.hpp>
#include <portsock/error.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace portsock::platform {

using handle = native_handle_type;
inline constexpr handle invalid_handle = invalid_native_handle;

enum class family : std::uint8_t { unspecified, ipv4, ipv6, local /* AF_UNIX */ };
enum class socket_type : std::uint8_t { stream, datagram };
enum class shutdown_how : std::uint8_t { receive, send, both };

/// An IP address and port in portable form (port in host byte order).
struct address {
    family fam = family::unspecified;
    std::uint16_t port = 0;
    std::uint32_t scope_id = 0;   ///< IPv6 only
    std::uint8_t bytes[16] = {};  ///< network byte order; IPv4 uses the first 4
};

/// Boolean and integer socket options, each meaning the same on every port.
enum class option : std::uint8_t {
    reuse_address,   ///< 1: rebind a port whose old connections linger, never share a live one
                     ///< (POSIX SO_REUSEADDR; Windows' default). 0: strict (Windows
                     ///< SO_EXCLUSIVEADDRUSE), a restart may wait for old connections.
    no_delay,        ///< TCP_NODELAY
    keep_alive,      ///< SO_KEEPALIVE
    broadcast,       ///< SO_BROADCAST
    v6_only,         ///< IPV6_V6ONLY
    receive_buffer,  ///< SO_RCVBUF
    send_buffer,     ///< SO_SNDBUF
    // The options below live in posix_options.cpp and win_options.cpp. Where an IPv4 and an IPv6 option
    // exist, the port picks one by the socket's family. Options the OS lacks report
    // std::errc::operation_not_supported; an IPv6-only option on an IPv4 socket reports
    // std::errc::invalid_argument.
    reuse_port,           ///< SO_REUSEPORT
    unicast_hops,         ///< IP_TTL or IPV6_UNICAST_HOPS
    traffic_class,        ///< IP_TOS or IPV6_TCLASS
    keep_alive_idle,      ///< seconds: TCP_KEEPIDLE (TCP_KEEPALIVE on macOS)
    keep_alive_interval,  ///< seconds: TCP_KEEPINTVL
    keep_alive_count,     ///< probes: TCP_KEEPCNT
    multicast_hops,       ///< IP_MULTICAST_TTL or IPV6_MULTICAST_HOPS
    multicast_loop,       ///< IP_MULTICAST_LOOP or IPV6_MULTICAST_LOOP
    share_address,        ///< SO_REUSEADDR itself, on every port (Windows too): datagram
                          ///< sockets that each set it may bind one address and port
    receive_destination,  ///< IP_PKTINFO (IP_RECVDSTADDR on the BSDs) or IPV6_RECVPKTINFO
};

/// Readiness interest and result bits for wait().
enum wait_events : unsigned { wait_none = 0, wait_readable = 1, wait_writable = 2 };

// --- errors -------------------------------------------------------------------------
// Each port defines portsock::socket_category() (public, see portsock/error.hpp) over its
// native codes; error_categories.cpp defines the portable categories.
/// The calling thread's last socket error as an error_code of socket_category().
std::error_code last_error() noexcept;
/// An error for a condition the library detects itself (a timeout, a truncated datagram),
/// as the port's native socket code where it has one, so it compares equal to `condition`
/// and its message is readable on every C runtime (mingw's strerror() does not know the
/// network errno values).
std::error_code make_error(std::errc condition) noexcept;

// --- lifetime -----------------------------------------------------------------------
// A port that needs a socket library started (Winsock) starts it inside open(), accept()
// and resolve(), reference-counted per open handle, and reports a failed start-up as
// their error. Users and sdk/ never call an init function.

/// The mode a new handle starts in, set by the call that creates it (open(), accept()).
/// Where the OS takes the mode in that call (`SOCK_NONBLOCK` in socket() and accept4() on
/// Linux and the BSDs) it costs no further system call; elsewhere the port sets it at once
/// afterwards (fcntl(), or ioctlsocket(FIONBIO) on Windows, which has no such flag).
enum class io_mode : unsigned char {
    blocking,      ///< calls wait (the OS default, and the blocking API's)
    non_blocking,  ///< calls that would wait report would-block (pollers, the async layer)
};

/// Opens a non-inheritable socket that never raises SIGPIPE, in `mode`. A POSIX local
/// datagram socket's blocking send to a full receiver returns would-block every 50 ms (a
/// send timeout), so that cancel() can end it: nothing else reaches it on Linux.
handle open(family fam, socket_type type, io_mode mode, std::error_code& ec) noexcept;
/// open() of a blocking socket.
inline handle open(family fam, socket_type type, std::error_code& ec) noexcept {
    return open(fam, type, io_mode::blocking, ec);
}
/// Closes the handle; the handle is invalid afterwards whatever the result.
void close(handle h, std::error_code& ec) noexcept;

// --- connection set-up --------------------------------------------------------------
void bind(handle h, const address& addr, std::error_code& ec) noexcept;
void listen(handle h, int backlog, std::error_code& ec) noexcept;
/// Accepts one connection; the new handle is non-inheritable, never raises SIGPIPE, and is
/// in `mode` whatever the listener's mode (the BSDs, macOS and Windows let an accepted
/// socket inherit the listener's non-blocking mode; Linux does not). One system call where
/// the OS has accept4(); otherwise accept() and then the mode and close-on-exec, each only
/// where it differs (POSIX can read the mode back; Winsock cannot, so the Windows port
/// always sets it).
handle accept(handle h, address* peer, io_mode mode, std::error_code& ec) noexcept;
/// accept() of a blocking handle.
inline handle accept(handle h, address* peer, std::error_code& ec) noexcept {
    return accept(h, peer, io_mode::blocking, ec);
}
/// Starts or completes a connect. On a non-blocking handle an unfinished connect reports
/// std::errc::operation_in_progress or operation_would_block; learn the outcome with
/// wait(wait_writable) and then pending_error().
void connect(handle h, const address& addr, std::error_code& ec) noexcept;
/// The socket's pending error (SO_ERROR), cleared by reading it.
std::error_code pending_error(handle h) noexcept;
/// Waits up to timeout_ms (negative: forever) for a non-blocking connect on h to finish.
/// Returns true once it has: `ec` is then its error, or clear if it connected. Returns false
/// with `ec` clear if it is still in progress at the deadline. Hides the ports' differences
/// in reporting a failed connect (connect_wait.cpp).
bool wait_connect(handle h, std::int64_t timeout_ms, std::error_code& ec) noexcept;
void shutdown(handle h, shutdown_how how, std::error_code& ec) noexcept;
/// Wakes every call blocked on h in other threads, for good, and leaves h open: shuts both
/// directions down (a socket that is not connected is not an error) and, on Windows,
/// cancels the I/O pending on h (CancelIoEx). Blocked and later send, receive and connect
/// calls, and waits, then return at once; so do accept() calls and waits on a listener if
/// cancel_wakes_accept() says so. Safe to call while other threads use h.
void cancel(handle h, std::error_code& ec) noexcept;
/// Forgets that h was cancelled, for a handle that leaves portsock without close() (release()):
/// its value may come back as another socket. close() does this itself.
void forget_cancel(handle h) noexcept;
/// True if cancel() also wakes an accept() or a wait() blocked on a listener (Linux). Where
/// false, sdk/ wakes each one with a connection to the listener.
bool cancel_wakes_accept() noexcept;
address local_address(handle h, std::error_code& ec) noexcept;
address peer_address(handle h, std::error_code& ec) noexcept;

// --- data ---------------------------------------------------------------------------
/// Sends up to size bytes; returns how many were sent. Retries EINTR. Never SIGPIPE.
std::size_t send(handle h, const void* data, std::size_t size, std::error_code& ec) noexcept;
/// Receives up to size bytes; 0 with no error means the peer closed the stream.
std::size_t receive(handle h, void* data, std::size_t size, std::error_code& ec) noexcept;
std::size_t send_to(handle h, const void* data, std::size_t size, const address& to,
                    std::error_code& ec) noexcept;
/// Receives one datagram and returns the bytes copied. A datagram larger than size is
/// cut to size and reported as std::errc::message_size on every port.
std::size_t receive_from(handle h, void* data, std::size_t size, address* from, std::error_code& ec) noexcept;
/// As receive_from(), and `to` gets the address the datagram was sent to (port 0) where
/// option::receive_destination is on and the OS reports it; family unspecified otherwise.
/// (Windows: WSARecvMsg, found at run time.)
std::size_t receive_from_to(handle h, void* data, std::size_t size, address* from, address& to,
                            std::error_code& ec) noexcept;

// --- gather writes and files --------------------------------------------------------

/// One piece of a gather write.
struct buffer {
    const void* data = nullptr;
    std::size_t size = 0;
};

/// The most buffers send_gather() takes in one call: its array lives on the stack, and
/// every OS portsock runs on accepts this many (IOV_MAX is 1024 on Linux, macOS and the BSDs).
inline constexpr std::size_t max_gather = 64;

/// Sends the buffers, in order, as one write (sendmsg, WSASend / WSASendTo); `count` is at
/// most max_gather. `to` is null for a connected socket, else the datagram's destination. A
/// stream may take fewer bytes than offered; a datagram is sent whole. Retries EINTR; never
/// SIGPIPE. Never allocates.
std::size_t send_gather(handle h, const buffer* buffers, std::size_t count, const address* to,
                        std::error_code& ec) noexcept;

/// An open file, read-only: a descriptor on POSIX, a HANDLE on Windows.
using file = std::intptr_t;
inline constexpr file invalid_file = -1;

/// Opens a file for reading (non-inheritable); `path` is the OS's native path string. A
/// directory is std::errc::is_a_directory on every port. A FIFO opens without waiting for a
/// writer, and is then read in blocking mode (its reads wait for the writer's bytes).
file open_file(const std::filesystem::path& path, std::error_code& ec) noexcept;
void close_file(file f) noexcept;
/// Whether f reads at any offset (read_file()): a regular file or a block device. A pipe,
/// FIFO, terminal or socket is read in order from where it is, with read_file_next().
bool file_is_seekable(file f) noexcept;
/// How many of `count` bytes from `offset` one call may ask for, where the OS takes file
/// positions up to `max_position` and at most `most` bytes a call: 0 if `offset` is at or
/// past `max_position`, which is past the end of any file there. Every port converts a
/// 64-bit offset or count to its own types through this, never by a bare cast.
constexpr std::uint64_t file_span(std::uint64_t offset, std::uint64_t count, std::uint64_t max_position,
                                  std::uint64_t most) noexcept {
    if (offset >= max_position) return 0;
    const std::uint64_t room = max_position - offset;
    const std::uint64_t wanted = count < room ? count : room;
    return wanted < most ? wanted : most;
}
/// Reads up to size bytes at offset without moving a file position (pread, or ReadFile
/// with an OVERLAPPED offset); 0 with no error at the end of the file, or at an offset past
/// the largest the OS takes. Retries EINTR.
std::size_t read_file(file f, std::uint64_t offset, void* data, std::size_t size,
                      std::error_code& ec) noexcept;
/// Reads up to size bytes from the file's position on (read, ReadFile): a file that is not
/// seekable. 0 with no error at the end of the file (a FIFO or pipe whose writers closed).
std::size_t read_file_next(file f, void* data, std::size_t size, std::error_code& ec) noexcept;
/// Sends up to `count` (> 0) bytes of a seekable file from `offset` with the OS's call for
/// it, once, like send(). Returns bytes sent; 0 with no error at the end of the file.
/// `may_block` is true only for an untimed call on a blocking socket: the port may then
/// block until all `count` bytes went (Windows' TransmitFile, which reports no partial
/// progress). Otherwise the handle may be non-blocking, and a call that would block returns
/// the bytes that went, or would-block.
/// Where the OS cannot send this file or this call so (no call for it; a file its call
/// refuses, such as /proc files or character devices: EINVAL, ENOSYS, EOPNOTSUPP, ESPIPE;
/// on Windows a call that may not block, or TransmitFile missing), it sends nothing and
/// returns 0 with std::errc::operation_not_supported: the SDK then reads and sends.
/// The ports: sendfile(2) (posix_send_file_linux.cpp), the BSD and macOS sendfile
/// (posix_send_file_bsd.cpp), TransmitFile (win_send_file.cpp), else none
/// (posix_send_file_loop.cpp).
std::size_t send_file(handle h, file f, std::uint64_t offset, std::uint64_t count, bool may_block,
                      std::error_code& ec) noexcept;
/// What send_file() uses: "sendfile", "TransmitFile" or "read-and-send".
const char* send_file_method() noexcept;

// --- modes, options and readiness ---------------------------------------------------
void set_non_blocking(handle h, bool on, std::error_code& ec) noexcept;
void set_option(handle h, option opt, int value, std::error_code& ec) noexcept;
int get_option(handle h, option opt, std::error_code& ec) noexcept;
/// Waits until h is ready for any of `events` or timeout_ms passes (negative: forever).
/// Returns the ready subset (wait_none on timeout). Hang-up and error count as ready for
/// both directions, so the next call reports what happened. Retries EINTR, and waits longer
/// than an OS wait can (INT_MAX ms), against the original deadline (poll_deadline.hpp).
unsigned wait(handle h, unsigned events, std::int64_t timeout_ms, std::error_code& ec) noexcept;

/// One handle of wait_any(): what to wait for and, on return, what it is ready for.
struct wait_entry {
    handle h = invalid_handle;
    unsigned events = wait_none;  ///< in: wait_readable | wait_writable
    unsigned ready = wait_none;   ///< out: the ready subset, by the rules of wait()
};
/// The most entries one wait_any() takes (it keeps its poll set on the stack).
inline constexpr std::size_t wait_any_capacity = 64;
/// wait() over several handles: waits until any is ready or timeout_ms passes (negative:
/// forever), sets every entry's `ready`, and returns how many are ready (0 on timeout).
/// More than wait_any_capacity entries is std::errc::invalid_argument; a handle that is
/// not a socket is std::errc::bad_file_descriptor. Retries EINTR against the original
/// deadline. Used by the RFC 8305 connect, which races a few attempts.
std::size_t wait_any(wait_entry* entries, std::size_t count, std::int64_t timeout_ms,
                     std::error_code& ec) noexcept;

// --- datagram batches ---------------------------------------------------------------
// One call for many datagrams: sendmmsg/recvmmsg where CMake found them
// (posix_udp_batch_mmsg.cpp, with UDP segmentation offload where the kernel has it), a loop
// of single calls elsewhere (posix_udp_receive_batch_one_by_one.cpp, udp_send_batch_one_by_one.cpp,
// udp_receive_batch_one_by_one.cpp). Neither allocates.

/// One datagram to send.
struct outgoing_datagram {
    const void* data = nullptr;
    std::size_t size = 0;
    address to;
};

/// Room for one datagram to receive, and what arrived there.
struct incoming_datagram {
    void* data = nullptr;
    std::size_t capacity = 0;  ///< in: the room at data
    std::size_t size = 0;      ///< out: bytes copied
    address from;              ///< out: the sender
    bool truncated = false;    ///< out: the datagram was longer than capacity and was cut
};

/// Sends the datagrams in order and returns how many went. Blocks (on a blocking handle)
/// as a run of send_to() calls would. An error after the first datagram ends the batch
/// early without being reported (the next call meets it); an error on the first is `ec`.
std::size_t send_batch(handle h, const outgoing_datagram* batch, std::size_t count,
                       std::error_code& ec) noexcept;
/// Receives up to count datagrams: waits (on a blocking handle) for the first only, then
/// takes those already queued. Returns how many arrived; errors as send_batch().
std::size_t receive_batch(handle h, incoming_datagram* batch, std::size_t count,
                          std::error_code& ec) noexcept;
/// True if send_batch() sends runs of equal-size datagrams to one destination as one
/// segmented message (Linux UDP_SEGMENT, posix_udp_batch_mmsg.cpp): built in, the kernel
/// has it, and no send has found it refused for good. False where send_batch() is a loop.
bool has_udp_segmentation_offload() noexcept;

// --- poller -------------------------------------------------------------------------
// Readiness of many handles at once. Each port compiles two backends and a poller picks one
// when it is created (common/poller_dispatch.cpp):
// - scalable: a wait costs the same however many idle handles are registered: epoll
//   (posix_poller_epoll.cpp), AFD and a completion port (win_poller_afd.cpp); none where the
//   OS has neither (posix_poller_none.cpp: macOS, the BSDs, the posix-generic build);
// - portable: the OS's poll(): poll() (posix_poller_poll.cpp) or WSAPoll (win_poller.cpp).
// Level-triggered everywhere. Not thread-safe, except poller_wake(), which any thread may
// call while another waits. Nothing allocates in poller_wait() or poller_wake().

/// Result bits of poller_wait(), beyond wait_readable and wait_writable.
enum poller_events : unsigned { poller_hang_up = 4, poller_error = 8 };

/// One ready handle: its token and what it is ready for (wait_* | poller_* bits).
struct poller_event {
    std::uint64_t token = 0;
    unsigned events = 0;
};

/// Which backend poller_create() makes.
enum class poller_choice : std::uint8_t {
    best,      ///< scalable where it works here (and the build does not force portable), else portable
    scalable,  ///< epoll or AFD; std::errc::operation_not_supported where the port has none
    portable,  ///< poll() or WSAPoll: always there
};

/// The backend's state: each backend's own state begins with it (poller_backend.hpp).
struct poller_state;

/// Creates a poller of the chosen backend with its wake-up channel (eventfd, pipe, loopback
/// socket or completion port).
poller_state* poller_create(poller_choice which, std::error_code& ec) noexcept;
/// Releases everything the poller owns; the handles registered in it stay open.
void poller_destroy(poller_state* p) noexcept;
/// Registers h with an interest (wait_readable | wait_writable, or none) and a token.
/// Error and hang-up are reported whatever the interest. Registering h twice is
/// std::errc::file_exists.
void poller_add(poller_state* p, handle h, unsigned interest, std::uint64_t token,
                std::error_code& ec) noexcept;
/// Changes the interest and token of a registered handle (std::errc::no_such_file_or_directory
/// if it is not registered).
void poller_modify(poller_state* p, handle h, unsigned interest, std::uint64_t token,
                   std::error_code& ec) noexcept;
/// Unregisters h (std::errc::no_such_file_or_directory if it is not registered).
void poller_remove(poller_state* p, handle h, std::error_code& ec) noexcept;
/// h is about to be closed: every poller of every backend forgets it, as epoll does by
/// itself, so no event ever arrives under its token and a new socket given the same handle
/// value can be added. Call it just before close(h) (basic_socket::close() does). Safe from
/// any thread, also while a poller waits. A handle closed without it is dropped at the next
/// wait that finds it closed (POLLNVAL, AFD's local close), unless its value was reused first.
void poller_forget(handle h) noexcept;
/// Waits until a registered handle is ready, poller_wake() is called, or timeout_ms passes
/// (negative: forever); fills up to capacity (at least 1: poller::wait() checks) events and
/// returns how many. A wake-up alone returns 0. Retries EINTR, and waits longer than an OS
/// wait can, against the original deadline (poll_deadline.hpp).
std::size_t poller_wait(poller_state* p, poller_event* events, std::size_t capacity, std::int64_t timeout_ms,
                        std::error_code& ec) noexcept;
/// Makes a current or the next poller_wait() return. Safe from any thread.
void poller_wake(poller_state* p, std::error_code& ec) noexcept;
/// The name of p's backend: "epoll", "poll", "AFD" or "WSAPoll".
const char* poller_backend(const poller_state* p) noexcept;
/// The name of the backend poller_choice::best makes here (probed once, then cached).
const char* poller_best_backend() noexcept;
/// True if poller_wait() reports a stream whose peer shut down its sending side (a FIN) as
/// poller_hang_up whatever the interest (epoll's EPOLLRDHUP, poll()'s POLLRDHUP, WSAPoll's
/// POLLHUP, AFD's DISCONNECT), on both of the port's backends; false where poll() cannot
/// tell a FIN apart (macOS, BSDs without POLLRDHUP).
bool poller_reports_peer_shutdown() noexcept;

// --- addresses ----------------------------------------------------------------------
/// Parses a numeric IPv4 or IPv6 address: no scope, no port, no brackets (inet_pton).
/// Returns false if text is not one. sdk/ splits off and reads a "%scope" itself.
bool parse_address(const char* text, address& out) noexcept;
/// The index of the network interface called `name` (if_nametoindex); 0 with `ec` clear if
/// there is none, 0 with `ec` set if the lookup itself failed (a full descriptor table).
std::uint32_t interface_index(const char* name, std::error_code& ec) noexcept;
/// Formats the address part only ("127.0.0.1", "fe80::1%3"); returns characters written.
std::size_t format_address(const address& addr, char* buffer, std::size_t size) noexcept;
/// getaddrinfo: every IPv4/IPv6 result for host and service (a port number or a service
/// name such as "http"), of one family or both. May throw std::bad_alloc.
void resolve(const std::string& host, const std::string& service, family fam, socket_type type,
             std::vector<address>& out, std::error_code& ec);

// --- linger and multicast (posix_options.cpp, win_options.cpp) -----------------------
/// SO_LINGER in portable form.
struct linger_setting {
    bool on = false;  ///< off: close() returns at once and the OS sends what is left
    int seconds = 0;  ///< with on: how long close() may wait; 0 resets the connection
};
void set_linger(handle h, const linger_setting& value, std::error_code& ec) noexcept;
linger_setting get_linger(handle h, std::error_code& ec) noexcept;

/// A network interface for multicast: by IPv4 address (fam ipv4), else by index
/// (0: the OS chooses by its routes).
struct interface_choice {
    address v4_address;
    std::uint32_t index = 0;
};

/// Joins or leaves `group` on an interface, for any source (`source` of family
/// unspecified) or one source (RFC 3678 source-specific membership). sdk/ has checked
/// that group and source are of the socket's family and that group is multicast.
void change_membership(handle h, bool join, const address& group, const address& source,
                       const interface_choice& where, std::error_code& ec) noexcept;
/// Chooses the interface outgoing multicast datagrams leave by.
void set_multicast_interface(handle h, const interface_choice& where, std::error_code& ec) noexcept;

// --- capabilities -------------------------------------------------------------------
/// True if an IPv6 socket can be bound to ::1 here.
bool has_ipv6_loopback() noexcept;
/// True if every handle this port creates (open(), accept(), the poller's wake-up channel)
/// is non-inheritable from the call that creates it, with no window in which a concurrent
/// fork()/exec() or CreateProcess() could inherit it.
bool has_atomic_close_on_exec() noexcept;
/// True if set_option()/get_option() of `opt` can work here: the build knows the option
/// and, where that depends on the OS version, a probe socket accepted it.
bool has_option(option opt) noexcept;
/// True if change_membership() can join one source of a group here.
bool has_source_specific_multicast() noexcept;
/// The name of this port ("posix" or "win32") and, on POSIX, which fallbacks are on.
const char* port_name() noexcept;

// --- local (Unix-domain) sockets ----------------------------------------------------
// open(family::local, ...) makes an AF_UNIX socket; these calls give it its addresses.
// posix_local.cpp and win_local.cpp (Winsock AF_UNIX, Windows 10 1803+, stream only).

/// The most bytes a local_name holds: the size of `sun_path` on Linux and Windows, the
/// largest of any port (macOS and the BSDs have 104).
inline constexpr std::size_t local_name_capacity = 108;

/// A Unix-domain socket address in portable form.
struct local_name {
    enum kind_type : std::uint8_t {
        unnamed,   ///< no name: an unbound or client socket
        path,      ///< a filesystem path (text has no NUL)
        abstract,  ///< a Linux abstract name (text may hold any bytes)
    };
    kind_type kind = unnamed;
    std::uint8_t size = 0;                ///< bytes of text, no terminator
    char text[local_name_capacity] = {};  ///< the path or abstract name
};

/// The longest path this OS takes, in bytes, the terminating NUL excluded
/// (sizeof `sun_path` - 1: 107 on Linux and Windows, 103 on macOS and the BSDs).
std::size_t local_path_max() noexcept;
/// The longest abstract name (bytes after the leading NUL), or 0 where the OS has none.
std::size_t local_abstract_max() noexcept;
/// True if the OS can open a local socket of this type (Winsock: Windows 10 1803 and later,
/// stream only; Wine 8 has none).
bool has_local_sockets(socket_type type) noexcept;

void bind(handle h, const local_name& name, std::error_code& ec) noexcept;
/// As connect(handle, const address&, ...). A Linux listener with a full queue makes a
/// non-blocking connect fail with operation_would_block: nothing is in progress then.
void connect(handle h, const local_name& name, std::error_code& ec) noexcept;
/// getsockname() of a local socket.
local_name local_name_of(handle h, std::error_code& ec) noexcept;
/// getpeername() of a local socket.
local_name peer_local_name_of(handle h, std::error_code& ec) noexcept;
std::size_t send_to(handle h, const void* data, std::size_t size, const local_name& to,
                    std::error_code& ec) noexcept;
/// As receive_from(handle, void*, std::size_t, address*, ...), for local datagrams (a
/// reference, so that a null pointer argument still picks the IP form).
std::size_t receive_from(handle h, void* data, std::size_t size, local_name& from,
                         std::error_code& ec) noexcept;

/// Who is at the other end of a connected local stream, as the OS recorded it at connect.
struct credentials {
    std::int64_t process_id = -1;  ///< -1 where the OS does not say (getpeereid)
    std::uint32_t user_id = 0;
    std::uint32_t group_id = 0;
};
/// SO_PEERCRED (Linux) or getpeereid() (macOS, the BSDs); operation_not_supported elsewhere.
credentials peer_credentials(handle h, std::error_code& ec) noexcept;
/// True if peer_credentials() is built in on this port.
bool has_peer_credentials() noexcept;

/// What is at a path-named local_name in the file system.
enum class file_kind : std::uint8_t { none, socket, other };
/// lstat() (or its Windows twin): none if nothing is there (no error), socket, or other.
file_kind local_file_kind(const local_name& name, std::error_code& ec) noexcept;
/// Removes the file at a path-named local_name (unlink()).
void remove_local_file(const local_name& name, std::error_code& ec) noexcept;

// --- adopting handles ---------------------------------------------------------------

/// Whether a socket is listening, where the OS can say (SO_ACCEPTCONN).
enum class listen_state : std::uint8_t { unknown, no, yes };

/// What kind of socket a handle is.
struct handle_kind {
    family fam = family::unspecified;  ///< unspecified: a family portsock does not wrap
    bool known_type = false;           ///< false: neither SOCK_STREAM nor SOCK_DGRAM
    socket_type type = socket_type::stream;
    listen_state listening = listen_state::unknown;
};

/// Asks the OS what h is: SO_TYPE, the family (getsockname(), or the protocol info on
/// Windows, where an unbound socket has no name) and SO_ACCEPTCONN. A handle that is not a
/// socket is std::errc::not_a_socket (or bad_file_descriptor); h is not changed.
handle_kind describe(handle h, std::error_code& ec) noexcept;
/// Takes an outside handle over as open() prepares its own: a Winsock reference (dropped by
/// close()), SO_NOSIGPIPE where that is the port's way, UDP reset reports as open() sets
/// them. Inheritance and blocking mode are left as they are.
void adopt(handle h, std::error_code& ec) noexcept;

}  // namespace portsock::platform
