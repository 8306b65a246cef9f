/// @file
/// Awaitable TLS: portsock::async::tls_stream, portsock::tls_stream driven on a
/// non-blocking socket by the event loop. Header-only over the public APIs of the async and
/// TLS components: include it where both are built and link `portsock::async` and
/// `portsock::tls`. It is not part of the umbrella header portsock/async.hpp, which must
/// not require OpenSSL.
#pragma once

#include <portsock/async/event_loop.hpp>
#include <portsock/async/stream.hpp>
#include <portsock/async/task.hpp>
#include <portsock/error.hpp>
#include <portsock/timeout.hpp>  // std::chrono durations and clocks
#include <portsock/tls.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace portsock::async {

/// @cond INTERNAL
namespace detail {

/// The end of an operation that a timeout bounds as a whole, however many passes it takes.
class op_deadline {
public:
    explicit op_deadline(timeout limit) noexcept {
        if (!limit.is_infinite())
            end_ = portsock::detail::add_saturating(clock::now(),
                                                    std::chrono::milliseconds(limit.milliseconds()));
    }
    /// What is left: infinite, or the milliseconds to the end (0 once it has passed).
    timeout remaining() const noexcept { return end_ ? timeout(*end_) : timeout{}; }
    bool passed() const noexcept { return end_ && clock::now() >= *end_; }

private:
    std::optional<clock::time_point> end_;
};

/// The readiness a TLS call asked for: readable for want_read, writable for want_write,
/// none when it completed or failed (`ec` then holds its result). A want after the
/// deadline turns into std::errc::timed_out.
inline poll_events tls_wanted(std::error_code& ec, const op_deadline& until) noexcept {
    poll_events wanted = poll_events::none;
    if (ec == tls_errc::want_read)
        wanted = poll_events::readable;
    else if (ec == tls_errc::want_write)
        wanted = poll_events::writable;
    if (wanted != poll_events::none && until.passed()) {
        ec = portsock::make_socket_error(std::errc::timed_out);
        return poll_events::none;
    }
    return wanted;
}

/// Sends close_notify with the blocking API's call, whichever name it has in this build
/// (send_close_notify(); shutdown() before it).
template <class Tls>
void send_close_notify_step(Tls& tls, std::error_code& ec) noexcept {
    tls.send_close_notify(ec, timeout{});
}

inline void throw_if(const std::error_code& ec, const char* what) {
    if (ec) throw std::system_error(ec, what);
}

}  // namespace detail
/// @endcond

