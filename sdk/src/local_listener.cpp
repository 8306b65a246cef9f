// local_listener: bind (replacing a stale socket file only when asked), listen and accept.
#include "local_internal.hpp"
#include "stream_ops.hpp"

#include <chrono>
#include <string>

namespace portsock {
namespace {

// How long the stale-file check waits for a listener that is there but busy.
constexpr std::chrono::milliseconds liveness_probe{1000};

// What a connect to the socket file at `name` finds: connection_refused if nobody listens
// (the file is stale), clear if a listener answered (or timed_out if it is too busy to).
std::error_code probe_listener(const platform::local_name& name) noexcept {
    std::error_code probe_ec;
    const platform::handle probe =
        platform::open(platform::family::local, platform::socket_type::stream, probe_ec);
    if (probe_ec) return probe_ec;
    detail::connect_local(probe, name, detail::deadline(liveness_probe), probe_ec);
    std::error_code ignored;
    platform::close(probe, ignored);
    return probe_ec;
}

// Removes the file at `name` if, and only if, it is a socket file nobody listens on: a
// connect to it is refused. Anything else is left alone, and bind() then reports it.
void remove_if_stale(const platform::local_name& name, std::error_code& ec) noexcept {
    if (name.kind != platform::local_name::path) return;
    if (platform::local_file_kind(name, ec) != platform::file_kind::socket) return;
    const std::error_code probe_ec = probe_listener(name);
    // No descriptor for the probe: say so, rather than bind()'s "address in use".
    if (is_resource_exhaustion(probe_ec))
        ec = probe_ec;
    else if (probe_ec == std::errc::connection_refused)
        platform::remove_local_file(name, ec);
}

// Why a path is in use, for the thrown message: the same error (address_in_use) covers
// three cases that call for different answers.
std::string what_holds(const local_address& at, const local_listen_options& options) {
    const platform::local_name name = detail::to_platform(at);
    std::error_code ec;
    if (name.kind != platform::local_name::path) return "";
    const platform::file_kind kind = platform::local_file_kind(name, ec);
    if (ec || kind == platform::file_kind::none) return "";
    if (kind != platform::file_kind::socket)
        return " (a file that is not a socket is at that path: portsock never removes one)";
    const std::error_code probe_ec = probe_listener(name);
    if (probe_ec == std::errc::connection_refused) {
        return options.replace_stale_socket
                   ? " (a stale socket file, which could not be replaced)"
                   : " (a stale socket file: no listener is behind it; remove it, or set "
                     "local_listen_options::replace_stale_socket)";
    }
    if (!probe_ec || probe_ec == std::errc::timed_out) return " (a live listener is there)";
    return "";
}

}  // namespace

local_listener::local_listener(const local_address& local, const local_listen_options& options)
    : local_listener(detail::or_throw_with(
          [&](const std::error_code& ec) {
              std::string context = "portsock::local_listener: listen on " + detail::quote(local.to_string());
              if (ec == std::errc::address_in_use) context += what_holds(local, options);
              return context;
          },
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
    return accept_in(false, ec, limit);
}

accepted_local_connection local_listener::accept_non_blocking(timeout limit) {
    return detail::or_throw("portsock::local_listener::accept_non_blocking",
                            [&](std::error_code& ec) { return accept_non_blocking(ec, limit); });
}

accepted_local_connection local_listener::accept_non_blocking(std::error_code& ec, timeout limit) noexcept {
    return accept_in(true, ec, limit);
}

accepted_local_connection local_listener::accept_in(bool non_blocking, std::error_code& ec,
                                                    timeout limit) noexcept {
    const platform::io_mode mode =
        non_blocking ? platform::io_mode::non_blocking : platform::io_mode::blocking;
    local_stream client(detail::accept_handle(*this, nullptr, mode, ec, limit));
    if (ec) return {};
    if (non_blocking) detail::socket_access::created_non_blocking(client);
    std::error_code unnamed;  // a peer without a name is the usual case, not an error
    const platform::local_name peer = platform::peer_local_name_of(client.native_handle(), unnamed);
    return {std::move(client), detail::from_platform(peer)};
}

local_address local_listener::local_endpoint() const {
    return detail::or_throw("portsock::local_listener::local_endpoint",
                            [&](std::error_code& ec) { return local_endpoint(ec); });
}

local_address local_listener::local_endpoint(std::error_code& ec) const noexcept {
    return detail::local_name_of(*this, ec);
}

}  // namespace portsock
