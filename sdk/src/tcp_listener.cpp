// tcp_listener: bind, listen and accept.
#include "internal.hpp"

#include <portsock/resolve.hpp>
#include <portsock/tcp.hpp>

#include <cstdio>

namespace portsock {
namespace {

// Socket options must be in place before bind(): reuse-address, reuse-port and dual-stack are.
void configure(platform::handle h, const endpoint& local, const listen_options& options,
               std::error_code& ec) noexcept {
    if (options.reuse_address) platform::set_option(h, platform::option::reuse_address, 1, ec);
    if (!ec && options.reuse_port) platform::set_option(h, platform::option::reuse_port, 1, ec);
    if (!ec && local.address().is_v6())
        platform::set_option(h, platform::option::v6_only, options.dual_stack ? 0 : 1, ec);
}

}  // namespace

tcp_listener::tcp_listener(const endpoint& local, const listen_options& options)
    : tcp_listener(detail::or_throw("portsock::tcp_listener",
                                    [&](std::error_code& ec) { return listen(local, ec, options); })) {}

tcp_listener::tcp_listener(std::string_view host, std::uint16_t port, const listen_options& options) {
    std::error_code ec;
    *this = listen(host, port, ec, options);
    if (ec) detail::throw_error(ec, "portsock::tcp_listener", host);
}

tcp_listener tcp_listener::listen(const endpoint& local, std::error_code& ec, const listen_options& options) noexcept {
    if (options.backlog < 0) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    tcp_listener listener(platform::open(detail::to_platform(local.family()), platform::socket_type::stream, ec));
    if (ec) return {};
    const platform::handle h = listener.native_handle();
    configure(h, local, options, ec);
    if (!ec) platform::bind(h, detail::to_platform(local), ec);
    if (!ec) platform::listen(h, options.backlog, ec);
    return ec ? tcp_listener{} : std::move(listener);
}

tcp_listener tcp_listener::listen(std::string_view host, std::uint16_t port, std::error_code& ec,
                                  const listen_options& options) noexcept {
    char service[8];
    const int length = std::snprintf(service, sizeof service, "%u", static_cast<unsigned>(port));
    const std::vector<endpoint> candidates = resolve(host, std::string_view(service, static_cast<std::size_t>(length)), ec);
    if (ec) return {};
    for (const endpoint& candidate : candidates) {  // first that binds wins; else the last error
        tcp_listener listener = listen(candidate, ec, options);
        if (!ec) return listener;
    }
    return {};
}

accepted_connection tcp_listener::accept(timeout limit) {
    return detail::or_throw("portsock::tcp_listener::accept",
                            [&](std::error_code& ec) { return accept(ec, limit); });
}

accepted_connection tcp_listener::accept(std::error_code& ec, timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return {};
    const platform::handle h = native_handle();
    platform::address peer;
    const platform::handle client =
        detail::run_blocking<platform::handle>(h, is_non_blocking(), platform::wait_readable, limit,
                                               platform::invalid_handle, ec,
                                               [&](std::error_code& e) { return platform::accept(h, &peer, e); });
    if (ec) return {};
    return {tcp_stream(client), detail::from_platform(peer)};
}

}  // namespace portsock