/// An awaitable TLS connection: a portsock::tls_stream over a non-blocking TCP socket,
/// bound to one event_loop. OpenSSL's want-read and want-write become waits on the loop, so
/// no thread ever waits on a TLS peer, and a server on one thread can handshake with any
/// number of clients at once: a silent, slow or garbage-sending client holds nobody else.
///
/// Every operation is a portsock::async::task and comes in the SDK's two forms: one throws
/// std::system_error when awaited, the other sets a `std::error_code&`. Its portsock::timeout
/// bounds the **whole** operation, however many passes through OpenSSL it takes (the
/// deadline is checked each time OpenSSL asks to wait): std::errc::timed_out when it passes. An operation
/// ends with std::errc::operation_canceled when the awaiting task is cancelled (when_any(),
/// task_group::cancel(), a stop_token); the stream is then in an unknown TLS state: close it.
///
/// The errors are the blocking portsock::tls_stream's: tls_errc::handshake_failure,
/// tls_errc::certificate_verify_failed, tls_errc::protocol_version,
/// tls_errc::unexpected_eof (the transport ended without close_notify: truncation is an
/// error, never end of stream), tls_errc::protocol_error, an OS error such as
/// std::errc::connection_reset, errc::not_open on an empty stream.
///
/// One receive-side and one send-side operation may wait at a time (a receive that
/// OpenSSL makes wait for writability counts as send-side then: a second waiter on the same
/// readiness fails with std::errc::device_or_resource_busy). Buffers must live until the
/// await ends.
/// @threadsafety The loop's thread only. Do not move a stream while an operation waits on it.
/// @see @ref async "the async guide", @ref tls "the TLS guide"
class tls_stream {
public:
    /// An empty stream: every operation reports errc::not_open.
    tls_stream() noexcept = default;
    /// Binds a TLS stream to `loop` and puts its TCP socket in non-blocking mode, as
    /// portsock::async::tcp_stream does (no system call if it is non-blocking already): a
    /// stream made with the blocking API then never blocks the loop's thread.
    /// @param loop the loop. @param tls a stream made by portsock::tls_stream::client() or
    /// server() (handshake done or not), or an empty one.
    /// @throws std::system_error if the mode cannot be set or the socket cannot be registered.
    tls_stream(event_loop& loop, portsock::tls_stream tls) : tls_(std::move(tls)) {
        if (tls_.is_open()) detail::make_non_blocking(tls_.next_layer());
        watch_ = socket_watch(loop, tls_.next_layer());
    }
    /// Takes the stream of `other`. @param other the source, empty afterwards.
    tls_stream(tls_stream&& other) noexcept : tls_(std::move(other.tls_)), watch_(std::move(other.watch_)) {
        watch_.rebind(tls_.next_layer());
    }
    /// Closes this stream (no close_notify), then takes `other`'s. @param other the source.
    /// @return *this.
    tls_stream& operator=(tls_stream&& other) noexcept {
        if (this != &other) {
            watch_.release();
            tls_ = std::move(other.tls_);
            watch_ = std::move(other.watch_);
            watch_.rebind(tls_.next_layer());
        }
        return *this;
    }
    /// Ends waiting operations (std::errc::operation_canceled), then closes without close_notify.
    ~tls_stream() = default;

    /// @name Starting TLS
    /// @{

    /// Runs the client handshake on a connected stream: sends SNI `server_name` and verifies
    /// the server's certificate against it, as portsock::tls_stream::client() does.
    /// @param stream the connected stream (taken over). @param context a client context; it
    ///        must live until the await ends. @param server_name the name connected to.
    /// @param ec set on failure. @param limit how long the whole handshake may take.
    /// @return the stream, or an empty one on error (portsock::tls_stream::client()'s errors,
    ///         std::errc::timed_out, std::errc::operation_canceled).
    static task<tls_stream> client(tcp_stream stream, const tls_context& context, std::string server_name,
                                   std::error_code& ec, timeout limit = {}) {
        const detail::op_deadline until(limit);
        event_loop* loop = stream.watch().loop();
        if (!loop || !stream.is_open()) {
            ec = make_error_code(errc::not_open);
            co_return tls_stream{};
        }
        portsock::tls_stream tls =
            portsock::tls_stream::client(stream.take_socket(), context, server_name, ec);
        co_return co_await finish_start(*loop, std::move(tls), ec, until);
    }
    /// See client(tcp_stream, const tls_context&, std::string, std::error_code&, timeout).
    /// @param stream the connected stream. @param context a client context.
    /// @param server_name the name. @param limit how long in all. @return the stream.
    /// @throws std::system_error with the error.
    static task<tls_stream> client(tcp_stream stream, const tls_context& context, std::string server_name,
                                   timeout limit = {}) {
        std::error_code ec;
        tls_stream result = co_await client(std::move(stream), context, std::move(server_name), ec, limit);
        detail::throw_if(ec, "portsock::async::tls_stream::client");
        co_return result;
    }

