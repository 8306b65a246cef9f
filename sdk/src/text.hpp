// The one grammar for text that enters portsock (numbers, host and service names) and the
// one way an error message quotes it back. Every public parser and resolve() use these, so
// the same text means the same thing, or fails the same way, wherever it is given.
#pragma once

#include <portsock/address.hpp>
#include <portsock/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace portsock::detail {

/// Parses a decimal number: one or more ASCII digits, nothing else (no sign, no space).
/// Leading zeros are allowed and any count of digits: the value, not the length, decides,
/// so "000080" is 80 and a run of 10,000 zeros then "1" is 1.
/// @return false if the text is not such a number or its value is above `max`.
bool parse_decimal(std::string_view text, std::uint64_t max, std::uint64_t& value) noexcept;

/// True for a byte no host or service text may hold: NUL, the other C0 controls and DEL.
/// The resolver takes C strings, so a NUL would cut the text; the rest never name a host
/// and could forge lines in a log. Header-only, as check_host_text().
inline bool has_control_byte(std::string_view text) noexcept {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) return true;
    }
    return false;
}

/// True if a host text ends in a number, as the WHATWG URL standard puts it: its last label
/// (a trailing dot aside) is all digits, or `0x` and hex digits. No host name does (RFC 1123
/// keeps the top-level label alphabetic), so such text is meant as an address and must be
/// one in ip_address::parse()'s grammar: the resolver would otherwise read "127.1",
/// "0x7f.1", "0" or "010.0.0.1" (octal: 8.0.0.1) by inet_aton()'s old rules.
/// Header-only, as portsock_tls uses it against a shared libportsock.
inline bool ends_in_a_number(std::string_view host) noexcept {
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);
    const std::size_t dot = host.rfind('.');
    std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
    bool hex = last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X');
    if (hex) last.remove_prefix(2);
    if (last.empty() && !hex) return false;
    for (const char c : last) {
        const bool digit = c >= '0' && c <= '9';
        const bool hex_letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'f';
        if (!digit && !(hex && hex_letter)) return false;
    }
    return true;
}

/// The one rule for host text, for resolve() (so connect and listen by name) and for a TLS
/// server name: errc::empty_host if empty; errc::invalid_host if it holds a control byte
/// or a space (no host name does; inet_aton() reads "1.2.3.4 junk" as 1.2.3.4) or a
/// bracket, or if it ends in a number or holds a colon without being an address in
/// ip_address::parse()'s grammar. Header-only.
inline std::error_code check_host_text(std::string_view host) noexcept {
    if (host.empty()) return make_error_code(errc::empty_host);
    if (has_control_byte(host) || host.find_first_of(" []") != std::string_view::npos)
        return make_error_code(errc::invalid_host);
    // A colon belongs to an IPv6 address only: "127.0.0.1:80" is an endpoint, which
    // Windows' resolver would take, dropping the port, and others refuse.
    if (ends_in_a_number(host) || host.find(':') != std::string_view::npos) {
        std::error_code not_an_address;
        (void)ip_address::parse(host, not_an_address);
        if (not_an_address) return make_error_code(errc::invalid_host);
    }
    return {};
}

/// True if `text` is an RFC 6335 service name: letters, digits and single hyphens, at
/// least one letter, no hyphen at either end. (Its 15-character limit is not enforced:
/// local service databases hold longer names.)
bool is_service_name(std::string_view text) noexcept;

/// What to add to a thrown message about `host` that failed with `ec`: which rule of
/// check_host_text() it broke, and, for text with brackets or a port ("127.0.0.1:80",
/// "[::1]"), that a host has neither and endpoint::parse() reads such text. Empty if
/// there is nothing to add; else it starts with " (".
std::string host_hint(std::string_view host, const std::error_code& ec);

/// The most bytes of a user's input an error message quotes.
inline constexpr std::size_t quote_limit = 64;

/// Quotes user input for what(): `'text'`, cut to quote_limit bytes (then `...` and the
/// full size), with every byte outside printable ASCII, the quote and the backslash
/// escaped as `\xNN`, `\'` and `\\`. A message can then neither grow with its input nor
/// forge a log line with a newline or a terminal escape.
std::string quote(std::string_view text);

}  // namespace portsock::detail
