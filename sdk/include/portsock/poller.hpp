/// @file
/// portsock::poller: waits for readiness on many sockets at once, so that one thread can
/// serve thousands of connections.
#pragma once

#include <portsock/export.hpp>
#include <portsock/socket.hpp>
#include <portsock/timeout.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <system_error>

/// @cond INTERNAL
namespace portsock::platform {
struct poller_state;  // defined by the platform's poller backend
}
/// @endcond

namespace portsock {

/// What a poller watches a socket for (its *interest*) and what it reports (its *events*).
///
/// Bit flags: combine with `|`, test with `&` or has(). Only readable and writable are
/// meaningful as interest; hang_up and error are reported whatever the interest, none
/// included.
///
/// **hang_up** means the peer shut down its sending side (an orderly close or
/// `shutdown(send)`: a TCP FIN, the end of a local stream) or the connection is gone (reset,
/// aborted, or shut down by this side, e.g. by basic_socket::cancel()). A reset usually
/// comes with error as well. Readiness is level-triggered, so a stream whose peer has shut
/// down is reported with hang_up on *every* wait() until you remove() or close it, even
/// while the peer still reads: a half-closed peer (one that sent its FIN and waits for your
/// answer) can still be sent to after hang_up. To stop the reports without closing, remove()
/// the socket.
///
/// @platformnote epoll (Linux) and poll() where `<poll.h>` has `POLLRDHUP` (Linux in the
/// posix-generic build) ask for `EPOLLRDHUP`/`POLLRDHUP` on every socket; Windows' poll
/// reports a FIN as `POLLHUP`. Where poll() has no `POLLRDHUP` (macOS, the BSDs without it;
/// poller::reports_peer_shutdown() is then false) a FIN alone is reported only as readable,
/// and only when readable is in the interest (macOS' poll() may add hang_up to it); hang_up
/// then means that the connection is gone (both directions closed, or reset), as POSIX's
/// `POLLHUP` does. A cancelled *listener* is reported as hang_up where cancel() shuts it
/// down (Linux with epoll, Windows); where cancel() leaves it listening (macOS, the BSDs,
/// the posix-generic build) nothing is reported for it: call poller::wake() after cancel().
enum class poll_events : unsigned {
    none = 0,      ///< Nothing: keep the socket registered but quiet (hang-up and error still report).
    readable = 1,  ///< Data or end of stream to receive, or a connection to accept.
    writable = 2,  ///< Room to send; a connect started with tcp_stream::start_connect() has finished.
    hang_up = 4,   ///< Reported only: the peer shut down its sending side, or the connection is gone. Any
                   ///< awaited direction is reported too.
    error = 8,     ///< Reported only: the socket has a pending error. Any awaited direction is reported too.
};

/// @param a,b event sets. @return their union.
constexpr poll_events operator|(poll_events a, poll_events b) noexcept {
    return static_cast<poll_events>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
/// @param a,b event sets. @return their intersection.
constexpr poll_events operator&(poll_events a, poll_events b) noexcept {
    return static_cast<poll_events>(static_cast<unsigned>(a) & static_cast<unsigned>(b));
}
/// @param a the set to add to. @param b the events to add. @return a.
constexpr poll_events& operator|=(poll_events& a, poll_events b) noexcept { return a = a | b; }
/// @param set an event set. @param wanted one or more events.
/// @return true if `set` holds any of `wanted`.
constexpr bool has(poll_events set, poll_events wanted) noexcept {
    return (set & wanted) != poll_events::none;
}

/// One ready socket, as poller::wait() reports it.
struct poll_event {
    std::uint64_t token = 0;                 ///< The token the socket was registered with.
    poll_events events = poll_events::none;  ///< What it is ready for.

    /// @return true if receive() or accept() will not block.
    constexpr bool readable() const noexcept { return has(events, poll_events::readable); }
    /// @return true if send() will not block, or a started connect has finished.
    constexpr bool writable() const noexcept { return has(events, poll_events::writable); }
    /// @return true if the peer shut down its sending side or the connection is gone (see
    ///         poll_events::hang_up; it stays reported while the socket is registered).
    constexpr bool hang_up() const noexcept { return has(events, poll_events::hang_up); }
    /// @return true if the socket has a pending error (the next operation reports it).
    constexpr bool error() const noexcept { return has(events, poll_events::error); }
};

/// Which mechanism a poller waits with; see poller::poller(poller_backend), and
/// @ref poller_backends for which one each OS has and when Windows falls back.
///
/// Every backend keeps the same contract (level-triggered, hang-up and error whatever the
/// interest, closed sockets forgotten); they differ in cost. A *scalable* backend keeps the
/// registrations in the kernel, so one wait() costs the same with 10 or 10,000 idle sockets
/// registered; a *portable* one hands the whole set to the OS's poll on every wait(), whose
/// cost grows with it.
///
/// @platformnote Under Wine (not Windows) AFD's wait and registration still grow with the
/// number of pending polls, more slowly than WSAPoll's; see @ref perf_poller_wait.
enum class poller_backend : std::uint8_t {
    /// The platform's best that works here: the scalable backend where there is one and it
    /// can be used (AFD needs a driver that a layered service provider may hide; the
    /// build option `PORTSOCK_FORCE_PORTABLE_POLLER` makes portable the default), else
    /// portable. What poller() uses; poller::backend() names it.
    automatic,
    /// epoll on Linux; the AFD driver under Winsock with an I/O completion port on Windows.
    /// Where there is none (macOS, the BSDs, the posix-generic build) creating one fails with
    /// std::errc::operation_not_supported.
    scalable,
    /// The OS's poll: `poll()` on POSIX, `WSAPoll()` on Windows. Always there.
    portable,
};

/// Waits for readiness on many sockets: the heart of a one-thread, many-client server.
///
/// Register sockets with add(), each with an interest and a token of your choosing (an
/// index, a key, or a pointer cast to `std::uint64_t`); wait() then fills your buffer with
/// the tokens of the sockets that are ready. Readiness is *level-triggered*: a socket is
/// reported on every wait() while it stays ready, so reading only part of the data
/// loses nothing. Use non-blocking sockets (basic_socket::set_non_blocking()) and read or
/// write until std::errc::operation_would_block, so one slow peer never stalls the loop.
///
/// The backend is the platform's best unless you choose one (poller_backend): epoll on
/// Linux, the AFD driver with a completion port on Windows (Winsock's poll where AFD cannot
/// be used), poll() on other POSIX systems and in the posix-generic build; see backend() and
/// backend_in_use(). The behaviour is the same.
///
/// A poller is move-only and owns OS resources (an epoll, pipe or driver handle, a
/// completion port, or a socket);
/// a moved-from poller is *empty*, and every operation on it reports portsock::errc::not_open.
///
/// **Closing a registered socket** takes it out of every poller, on every backend, as epoll
/// does by itself: no event arrives under its token afterwards (also in a wait() running
/// in another thread), and a new socket given the same handle value can be added. Only a
/// handle taken out with basic_socket::release() and closed elsewhere is found at the next
/// wait() instead: remove() a socket before releasing it.
///
/// **Sockets may be moved while registered.** Every backend keys the registration by the
/// OS handle, not by the C++ object, and a move hands the handle over unchanged: a socket
/// moved after add() (into a container that reallocates, into a connection object) stays
/// registered with its interest and token. Call modify() and remove() on the object that
/// now holds it; the moved-from object is empty and they report portsock::errc::not_open
/// for it. Only the *token* is yours: if it is the socket's address, a move makes it stale,
/// so prefer an index or a key. Move-*assigning* onto a registered socket closes its old
/// handle, so remove that one first, as for close().
///
/// @threadsafety add(), modify(), remove() and wait() must not run concurrently with each
/// other (use them from the thread that runs the loop); wake() may be called from any
/// thread at any time while the poller exists, and is how other threads get the loop's
/// attention.
class PORTSOCK_EXPORT poller {
public:
    /// @name Creating and moving
    /// @{

    /// Creates a poller on the platform's best backend (poller_backend::automatic).
    /// @throws std::system_error on failure, e.g. std::errc::too_many_files_open.
    poller();

    /// Creates a poller on a chosen backend. Most programs want poller(); choose one to
    /// compare backends, or to keep Winsock's poll where a layered service provider
    /// misbehaves under AFD.
    /// @param which the backend.
    /// @throws std::system_error with std::errc::operation_not_supported for
    ///         poller_backend::scalable where there is none, or as poller().
    explicit poller(poller_backend which);

    /// Creates a poller; see poller().
    /// @param ec set on failure.
    /// @return the poller, or an empty one on error.
    static poller create(std::error_code& ec) noexcept;

    /// Creates a poller on a chosen backend; see poller(poller_backend).
    /// @param which the backend. @param ec set on failure.
    /// @return the poller, or an empty one on error.
    static poller create(poller_backend which, std::error_code& ec) noexcept;

    /// Takes the state of `other`, leaving it empty.
    /// @param other the source.
    poller(poller&& other) noexcept;
    /// Releases this poller, then takes the state of `other`, leaving it empty.
    /// @param other the source. @return *this.
    poller& operator=(poller&& other) noexcept;
    poller(const poller&) = delete;
    poller& operator=(const poller&) = delete;
    /// Releases the poller. Registered sockets stay open and are no longer watched.
    ~poller();

    /// @return true unless the poller is empty (moved from).
    bool is_open() const noexcept { return state_ != nullptr; }

    /// @}

    /// @name Registering sockets
    /// @{

    /// Starts watching a socket.
    /// @param socket an open socket of any type; it must outlive its registration.
    /// @param interest poll_events::readable, poll_events::writable, both, or none.
    /// @param token what wait() reports for this socket.
    /// @throws std::system_error with errc::not_open (empty poller or socket),
    ///         std::errc::file_exists if the socket is already registered, or the OS error.
    void add(const basic_socket& socket, poll_events interest, std::uint64_t token);

    /// Starts watching a socket; see add(const basic_socket&, poll_events, std::uint64_t).
    /// @param socket the socket. @param interest what to watch for.
    /// @param token what wait() reports. @param ec set on failure.
    void add(const basic_socket& socket, poll_events interest, std::uint64_t token,
             std::error_code& ec) noexcept;

    /// Changes what a registered socket is watched for, and its token. Typical use: add
    /// poll_events::writable only while there is unsent data.
    /// @param socket a registered socket. @param interest the new interest.
    /// @param token the new token.
    /// @throws std::system_error with errc::not_open, or std::errc::no_such_file_or_directory
    ///         if the socket is not registered.
    void modify(const basic_socket& socket, poll_events interest, std::uint64_t token);

    /// See modify(const basic_socket&, poll_events, std::uint64_t).
    /// @param socket the socket. @param interest the new interest.
    /// @param token the new token. @param ec set on failure.
    void modify(const basic_socket& socket, poll_events interest, std::uint64_t token,
                std::error_code& ec) noexcept;

    /// Stops watching a socket. Closing the socket does this too (see the class notes).
    /// Events already returned by wait() for it stay in your buffer: skip them if you act
    /// on them later.
    /// @param socket a registered socket.
    /// @throws std::system_error with errc::not_open, or std::errc::no_such_file_or_directory
    ///         if the socket is not registered.
    void remove(const basic_socket& socket);

    /// See remove(const basic_socket&).
    /// @param socket the socket. @param ec set on failure.
    void remove(const basic_socket& socket, std::error_code& ec) noexcept;

    /// @}

    /// @name Waiting
    /// @{

    /// Waits until at least one socket is ready, wake() is called, or the timeout passes,
    /// and fills `events` with the ready sockets. Never allocates.
    ///
    /// If more sockets are ready than `capacity`, the rest are reported by the next call.
    /// A timeout is not an error here: it returns 0, as a wake-up does.
    /// @param events the caller's buffer. @param capacity its size, at least 1.
    /// @param limit how long to wait (default: forever; zero: just look).
    /// @return how many events were stored; 0 on timeout or wake-up.
    /// @throws std::system_error with errc::not_open, errc::invalid_argument for a zero
    ///         capacity, or the OS error.
    std::size_t wait(poll_event* events, std::size_t capacity, timeout limit = {});

    /// See wait(poll_event*, std::size_t, timeout).
    /// @param events the buffer. @param capacity its size. @param ec set on failure.
    /// @param limit how long to wait. @return how many events were stored (0 on error).
    std::size_t wait(poll_event* events, std::size_t capacity, std::error_code& ec,
                     timeout limit = {}) noexcept;

    /// Waits into a std::array; see wait(poll_event*, std::size_t, timeout).
    /// @param events the buffer. @param limit how long to wait.
    /// @return how many events were stored. @throws std::system_error on failure.
    template <std::size_t N>
    std::size_t wait(std::array<poll_event, N>& events, timeout limit = {}) {
        return wait(events.data(), N, limit);
    }

    /// Waits into a std::array; see wait(poll_event*, std::size_t, std::error_code&, timeout).
    /// @param events the buffer. @param ec set on failure. @param limit how long to wait.
    /// @return how many events were stored.
    template <std::size_t N>
    std::size_t wait(std::array<poll_event, N>& events, std::error_code& ec, timeout limit = {}) noexcept {
        return wait(events.data(), N, ec, limit);
    }

    /// Makes a wait() in progress (or, if none is, the next one) return at once. Several
    /// wake-ups before a wait() count as one.
    ///
    /// @threadsafety Callable from any thread while the poller exists.
    /// @throws std::system_error with errc::not_open, or the OS error.
    void wake();

    /// See wake(). @param ec set on failure.
    void wake(std::error_code& ec) noexcept;

    /// @}

    /// @name Backend
    /// @{

    /// @return the backend poller() uses here (poller_backend::automatic): `"epoll"`,
    ///         `"poll"`, or on Windows `"AFD"` or the name of Winsock's poll function. On
    ///         Windows the first call opens and closes the AFD driver once to find out.
    /// @threadsafety Callable from any thread.
    static const char* backend() noexcept;

    /// @return the backend this poller waits with (a name as backend() gives), or `""` for
    ///         an empty poller.
    /// @threadsafety Callable from any thread while no other thread moves or destroys the poller.
    const char* backend_in_use() const noexcept;

    /// Tells whether wait() reports a peer's orderly close or `shutdown(send)` (a TCP FIN)
    /// as poll_events::hang_up whatever the interest, none included.
    /// The answer holds for both backends of the platform.
    /// @return true with epoll (Linux), Windows' two backends, and poll() where `<poll.h>` has
    ///         `POLLRDHUP`; false where poll() cannot tell a FIN apart (macOS, BSDs without
    ///         `POLLRDHUP`): see poll_events for what is reported there.
    /// @threadsafety Callable from any thread.
    static bool reports_peer_shutdown() noexcept;

    /// @}

private:
    explicit poller(platform::poller_state* state) noexcept : state_(state) {}

    platform::poller_state* state_ = nullptr;
};

}  // namespace portsock
