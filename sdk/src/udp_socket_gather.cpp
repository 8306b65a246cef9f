// udp_socket: datagrams from several buffers, and datagrams received into strings.
#include "gather.hpp"
#include "internal.hpp"

#include <portsock/udp.hpp>

namespace portsock {
namespace {

// One datagram from the pieces, to `to` (null: the connected peer). Every piece must fit
// in one call, or the datagram would be split.
std::size_t send_datagram(udp_socket& socket, const const_buffer* buffers, std::size_t count,
                          const platform::address* to, std::error_code& ec, timeout limit) noexcept {
    if (!detail::check_open(socket, ec) || !detail::check_buffers(buffers, count, ec)) return 0;
    if (count > platform::max_gather) {
        ec = make_error_code(errc::invalid_argument);
        return 0;
    }
    platform::buffer pieces[platform::max_gather];
    const std::size_t used = detail::gather_chunk(buffers, count, {}, pieces);
    const platform::handle h = socket.native_handle();
    return detail::run_blocking<std::size_t>(
        socket, platform::wait_writable, limit, 0, ec,
        [&](std::error_code& e) { return platform::send_gather(h, pieces, used, to, e); });
}

}  // namespace

std::size_t udp_socket::send_to(const const_buffer* buffers, std::size_t count, const endpoint& destination,
                                timeout limit) {
    return detail::or_throw_with(
        [&](const std::error_code& ec) {
            return detail::timed_context("portsock::udp_socket::send_to " + destination.to_string(), limit,
                                         ec);
        },
        [&](std::error_code& ec) { return send_to(buffers, count, destination, ec, limit); });
}

std::size_t udp_socket::send_to(const const_buffer* buffers, std::size_t count, const endpoint& destination,
                                std::error_code& ec, timeout limit) noexcept {
    const platform::address to = detail::to_platform(destination);
    return send_datagram(*this, buffers, count, &to, ec, limit);
}

std::size_t udp_socket::send(const const_buffer* buffers, std::size_t count, timeout limit) {
    return detail::or_throw("portsock::udp_socket::send",
                            [&](std::error_code& ec) { return send(buffers, count, ec, limit); });
}

std::size_t udp_socket::send(const const_buffer* buffers, std::size_t count, std::error_code& ec,
                             timeout limit) noexcept {
    return send_datagram(*this, buffers, count, nullptr, ec, limit);
}

received_datagram udp_socket::receive_from(std::size_t max_size, timeout limit) {
    return detail::or_throw("portsock::udp_socket::receive_from",
                            [&](std::error_code& ec) { return receive_from(max_size, ec, limit); });
}

received_datagram udp_socket::receive_from(std::size_t max_size, std::error_code& ec,
                                           timeout limit) noexcept {
    received_datagram out;
    out.data =
        detail::receive_into_string(max_size, ec, [&](void* data, std::size_t size, std::error_code& e) {
            const datagram_info info = receive_from(data, size, e, limit);
            out.sender = info.sender;
            return info.size;
        });
    return out;
}

std::string udp_socket::receive(std::size_t max_size, timeout limit) {
    return detail::or_throw("portsock::udp_socket::receive",
                            [&](std::error_code& ec) { return receive(max_size, ec, limit); });
}

std::string udp_socket::receive(std::size_t max_size, std::error_code& ec, timeout limit) noexcept {
    return detail::receive_into_string(max_size, ec, [&](void* data, std::size_t size, std::error_code& e) {
        return receive(data, size, e, limit);
    });
}

}  // namespace portsock
