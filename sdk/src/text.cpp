// The shared text grammar and the quoting of input in error messages; see text.hpp.
#include "text.hpp"

#include <algorithm>

namespace portsock::detail {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool parse_decimal(std::string_view text, std::uint64_t max, std::uint64_t& value) noexcept {
    if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) return false;
    std::uint64_t total = 0;
    for (const char c : text) {
        total = total * 10 + static_cast<std::uint64_t>(c - '0');
        if (total > max) return false;  // checked per digit: max is far below overflow
    }
    value = total;
    return true;
}

bool is_service_name(std::string_view text) noexcept {
    if (text.empty() || text.front() == '-' || text.back() == '-') return false;
    if (text.find("--") != std::string_view::npos) return false;
    const bool allowed =
        std::all_of(text.begin(), text.end(), [](char c) { return is_letter(c) || is_digit(c) || c == '-'; });
    return allowed && std::any_of(text.begin(), text.end(), is_letter);
}

std::string quote(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    const std::string_view shown = text.substr(0, quote_limit);
    std::string out = "'";
    for (const char c : shown) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\'' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte >= 0x7f) {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        } else {
            out += c;
        }
    }
    if (shown.size() < text.size()) out += "...";
    out += '\'';
    if (shown.size() < text.size()) out += " (" + std::to_string(text.size()) + " bytes)";
    return out;
}

namespace {

// "127.0.0.1:80", "[::1]", "[::1]:80", "example.com:443": an address or name with brackets
// or a port, which the caller meant as an endpoint.
bool looks_like_an_endpoint(std::string_view host) noexcept {
    if (!host.empty() && host.front() == '[') return true;
    const std::size_t colon = host.find(':');
    if (colon == std::string_view::npos || host.find(':', colon + 1) != std::string_view::npos) return false;
    const std::string_view port = host.substr(colon + 1);
    return !port.empty() &&
           std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string host_hint(std::string_view host, const std::error_code& ec) {
    std::string hint;
    if (ec == errc::invalid_host) {
        if (has_control_byte(host))
            hint = "a host holds no control byte";
        else if (host.find(' ') != std::string_view::npos)
            hint = "a host holds no space";
        else if (looks_like_an_endpoint(host))
            hint = "a host holds no brackets and no port";
        else if (host.find(':') != std::string_view::npos)
            hint = "text with a colon must be an IPv6 address in ip_address::parse()'s grammar";
        else if (ends_in_a_number(host))
            hint = "text that ends in a number must be a numeric address in ip_address::parse()'s grammar";
    }
    if (looks_like_an_endpoint(host)) {
        if (!hint.empty()) hint += "; ";
        hint += "give the port separately, or read \"address:port\" text with endpoint::parse()";
    }
    return hint.empty() ? hint : " (" + hint + ")";
}

}  // namespace portsock::detail
