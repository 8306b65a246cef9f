// udp_socket: datagrams, connected or not.
#include "stream_ops.hpp"

#include <portsock/udp.hpp>

namespace portsock {

udp_socket::udp_socket(const endpoint& local, const udp_bind_options& options)
    : udp_socket(bind(local, options)) {}

udp_socket udp_socket::bind(const endpoint& local, const udp_bind_options& options) {
    return detail::or_throw_with(
        [&](const std::error_code&) { return "portsock::udp_socket: bind to " + local.to_string(); },
        [&](std::error_code& ec) { return bind(local, ec, options); });
}

namespace {

// The options that must be in place before bind(), as tcp_listener's configure() does.
void configure(platform::handle h, const endpoint& local, const udp_bind_options& options,
               std::error_code& ec) noexcept {
    // Not sharing is said out loud: on Windows a later socket with SO_REUSEADDR could
    // otherwise bind this port over it, and the strict reuse_address (SO_EXCLUSIVEADDRUSE)
    // forbids that; on POSIX it is SO_REUSEADDR off, the default.
    if (options.reuse_address)
        platform::set_option(h, platform::option::share_address, 1, ec);
    else
        platform::set_option(h, platform::option::reuse_address, 0, ec);
    if (!ec && options.reuse_port) platform::set_option(h, platform::option::reuse_port, 1, ec);
    if (!ec && options.dual_stack && local.address().is_v6())
        platform::set_option(h, platform::option::v6_only, 0, ec);
}

}  // namespace

udp_socket udp_socket::bind(const endpoint& local, std::error_code& ec,
                            const udp_bind_options& options) noexcept {
    udp_socket socket = open(local.family(), ec);  // IPv6 only (platform::open)
    if (!ec) configure(socket.native_handle(), local, options, ec);
    if (!ec) platform::bind(socket.native_handle(), detail::to_platform(local), ec);
    return ec ? udp_socket{} : std::move(socket);
}

udp_socket udp_socket::open(address_family family) {
    return detail::or_throw("portsock::udp_socket::open",
                            [&](std::error_code& ec) { return open(family, ec); });
}

udp_socket udp_socket::open(address_family family, std::error_code& ec) noexcept {
    if (family == address_family::unspecified || !detail::is_valid(family)) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    udp_socket socket(platform::open(detail::to_platform(family), platform::socket_type::datagram, ec));
    return ec ? udp_socket{} : std::move(socket);
}

std::size_t udp_socket::send_to(const void* data, std::size_t size, const endpoint& destination,
                                timeout limit) {
    return detail::or_throw_with(
        [&](const std::error_code& ec) {
            return detail::timed_context("portsock::udp_socket::send_to " + destination.to_string(), limit,
                                         ec);
        },
        [&](std::error_code& ec) { return send_to(data, size, destination, ec, limit); });
}

std::size_t udp_socket::send_to(const void* data, std::size_t size, const endpoint& destination,
                                std::error_code& ec, timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return 0;
    const platform::handle h = native_handle();
    const platform::address to = detail::to_platform(destination);
    return detail::run_blocking<std::size_t>(
        *this, platform::wait_writable, limit, 0, ec,
        [&](std::error_code& e) { return platform::send_to(h, data, size, to, e); });
}

datagram_info udp_socket::receive_from(void* data, std::size_t size, timeout limit) {
    return detail::or_throw("portsock::udp_socket::receive_from", limit,
                            [&](std::error_code& ec) { return receive_from(data, size, ec, limit); });
}

datagram_info udp_socket::receive_from(void* data, std::size_t size, std::error_code& ec,
                                       timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return {};
    const platform::handle h = native_handle();
    platform::address from;
    const std::size_t n = detail::run_blocking<std::size_t>(
        *this, platform::wait_readable, limit, 0, ec,
        [&](std::error_code& e) { return platform::receive_from(h, data, size, &from, e); });
    if (detail::checked_datagrams(*this, 1, ec) == 0) return {};
    const bool got_datagram = !ec || ec == std::errc::message_size;
    return got_datagram ? datagram_info{n, detail::from_platform(from)} : datagram_info{};
}

datagram_with_destination udp_socket::receive_with_destination(void* data, std::size_t size, timeout limit) {
    return detail::or_throw(
        "portsock::udp_socket::receive_with_destination", limit,
        [&](std::error_code& ec) { return receive_with_destination(data, size, ec, limit); });
}

datagram_with_destination udp_socket::receive_with_destination(void* data, std::size_t size,
                                                               std::error_code& ec, timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return {};
    const platform::handle h = native_handle();
    platform::address from, to;
    const std::size_t n = detail::run_blocking<std::size_t>(
        *this, platform::wait_readable, limit, 0, ec,
        [&](std::error_code& e) { return platform::receive_from_to(h, data, size, &from, to, e); });
    if (detail::checked_datagrams(*this, 1, ec) == 0) return {};
    if (ec && ec != std::errc::message_size) return {};
    const ip_address destination =
        to.fam == platform::family::unspecified ? ip_address{} : detail::from_platform(to).address();
    return {n, detail::from_platform(from), destination};
}

namespace {

/// Datagrams converted to the platform's form at a time, on the stack (no allocation).
constexpr std::size_t batch_chunk = 64;

}  // namespace

std::size_t udp_socket::send_batch(const outgoing_datagram* batch, std::size_t count, timeout limit) {
    return detail::or_throw("portsock::udp_socket::send_batch", limit,
                            [&](std::error_code& ec) { return send_batch(batch, count, ec, limit); });
}

std::size_t udp_socket::send_batch(const outgoing_datagram* batch, std::size_t count, std::error_code& ec,
                                   timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return 0;
    const platform::handle h = native_handle();
    const detail::deadline until(limit);
    platform::outgoing_datagram chunk[batch_chunk];
    std::size_t sent = 0;
    while (sent < count) {
        const std::size_t want = count - sent < batch_chunk ? count - sent : batch_chunk;
        for (std::size_t i = 0; i < want; ++i)
            chunk[i] = {batch[sent + i].data, batch[sent + i].size,
                        detail::to_platform(batch[sent + i].destination)};
        const std::size_t n = detail::run_blocking<std::size_t>(
            *this, platform::wait_writable, until.remaining(), 0, ec,
            [&](std::error_code& e) { return platform::send_batch(h, chunk, want, e); });
        if (ec) break;
        sent += n;
        if (n < want) break;  // stopped early: the next call reports why
    }
    if (sent > 0) ec.clear();
    return sent;
}

std::size_t udp_socket::receive_batch(incoming_datagram* batch, std::size_t count, timeout limit) {
    return detail::or_throw("portsock::udp_socket::receive_batch", limit,
                            [&](std::error_code& ec) { return receive_batch(batch, count, ec, limit); });
}

std::size_t udp_socket::receive_batch(incoming_datagram* batch, std::size_t count, std::error_code& ec,
                                      timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return 0;
    const platform::handle h = native_handle();
    platform::incoming_datagram chunk[batch_chunk];
    std::size_t received = 0;
    ec.clear();
    while (received < count) {
        const std::size_t want = count - received < batch_chunk ? count - received : batch_chunk;
        for (std::size_t i = 0; i < want; ++i)
            chunk[i] = {batch[received + i].data, batch[received + i].capacity, 0, {}, false};
        // Only the first chunk waits; later ones take what is queued, never blocking.
        if (received > 0 && platform::wait(h, platform::wait_readable, 0, ec) == platform::wait_none) break;
        const std::size_t n = detail::run_blocking<std::size_t>(
            *this, platform::wait_readable, limit, 0, ec,
            [&](std::error_code& e) { return platform::receive_batch(h, chunk, want, e); });
        if (ec || detail::checked_datagrams(*this, n, ec) != n) break;
        for (std::size_t i = 0; i < n; ++i) {
            incoming_datagram& slot = batch[received + i];
            slot.size = chunk[i].size;
            slot.sender = detail::from_platform(chunk[i].from);
            slot.truncated = chunk[i].truncated;
        }
        received += n;
        if (n < want) break;  // the queue is empty
    }
    if (received > 0 && ec != std::errc::operation_canceled) ec.clear();
    return ec == std::errc::operation_canceled ? 0 : received;
}

void udp_socket::connect(const endpoint& remote) {
    detail::or_throw_with(
        [&](const std::error_code&) { return "portsock::udp_socket::connect to " + remote.to_string(); },
        [&](std::error_code& ec) { connect(remote, ec); });
}

void udp_socket::connect(const endpoint& remote, std::error_code& ec) noexcept {
    if (detail::check_open(*this, ec)) platform::connect(native_handle(), detail::to_platform(remote), ec);
}

std::size_t udp_socket::send(const void* data, std::size_t size, timeout limit) {
    return detail::or_throw("portsock::udp_socket::send", limit,
                            [&](std::error_code& ec) { return send(data, size, ec, limit); });
}

std::size_t udp_socket::send(const void* data, std::size_t size, std::error_code& ec,
                             timeout limit) noexcept {
    return detail::send_some(*this, data, size, ec, limit);
}

std::size_t udp_socket::receive(void* data, std::size_t size, timeout limit) {
    return detail::or_throw("portsock::udp_socket::receive", limit,
                            [&](std::error_code& ec) { return receive(data, size, ec, limit); });
}

std::size_t udp_socket::receive(void* data, std::size_t size, std::error_code& ec, timeout limit) noexcept {
    // receive_from() is the call that detects truncation on every port.
    return receive_from(data, size, ec, limit).size;
}

endpoint udp_socket::remote_endpoint() const {
    return detail::or_throw("portsock::udp_socket::remote_endpoint",
                            [&](std::error_code& ec) { return remote_endpoint(ec); });
}

endpoint udp_socket::remote_endpoint(std::error_code& ec) const noexcept {
    if (!detail::check_open(*this, ec)) return {};
    const platform::address addr = platform::peer_address(native_handle(), ec);
    return ec ? endpoint{} : detail::from_platform(addr);
}

void udp_socket::set_broadcast(bool on) {
    detail::or_throw("portsock::udp_socket::set_broadcast",
                     [&](std::error_code& ec) { set_broadcast(on, ec); });
}

void udp_socket::set_broadcast(bool on, std::error_code& ec) noexcept {
    detail::set_flag(*this, platform::option::broadcast, on, ec);
}

bool udp_socket::broadcast() const {
    return detail::or_throw("portsock::udp_socket::broadcast",
                            [&](std::error_code& ec) { return broadcast(ec); });
}

bool udp_socket::broadcast(std::error_code& ec) const noexcept {
    return detail::get_flag(*this, platform::option::broadcast, ec);
}

void udp_socket::set_receive_destination(bool on) {
    detail::or_throw("portsock::udp_socket::set_receive_destination",
                     [&](std::error_code& ec) { set_receive_destination(on, ec); });
}

void udp_socket::set_receive_destination(bool on, std::error_code& ec) noexcept {
    detail::set_flag(*this, platform::option::receive_destination, on, ec);
}

bool udp_socket::receive_destination() const {
    return detail::or_throw("portsock::udp_socket::receive_destination",
                            [&](std::error_code& ec) { return receive_destination(ec); });
}

bool udp_socket::receive_destination(std::error_code& ec) const noexcept {
    return detail::get_flag(*this, platform::option::receive_destination, ec);
}

}  // namespace portsock
