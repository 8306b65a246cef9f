/// @file
/// portsock::async::serve(): the accept loop of a server, owned by the library (Python's
/// `asyncio.start_server()` and `serve_forever()`, trio's `serve_listeners()`).
#pragma once

#include <portsock/async/stream.hpp>
#include <portsock/async/task.hpp>
#include <portsock/async/task_group.hpp>
#include <portsock/error.hpp>

#include <stop_token>
#include <system_error>
#include <type_traits>
#include <utility>

namespace portsock::async {

/// @cond INTERNAL
namespace detail {

// Errors of accept() that concern the one connection being accepted, not the listener: a
// client that reset or gave up while it was queued, or a network error pending on its new
// socket. The next client may well be accepted, so serve() goes on.
inline bool is_per_connection_accept_error(const std::error_code& ec) noexcept {
    return ec == std::errc::connection_aborted || ec == std::errc::connection_reset ||
           ec == std::errc::network_down || ec == std::errc::network_unreachable ||
           ec == std::errc::host_unreachable || ec == std::errc::protocol_error ||
           ec == std::errc::operation_not_permitted || ec == std::errc::timed_out;
}

// Calls the handler with the stream, and the peer if it takes one.
template <class Handler, class Accepted>
task<void> start_client(Handler& handler, Accepted& accepted) {
    if constexpr (std::is_invocable_v<Handler&, decltype(std::move(accepted.stream)),
                                      decltype(std::move(accepted.peer))>)
        return handler(std::move(accepted.stream), std::move(accepted.peer));
    else
        return handler(std::move(accepted.stream));
}

// Accepts until the listener is closed; each client becomes a child of `clients`.
template <class Listener, class Handler>
task<void> accept_until_closed(basic_listener<Listener>& listener, Handler& handler, task_group& clients) {
    while (listener.socket().is_open()) {
        std::error_code ec;
        auto accepted = co_await listener.accept(ec);
        if (!listener.socket().is_open()) co_return;  // closed while we waited: the end, not an error
        if (is_per_connection_accept_error(ec)) continue;
        if (ec) throw std::system_error(ec, "portsock::async::serve: accept");
        clients.spawn(start_client(handler, accepted));
    }
}

}  // namespace detail
/// @endcond

/// Serves every client of `listener`: accepts them one after the other and runs
/// `handler(stream)` (or `handler(stream, peer)`) for each as a child task, so that any
/// number of clients are served at once on the loop's thread. Python's
/// `asyncio.start_server()` and `serve_forever()`, as a task:
///
/// @snippet async_guide.cpp welcome
///
/// **The handler** is called with the accepted portsock::async::tcp_stream (or local_stream)
/// by value, and with the peer's address too if it takes two arguments; it returns the
/// client's `task<>`. It is kept in serve()'s frame until serve() ends, after every client,
/// so a lambda's captures stay valid for the clients it started. Prefer a plain lambda that
/// calls a named coroutine (`[&](async::tcp_stream c) { return echo(std::move(c), context); }`)
/// to a coroutine lambda (see @ref async_compilers).
///
/// **Accept errors.** An error that concerns one connection (a client that reset or gave up
/// while queued, std::errc::connection_aborted or std::errc::connection_reset, or a network
/// error pending on its socket) skips that client. Out of descriptors, accept() waits as it
/// always does (is_resource_exhaustion(): it retries when a socket of the loop closes, or
/// after 100 ms), so the clients being served are not dropped. Any other error of the
/// listener ends serve() with that std::system_error, once the clients have been cancelled
/// and have ended.
///
/// **Ending.**
/// - listener.close() (from a client's task, or any task on the loop) ends the accepting;
///   serve() returns once the clients still connected have ended (asyncio's
///   `Server.close()`, then `wait_closed()`).
/// - Cancelling the task that awaits serve() (a task_group, when_any(), run()'s stop
///   token) cancels the accept and every client, waits until they have ended, then ends
///   serve() with std::system_error std::errc::operation_canceled, as any operation.
/// - A client's task that ends with an exception cancels the others and the accepting, and
///   serve() rethrows it once they have ended: nothing is swallowed (trio's
///   `serve_listeners()` does the same). A server whose clients' errors must end those
///   clients only uses the `error_code` forms in the handler, or catches there.
///
/// @param listener the listener, bound to the loop this task runs on; it must outlive the
///        returned task. serve() does not close it.
/// @param handler what serves one client, invocable as `task<> (stream_type)` or
///        `task<> (stream_type, peer)`.
/// @return the task that serves until the listener is closed.
/// @throws std::system_error (when awaited) as said above; errc::not_open at once if the
///         listener is not open when serve() starts (moved from, or closed); whatever a
///         client's task throws.
/// @tparam Listener portsock::tcp_listener or portsock::local_listener.
/// @tparam Handler the handler's type (copied into the task's frame).
/// @threadsafety The loop's thread only, as the listener.
/// @platformnote Some systems report a client that reset while it was queued from accept()
/// (std::errc::connection_aborted or connection_reset), others hand it over and its first
/// receive fails: either way serve() goes on. See @ref platforms.
template <class Listener, class Handler>
task<void> serve(basic_listener<Listener>& listener, Handler handler) {
    using accepted = typename basic_listener<Listener>::accepted_type;
    using stream = decltype(std::declval<accepted&>().stream);
    using peer = decltype(std::declval<accepted&>().peer);
    static_assert(std::is_invocable_r_v<task<void>, Handler&, stream, peer> ||
                      std::is_invocable_r_v<task<void>, Handler&, stream>,
                  "portsock::async::serve: the handler must be callable as task<> (stream) or "
                  "task<> (stream, peer)");
    // An empty listener (moved from, closed, never opened) has nothing to serve: that is the
    // caller's mistake, said as such, not a server that returns at once as if it had ended.
    if (!listener.socket().is_open())
        throw std::system_error(make_error_code(errc::not_open), "portsock::async::serve: the listener");
    task_group clients;
    clients.spawn(detail::accept_until_closed(listener, handler, clients));
    co_await clients.join();
    const std::stop_token cancelled = co_await async::get_stop_token{};
    if (cancelled.stop_requested())  // the clients ended because this task was cancelled
        throw std::system_error(std::make_error_code(std::errc::operation_canceled),
                                "portsock::async::serve");
}

}  // namespace portsock::async
