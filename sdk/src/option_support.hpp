// Internal helpers of the typed socket options (socket_options.cpp, tcp_options.cpp,
// multicast.cpp): range checks that are the same on every OS, then the platform call.
#pragma once

#include "internal.hpp"

#include <cstdint>

namespace portsock::detail {

/// Sets ec to errc::invalid_argument unless low <= value <= high.
inline bool check_range(std::int64_t value, std::int64_t low, std::int64_t high,
                        std::error_code& ec) noexcept {
    if (value >= low && value <= high) return true;
    ec = make_error_code(errc::invalid_argument);
    return false;
}

/// Sets an integer option whose portable range is [low, high].
inline void set_ranged(const basic_socket& s, platform::option opt, std::int64_t value, std::int64_t low,
                       std::int64_t high, std::error_code& ec) noexcept {
    if (check_open(s, ec) && check_range(value, low, high, ec))
        platform::set_option(s.native_handle(), opt, static_cast<int>(value), ec);
}

/// Reads an integer option (0 on error).
inline int get_int(const basic_socket& s, platform::option opt, std::error_code& ec) noexcept {
    if (!check_open(s, ec)) return 0;
    const int value = platform::get_option(s.native_handle(), opt, ec);
    return ec ? 0 : value;
}

}  // namespace portsock::detail
