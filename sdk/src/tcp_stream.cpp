// tcp_stream: connect, send, receive, shutdown and stream options.
#include "stream_ops.hpp"
#include "text.hpp"

#include <portsock/resolve.hpp>
#include <portsock/tcp.hpp>

#include <new>
#include <string>
#include <utility>

namespace portsock {
namespace {

bool connect_in_progress(const std::error_code& ec) noexcept {
    return ec == std::errc::operation_in_progress || detail::would_block(ec);
}

// Connects an open handle, bounded by `until`: a plain blocking connect without a timeout,
// otherwise a non-blocking connect and a wait for writability.
void connect_handle(platform::handle h, const endpoint& remote, const detail::deadline& until,
                    std::error_code& ec) noexcept {
    const platform::address addr = detail::to_platform(remote);
    if (until.is_infinite()) {
        platform::connect(h, addr, ec);
        return;
    }
    detail::non_blocking_scope scope(h, ec);
    if (ec) return;
    platform::connect(h, addr, ec);
    if (!connect_in_progress(ec)) return;
    if (!platform::wait_connect(h, until.remaining_ms(), ec)) ec = platform::make_error(std::errc::timed_out);
}

// what() context of a connect: "portsock::tcp_stream::connect to 127.0.0.1:80".
std::string connect_context(std::string target, timeout limit, const std::error_code& ec) {
    return detail::timed_context("portsock::tcp_stream::connect to " + target, limit, ec);
}

}  // namespace

tcp_stream tcp_stream::connect(const endpoint& remote, timeout limit) {
    return detail::or_throw_with(
        [&](const std::error_code& ec) { return connect_context(remote.to_string(), limit, ec); },
        [&](std::error_code& ec) { return connect(remote, ec, limit); });
}

tcp_stream tcp_stream::connect(const endpoint& remote, std::error_code& ec, timeout limit) noexcept {
    const detail::deadline until(limit);
    tcp_stream stream(
        platform::open(detail::to_platform(remote.family()), platform::socket_type::stream, ec));
    if (ec) return {};
    connect_handle(stream.native_handle(), remote, until, ec);
    return ec ? tcp_stream{} : std::move(stream);
}

tcp_stream tcp_stream::connect(std::string_view host, std::uint16_t port, timeout limit,
                               const connect_options& options) {
    return detail::or_throw_with(
        [&](const std::error_code& ec) {
            return connect_context(detail::quote(host) + " port " + std::to_string(port), limit, ec) +
                   detail::host_hint(host, ec);
        },
        [&](std::error_code& ec) { return connect(host, port, ec, limit, options); });
}

tcp_stream tcp_stream::connect(std::string_view host, std::uint16_t port, std::error_code& ec, timeout limit,
                               const connect_options& options) noexcept {
    char service[8];
    const int length = std::snprintf(service, sizeof service, "%u", static_cast<unsigned>(port));
    const std::vector<endpoint> candidates =
        resolve(host, std::string_view(service, static_cast<std::size_t>(length)), ec);
    if (ec) return {};
    return connect_any(candidates, ec, limit, options);  // RFC 8305: happy_eyeballs.cpp
}

tcp_stream tcp_stream::start_connect(const endpoint& remote) {
    return detail::or_throw("portsock::tcp_stream::start_connect",
                            [&](std::error_code& ec) { return start_connect(remote, ec); });
}

tcp_stream tcp_stream::start_connect(const endpoint& remote, std::error_code& ec) noexcept {
    // Created non-blocking: no second system call to switch it (platform::io_mode).
    tcp_stream stream(platform::open(detail::to_platform(remote.family()), platform::socket_type::stream,
                                     platform::io_mode::non_blocking, ec));
    if (!ec) detail::socket_access::created_non_blocking(stream);
    if (!ec) platform::connect(stream.native_handle(), detail::to_platform(remote), ec);
    if (connect_in_progress(ec)) ec.clear();  // the outcome comes from finish_connect()
    return ec ? tcp_stream{} : std::move(stream);
}

void tcp_stream::finish_connect(timeout limit) {
    detail::or_throw("portsock::tcp_stream::finish_connect",
                     [&](std::error_code& ec) { finish_connect(ec, limit); });
}

void tcp_stream::finish_connect(std::error_code& ec, timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return;
    if (detail::socket_access::is_cancelled(*this)) {
        detail::cancelled(0, ec);
        return;
    }
    const platform::handle h = native_handle();
    if (!platform::wait_connect(h, detail::deadline(limit).remaining_ms(), ec))
        ec = platform::make_error(std::errc::operation_in_progress);
    // Writable with no pending error is success, except where the error was already read
    // (a second call after a failure): the peer address then says not_connected.
    if (!ec) platform::peer_address(h, ec);
    detail::check_cancelled(*this, ec);
}

endpoint tcp_stream::remote_endpoint() const {
    return detail::or_throw("portsock::tcp_stream::remote_endpoint",
                            [&](std::error_code& ec) { return remote_endpoint(ec); });
}

endpoint tcp_stream::remote_endpoint(std::error_code& ec) const noexcept {
    if (!detail::check_open(*this, ec)) return {};
    const platform::address addr = platform::peer_address(native_handle(), ec);
    return ec ? endpoint{} : detail::from_platform(addr);
}

void tcp_stream::set_no_delay(bool on) {
    detail::or_throw("portsock::tcp_stream::set_no_delay",
                     [&](std::error_code& ec) { set_no_delay(on, ec); });
}

void tcp_stream::set_no_delay(bool on, std::error_code& ec) noexcept {
    detail::set_flag(*this, platform::option::no_delay, on, ec);
}

bool tcp_stream::no_delay() const {
    return detail::or_throw("portsock::tcp_stream::no_delay",
                            [&](std::error_code& ec) { return no_delay(ec); });
}

bool tcp_stream::no_delay(std::error_code& ec) const noexcept {
    return detail::get_flag(*this, platform::option::no_delay, ec);
}

void tcp_stream::set_keep_alive(bool on) {
    detail::or_throw("portsock::tcp_stream::set_keep_alive",
                     [&](std::error_code& ec) { set_keep_alive(on, ec); });
}

void tcp_stream::set_keep_alive(bool on, std::error_code& ec) noexcept {
    detail::set_flag(*this, platform::option::keep_alive, on, ec);
}

bool tcp_stream::keep_alive() const {
    return detail::or_throw("portsock::tcp_stream::keep_alive",
                            [&](std::error_code& ec) { return keep_alive(ec); });
}

bool tcp_stream::keep_alive(std::error_code& ec) const noexcept {
    return detail::get_flag(*this, platform::option::keep_alive, ec);
}

}  // namespace portsock