    /// Runs the server handshake on an accepted stream, as portsock::tls_stream::server() does.
    /// @param stream the accepted stream (taken over). @param context a server context with
    ///        a certificate and key; it must live until the await ends. @param ec set on
    ///        failure. @param limit how long the whole handshake may take: the bound on a
    ///        client that sends nothing, or its ClientHello a byte at a time.
    /// @return the stream, or an empty one on error (portsock::tls_stream::server()'s errors,
    ///         std::errc::timed_out, std::errc::operation_canceled).
    static task<tls_stream> server(tcp_stream stream, const tls_context& context, std::error_code& ec,
                                   timeout limit = {}) {
        const detail::op_deadline until(limit);
        event_loop* loop = stream.watch().loop();
        if (!loop || !stream.is_open()) {
            ec = make_error_code(errc::not_open);
            co_return tls_stream{};
        }
        portsock::tls_stream tls = portsock::tls_stream::server(stream.take_socket(), context, ec);
        co_return co_await finish_start(*loop, std::move(tls), ec, until);
    }
    /// See server(tcp_stream, const tls_context&, std::error_code&, timeout).
    /// @param stream the accepted stream. @param context a server context.
    /// @param limit how long in all. @return the stream. @throws std::system_error with the error.
    static task<tls_stream> server(tcp_stream stream, const tls_context& context, timeout limit = {}) {
        std::error_code ec;
        tls_stream result = co_await server(std::move(stream), context, ec, limit);
        detail::throw_if(ec, "portsock::async::tls_stream::server");
        co_return result;
    }

    /// Resolves `host` (off the loop), connects (RFC 8305) and runs the client handshake,
    /// all within `limit`; the certificate is verified against `host`.
    /// @param context a client context; it must live until the await ends.
    /// @param host a name or numeric address. @param port the port. @param ec set on failure.
    /// @param limit how long in all, resolution and handshake included.
    /// @return the stream, or an empty one on error (portsock::async::connect()'s errors,
    ///         then client()'s).
    static task<tls_stream> connect(const tls_context& context, std::string host, std::uint16_t port,
                                    std::error_code& ec, timeout limit = {}) {
        const detail::op_deadline until(limit);
        if (context.role() != tls_role::client) {
            ec = make_error_code(tls_errc::wrong_role);
            co_return tls_stream{};
        }
        tcp_stream tcp = co_await async::connect(host, port, ec, until.remaining());
        if (ec) co_return tls_stream{};
        co_return co_await client(std::move(tcp), context, std::move(host), ec, until.remaining());
    }
    /// See connect(const tls_context&, std::string, std::uint16_t, std::error_code&, timeout).
    /// @param context a client context. @param host the name. @param port the port.
    /// @param limit how long in all. @return the stream.
    /// @throws std::system_error with the error; what() names the host and port.
    static task<tls_stream> connect(const tls_context& context, std::string host, std::uint16_t port,
                                    timeout limit = {}) {
        std::error_code ec;
        tls_stream result = co_await connect(context, host, port, ec, limit);
        if (ec)
            throw std::system_error(
                ec, "portsock::async::tls_stream::connect to " + host + " port " + std::to_string(port));
        co_return result;
    }

    /// @}

    /// @name Receiving
    /// @{

