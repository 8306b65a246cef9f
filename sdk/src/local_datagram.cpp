// local_datagram: Unix-domain datagrams (POSIX; Windows has none and says so).
#include "local_internal.hpp"
#include "stream_ops.hpp"

namespace portsock {

local_datagram::local_datagram(const local_address& local) : local_datagram(bind(local)) {}

local_datagram local_datagram::bind(const local_address& local) {
    return detail::or_throw_at("portsock::local_datagram: bind to", local, timeout{},
                               [&](std::error_code& ec) { return bind(local, ec); });
}

local_datagram local_datagram::bind(local_address_view given, std::error_code& ec) noexcept {
    const local_address local = detail::named_address(given, ec);
    if (ec) return {};
    local_datagram socket = open(ec);
    if (!ec) platform::bind(socket.native_handle(), detail::to_platform(local), ec);
    return ec ? local_datagram{} : std::move(socket);
}

local_datagram local_datagram::open() {
    return detail::or_throw("portsock::local_datagram::open", [&](std::error_code& ec) { return open(ec); });
}

local_datagram local_datagram::open(std::error_code& ec) noexcept {
    local_datagram socket(platform::open(platform::family::local, platform::socket_type::datagram, ec));
    return ec ? local_datagram{} : std::move(socket);
}

void local_datagram::connect(const local_address& remote) {
    detail::or_throw_at("portsock::local_datagram::connect to", remote, timeout{},
                        [&](std::error_code& ec) { connect(remote, ec); });
}

void local_datagram::connect(local_address_view given, std::error_code& ec) noexcept {
    if (!detail::check_open(*this, ec)) return;
    const local_address remote = detail::named_address(given, ec);
    if (!ec) platform::connect(native_handle(), detail::to_platform(remote), ec);
}

std::size_t local_datagram::send_to(const void* data, std::size_t size, const local_address& destination,
                                    timeout limit) {
    return detail::or_throw_at(
        "portsock::local_datagram::send_to", destination, limit,
        [&](std::error_code& ec) { return send_to(data, size, destination, ec, limit); });
}

std::size_t local_datagram::send_to(const void* data, std::size_t size, local_address_view given,
                                    std::error_code& ec, timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return 0;
    const local_address destination = detail::named_address(given, ec);
    if (ec) return 0;
    const platform::handle h = native_handle();
    const platform::local_name to = detail::to_platform(destination);
    return detail::run_blocking<std::size_t>(
        *this, platform::wait_writable, limit, 0, ec,
        [&](std::error_code& e) { return platform::send_to(h, data, size, to, e); });
}

std::size_t local_datagram::send(const void* data, std::size_t size, timeout limit) {
    return detail::or_throw("portsock::local_datagram::send",
                            [&](std::error_code& ec) { return send(data, size, ec, limit); });
}

std::size_t local_datagram::send(const void* data, std::size_t size, std::error_code& ec,
                                 timeout limit) noexcept {
    return detail::send_some(*this, data, size, ec, limit);
}

local_datagram_info local_datagram::receive_from(void* data, std::size_t size, timeout limit) {
    return detail::or_throw("portsock::local_datagram::receive_from",
                            [&](std::error_code& ec) { return receive_from(data, size, ec, limit); });
}

local_datagram_info local_datagram::receive_from(void* data, std::size_t size, std::error_code& ec,
                                                 timeout limit) noexcept {
    if (!detail::check_open(*this, ec)) return {};
    const platform::handle h = native_handle();
    platform::local_name from;
    const std::size_t n = detail::run_blocking<std::size_t>(
        *this, platform::wait_readable, limit, 0, ec,
        [&](std::error_code& e) { return platform::receive_from(h, data, size, from, e); });
    if (detail::checked_datagrams(*this, 1, ec) == 0) return {};
    const bool got_datagram = !ec || ec == std::errc::message_size;
    return got_datagram ? local_datagram_info{n, detail::from_platform(from)} : local_datagram_info{};
}

std::size_t local_datagram::receive(void* data, std::size_t size, timeout limit) {
    return detail::or_throw("portsock::local_datagram::receive",
                            [&](std::error_code& ec) { return receive(data, size, ec, limit); });
}

std::size_t local_datagram::receive(void* data, std::size_t size, std::error_code& ec,
                                    timeout limit) noexcept {
    return receive_from(data, size, ec, limit).size;  // receive_from() detects truncation on every port
}

local_address local_datagram::local_endpoint() const {
    return detail::or_throw("portsock::local_datagram::local_endpoint",
                            [&](std::error_code& ec) { return local_endpoint(ec); });
}

local_address local_datagram::local_endpoint(std::error_code& ec) const noexcept {
    return detail::local_name_of(*this, ec);
}

}  // namespace portsock
