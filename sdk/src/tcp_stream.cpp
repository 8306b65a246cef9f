// tcp_stream: connect, send, receive, shutdown and stream options.
#include "internal.hpp"
#include "stream_loops.hpp"

#include <portsock/resolve.hpp>
#include <portsock/tcp.hpp>

#include <new>

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
    const unsigned ready = platform::wait(h, platform::wait_writable, until.remaining_ms(), ec);
    if (ec) return;
    ec = ready == platform::wait_none ? platform::make_error(std::errc::timed_out) : platform::pending_error(h);
}

}  // namespace

tcp_stream tcp_stream::connect(const endpoint& remote, timeout limit) {
    return detail::or_throw("portsock::tcp_stream::connect",
                            [&](std::error_code& ec) { return connect(remote, ec, limit); });
}

tcp_stream tcp_stream::connect(const endpoint& remote, std::error_code& ec, timeout limit) noexcept {
    const detail::deadline until(limit);
    tcp_stream stream(platform::open(detail::to_platform(remote.family()), platform::socket_type::stream, ec));
    if (ec) return {};
    connect_handle(stream.native_handle(), remote, until, ec);
    return ec ? tcp_stream{} : std::move(stream);
}

tcp_stream tcp_stream::connect(std::string_view host, std::uint16_t port, timeout limit) {
    std::error_code ec;
    tcp_stream stream = connect(host, port, ec, limit);
    if (ec) detail::throw_error(ec, "portsock::tcp_stream::connect", host);
    return stream;
}

tcp_stream tcp_stream::connect(std::string_view host, std::uint16_t port, std::error_code& ec,
                               timeout limit) noexcept {
    char service[8];
    const int length = std::snprintf(service, sizeof service, "%u", static_cast<unsigned>(port));
    const std::vector<endpoint> candidates = resolve(host, std::string_view(service, static_cast<std::size_t>(length)), ec);
    if (ec) return {};
    const detail::deadline until(limit);
    for (const endpoint& candidate : candidates) {  // first success wins; else the last error
        tcp_stream stream = connect(candidate, ec, until.remaining());
        if (!ec) return stream;
    }
    return {};
}

tcp_stream tcp_stream::start_connect(const endpoint& remote) {
    return detail::or_throw("portsock::tcp_stream::start_connect",
                            [&](std::error_code& ec) { return start_connect(remote, ec); });
}

tcp_stream tcp_stream::start_connect(const endpoint& remote, std::error_code& ec) noexcept {
    tcp_stream stream(platform::open(detail::to_platform(remote.family()), platform::socket_type::stream, ec));
    if (!ec) stream.set_non_blocking(true, ec);
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
    const platform::handle h = native_handle();
    const int wait_ms = detail::deadline(limit).remaining_ms();
    if (platform::wait(h, platform::wait_writable, wait_ms, ec) == platform::wait_none) {
        if (!ec) ec = platform::make_error(std::errc::operation_in_progress);
        return;
    }
    ec = platform::pending_error(h);
    // Writable with no pending error is success, except where the error was already read
    // (a second call after a failure): the peer address then says not_connected.
    if (!ec) platform::peer_address(h, ec);
}

std::size_t tcp_stream::send(const void* data, std::size_t size, timeout limit) {
    return detail::or_throw("portsock::tcp_stream::send",
                            [&](std::error_code& ec) { return send(data, size, ec, limit); });
}

std::size_t tcp_stream::send(const void* data, std::size_t size, std::error_code& ec, timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return 0;
    const platform::handle h = native_handle();
    return detail::run_blocking<std::size_t>(h, is_non_blocking(), platform::wait_writable, limit, 0, ec,
                                             [&](std::error_code& e) { return platform::send(h, data, size, e); });
}

void tcp_stream::send_all(const void* data, std::size_t size, timeout limit) {
    detail::or_throw("portsock::tcp_stream::send_all",
                     [&](std::error_code& ec) { send_all(data, size, ec, limit); });
}

std::size_t tcp_stream::send_all(const void* data, std::size_t size, std::error_code& ec, timeout limit) noexcept {
    const std::size_t sent = detail::send_all(*this, data, size, ec, limit);
    if (size == 0) detail::check_open(*this, ec);
    return sent;
}

std::size_t tcp_stream::receive(void* data, std::size_t size, timeout limit) {
    return detail::or_throw("portsock::tcp_stream::receive",
                            [&](std::error_code& ec) { return receive(data, size, ec, limit); });
}

std::size_t tcp_stream::receive(void* data, std::size_t size, std::error_code& ec, timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return 0;
    const platform::handle h = native_handle();
    return detail::run_blocking<std::size_t>(h, is_non_blocking(), platform::wait_readable, limit, 0, ec,
                                             [&](std::error_code& e) { return platform::receive(h, data, size, e); });
}

std::string tcp_stream::receive(std::size_t max_size, timeout limit) {
    return detail::or_throw("portsock::tcp_stream::receive",
                            [&](std::error_code& ec) { return receive(max_size, ec, limit); });
}

std::string tcp_stream::receive(std::size_t max_size, std::error_code& ec, timeout limit) {
    std::string text(max_size, '\0');
    text.resize(receive(text.data(), text.size(), ec, limit));
    return text;
}

void tcp_stream::receive_exact(void* data, std::size_t size, timeout limit) {
    detail::or_throw("portsock::tcp_stream::receive_exact",
                     [&](std::error_code& ec) { receive_exact(data, size, ec, limit); });
}

std::size_t tcp_stream::receive_exact(void* data, std::size_t size, std::error_code& ec, timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return 0;
    return detail::receive_exact(*this, data, size, ec, limit);
}

void tcp_stream::shutdown(shutdown_type what) {
    detail::or_throw("portsock::tcp_stream::shutdown", [&](std::error_code& ec) { shutdown(what, ec); });
}

void tcp_stream::shutdown(shutdown_type what, std::error_code& ec) noexcept {
    if (!detail::check_open(*this, ec)) return;
    const platform::shutdown_how how = what == shutdown_type::receive ? platform::shutdown_how::receive
                                       : what == shutdown_type::send  ? platform::shutdown_how::send
                                                                      : platform::shutdown_how::both;
    platform::shutdown(native_handle(), how, ec);
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
    detail::or_throw("portsock::tcp_stream::set_no_delay", [&](std::error_code& ec) { set_no_delay(on, ec); });
}

void tcp_stream::set_no_delay(bool on, std::error_code& ec) noexcept {
    detail::set_flag(*this, platform::option::no_delay, on, ec);
}

bool tcp_stream::no_delay() const {
    return detail::or_throw("portsock::tcp_stream::no_delay", [&](std::error_code& ec) { return no_delay(ec); });
}

bool tcp_stream::no_delay(std::error_code& ec) const noexcept { return detail::get_flag(*this, platform::option::no_delay, ec); }

void tcp_stream::set_keep_alive(bool on) {
    detail::or_throw("portsock::tcp_stream::set_keep_alive", [&](std::error_code& ec) { set_keep_alive(on, ec); });
}

void tcp_stream::set_keep_alive(bool on, std::error_code& ec) noexcept {
    detail::set_flag(*this, platform::option::keep_alive, on, ec);
}

bool tcp_stream::keep_alive() const {
    return detail::or_throw("portsock::tcp_stream::keep_alive", [&](std::error_code& ec) { return keep_alive(ec); });
}

bool tcp_stream::keep_alive(std::error_code& ec) const noexcept { return detail::get_flag(*this, platform::option::keep_alive, ec); }

}  // namespace portsock
