// ip_address, endpoint and port parsing.
#include "internal.hpp"
#include "text.hpp"

#include <portsock/address.hpp>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <new>
#include <ostream>

namespace portsock {
namespace detail {

platform::family to_platform(address_family family) noexcept {
    switch (family) {
        case address_family::ipv4:
            return platform::family::ipv4;
        case address_family::ipv6:
            return platform::family::ipv6;
        default:
            return platform::family::unspecified;
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

ip_address::ip_address(std::string_view text) {
    std::error_code ec;
    *this = parse(text, ec);
    if (ec) detail::throw_error(ec, "portsock::ip_address", text);
}

ip_address ip_address::parse(std::string_view text) {
    std::error_code ec;
    const ip_address out = parse(text, ec);
    if (ec) detail::throw_error(ec, "portsock::ip_address::parse", text);
    return out;
}

namespace {

// The longest text of a numeric IPv6 address without scope: eight 4-digit groups, the last
// two written as dotted IPv4 ("0000:...:ffff:255.255.255.255"). Longer text is not one.
constexpr std::size_t longest_ipv6_text = 45;

bool invalid_address(std::error_code& ec) noexcept {
    ec = make_error_code(errc::invalid_address);
    return false;
}

// Dotted-decimal IPv4, four octets from 0 to 255. A leading zero is refused: inet_aton(),
// browsers and Windows' relaxed parser read "010" as octal 8, and one text must not name
// two addresses.
bool parse_v4(std::string_view text, ip_address::bytes_v4& out) noexcept {
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::size_t dot = text.find('.');
        const bool last = i + 1 == out.size();
        if (last != (dot == std::string_view::npos)) return false;
        const std::string_view octet = text.substr(0, dot);
        std::uint64_t value = 0;
        if ((octet.size() > 1 && octet[0] == '0') || !detail::parse_decimal(octet, 255, value)) return false;
        out[i] = static_cast<std::uint8_t>(value);
        if (!last) text.remove_prefix(dot + 1);
    }
    return true;
}

// Numeric IPv6 without scope, read by the OS's inet_pton. An embedded IPv4 tail
// ("::ffff:1.2.3.4") follows parse_v4's rules, whatever the OS's parser allows.
bool parse_v6(std::string_view text, ip_address::bytes_v6& out) noexcept {
    if (text.size() > longest_ipv6_text) return false;
    const std::size_t dot = text.find('.');
    ip_address::bytes_v4 tail;
    if (dot != std::string_view::npos && !parse_v4(text.substr(text.rfind(':') + 1), tail)) return false;
    char terminated[longest_ipv6_text + 1];
    text.copy(terminated, text.size());
    terminated[text.size()] = '\0';
    platform::address parsed;
    if (!platform::parse_address(terminated, parsed) || parsed.fam != platform::family::ipv6) return false;
    std::memcpy(out.data(), parsed.bytes, out.size());
    return true;
}

// "%3" (a decimal number from 1 to 2^32-1, leading zeros allowed) or "%eth0" (an interface
// of this host). 0 means no scope, so "%0" is refused. A lookup that fails for want of a
// descriptor is that error, not "invalid address".
bool parse_scope(std::string_view text, std::uint32_t& scope, std::error_code& ec) noexcept {
    std::uint64_t number = 0;
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
        if (!detail::parse_decimal(text, 0xffffffffU, number) || number == 0) return invalid_address(ec);
        scope = static_cast<std::uint32_t>(number);
        return true;
    }
    if (text.empty()) return invalid_address(ec);
    try {
        scope = platform::interface_index(std::string(text).c_str(), ec);
    } catch (const std::bad_alloc&) {
        ec = platform::make_error(std::errc::not_enough_memory);
    }
    if (ec) return false;
    return scope != 0 || invalid_address(ec);
}

}  // namespace

ip_address ip_address::parse(std::string_view text, std::error_code& ec) noexcept {
    // The OS parsers take C strings: a NUL anywhere would cut the text short.
    if (text.empty() || text.find('\0') != std::string_view::npos) {
        invalid_address(ec);
        return {};
    }
    const std::size_t percent = text.find('%');
    const std::string_view head = text.substr(0, percent);
    if (head.find(':') == std::string_view::npos) {  // IPv4: no scope
        bytes_v4 bytes;
        if (percent != std::string_view::npos || !parse_v4(head, bytes)) {
            invalid_address(ec);
            return {};
        }
        ec.clear();
        return v4(bytes);
    }
    bytes_v6 bytes;
    std::uint32_t scope = 0;
    if (!parse_v6(head, bytes)) {
        invalid_address(ec);
        return {};
    }
    if (percent != std::string_view::npos && !parse_scope(text.substr(percent + 1), scope, ec)) return {};
    ec.clear();
    return v6(bytes, scope);
}

bool ip_address::is_v4_mapped() const noexcept {
    static constexpr std::uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return is_v6() && std::equal(std::begin(prefix), std::end(prefix), bytes_.begin());
}

ip_address ip_address::unmapped() const noexcept {
    if (!is_v4_mapped()) return *this;
    return v4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

ip_address ip_address::to_v4_mapped() const noexcept {
    if (!is_v4()) return *this;
    return v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, bytes_[0], bytes_[1], bytes_[2], bytes_[3]});
}

// Each classifier reads a mapped address (::ffff:a.b.c.d) as the IPv4 address it carries:
// a dual-stack server sees its IPv4 clients that way.
bool ip_address::is_loopback() const noexcept {
    const ip_address a = unmapped();
    if (a.is_v4()) return a.bytes_[0] == 127;
    return a == loopback_v6();
}

bool ip_address::is_unspecified() const noexcept {
    const ip_address a = unmapped();
    return std::all_of(a.bytes_.begin(), a.bytes_.end(), [](std::uint8_t b) { return b == 0; }) &&
           a.scope_id_ == 0;
}

bool ip_address::is_multicast() const noexcept {
    const ip_address a = unmapped();
    return a.is_v4() ? (a.bytes_[0] & 0xf0) == 224 : a.bytes_[0] == 0xff;
}

bool ip_address::is_link_local() const noexcept {
    const ip_address a = unmapped();
    if (a.is_v4()) return a.bytes_[0] == 169 && a.bytes_[1] == 254;
    return a.bytes_[0] == 0xfe && (a.bytes_[1] & 0xc0) == 0x80;
}

bool ip_address::is_private() const noexcept {
    const ip_address a = unmapped();
    if (a.is_v6()) return (a.bytes_[0] & 0xfe) == 0xfc;  // fc00::/7, RFC 4193
    return a.bytes_[0] == 10 || (a.bytes_[0] == 172 && (a.bytes_[1] & 0xf0) == 16) ||
           (a.bytes_[0] == 192 && a.bytes_[1] == 168);  // RFC 1918
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
    std::uint64_t value = 0;
    if (!detail::parse_decimal(text, 65535, value)) {
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
