// local_stream: connect, the shared stream operations, names and peer credentials.
#include "local_internal.hpp"
#include "stream_ops.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace portsock {

namespace detail {

// A non-blocking local connect has two meanings of would-block: in progress (Windows, as for
// TCP) or "the listener's queue is full, nothing started" (Linux). So after the wait, the
// peer's name says which: connected, or try again (briefly pausing, since an unconnected
// Linux socket polls writable at once) until the deadline.
void connect_local(platform::handle h, const platform::local_name& name, const deadline& until,
                   std::error_code& ec) noexcept {
    if (until.is_infinite()) {
        platform::connect(h, name, ec);
        return;
    }
    non_blocking_scope scope(h, ec);
    if (ec) return;
    for (;;) {
        platform::connect(h, name, ec);
        if (ec != std::errc::operation_in_progress && !would_block(ec)) return;
        if (platform::wait(h, platform::wait_writable, until.remaining_ms(), ec) == platform::wait_none) {
            if (!ec) ec = platform::make_error(std::errc::timed_out);
            return;
        }
        ec = platform::pending_error(h);
        if (ec) return;
        platform::peer_local_name_of(h, ec);
        if (ec != std::errc::not_connected) return;  // connected, or failed
        if (until.remaining_ms() == 0) {
            ec = platform::make_error(std::errc::timed_out);
            return;
        }
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::min<std::int64_t>(until.remaining_ms(), 2)));
    }
}

}  // namespace detail

local_stream local_stream::connect(const local_address& remote, timeout limit) {
    return detail::or_throw_at("portsock::local_stream::connect to", remote, limit,
                               [&](std::error_code& ec) { return connect(remote, ec, limit); });
}

local_stream local_stream::connect(local_address_view given, std::error_code& ec, timeout limit) noexcept {
    const local_address remote = detail::named_address(given, ec);
    if (ec) return {};
    const detail::deadline until(limit);
    local_stream stream(platform::open(platform::family::local, platform::socket_type::stream, ec));
    if (ec) return {};
    detail::connect_local(stream.native_handle(), detail::to_platform(remote), until, ec);
    return ec ? local_stream{} : std::move(stream);
}

local_address local_stream::local_endpoint() const {
    return detail::or_throw("portsock::local_stream::local_endpoint",
                            [&](std::error_code& ec) { return local_endpoint(ec); });
}

local_address local_stream::local_endpoint(std::error_code& ec) const noexcept {
    return detail::local_name_of(*this, ec);
}

local_address local_stream::remote_endpoint() const {
    return detail::or_throw("portsock::local_stream::remote_endpoint",
                            [&](std::error_code& ec) { return remote_endpoint(ec); });
}

local_address local_stream::remote_endpoint(std::error_code& ec) const noexcept {
    if (!detail::check_open(*this, ec)) return {};
    const platform::local_name name = platform::peer_local_name_of(native_handle(), ec);
    return ec ? local_address{} : detail::from_platform(name);
}

process_credentials local_stream::peer_credentials() const {
    return detail::or_throw("portsock::local_stream::peer_credentials",
                            [&](std::error_code& ec) { return peer_credentials(ec); });
}

process_credentials local_stream::peer_credentials(std::error_code& ec) const noexcept {
    if (!detail::check_open(*this, ec)) return {};
    const platform::credentials found = platform::peer_credentials(native_handle(), ec);
    if (ec) return {};
    return {found.process_id, found.user_id, found.group_id};
}

}  // namespace portsock
