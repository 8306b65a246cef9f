/// @file
/// Awaitable streams and listeners: portsock::async::tcp_stream, tcp_listener,
/// local_stream and local_listener, over portsock's non-blocking sockets.
#pragma once

#include <portsock/async/event_loop.hpp>
#include <portsock/async/task.hpp>
#include <portsock/async_export.hpp>
#include <portsock/buffer.hpp>
#include <portsock/error.hpp>
#include <portsock/local.hpp>
#include <portsock/resolve.hpp>
#include <portsock/tcp.hpp>
#include <portsock/timeout.hpp>  // std::chrono durations and clocks

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace portsock::async {

/// @cond INTERNAL
namespace detail {

inline bool would_block(const std::error_code& ec) noexcept { return ec == std::errc::operation_would_block; }

/// An operation built from one non-blocking step, retried until it no longer would block.
template <class Result, class Step>
class step_op final : public io_op {
public:
    step_op(socket_watch& watch, poll_events direction, timeout limit, std::error_code* out, const char* what,
            Step step) noexcept
        : io_op(watch.loop(), watch.get(), direction, limit, out), step_(std::move(step)), what_(what) {}
    step_op(step_op&&) = delete;
    // Awaited again, the operation starts afresh: the count of what the last await moved
    // (send_all(), receive_exact(), send_file()) is not taken for this one's progress.
    template <class P>
    bool await_suspend(std::coroutine_handle<P> h) noexcept {
        if constexpr (std::is_arithmetic_v<Result>) result_ = Result{};
        return io_op::await_suspend(h);
    }
    Result await_resume() {
        report(what_);
        return std::move(result_);
    }

private:
    outcome attempt() noexcept override {
        std::error_code ec = error();
        const outcome next = step_(result_, ec);
        set_error(ec);
        return next;
    }

    Step step_;
    Result result_{};
    const char* what_;
};

template <class Result, class Step>
step_op<Result, Step> make_op(socket_watch& watch, poll_events direction, timeout limit, std::error_code* out,
                              const char* what, Step step) noexcept {
    return {watch, direction, limit, out, what, std::move(step)};
}

/// The outcome of one non-blocking call: done (with `ec` kept as the error) or would block.
inline io_op::outcome settle(const std::error_code& got, std::error_code& error) noexcept {
    if (would_block(got)) return io_op::outcome::would_block;
    error = got;
    return io_op::outcome::done;
}

PORTSOCK_ASYNC_EXPORT void make_non_blocking(basic_socket& socket);

}  // namespace detail
/// @endcond

template <class Socket>
class basic_listener;
template <class Socket>
class basic_stream;

/// Awaitable name resolution: portsock::resolve() on a helper thread (every OS's resolver
/// blocks), its result handed back to the loop with event_loop::post(). The loop goes on
/// serving meanwhile. A loop runs at most 4 helper threads at once; more resolutions wait
/// for a free one (in order, within their own timeouts), so a burst of connects by name
/// starts a few threads, not one each. A cancelled or timed-out resolution leaves the helper
/// to finish on its own; the loop's destructor waits for the running ones and drops the
/// queued ones.
class PORTSOCK_ASYNC_EXPORT resolve_awaitable : public detail::io_op {
public:
    /// @param loop the loop. @param host the name. @param service the port or service name.
    /// @param family the address family wanted. @param limit how long to wait.
    /// @param ec where to report, or nullptr to throw.
    resolve_awaitable(event_loop& loop, std::string host, std::string service, address_family family,
                      timeout limit, std::error_code* ec);
    ~resolve_awaitable() override;
    /// @return the addresses, as portsock::resolve() orders them.
    /// @throws std::system_error with the resolve() errors, std::errc::timed_out or
    ///         std::errc::operation_canceled (the error_code form sets them instead).
    std::vector<endpoint> await_resume();

    /// @cond INTERNAL
    struct state;
    /// @endcond

private:
    outcome attempt() noexcept override;

    state* state_;  // owned; shares the result with the helper thread (no <memory> here)
    std::string host_;
    std::string service_;
    address_family family_;
};

/// Resolves `host` without blocking the loop; see portsock::resolve().
/// @param host the name or numeric address. @param service the port number or service name.
/// @param family the family wanted (default: any). @param limit how long to wait.
/// @return the awaitable. @throws std::system_error (when awaited) as resolve_awaitable.
inline resolve_awaitable resolve(std::string_view host, std::string_view service,
                                 address_family family = address_family::unspecified, timeout limit = {}) {
    return {event_loop::running(), std::string(host), std::string(service), family, limit, nullptr};
}
/// Resolves `host` without blocking the loop; errors set `ec`.
/// @param host the name. @param service the port or service. @param ec set on failure.
/// @param family the family wanted. @param limit how long to wait. @return the awaitable.
inline resolve_awaitable resolve(std::string_view host, std::string_view service, std::error_code& ec,
                                 address_family family = address_family::unspecified, timeout limit = {}) {
    return {event_loop::running(), std::string(host), std::string(service), family, limit, &ec};
}

/// Connects to the first of `candidates` that accepts, racing them as RFC 8305 says (see
/// portsock::tcp_stream::connect_any()), without blocking the loop.
/// @param candidates the addresses, not empty. @param ec set on failure.
/// @param limit how long the whole race may take. @param options the delay between attempts.
/// @return the connected stream, or an empty one on error (errc::no_address,
///         errc::invalid_argument, std::errc::timed_out, std::errc::operation_canceled, or
///         the last attempt's error).
PORTSOCK_ASYNC_EXPORT task<basic_stream<portsock::tcp_stream>> connect_any(std::vector<endpoint> candidates,
                                                                           std::error_code& ec,
                                                                           timeout limit = {},
                                                                           connect_options options = {});

/// Resolves `host` on a helper thread, then races its addresses (RFC 8305), without
/// blocking the loop. `limit` bounds the whole connect, resolution included.
/// @param host a name or numeric address. @param port the port. @param ec set on failure.
/// @param limit how long in all. @param options the delay between attempts.
/// @return the connected stream, or an empty one on error (errc::empty_host, the
///         resolve() errors, then as connect_any()).
PORTSOCK_ASYNC_EXPORT task<basic_stream<portsock::tcp_stream>> connect(std::string host, std::uint16_t port,
                                                                       std::error_code& ec,
                                                                       timeout limit = {},
                                                                       connect_options options = {});

/// Resolves and connects as connect(std::string, std::uint16_t, std::error_code&, timeout, connect_options).
/// @param host a name or numeric address. @param port the port. @param limit how long in all.
/// @param options the delay between attempts. @return the connected stream.
/// @throws std::system_error with the error; what() names the host and port.
PORTSOCK_ASYNC_EXPORT task<basic_stream<portsock::tcp_stream>> connect(std::string host, std::uint16_t port,
                                                                       timeout limit = {},
                                                                       connect_options options = {});

/// An awaitable byte stream over a portsock stream socket (`portsock::tcp_stream` or
/// `portsock::local_stream`), bound to one event_loop: portsock::async::tcp_stream and
/// portsock::async::local_stream.
///
/// Every operation returns an awaitable and comes in the SDK's two forms: one throws
/// std::system_error when awaited, the other sets a `std::error_code&`. Each takes a
/// portsock::timeout (std::errc::timed_out when it passes) and ends with
/// std::errc::operation_canceled when the awaiting task is cancelled. The operation is
/// tried at once; only if it would block does the task suspend until the socket is ready
/// (or, once the loop's turn has seen 64 operations complete at once, until its next turn,
/// so that a peer whose data is always ready cannot hold the loop).
///
/// One receive-side operation (receive(), receive_exact()) and one send-side operation
/// (send(), send_all(), send_file()) may wait at a time; a second one on the same side
/// fails with std::errc::device_or_resource_busy.
///
/// The traps of a hand-written poller loop are handled here: a peer that hangs up while a
/// send waits does not make the loop spin (the socket is retried every 50 ms instead), no
/// byte is lost, send_all() suspends while the peer does not read (backpressure), and
/// closing or destroying a stream ends its waiting operations with
/// std::errc::operation_canceled.
/// @tparam Socket portsock::tcp_stream or portsock::local_stream.
/// @threadsafety The loop's thread only. Do not move a stream while an operation waits on it.
template <class Socket>
class basic_stream {
public:
    /// The blocking socket type underneath.
    using socket_type = Socket;

    /// An empty stream.
    basic_stream() noexcept = default;
    /// Takes `socket`, puts it in non-blocking mode (no system call if is_non_blocking()
    /// already says so) and binds it to `loop`.
    /// @param loop the loop. @param socket an open stream.
    /// @throws std::system_error if the mode cannot be set.
    basic_stream(event_loop& loop, Socket socket) : socket_(std::move(socket)) {
        detail::make_non_blocking(socket_);
        watch_ = socket_watch(loop, socket_);
    }
    /// Takes `socket` for the loop running on this thread.
    /// @param socket an open stream. @throws std::system_error outside a loop.
    explicit basic_stream(Socket socket) : basic_stream(event_loop::running(), std::move(socket)) {}
    /// Takes the socket of `other`. @param other the source.
    basic_stream(basic_stream&& other) noexcept
        : socket_(std::move(other.socket_)), watch_(std::move(other.watch_)) {
        watch_.rebind(socket_);
    }
    /// Closes this stream, then takes the socket of `other`. @param other the source. @return *this.
    basic_stream& operator=(basic_stream&& other) noexcept {
        if (this != &other) {
            watch_.release();
            socket_ = std::move(other.socket_);
            watch_ = std::move(other.watch_);
            watch_.rebind(socket_);
        }
        return *this;
    }
    /// Withdraws waiting operations (they end with std::errc::operation_canceled), then closes.
    ~basic_stream() = default;

    /// @return true unless the stream is empty.
    bool is_open() const noexcept { return socket_.is_open(); }
    /// @return the socket underneath, for its options and addresses (it is non-blocking).
    Socket& socket() noexcept { return socket_; }
    /// @return the socket underneath.
    const Socket& socket() const noexcept { return socket_; }
    /// @return the registration, for awaitables built on readiness.
    socket_watch& watch() noexcept { return watch_; }

    /// Withdraws the socket from the loop and hands it over (still non-blocking): the way
    /// to pass a connection to another thread's loop (see event_loop::post()). Operations
    /// waiting on it end with std::errc::operation_canceled; the stream is empty afterwards.
    /// @return the socket.
    Socket take_socket() noexcept {
        watch_.release();
        return std::move(socket_);
    }

    /// @name Connecting
    /// @{

    /// Connects to a TCP endpoint without blocking the loop.
    /// @param remote where to connect. @param limit how long it may take.
    /// @return the connected stream.
    /// @throws std::system_error as tcp_stream::connect(const endpoint&, timeout) does,
    ///         and std::errc::operation_canceled.
    static task<basic_stream> connect(
        endpoint remote, timeout limit = {}) requires std::same_as<Socket, portsock::tcp_stream> {
        std::error_code ec;
        basic_stream stream = co_await connect(remote, ec, limit);
        if (ec) throw std::system_error(ec, "portsock::async::tcp_stream::connect to " + remote.to_string());
        co_return stream;
    }

    /// Connects to a TCP endpoint; see connect(endpoint, timeout).
    /// @param remote where to connect. @param ec set on failure. @param limit how long it may take.
    /// @return the stream, or an empty one on error.
    static task<basic_stream> connect(endpoint remote, std::error_code& ec, timeout limit = {}) requires
        std::same_as<Socket, portsock::tcp_stream> {
        event_loop& loop = event_loop::running();
        portsock::tcp_stream socket = portsock::tcp_stream::start_connect(remote, ec);
        if (ec) co_return basic_stream{};
        basic_stream stream(loop, std::move(socket));
        co_await stream.finish_connect(ec, limit);
        if (ec) co_return basic_stream{};
        co_return stream;
    }

    /// Connects to a local (Unix-domain) stream listener without blocking the loop.
    /// @param remote the listener's address. @param limit how long it may take.
    /// @return the connected stream.
    /// @throws std::system_error as local_stream::connect() does, std::errc::timed_out or
    ///         std::errc::operation_canceled.
    static task<basic_stream> connect(
        local_address remote, timeout limit = {}) requires std::same_as<Socket, portsock::local_stream> {
        std::error_code ec;
        basic_stream stream = co_await connect(remote, ec, limit);
        if (ec)
            throw std::system_error(ec, "portsock::async::local_stream::connect to " + remote.to_string());
        co_return stream;
    }

    /// Connects to a local stream listener; see connect(local_address, timeout).
    /// @param remote the address. @param ec set on failure. @param limit how long.
    /// @return the stream, or an empty one on error.
    /// @platformnote A local connect completes at once unless the listener's backlog is
    /// full; then it is retried every 10 ms until `limit`.
    static task<basic_stream> connect(local_address remote, std::error_code& ec, timeout limit = {}) requires
        std::same_as<Socket, portsock::local_stream> {
        event_loop& loop = event_loop::running();
        const auto deadline = limit.is_infinite() ? std::chrono::steady_clock::time_point::max()
                                                  : std::chrono::steady_clock::now() +
                                                        std::chrono::milliseconds(limit.milliseconds());
        for (;;) {
            portsock::local_stream socket =
                portsock::local_stream::connect(remote, ec, std::chrono::milliseconds(0));
            if (!ec) co_return basic_stream(loop, std::move(socket));
            if (ec != std::errc::timed_out && !detail::would_block(ec)) co_return basic_stream{};
            if (std::chrono::steady_clock::now() >= deadline) {
                ec = portsock::make_socket_error(std::errc::timed_out);
                co_return basic_stream{};
            }
            co_await sleep_for(std::chrono::milliseconds(10), ec);
            if (ec) co_return basic_stream{};
        }
    }

    /// @}

    /// @name Receiving
    /// @{

    /// Receives at least one byte, up to `size`.
    /// @param data where to put them. @param size the room there. @param limit how long to wait.
    /// @return an awaitable of the count; 0 means end of stream.
    /// @throws std::system_error when awaited: std::errc::connection_reset, std::errc::timed_out,
    ///         std::errc::operation_canceled, or another error of Socket::receive().
    auto receive(void* data, std::size_t size, timeout limit = {}) noexcept {
        return receive_impl(data, size, nullptr, limit);
    }
    /// See receive(void*, std::size_t, timeout). @param data where to put them.
    /// @param size the room. @param ec set on failure. @param limit how long to wait.
    /// @return an awaitable of the count (0 at end of stream or on error).
    auto receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        return receive_impl(data, size, &ec, limit);
    }

    /// Receives exactly `size` bytes.
    /// @param data where to put them. @param size how many. @param limit how long in all.
    /// @return an awaitable of the count received.
    /// @throws std::system_error when awaited: errc::end_of_stream if the peer closed first,
    ///         or as receive().
    auto receive_exact(void* data, std::size_t size, timeout limit = {}) noexcept {
        return receive_exact_impl(data, size, nullptr, limit);
    }
    /// See receive_exact(void*, std::size_t, timeout). @param data where to put them.
    /// @param size how many. @param ec set on failure. @param limit how long in all.
    /// @return an awaitable of the count received before any error.
    auto receive_exact(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        return receive_exact_impl(data, size, &ec, limit);
    }

    /// @}

    /// @name Sending
    /// @{

    /// Sends at least one byte, up to `size`.
    /// @param data the bytes. @param size how many. @param limit how long to wait.
    /// @return an awaitable of the count sent.
    /// @throws std::system_error when awaited: std::errc::broken_pipe, std::errc::connection_reset,
    ///         std::errc::timed_out, std::errc::operation_canceled, or another error.
    auto send(const void* data, std::size_t size, timeout limit = {}) noexcept {
        return send_impl(data, size, nullptr, limit);
    }
    /// See send(const void*, std::size_t, timeout). @param data the bytes. @param size how many.
    /// @param ec set on failure. @param limit how long to wait. @return an awaitable of the count.
    auto send(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        return send_impl(data, size, &ec, limit);
    }

    /// Sends every byte, suspending while the peer does not take them (nothing is buffered
    /// beyond the OS's socket buffer).
    /// @param data the bytes. @param size how many. @param limit how long in all.
    /// @return an awaitable of the count sent (all of them, unless it fails).
    /// @throws std::system_error when awaited, as send().
    auto send_all(const void* data, std::size_t size, timeout limit = {}) noexcept {
        return send_all_impl(data, size, nullptr, limit);
    }
    /// See send_all(const void*, std::size_t, timeout). @param data the bytes. @param size how many.
    /// @param ec set on failure. @param limit how long in all.
    /// @return an awaitable of the count sent before any error.
    auto send_all(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept {
        return send_all_impl(data, size, &ec, limit);
    }
    /// Sends all of `text` (which must live until the await ends).
    /// @param text the bytes. @param limit how long in all. @return an awaitable of the count.
    auto send_all(std::string_view text, timeout limit = {}) noexcept {
        return send_all_impl(text.data(), text.size(), nullptr, limit);
    }
    /// Sends all of `text`. @param text the bytes. @param ec set on failure.
    /// @param limit how long in all. @return an awaitable of the count sent before any error.
    auto send_all(std::string_view text, std::error_code& ec, timeout limit = {}) noexcept {
        return send_all_impl(text.data(), text.size(), &ec, limit);
    }

    /// Gather write: sends every byte of `count` buffers, in order (they must live until
    /// the await ends).
    /// @param buffers the buffers. @param count how many. @param limit how long in all.
    /// @return an awaitable of the total count sent.
    /// @throws std::system_error when awaited, as send().
    auto send_all(const const_buffer* buffers, std::size_t count, timeout limit = {}) noexcept {
        return gather_impl(buffers, count, nullptr, limit);
    }
    /// See send_all(const const_buffer*, std::size_t, timeout). @param buffers the buffers.
    /// @param count how many. @param ec set on failure. @param limit how long in all.
    /// @return an awaitable of the total count sent before any error.
    auto send_all(const const_buffer* buffers, std::size_t count, std::error_code& ec,
                  timeout limit = {}) noexcept {
        return gather_impl(buffers, count, &ec, limit);
    }

    /// Sends `count` bytes of a file from `offset` (to its end by default), as
    /// portsock::stream_socket::send_file() does (TCP and local streams), suspending while the peer does not
    /// read.
    /// @tparam Path `std::filesystem::path`, or any type with a `native()` string of `char`
    ///         or `wchar_t`.
    /// @param path the file. @param offset where to start. @param count how many bytes.
    /// @param limit how long in all. @return an awaitable of the count sent.
    /// @throws std::system_error when awaited, as tcp_stream::send_file().
    template <class Path, portsock::detail::if_native_path<Path> = 0>
    auto send_file(const Path& path, std::uint64_t offset = 0,
                   std::uint64_t count = portsock::tcp_stream::to_end_of_file, timeout limit = {}) noexcept {
        return send_file_impl(path.native(), offset, count, nullptr, limit);
    }
    /// See send_file(const Path&, std::uint64_t, std::uint64_t, timeout).
    /// @param path the file's name, read as `std::filesystem::path(path)` reads it.
    /// @param offset where to start. @param count how many bytes.
    /// @param limit how long in all. @return an awaitable of the count sent.
    auto send_file(std::string_view path, std::uint64_t offset = 0,
                   std::uint64_t count = portsock::tcp_stream::to_end_of_file, timeout limit = {}) noexcept {
        return send_file_impl(std::string(path), offset, count, nullptr, limit);
    }
    /// See send_file(const Path&, std::uint64_t, std::uint64_t, timeout).
    /// @tparam Path as there.
    /// @param path the file. @param offset where to start. @param count how many bytes.
    /// @param ec set on failure. @param limit how long in all.
    /// @return an awaitable of the count sent before any error.
    template <class Path, portsock::detail::if_native_path<Path> = 0>
    auto send_file(const Path& path, std::uint64_t offset, std::uint64_t count, std::error_code& ec,
                   timeout limit = {}) noexcept {
        return send_file_impl(path.native(), offset, count, &ec, limit);
    }
    /// See send_file(std::string_view, std::uint64_t, std::uint64_t, timeout).
    /// @param path the file's name. @param offset where to start. @param count how many bytes.
    /// @param ec set on failure. @param limit how long in all.
    /// @return an awaitable of the count sent before any error.
    auto send_file(std::string_view path, std::uint64_t offset, std::uint64_t count, std::error_code& ec,
                   timeout limit = {}) noexcept {
        return send_file_impl(std::string(path), offset, count, &ec, limit);
    }

    /// @}

    /// @name Ending
    /// @{

    /// Shuts down one or both directions (does not wait). @param what which.
    /// @throws std::system_error as Socket::shutdown().
    void shutdown(shutdown_type what) { socket_.shutdown(what); }
    /// See shutdown(shutdown_type). @param what which. @param ec set on failure.
    void shutdown(shutdown_type what, std::error_code& ec) noexcept { socket_.shutdown(what, ec); }

    /// Ends waiting operations (std::errc::operation_canceled), then closes the socket.
    /// @throws std::system_error if the OS reports an error closing.
    void close() {
        watch_.release();
        socket_.close();
    }
    /// See close(). @param ec set if the OS reports an error closing.
    void close(std::error_code& ec) noexcept {
        watch_.release();
        socket_.close(ec);
    }

    /// @}

    /// Waits until the socket is ready for `events`: the building block for other
    /// awaitables (see readiness).
    /// @param events poll_events::readable or poll_events::writable. @param limit how long.
    /// @return the awaitable.
    readiness wait(poll_events events, timeout limit = {}) noexcept {
        return readiness(watch_, events, limit);
    }

private:
    template <class>
    friend class basic_listener;

    auto finish_connect(std::error_code& ec,
                        timeout limit) noexcept requires std::same_as<Socket, portsock::tcp_stream> {
        return detail::make_op<int>(
            watch_, poll_events::writable, limit, &ec, "portsock::async::tcp_stream::connect",
            [s = &socket_](int&, std::error_code& error) noexcept {
                std::error_code got;
                s->finish_connect(got, std::chrono::milliseconds(0));
                if (got == std::errc::operation_in_progress || detail::would_block(got))
                    return detail::io_op::outcome::would_block;
                error = got;
                return detail::io_op::outcome::done;
            });
    }

    auto receive_impl(void* data, std::size_t size, std::error_code* ec, timeout limit) noexcept {
        return detail::make_op<std::size_t>(
            watch_, poll_events::readable, limit, ec, "portsock::async::receive",
            [s = &socket_, data, size](std::size_t& n, std::error_code& error) noexcept {
                std::error_code got;
                n = s->receive(data, size, got);
                return detail::settle(got, error);
            });
    }

    auto receive_exact_impl(void* data, std::size_t size, std::error_code* ec, timeout limit) noexcept {
        return detail::make_op<std::size_t>(
            watch_, poll_events::readable, limit, ec, "portsock::async::receive_exact",
            [s = &socket_, data, size](std::size_t& done, std::error_code& error) noexcept {
                while (done < size) {
                    std::error_code got;
                    const std::size_t n = s->receive(static_cast<char*>(data) + done, size - done, got);
                    if (detail::would_block(got)) return detail::io_op::outcome::would_block;
                    if (!got && n == 0) got = make_error_code(errc::end_of_stream);
                    if (got) {
                        error = got;
                        break;
                    }
                    done += n;
                }
                return detail::io_op::outcome::done;
            });
    }

    auto send_impl(const void* data, std::size_t size, std::error_code* ec, timeout limit) noexcept {
        return detail::make_op<std::size_t>(
            watch_, poll_events::writable, limit, ec, "portsock::async::send",
            [s = &socket_, data, size](std::size_t& n, std::error_code& error) noexcept {
                std::error_code got;
                n = s->send(data, size, got);
                return detail::settle(got, error);
            });
    }

    auto send_all_impl(const void* data, std::size_t size, std::error_code* ec, timeout limit) noexcept {
        return detail::make_op<std::size_t>(
            watch_, poll_events::writable, limit, ec, "portsock::async::send_all",
            [s = &socket_, data, size](std::size_t& done, std::error_code& error) noexcept {
                std::error_code got;
                done += s->send_all(static_cast<const char*>(data) + done, size - done, got);
                return detail::settle(got, error);
            });
    }

    auto gather_impl(const const_buffer* buffers, std::size_t count, std::error_code* ec,
                     timeout limit) noexcept {
        return detail::make_op<std::size_t>(
            watch_, poll_events::writable, limit, ec, "portsock::async::send_all",
            [s = &socket_, buffers, count, index = std::size_t{0}, offset = std::size_t{0}](
                std::size_t& done, std::error_code& error) mutable noexcept {
                if (done == 0)
                    index = offset = 0;  // nothing sent yet: from the first buffer (awaited again too)
                while (index < count) {
                    std::error_code got;
                    std::size_t sent;
                    if (offset > 0) {  // the rest of a buffer sent in part
                        const auto* rest = static_cast<const char*>(buffers[index].data()) + offset;
                        sent = s->send_all(rest, buffers[index].size() - offset, got);
                    } else {
                        sent = s->send_all(buffers + index, count - index, got);
                    }
                    done += sent;
                    offset += sent;
                    while (index < count && offset >= buffers[index].size())
                        offset -= buffers[index++].size();
                    if (got) return detail::settle(got, error);
                }
                return detail::io_op::outcome::done;
            });
    }

    // The path's text (char or wchar_t) lives in the operation until it ends.
    template <class Char>
    auto send_file_impl(std::basic_string<Char> path, std::uint64_t offset, std::uint64_t count,
                        std::error_code* ec, timeout limit) noexcept {
        return detail::make_op<std::uint64_t>(
            watch_, poll_events::writable, limit, ec, "portsock::async::tcp_stream::send_file",
            [s = &socket_, path = std::move(path), offset, count](std::uint64_t& done,
                                                                  std::error_code& error) noexcept {
                std::error_code got;
                const std::uint64_t left =
                    count == portsock::tcp_stream::to_end_of_file ? count : count - done;
                done += portsock::detail::socket_send_file(*s, std::basic_string_view<Char>(path),
                                                           offset + done, left, got, timeout{});
                return detail::settle(got, error);
            });
    }

    Socket socket_;
    socket_watch watch_;  // after socket_: destroyed first, so the socket leaves the loop before it closes
};

/// A connection that basic_listener::accept() returned: the stream and who it is.
/// @tparam Stream the async stream type. @tparam Peer the peer's address type.
template <class Stream, class Peer>
struct basic_accepted {
    Stream stream;  ///< The connection, bound to the listener's loop.
    Peer peer;      ///< The client's address.
};

/// An awaitable listener over `portsock::tcp_listener` or `portsock::local_listener`:
/// portsock::async::tcp_listener and portsock::async::local_listener.
///
/// accept() suspends until a client arrives. When the process runs out of descriptors
/// (is_resource_exhaustion()), it neither spins nor fails: the client stays queued and
/// accept() retries when one of the loop's sockets closes, or after 100 ms.
/// @tparam Listener portsock::tcp_listener or portsock::local_listener.
/// @threadsafety The loop's thread only.
template <class Listener>
class basic_listener {
    using blocking_accepted = decltype(std::declval<Listener&>().accept(std::declval<std::error_code&>()));

public:
    /// The async stream type accept() gives.
    using stream_type = basic_stream<decltype(std::declval<blocking_accepted&>().stream)>;
    /// What accept() gives: the stream and the peer's address.
    using accepted_type = basic_accepted<stream_type, decltype(std::declval<blocking_accepted&>().peer)>;

    /// An empty listener.
    basic_listener() noexcept = default;
    /// Takes `listener`, puts it in non-blocking mode and binds it to `loop`.
    /// @param loop the loop. @param listener an open listener.
    /// @throws std::system_error if the mode cannot be set.
    basic_listener(event_loop& loop, Listener listener) : listener_(std::move(listener)) {
        detail::make_non_blocking(listener_);
        watch_ = socket_watch(loop, listener_);
    }
    /// Takes `listener` for the loop running on this thread. @param listener an open listener.
    /// @throws std::system_error outside a loop.
    explicit basic_listener(Listener listener) : basic_listener(event_loop::running(), std::move(listener)) {}
    /// Takes the listener of `other`. @param other the source.
    basic_listener(basic_listener&& other) noexcept
        : listener_(std::move(other.listener_)), watch_(std::move(other.watch_)) {
        watch_.rebind(listener_);
    }
    /// Closes this listener, then takes `other`'s. @param other the source. @return *this.
    basic_listener& operator=(basic_listener&& other) noexcept {
        if (this != &other) {
            watch_.release();
            listener_ = std::move(other.listener_);
            watch_ = std::move(other.watch_);
            watch_.rebind(listener_);
        }
        return *this;
    }

    /// @return the listener underneath (for local_endpoint() and options).
    Listener& socket() noexcept { return listener_; }

    /// Waits for a client and accepts it.
    /// @param limit how long to wait.
    /// @return an awaitable of the connection (a non-blocking stream on this loop) and its peer.
    /// @throws std::system_error when awaited: std::errc::timed_out,
    ///         std::errc::operation_canceled, or another error of Listener::accept().
    auto accept(timeout limit = {}) noexcept { return accept_impl(nullptr, limit); }
    /// See accept(timeout). @param ec set on failure. @param limit how long to wait.
    /// @return an awaitable of the connection, with an empty stream on error.
    auto accept(std::error_code& ec, timeout limit = {}) noexcept { return accept_impl(&ec, limit); }

    /// Ends a waiting accept (std::errc::operation_canceled), then closes the listener.
    void close() noexcept {
        watch_.release();
        std::error_code ignored;
        listener_.close(ignored);
    }

private:
    auto accept_impl(std::error_code* ec, timeout limit) noexcept {
        return detail::make_op<accepted_type>(
            watch_, poll_events::readable, limit, ec, "portsock::async::accept",
            [l = &listener_, loop = watch_.loop()](accepted_type& out, std::error_code& error) noexcept {
                std::error_code got;
                auto accepted = l->accept_non_blocking(got);  // created non-blocking: no second call
                if (is_resource_exhaustion(got)) return detail::io_op::outcome::back_off;
                if (got) return detail::settle(got, error);
                try {
                    out = accepted_type{stream_type(*loop, std::move(accepted.stream)),
                                        std::move(accepted.peer)};
                } catch (const std::system_error& failure) {
                    error = failure.code();
                } catch (...) {
                    error = std::make_error_code(std::errc::not_enough_memory);
                }
                return detail::io_op::outcome::done;
            });
    }

    Listener listener_;
    socket_watch watch_;
};

/// An awaitable TCP connection. @see basic_stream
using tcp_stream = basic_stream<portsock::tcp_stream>;
/// An awaitable TCP listener. @see basic_listener
using tcp_listener = basic_listener<portsock::tcp_listener>;
/// An awaitable local (Unix-domain) stream. @see basic_stream
using local_stream = basic_stream<portsock::local_stream>;
/// An awaitable local stream listener. @see basic_listener
using local_listener = basic_listener<portsock::local_listener>;

}  // namespace portsock::async
