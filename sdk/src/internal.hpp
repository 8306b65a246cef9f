// Internal helpers of the sdk: conversions to the platform contract, errors, deadlines
// and the one loop that gives every blocking call its timeout.
#pragma once

#include "platform.hpp"

#include <portsock/address.hpp>
#include <portsock/error.hpp>
#include <portsock/socket.hpp>
#include <portsock/timeout.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace portsock::detail {

platform::address to_platform(const endpoint& ep) noexcept;
endpoint from_platform(const platform::address& addr) noexcept;
platform::family to_platform(address_family family) noexcept;

[[noreturn]] void throw_error(const std::error_code& ec, const char* what);
[[noreturn]] void throw_error(const std::error_code& ec, const std::string& context);
/// Throws with what() = "<what> '<input>': <message>", naming the user's bad input, quoted
/// by detail::quote() (bounded, control bytes escaped).
[[noreturn]] void throw_error(const std::error_code& ec, const char* what, std::string_view input);

/// `context`, plus " (waited N ms)" if ec is a timeout of a finite `limit`.
std::string timed_context(std::string context, timeout limit, const std::error_code& ec);

/// Calls `call(ec)` and, if it set ec, throws std::system_error with what() starting with
/// `describe(ec)` (a std::string, built only on failure): the throwing form of a `noexcept`
/// function that names its endpoint or its wait.
template <class Describe, class Call>
auto or_throw_with(Describe&& describe, Call&& call) {
    std::error_code ec;
    if constexpr (std::is_void_v<decltype(call(ec))>) {
        call(ec);
        if (ec) throw_error(ec, describe(ec));
    } else {
        auto result = call(ec);
        if (ec) throw_error(ec, describe(ec));
        return result;
    }
}

/// Calls `call(ec)` and throws std::system_error if it set ec: the throwing form of every
/// `noexcept` function is this over its error_code form.
template <class Call>
auto or_throw(const char* what, Call&& call) {
    return or_throw_with([what](const std::error_code&) { return std::string(what); },
                         std::forward<Call>(call));
}

/// As or_throw(), for a call bounded by `limit`: a timeout says how long it waited.
template <class Call>
auto or_throw(const char* what, timeout limit, Call&& call) {
    return or_throw_with([what, limit](const std::error_code& ec) { return timed_context(what, limit, ec); },
                         std::forward<Call>(call));
}

/// The first step of every noexcept operation on a socket: sets ec to errc::not_open if the
/// socket is empty, clears it otherwise (so an operation with nothing to do, such as a
/// batch of 0 datagrams, reports success); true if it is open.
inline bool check_open(const basic_socket& s, std::error_code& ec) noexcept {
    if (s.is_open()) {
        ec.clear();
        return true;
    }
    ec = make_error_code(errc::not_open);
    return false;
}

/// Sets a boolean socket option.
inline void set_flag(const basic_socket& s, platform::option opt, bool on, std::error_code& ec) noexcept {
    if (check_open(s, ec)) platform::set_option(s.native_handle(), opt, on ? 1 : 0, ec);
}

/// Reads a boolean socket option (false on error).
inline bool get_flag(const basic_socket& s, platform::option opt, std::error_code& ec) noexcept {
    if (!check_open(s, ec)) return false;
    const int value = platform::get_option(s.native_handle(), opt, ec);
    return !ec && value != 0;
}

inline bool would_block(const std::error_code& ec) noexcept {
    return ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again;
}

/// A point in time a timeout ends at; infinite if the timeout is.
class deadline {
public:
    // An infinite or zero deadline never reads the clock: one is on every blocking call's
    // hot path, the other on every event loop's.
    explicit deadline(timeout limit) noexcept
        : limit_ms_(limit.milliseconds()),
          end_(limit_ms_ <= 0 ? clock::time_point{} : clock::now() + std::chrono::milliseconds(limit_ms_)) {}

    bool is_infinite() const noexcept { return limit_ms_ < 0; }

    /// What is left, as a timeout for the next call (zero once passed).
    timeout remaining() const noexcept {
        if (is_infinite()) return timeout::infinite();
        return std::chrono::milliseconds(remaining_ms());
    }

    /// What is left in milliseconds for platform::wait(): -1 if infinite, else >= 0.
    int remaining_ms() const noexcept {
        if (limit_ms_ <= 0) return limit_ms_ < 0 ? -1 : 0;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(end_ - clock::now()).count();
        constexpr long long most = 0x7fffffff;
        return static_cast<int>(left < 0 ? 0 : left > most ? most : left);
    }

private:
    using clock = std::chrono::steady_clock;
    std::int64_t limit_ms_;  // as timeout::milliseconds(): -1 infinite, 0 only look
    clock::time_point end_;
};

/// Puts a blocking socket into non-blocking mode for one timed call, and back after.
class non_blocking_scope {
public:
    non_blocking_scope(platform::handle h, std::error_code& ec) noexcept : handle_(h) {
        platform::set_non_blocking(h, true, ec);
        active_ = !ec;
    }
    ~non_blocking_scope() {
        std::error_code ignored;
        if (active_) platform::set_non_blocking(handle_, false, ignored);
    }
    non_blocking_scope(const non_blocking_scope&) = delete;
    non_blocking_scope& operator=(const non_blocking_scope&) = delete;

private:
    platform::handle handle_;
    bool active_ = false;
};

/// Runs one socket operation with blocking semantics and a timeout.
///
/// With no timeout the operation simply blocks in the OS: the hot path is one system call,
/// as with raw sockets. With a timeout the OS handle turns non-blocking and a readiness wait
/// (poll, or its Windows twin) bounds the call, so it behaves the same on every OS. In
/// user-requested non-blocking mode the operation runs once and would-block is returned.
/// `op(ec)` returns R; `failed` is what to return when the call fails.
template <class R, class Op>
R run_blocking(platform::handle h, bool user_non_blocking, unsigned direction, timeout limit,
               R failed, std::error_code& ec, Op&& op) noexcept {
    if (user_non_blocking) return op(ec);
    const deadline until(limit);
    if (until.is_infinite()) {
        for (;;) {  // would-block only if another thread made the socket non-blocking
            R result = op(ec);
            if (!would_block(ec)) return result;
            platform::wait(h, direction, -1, ec);
            if (ec) return failed;
        }
    }
    // The OS handle stays non-blocking after a timed call. Restoring blocking mode would
    // race with another thread's timed call on the same socket (one sends while one
    // receives), leaving it blocking mid-call and past its deadline; the untimed path above
    // copes with a non-blocking handle by waiting.
    platform::set_non_blocking(h, true, ec);
    if (ec) return failed;
    for (;;) {
        R result = op(ec);
        if (!would_block(ec)) return result;
        if (platform::wait(h, direction, until.remaining_ms(), ec) == platform::wait_none) {
            if (!ec) ec = platform::make_error(std::errc::timed_out);
            return failed;
        }
    }
}

}  // namespace portsock::detail
