// adopt(): the inverse of release() for every socket type. Each checks the handle's kind
// (detail::check_and_adopt) before owning it; a refused handle stays the caller's.
#include "stream_ops.hpp"

#include <portsock/local.hpp>
#include <portsock/tcp.hpp>
#include <portsock/udp.hpp>

namespace portsock {
namespace {

using platform::family;
using platform::socket_type;
constexpr bool listening = true;

}  // namespace

tcp_stream tcp_stream::adopt(native_handle_type handle) {
    return detail::or_throw("portsock::tcp_stream::adopt",
                            [&](std::error_code& ec) { return adopt(handle, ec); });
}

tcp_stream tcp_stream::adopt(native_handle_type handle, std::error_code& ec) noexcept {
    detail::check_and_adopt(handle, family::ipv4, family::ipv6, socket_type::stream, !listening, ec);
    return ec ? tcp_stream{} : tcp_stream(handle);
}

tcp_listener tcp_listener::adopt(native_handle_type handle) {
    return detail::or_throw("portsock::tcp_listener::adopt",
                            [&](std::error_code& ec) { return adopt(handle, ec); });
}

tcp_listener tcp_listener::adopt(native_handle_type handle, std::error_code& ec) noexcept {
    detail::check_and_adopt(handle, family::ipv4, family::ipv6, socket_type::stream, listening, ec);
    return ec ? tcp_listener{} : tcp_listener(handle);
}

udp_socket udp_socket::adopt(native_handle_type handle) {
    return detail::or_throw("portsock::udp_socket::adopt",
                            [&](std::error_code& ec) { return adopt(handle, ec); });
}

udp_socket udp_socket::adopt(native_handle_type handle, std::error_code& ec) noexcept {
    detail::check_and_adopt(handle, family::ipv4, family::ipv6, socket_type::datagram, !listening, ec);
    return ec ? udp_socket{} : udp_socket(handle);
}

local_stream local_stream::adopt(native_handle_type handle) {
    return detail::or_throw("portsock::local_stream::adopt",
                            [&](std::error_code& ec) { return adopt(handle, ec); });
}

local_stream local_stream::adopt(native_handle_type handle, std::error_code& ec) noexcept {
    detail::check_and_adopt(handle, family::local, family::local, socket_type::stream, !listening, ec);
    return ec ? local_stream{} : local_stream(handle);
}

local_listener local_listener::adopt(native_handle_type handle) {
    return detail::or_throw("portsock::local_listener::adopt",
                            [&](std::error_code& ec) { return adopt(handle, ec); });
}

local_listener local_listener::adopt(native_handle_type handle, std::error_code& ec) noexcept {
    detail::check_and_adopt(handle, family::local, family::local, socket_type::stream, listening, ec);
    return ec ? local_listener{} : local_listener(handle);
}

local_datagram local_datagram::adopt(native_handle_type handle) {
    return detail::or_throw("portsock::local_datagram::adopt",
                            [&](std::error_code& ec) { return adopt(handle, ec); });
}

local_datagram local_datagram::adopt(native_handle_type handle, std::error_code& ec) noexcept {
    detail::check_and_adopt(handle, family::local, family::local, socket_type::datagram, !listening, ec);
    return ec ? local_datagram{} : local_datagram(handle);
}

}  // namespace portsock
