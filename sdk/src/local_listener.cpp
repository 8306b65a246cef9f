// local_listener: bind (replacing a stale socket file only when asked), listen and accept.
#include "local_internal.hpp"
#include "stream_ops.hpp"

#include <chrono>

namespace portsock {
namespace {

// How long the stale-file check waits for a listener that is there but busy.
constexpr std::chrono::milliseconds liveness_probe{1000};

// Removes the file at `name` if, and only if, it is a socket file nobody listens on: a
// connect to it is refused. Anything else is left alone, and bind() then reports it.
void remove_if_stale(const platform::local_name& name, std::error_code& ec) noexcept {
    if (name.kind != platform::local_name::path) return;
    if (platform::local_file_kind(name, ec) != platform::file_kind::socket) return;
    std::error_code probe_ec;
    const platform::handle probe = platform::open(platform::family::local, platform::socket_type::stream, probe_ec);
    if (probe_ec) return;
    detail::connect_local(probe, name, detail::deadline(liveness_probe), probe_ec);
    std::error_code ignored;
    platform::close(probe, ignored);
    if (probe_ec == std::errc::connection_refused) platform::remove_local_file(name, ec);
}

}  // namespace

local_listener::local_listener(const local_address& local, const local_listen_options& options)
    : local_listener(detail::or_throw_at("portsock::local_listener: listen on", local, timeout{},
                                         [&](std::error_code& ec) { return listen(local, ec, options); })) {}

local_listener local_listener::listen(local_address_view given, std::error_code& ec,
                                      const local_listen_options& options) noexcept {
    if (options.backlog < 0) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    const local_address local = detail::named_address(given, ec);
    if (ec) return {};
    const platform::local_name name = detail::to_platform(local);
    local_listener listener(platform::open(platform::family::local, platform::socket_type::stream, ec));
    if (ec) return {};
    if (options.replace_stale_socket) remove_if_stale(name, ec);
    if (!ec) platform::bind(listener.native_handle(), name, ec);
    if (!ec) platform::listen(listener.native_handle(), options.backlog, ec);
    return ec ? local_listener{} : std::move(listener);
}

accepted_local_connection local_listener::accept(timeout limit) {
    return detail::or_throw("portsock::local_listener::accept",
                            [&](std::error_code& ec) { return accept(ec, limit); });
}

accepted_local_connection local_listener::accept(std::error_code& ec, timeout limit) noexcept {
    local_stream client(detail::accept_handle(*this, nullptr, ec, limit));
    if (ec) return {};
    std::error_code unnamed;  // a peer without a name is the usual case, not an error
    const platform::local_name peer = platform::peer_local_name_of(client.native_handle(), unnamed);
    return {std::move(client), detail::from_platform(peer)};
}

local_address local_listener::local_endpoint() const {
    return detail::or_throw("portsock::local_listener::local_endpoint",
                            [&](std::error_code& ec) { return local_endpoint(ec); });
}

local_address local_listener::local_endpoint(std::error_code& ec) const noexcept { return detail::local_name_of(*this, ec); }

}  // namespace portsock