    /// Receives and decrypts some bytes: at least one, or 0 at the peer's close_notify.
    /// @param data where to store them. @param size the room there.
    /// @param ec set on failure (tls_errc::unexpected_eof when the transport ends without
    ///        close_notify). @param limit how long in all.
    /// @return the count received (0 on error or at end of stream).
    task<std::size_t> receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) {
        const detail::op_deadline until(limit);
        const std::stop_token stop = co_await get_stop_token{};
        if (!check_start(stop, ec)) co_return 0;
        co_await detail::share_turn{*watch_.loop()};  // a peer with records always ready cannot hold the loop
        std::size_t got = 0;
        for (;;) {
            got = tls_.receive(data, size, ec);
            const poll_events wanted = detail::tls_wanted(ec, until);
            if (wanted == poll_events::none) break;
            co_await readiness(watch_, wanted, ec, until.remaining());
            if (ec) break;
        }
        co_return ec ? 0 : got;
    }
    /// See receive(void*, std::size_t, std::error_code&, timeout).
    /// @param data where to store. @param size the room. @param limit how long in all.
    /// @return the count (0 at end of stream). @throws std::system_error with the error.
    task<std::size_t> receive(void* data, std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::size_t got = co_await receive(data, size, ec, limit);
        detail::throw_if(ec, "portsock::async::tls_stream::receive");
        co_return got;
    }

    /// Receives exactly `size` bytes.
    /// @param data where to store them. @param size how many. @param ec set on failure:
    ///        errc::end_of_stream if the peer's close_notify came first, or receive()'s errors.
    /// @param limit how long in all. @return the count received before any error.
    task<std::size_t> receive_exact(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) {
        const detail::op_deadline until(limit);
        const std::stop_token stop = co_await get_stop_token{};
        if (!check_start(stop, ec)) co_return 0;
        co_await detail::share_turn{*watch_.loop()};  // a peer with records always ready cannot hold the loop
        std::size_t done = 0;
        while (done < size) {
            std::size_t got = 0;
            for (;;) {
                got = tls_.receive(static_cast<char*>(data) + done, size - done, ec);
                const poll_events wanted = detail::tls_wanted(ec, until);
                if (wanted == poll_events::none) break;
                co_await readiness(watch_, wanted, ec, until.remaining());
                if (ec) break;
            }
            if (!ec && got == 0) ec = make_error_code(errc::end_of_stream);
            if (ec) break;
            done += got;
        }
        co_return done;
    }
    /// See receive_exact(void*, std::size_t, std::error_code&, timeout).
    /// @param data where to store. @param size how many. @param limit how long in all.
    /// @return `size`. @throws std::system_error with the error.
    task<std::size_t> receive_exact(void* data, std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::size_t got = co_await receive_exact(data, size, ec, limit);
        detail::throw_if(ec, "portsock::async::tls_stream::receive_exact");
        co_return got;
    }

    /// @}

    /// @name Sending
    /// @{

    /// Encrypts and sends some of the bytes (OpenSSL sends one record at least).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long in all. @return the count sent (0 on error).
    task<std::size_t> send(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) {
        const detail::op_deadline until(limit);
        const std::stop_token stop = co_await get_stop_token{};
        if (!check_start(stop, ec)) co_return 0;
        co_await detail::share_turn{*watch_.loop()};  // a peer with records always ready cannot hold the loop
        std::size_t sent = 0;
        for (;;) {
            sent = tls_.send(data, size, ec);
            const poll_events wanted = detail::tls_wanted(ec, until);
            if (wanted == poll_events::none) break;
            co_await readiness(watch_, wanted, ec, until.remaining());
            if (ec) break;
        }
        co_return ec ? 0 : sent;
    }
    /// See send(const void*, std::size_t, std::error_code&, timeout).
    /// @param data the bytes. @param size how many. @param limit how long in all.
    /// @return the count sent. @throws std::system_error with the error.
    task<std::size_t> send(const void* data, std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::size_t sent = co_await send(data, size, ec, limit);
        detail::throw_if(ec, "portsock::async::tls_stream::send");
        co_return sent;
    }

    /// Sends every byte, suspending while the peer does not read (backpressure).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long in all. @return the count sent before any error.
    task<std::size_t> send_all(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) {
        const detail::op_deadline until(limit);
        const std::stop_token stop = co_await get_stop_token{};
        if (!check_start(stop, ec)) co_return 0;
        co_await detail::share_turn{*watch_.loop()};  // a peer with records always ready cannot hold the loop
        std::size_t done = 0;
        while (done < size) {
            std::size_t sent = 0;
            for (;;) {  // a retry after a want passes the same bytes, as OpenSSL requires
                sent = tls_.send(static_cast<const char*>(data) + done, size - done, ec);
                const poll_events wanted = detail::tls_wanted(ec, until);
                if (wanted == poll_events::none) break;
                co_await readiness(watch_, wanted, ec, until.remaining());
                if (ec) break;
            }
            if (ec) break;
            done += sent;
        }
        co_return done;
    }
    /// See send_all(const void*, std::size_t, std::error_code&, timeout).
    /// @param data the bytes. @param size how many. @param limit how long in all.
    /// @return `size`. @throws std::system_error with the error.
    task<std::size_t> send_all(const void* data, std::size_t size, timeout limit = {}) {
        std::error_code ec;
        const std::size_t sent = co_await send_all(data, size, ec, limit);
        detail::throw_if(ec, "portsock::async::tls_stream::send_all");
        co_return sent;
    }
    /// Sends all of `text` (which must live until the await ends).
    /// @param text the bytes. @param ec set on failure. @param limit how long in all.
    /// @return the count sent before any error.
    task<std::size_t> send_all(std::string_view text, std::error_code& ec, timeout limit = {}) {
        return send_all(text.data(), text.size(), ec, limit);
    }
    /// Sends all of `text` (which must live until the await ends).
    /// @param text the bytes. @param limit how long in all. @return the count.
    /// @throws std::system_error with the error.
    task<std::size_t> send_all(std::string_view text, timeout limit = {}) {
        return send_all(text.data(), text.size(), limit);
    }

    /// @}

    /// @name Ending
    /// @{

    /// Sends close_notify, then shuts down the sending side of the TCP stream, as
    /// portsock::tls_stream::send_close_notify() does; does not wait for the peer's.
    /// @param ec set on failure. @param limit how long it may take.
    /// @return the task to await.
    task<void> send_close_notify(std::error_code& ec, timeout limit = {}) {
        const detail::op_deadline until(limit);
        const std::stop_token stop = co_await get_stop_token{};
        if (!check_start(stop, ec)) co_return;
        co_await detail::share_turn{*watch_.loop()};  // a peer with records always ready cannot hold the loop
        for (;;) {
            detail::send_close_notify_step(tls_, ec);
            const poll_events wanted = detail::tls_wanted(ec, until);
            if (wanted == poll_events::none) break;
            co_await readiness(watch_, wanted, ec, until.remaining());
            if (ec) break;
        }
    }
    /// See send_close_notify(std::error_code&, timeout). @param limit how long it may take.
    /// @return the task to await. @throws std::system_error with the error, when awaited.
    task<void> send_close_notify(timeout limit = {}) {
        std::error_code ec;
        co_await send_close_notify(ec, limit);
        detail::throw_if(ec, "portsock::async::tls_stream::send_close_notify");
    }

    /// Ends waiting operations (std::errc::operation_canceled), then closes the connection
    /// without close_notify (await send_close_notify() first for a clean end).
    void close() noexcept {
        watch_.release();
        tls_.close();
    }

    /// @}

    /// @return true unless the stream is empty.
    bool is_open() const noexcept { return tls_.is_open(); }
    /// @return the blocking TLS stream underneath (alpn_protocol(), protocol_version(),
    /// next_layer() for the TCP socket's options); its socket is non-blocking.
    portsock::tls_stream& tls() noexcept { return tls_; }
    /// @return the blocking TLS stream underneath.
    const portsock::tls_stream& tls() const noexcept { return tls_; }
    /// @return the registration of the TCP socket, for awaitables built on readiness.
    socket_watch& watch() noexcept { return watch_; }

