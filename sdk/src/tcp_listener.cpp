// tcp_listener: bind, listen and accept.
#include "stream_ops.hpp"
#include "text.hpp"

#include <portsock/resolve.hpp>
#include <portsock/tcp.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace portsock {
namespace {

// Socket options must be in place before bind(): reuse-address, reuse-port and dual-stack are.
void configure(platform::handle h, const endpoint& local, const listen_options& options,
               std::error_code& ec) noexcept {
    platform::set_option(h, platform::option::reuse_address, options.reuse_address ? 1 : 0, ec);
    if (!ec && options.reuse_port) platform::set_option(h, platform::option::reuse_port, 1, ec);
    if (!ec && local.address().is_v6())
        platform::set_option(h, platform::option::v6_only, options.dual_stack ? 0 : 1, ec);
}

// Opens a handle, sets its options, binds and listens. On failure the handle is closed and
// the step that failed is returned, so what() can say "bind to 127.0.0.1:80".
struct listening_handle {
    platform::handle handle = platform::invalid_handle;
    const char* failed_step = nullptr;
};

listening_handle open_listening_handle(const endpoint& local, const listen_options& options,
                                       std::error_code& ec) noexcept {
    if (options.backlog < 0) {
        ec = make_error_code(errc::invalid_argument);
        return {platform::invalid_handle, "listen on"};
    }
    const platform::handle h =
        platform::open(detail::to_platform(local.family()), platform::socket_type::stream, ec);
    if (ec) return {platform::invalid_handle, "open a socket for"};
    const char* step = "set the options of";
    configure(h, local, options, ec);
    if (!ec) {
        step = "bind to";
        platform::bind(h, detail::to_platform(local), ec);
    }
    if (!ec) {
        step = "listen on";
        platform::listen(h, options.backlog, ec);
    }
    if (!ec) return {h, nullptr};
    std::error_code ignored;
    platform::close(h, ignored);
    return {platform::invalid_handle, step};
}

}  // namespace

tcp_listener::tcp_listener(const endpoint& local, const listen_options& options) {
    std::error_code ec;
    const listening_handle opened = open_listening_handle(local, options, ec);
    if (ec)
        detail::throw_error(
            ec, std::string("portsock::tcp_listener: ") + opened.failed_step + ' ' + local.to_string());
    *this = tcp_listener(opened.handle);
}

tcp_listener::tcp_listener(std::string_view host, std::uint16_t port, const listen_options& options) {
    std::error_code ec;
    *this = listen(host, port, ec, options);
    if (ec)
        detail::throw_error(ec, "portsock::tcp_listener: listen on " + detail::quote(host) + " port " +
                                    std::to_string(port) + detail::host_hint(host, ec));
}

tcp_listener tcp_listener::listen(const endpoint& local, std::error_code& ec,
                                  const listen_options& options) noexcept {
    const listening_handle opened = open_listening_handle(local, options, ec);
    return ec ? tcp_listener{} : tcp_listener(opened.handle);
}

tcp_listener tcp_listener::listen(std::string_view host, std::uint16_t port, std::error_code& ec,
                                  const listen_options& options) noexcept {
    char service[8];
    const int length = std::snprintf(service, sizeof service, "%u", static_cast<unsigned>(port));
    const std::vector<endpoint> candidates =
        resolve(host, std::string_view(service, static_cast<std::size_t>(length)), ec);
    if (ec) return {};
    for (const endpoint& candidate : candidates) {  // first that binds wins; else the last error
        tcp_listener listener = listen(candidate, ec, options);
        if (!ec) return listener;
    }
    return {};
}

accepted_connection tcp_listener::accept(timeout limit) {
    return detail::or_throw_with(
        [&](const std::error_code& ec) {
            std::error_code unknown;
            const endpoint local = local_endpoint(unknown);
            const std::string where = unknown ? std::string("a closed listener") : local.to_string();
            return detail::timed_context("portsock::tcp_listener::accept on " + where, limit, ec);
        },
        [&](std::error_code& ec) { return accept(ec, limit); });
}

accepted_connection tcp_listener::accept(std::error_code& ec, timeout limit) noexcept {
    platform::address peer;
    const platform::handle client =
        detail::accept_handle(*this, &peer, platform::io_mode::blocking, ec, limit);
    if (ec) return {};
    return {tcp_stream(client), detail::from_platform(peer)};
}

accepted_connection tcp_listener::accept_non_blocking(timeout limit) {
    return detail::or_throw("portsock::tcp_listener::accept_non_blocking",
                            [&](std::error_code& ec) { return accept_non_blocking(ec, limit); });
}

accepted_connection tcp_listener::accept_non_blocking(std::error_code& ec, timeout limit) noexcept {
    platform::address peer;
    const platform::handle client =
        detail::accept_handle(*this, &peer, platform::io_mode::non_blocking, ec, limit);
    if (ec) return {};
    tcp_stream stream(client);
    detail::socket_access::created_non_blocking(stream);
    return {std::move(stream), detail::from_platform(peer)};
}

namespace detail {

void wake_accepts(const basic_socket& listener, std::uint32_t count, std::error_code& ec) noexcept {
    if (count == 0) return;
    endpoint target = ip_name_of(listener, ec);
    if (ec) return;
    if (target.address().is_unspecified())  // bound to any address: reachable on loopback
        target = {target.address().is_v6() ? ip_address::loopback_v6() : ip_address::loopback_v4(),
                  target.port()};
    for (std::uint32_t i = 0; i < count && !ec; ++i) {
        tcp_stream wake = tcp_stream::start_connect(target, ec);
        // Connected (or refused) on loopback at once; the wait only bounds a slow stack.
        if (!ec) wake.finish_connect(ec, std::chrono::seconds(1));
    }
}

}  // namespace detail
}  // namespace portsock
