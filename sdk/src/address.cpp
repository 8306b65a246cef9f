// ip_address, endpoint and port parsing.
#include "internal.hpp"

#include <portsock/address.hpp>

#include <algorithm>
#include <cstring>
#include <new>
#include <ostream>

namespace portsock {
namespace detail {

platform::family to_platform(address_family family) noexcept {
    switch (family) {
    case address_family::ipv4: return platform::family::ipv4;
    case address_family::ipv6: return platform::family::ipv6;
    default: return platform::family::unspecified;
    }
}

platform::address to_platform(const endpoint& ep) noexcept {
    platform::address out;
    const ip_address& address = ep.address();
    out.fam = to_platform(address.family());
    out.port = ep.port();
    out.scope_id = address.scope_id();
    const auto bytes = address.to_v6_bytes();
    std::memcpy(out.bytes, bytes.data(), bytes.size());
    return out;
}

endpoint from_platform(const platform::address& addr) noexcept {
    if (addr.fam == platform::family::ipv6) {
        ip_address::bytes_v6 bytes;
        std::memcpy(bytes.data(), addr.bytes, bytes.size());
        return {ip_address::v6(bytes, addr.scope_id), addr.port};
    }
    ip_address::bytes_v4 bytes;
    std::memcpy(bytes.data(), addr.bytes, bytes.size());
    return {ip_address::v4(bytes), addr.port};
}

}  // namespace detail

// --- ip_address ---------------------------------------------------------------------

ip_address ip_address::v4(const bytes_v4& bytes) noexcept {
    ip_address out;
    std::copy(bytes.begin(), bytes.end(), out.bytes_.begin());
    return out;
}

ip_address ip_address::v6(const bytes_v6& bytes, std::uint32_t scope_id) noexcept {
    ip_address out;
    out.family_ = address_family::ipv6;
    out.bytes_ = bytes;
    out.scope_id_ = scope_id;
    return out;
}

ip_address ip_address::any_v6() noexcept { return v6({}); }
ip_address ip_address::loopback_v4() noexcept { return v4({127, 0, 0, 1}); }
ip_address ip_address::loopback_v6() noexcept { return v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}); }

ip_address ip_address::parse(std::string_view text) {
    std::error_code ec;
    const ip_address out = parse(text, ec);
    if (ec) detail::throw_error(ec, "portsock::ip_address::parse", text);
    return out;
}

ip_address ip_address::parse(std::string_view text, std::error_code& ec) noexcept {
    // Reject what inet_pton would quietly misread: embedded NULs, absurd lengths.
    constexpr std::size_t longest = 128;
    platform::address parsed;
    if (text.empty() || text.size() > longest || text.find('\0') != std::string_view::npos) {
        ec = make_error_code(errc::invalid_address);
        return {};
    }
    bool ok = false;
    try {
        ok = platform::parse_address(std::string(text), parsed);
    } catch (const std::bad_alloc&) {
        ok = false;
    }
    if (!ok) {
        ec = make_error_code(errc::invalid_address);
        return {};
    }
    ec.clear();
    return detail::from_platform(parsed).address();
}

bool ip_address::is_loopback() const noexcept {
    if (is_v4()) return bytes_[0] == 127;
    return *this == loopback_v6();
}

bool ip_address::is_unspecified() const noexcept {
    return std::all_of(bytes_.begin(), bytes_.end(), [](std::uint8_t b) { return b == 0; }) && scope_id_ == 0;
}

ip_address::bytes_v4 ip_address::to_v4_bytes() const noexcept {
    return {bytes_[0], bytes_[1], bytes_[2], bytes_[3]};
}

std::string ip_address::to_string() const {
    char text[96];
    platform::address addr = detail::to_platform(endpoint{*this, 0});
    const std::size_t length = platform::format_address(addr, text, sizeof text);
    return std::string(text, length);
}

bool operator<(const ip_address& a, const ip_address& b) noexcept {
    if (a.family_ != b.family_) return a.family_ < b.family_;
    if (a.bytes_ != b.bytes_) return a.bytes_ < b.bytes_;
    return a.scope_id_ < b.scope_id_;
}

std::ostream& operator<<(std::ostream& out, const ip_address& address) { return out << address.to_string(); }

// --- endpoint -----------------------------------------------------------------------

endpoint endpoint::parse(std::string_view text) {
    std::error_code ec;
    const endpoint out = parse(text, ec);
    if (ec) detail::throw_error(ec, "portsock::endpoint::parse", text);
    return out;
}

endpoint endpoint::parse(std::string_view text, std::error_code& ec) noexcept {
    // "[v6]:port" or "v4:port": the port follows the last colon, after a bracket for IPv6.
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        ec = make_error_code(errc::invalid_port);
        return {};
    }
    std::string_view host = text.substr(0, colon);
    const bool bracketed = !host.empty() && host.front() == '[';
    if (bracketed) {
        if (host.size() < 2 || host.back() != ']') {
            ec = make_error_code(errc::invalid_address);
            return {};
        }
        host = host.substr(1, host.size() - 2);
    }
    const ip_address address = ip_address::parse(host, ec);
    if (ec) return {};
    if (address.is_v6() != bracketed) {  // "::1:80" is ambiguous; "[1.2.3.4]:80" is wrong
        ec = make_error_code(errc::invalid_address);
        return {};
    }
    const std::uint16_t port = parse_port(text.substr(colon + 1), ec);
    if (ec) return {};
    return {address, port};
}

std::string endpoint::to_string() const {
    std::string out = address_.is_v6() ? "[" + address_.to_string() + "]" : address_.to_string();
    out += ':';
    out += std::to_string(port_);
    return out;
}

std::ostream& operator<<(std::ostream& out, const endpoint& ep) { return out << ep.to_string(); }

std::uint16_t parse_port(std::string_view text) {
    std::error_code ec;
    const std::uint16_t port = parse_port(text, ec);
    if (ec) detail::throw_error(ec, "portsock::parse_port", text);
    return port;
}

std::uint16_t parse_port(std::string_view text, std::error_code& ec) noexcept {
    constexpr unsigned long highest = 65535;
    unsigned long value = 0;
    const bool digits_only = !text.empty() && text.size() <= 5 &&
                             std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits_only) {
        for (const char c : text) value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    if (!digits_only || value > highest) {
        ec = make_error_code(errc::invalid_port);
        return 0;
    }
    ec.clear();
    return static_cast<std::uint16_t>(value);
}

}  // namespace portsock

std::size_t std::hash<portsock::ip_address>::operator()(const portsock::ip_address& address) const noexcept {
    // FNV-1a over family, bytes and scope id.
    std::uint64_t h = 1469598103934665603ULL;
    const auto mix = [&h](std::uint8_t byte) { h = (h ^ byte) * 1099511628211ULL; };
    mix(static_cast<std::uint8_t>(address.family()));
    for (const std::uint8_t b : address.to_v6_bytes()) mix(b);
    for (int shift = 0; shift < 32; shift += 8) mix(static_cast<std::uint8_t>(address.scope_id() >> shift));
    return static_cast<std::size_t>(h);
}

std::size_t std::hash<portsock::endpoint>::operator()(const portsock::endpoint& ep) const noexcept {
    const std::size_t h = std::hash<portsock::ip_address>{}(ep.address());
    return h ^ (ep.port() + 0x9e3779b9U + (h << 6) + (h >> 2));
}