private:
    // The rest of a handshake that client() or server() started: waits while OpenSSL wants.
    static task<tls_stream> finish_start(event_loop& loop, portsock::tls_stream tls, std::error_code& ec,
                                         detail::op_deadline until) {
        if (!tls.is_open()) co_return tls_stream{};  // ec holds why
        tls_stream result;
        try {
            result = tls_stream(loop, std::move(tls));
        } catch (const std::system_error& failure) {
            ec = failure.code();
            co_return tls_stream{};
        }
        for (;;) {
            const poll_events wanted = detail::tls_wanted(ec, until);
            if (wanted == poll_events::none) break;
            co_await readiness(result.watch_, wanted, ec, until.remaining());
            if (ec) break;
            result.tls_.handshake(ec);
        }
        if (ec) co_return tls_stream{};
        co_return result;
    }

    // Fails at once on an empty stream or a cancelled task, as the TCP operations do.
    bool check_start(const std::stop_token& stop, std::error_code& ec) const noexcept {
        ec.clear();
        if (stop.stop_requested())
            ec = portsock::make_socket_error(std::errc::operation_canceled);
        else if (!tls_.is_open() || !watch_.loop())
            ec = make_error_code(errc::not_open);
        return !ec;
    }

    portsock::tls_stream tls_;
    socket_watch watch_;  // after tls_: destroyed first, so the socket leaves the loop before it closes
};

}  // namespace portsock::async
