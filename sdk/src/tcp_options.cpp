// tcp_stream's typed options: keep-alive timing and linger.
#include "option_support.hpp"

#include <portsock/tcp.hpp>

namespace portsock {
namespace {

// Linux's limits (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL, MAX_TCP_KEEPCNT), the smallest of
// the OSes', so a value accepted here is accepted everywhere.
constexpr std::int64_t longest_keep_alive_seconds = 32767;
constexpr std::int64_t most_keep_alive_probes = 127;
// Windows' struct linger holds u_short seconds.
constexpr std::int64_t longest_linger_seconds = 65535;

bool valid(const keep_alive_settings& timing, std::error_code& ec) noexcept {
    return detail::check_range(timing.idle.count(), 1, longest_keep_alive_seconds, ec) &&
           detail::check_range(timing.interval.count(), 1, longest_keep_alive_seconds, ec) &&
           detail::check_range(timing.probes, 1, most_keep_alive_probes, ec);
}

}  // namespace

void tcp_stream::set_keep_alive_timing(const keep_alive_settings& timing) {
    detail::or_throw("portsock::tcp_stream::set_keep_alive_timing",
                     [&](std::error_code& ec) { set_keep_alive_timing(timing, ec); });
}

void tcp_stream::set_keep_alive_timing(const keep_alive_settings& timing, std::error_code& ec) noexcept {
    if (!detail::check_open(*this, ec) || !valid(timing, ec)) return;
    const platform::handle h = native_handle();
    platform::set_option(h, platform::option::keep_alive_idle, static_cast<int>(timing.idle.count()), ec);
    if (!ec)
        platform::set_option(h, platform::option::keep_alive_interval,
                             static_cast<int>(timing.interval.count()), ec);
    if (!ec) platform::set_option(h, platform::option::keep_alive_count, timing.probes, ec);
}

keep_alive_settings tcp_stream::keep_alive_timing() const {
    return detail::or_throw("portsock::tcp_stream::keep_alive_timing",
                            [&](std::error_code& ec) { return keep_alive_timing(ec); });
}

keep_alive_settings tcp_stream::keep_alive_timing(std::error_code& ec) const noexcept {
    keep_alive_settings timing;
    const int idle = detail::get_int(*this, platform::option::keep_alive_idle, ec);
    const int interval = ec ? 0 : detail::get_int(*this, platform::option::keep_alive_interval, ec);
    const int probes = ec ? 0 : detail::get_int(*this, platform::option::keep_alive_count, ec);
    if (ec) return {};
    timing.idle = std::chrono::seconds(idle);
    timing.interval = std::chrono::seconds(interval);
    timing.probes = probes;
    return timing;
}

void tcp_stream::set_linger(std::optional<std::chrono::seconds> time) {
    detail::or_throw("portsock::tcp_stream::set_linger", [&](std::error_code& ec) { set_linger(time, ec); });
}

void tcp_stream::set_linger(std::optional<std::chrono::seconds> time, std::error_code& ec) noexcept {
    if (!detail::check_open(*this, ec)) return;
    platform::linger_setting setting;
    if (time) {
        if (!detail::check_range(time->count(), 0, longest_linger_seconds, ec)) return;
        setting.on = true;
        setting.seconds = static_cast<int>(time->count());
    }
    platform::set_linger(native_handle(), setting, ec);
}

std::optional<std::chrono::seconds> tcp_stream::linger() const {
    return detail::or_throw("portsock::tcp_stream::linger", [&](std::error_code& ec) { return linger(ec); });
}

std::optional<std::chrono::seconds> tcp_stream::linger(std::error_code& ec) const noexcept {
    if (!detail::check_open(*this, ec)) return std::nullopt;
    const platform::linger_setting setting = platform::get_linger(native_handle(), ec);
    if (ec || !setting.on) return std::nullopt;
    return std::chrono::seconds(setting.seconds);
}

}  // namespace portsock
