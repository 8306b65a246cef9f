// The one grammar for text that enters portsock (numbers, host and service names) and the
// one way an error message quotes it back. Every public parser and resolve() use these, so
// the same text means the same thing, or fails the same way, wherever it is given.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace portsock::detail {

/// Parses a decimal number: one or more ASCII digits, nothing else (no sign, no space).
/// Leading zeros are allowed and any count of digits: the value, not the length, decides,
/// so "000080" is 80 and a run of 10,000 zeros then "1" is 1.
/// @return false if the text is not such a number or its value is above `max`.
bool parse_decimal(std::string_view text, std::uint64_t max, std::uint64_t& value) noexcept;

/// True for a byte no host or service text may hold: NUL, the other C0 controls and DEL.
/// The resolver takes C strings, so a NUL would cut the text; the rest never name a host
/// and could forge lines in a log.
bool has_control_byte(std::string_view text) noexcept;

/// True if a host text ends in a number, as the WHATWG URL standard puts it: its last label
/// (a trailing dot aside) is all digits, or `0x` and hex digits. No host name does (RFC 1123
/// keeps the top-level label alphabetic), so such text is meant as an address and must be
/// one in ip_address::parse()'s grammar: the resolver would otherwise read "127.1",
/// "0x7f.1", "0" or "010.0.0.1" (octal: 8.0.0.1) by inet_aton()'s old rules.
bool ends_in_a_number(std::string_view host) noexcept;

/// True if `text` is an RFC 6335 service name: letters, digits and single hyphens, at
/// least one letter, no hyphen at either end. (Its 15-character limit is not enforced:
/// local service databases hold longer names.)
bool is_service_name(std::string_view text) noexcept;

/// The most bytes of a user's input an error message quotes.
inline constexpr std::size_t quote_limit = 64;

/// Quotes user input for what(): `'text'`, cut to quote_limit bytes (then `...` and the
/// full size), with every byte outside printable ASCII, the quote and the backslash
/// escaped as `\xNN`, `\'` and `\\`. A message can then neither grow with its input nor
/// forge a log line with a newline or a terminal escape.
std::string quote(std::string_view text);

}  // namespace portsock::detail
