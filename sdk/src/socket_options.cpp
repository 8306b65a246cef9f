// Typed socket options of basic_socket (buffer sizes) and ip_socket (hops, traffic class,
// IPv6-only, reuse-port).
#include "option_support.hpp"

#include <portsock/ip_socket.hpp>

#include <climits>
#include <cstddef>

namespace portsock {
namespace {

constexpr std::int64_t largest_buffer = INT_MAX;  // the OS takes an int
constexpr std::int64_t largest_byte = 255;        // hop limits and the traffic class

void set_buffer(const basic_socket& s, platform::option opt, std::size_t bytes,
                std::error_code& ec) noexcept {
    // Compared as size_t first: a size_t above INT64_MAX must not wrap to a small number.
    const std::int64_t value =
        bytes > static_cast<std::size_t>(largest_buffer) ? -1 : static_cast<std::int64_t>(bytes);
    detail::set_ranged(s, opt, value, 1, largest_buffer, ec);
}

std::size_t get_buffer(const basic_socket& s, platform::option opt, std::error_code& ec) noexcept {
    const int value = detail::get_int(s, opt, ec);
    return value > 0 ? static_cast<std::size_t>(value) : 0;
}

}  // namespace

void basic_socket::set_send_buffer_size(std::size_t bytes) {
    detail::or_throw("portsock::basic_socket::set_send_buffer_size",
                     [&](std::error_code& ec) { set_send_buffer_size(bytes, ec); });
}

void basic_socket::set_send_buffer_size(std::size_t bytes, std::error_code& ec) noexcept {
    set_buffer(*this, platform::option::send_buffer, bytes, ec);
}

std::size_t basic_socket::send_buffer_size() const {
    return detail::or_throw("portsock::basic_socket::send_buffer_size",
                            [&](std::error_code& ec) { return send_buffer_size(ec); });
}

std::size_t basic_socket::send_buffer_size(std::error_code& ec) const noexcept {
    return get_buffer(*this, platform::option::send_buffer, ec);
}

void basic_socket::set_receive_buffer_size(std::size_t bytes) {
    detail::or_throw("portsock::basic_socket::set_receive_buffer_size",
                     [&](std::error_code& ec) { set_receive_buffer_size(bytes, ec); });
}

void basic_socket::set_receive_buffer_size(std::size_t bytes, std::error_code& ec) noexcept {
    set_buffer(*this, platform::option::receive_buffer, bytes, ec);
}

std::size_t basic_socket::receive_buffer_size() const {
    return detail::or_throw("portsock::basic_socket::receive_buffer_size",
                            [&](std::error_code& ec) { return receive_buffer_size(ec); });
}

std::size_t basic_socket::receive_buffer_size(std::error_code& ec) const noexcept {
    return get_buffer(*this, platform::option::receive_buffer, ec);
}

void ip_socket::set_unicast_hops(int hops) {
    detail::or_throw("portsock::ip_socket::set_unicast_hops",
                     [&](std::error_code& ec) { set_unicast_hops(hops, ec); });
}

void ip_socket::set_unicast_hops(int hops, std::error_code& ec) noexcept {
    detail::set_ranged(*this, platform::option::unicast_hops, hops, 1, largest_byte, ec);
}

int ip_socket::unicast_hops() const {
    return detail::or_throw("portsock::ip_socket::unicast_hops",
                            [&](std::error_code& ec) { return unicast_hops(ec); });
}

int ip_socket::unicast_hops(std::error_code& ec) const noexcept {
    return detail::get_int(*this, platform::option::unicast_hops, ec);
}

void ip_socket::set_traffic_class(int value) {
    detail::or_throw("portsock::ip_socket::set_traffic_class",
                     [&](std::error_code& ec) { set_traffic_class(value, ec); });
}

void ip_socket::set_traffic_class(int value, std::error_code& ec) noexcept {
    detail::set_ranged(*this, platform::option::traffic_class, value, 0, largest_byte, ec);
}

int ip_socket::traffic_class() const {
    return detail::or_throw("portsock::ip_socket::traffic_class",
                            [&](std::error_code& ec) { return traffic_class(ec); });
}

int ip_socket::traffic_class(std::error_code& ec) const noexcept {
    return detail::get_int(*this, platform::option::traffic_class, ec);
}

void ip_socket::set_v6_only(bool on) {
    detail::or_throw("portsock::ip_socket::set_v6_only", [&](std::error_code& ec) { set_v6_only(on, ec); });
}

void ip_socket::set_v6_only(bool on, std::error_code& ec) noexcept {
    detail::set_flag(*this, platform::option::v6_only, on, ec);
}

bool ip_socket::v6_only() const {
    return detail::or_throw("portsock::ip_socket::v6_only", [&](std::error_code& ec) { return v6_only(ec); });
}

bool ip_socket::v6_only(std::error_code& ec) const noexcept {
    return detail::get_flag(*this, platform::option::v6_only, ec);
}

void ip_socket::set_reuse_port(bool on) {
    detail::or_throw("portsock::ip_socket::set_reuse_port",
                     [&](std::error_code& ec) { set_reuse_port(on, ec); });
}

void ip_socket::set_reuse_port(bool on, std::error_code& ec) noexcept {
    detail::set_flag(*this, platform::option::reuse_port, on, ec);
}

bool ip_socket::reuse_port() const {
    return detail::or_throw("portsock::ip_socket::reuse_port",
                            [&](std::error_code& ec) { return reuse_port(ec); });
}

bool ip_socket::reuse_port(std::error_code& ec) const noexcept {
    return detail::get_flag(*this, platform::option::reuse_port, ec);
}

}  // namespace portsock
