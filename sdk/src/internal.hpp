// Internal helpers of the sdk: conversions to the platform contract, errors, deadlines
// and the one loop that gives every blocking call its timeout.
#pragma once

#include "platform.hpp"

#include <portsock/address.hpp>
#include <portsock/error.hpp>
#include <portsock/socket.hpp>
#include <portsock/timeout.hpp>

#include <chrono>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

namespace portsock::detail {

platform::address to_platform(const endpoint& ep) noexcept;
endpoint from_platform(const platform::address& addr) noexcept;
platform::family to_platform(address_family family) noexcept;
/// The IP address a socket is bound to (getsockname), for any socket: ip_socket::local_endpoint().
endpoint ip_name_of(const basic_socket& s, std::error_code& ec) noexcept;

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

/// A public enum holds whatever number a caller cast into it: true for a declared value.
constexpr bool is_valid(address_family family) noexcept {
    return family == address_family::unspecified || family == address_family::ipv4 ||
           family == address_family::ipv6;
}
/// See is_valid(address_family).
constexpr bool is_valid(shutdown_type what) noexcept {
    return what == shutdown_type::receive || what == shutdown_type::send || what == shutdown_type::both;
}

inline bool would_block(const std::error_code& ec) noexcept {
    // Success first: comparing with a std::errc asks the category to map the value (a
    // virtual call and a switch in libstdc++), which a blocking call's hot path can skip.
    return ec && (ec == std::errc::operation_would_block || ec == std::errc::resource_unavailable_try_again);
}

/// A point in time a timeout ends at; infinite if the timeout is.
class deadline {
public:
    // An infinite or zero deadline never reads the clock: one is on every blocking call's
    // hot path, the other on every event loop's.
    explicit deadline(timeout limit) noexcept
        : limit_ms_(limit.milliseconds()),
          end_(limit_ms_ <= 0 ? clock::time_point{}
                              : add_saturating(clock::now(), std::chrono::milliseconds(limit_ms_))) {}

    bool is_infinite() const noexcept { return limit_ms_ < 0; }

    /// True once the deadline is reached: at once for a zero timeout, never for an infinite one.
    bool has_passed() const noexcept {
        if (limit_ms_ <= 0) return limit_ms_ == 0;
        return clock::now() >= end_;
    }

    /// What is left, as a timeout for the next call (zero once passed).
    timeout remaining() const noexcept {
        if (is_infinite()) return timeout::infinite();
        return std::chrono::milliseconds(remaining_ms());
    }

    /// What is left in milliseconds for platform::wait(): -1 if infinite, else >= 0. Not
    /// capped: the platform's waits run to the real deadline however far it is.
    std::int64_t remaining_ms() const noexcept {
        if (limit_ms_ <= 0) return limit_ms_ < 0 ? -1 : 0;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(end_ - clock::now()).count();
        return left < 0 ? 0 : static_cast<std::int64_t>(left);
    }

private:
    using clock = std::chrono::steady_clock;
    std::int64_t limit_ms_;  // as timeout::milliseconds(): -1 infinite, 0 only look
    clock::time_point end_;
};

/// Puts a fresh handle, which no other thread can see yet, into non-blocking mode for one
/// timed call, and back after.
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

/// The internals of basic_socket that the blocking machinery shares.
struct socket_access {
    static std::uint32_t& timed_calls(basic_socket& s) noexcept { return s.timed_calls_; }
    static bool is_cancelled(const basic_socket& s) noexcept {
        return s.cancelled_.load(std::memory_order_acquire);
    }
    /// Counts an accept() in flight for cancel(); seq_cst, paired with cancel().
    static void begin_accept(basic_socket& s) noexcept { s.accepting_.fetch_add(1); }
    static void end_accept(basic_socket& s) noexcept { s.accepting_.fetch_sub(1); }
    static bool is_cancelled_seq_cst(const basic_socket& s) noexcept { return s.cancelled_.load(); }
    /// Records that the handle was created non-blocking (platform::io_mode::non_blocking).
    static void created_non_blocking(basic_socket& s) noexcept { s.non_blocking_ = true; }
};

/// Keeps a blocking socket's handle non-blocking while it lives: the first of the timed calls
/// in flight on one socket switches the handle to non-blocking, the last switches it back,
/// under a lock striped by handle (socket.cpp). So the handle's mode is what
/// is_non_blocking() says whenever no timed call runs, two threads' timed calls (one sends,
/// one receives) never switch the mode under each other, and untimed calls pay nothing: one
/// that meets the handle non-blocking (another thread's timed call is running) waits for
/// readiness and retries, see run_blocking().
class timed_call_scope {
public:
    timed_call_scope(basic_socket& s, std::error_code& ec) noexcept;
    ~timed_call_scope();
    timed_call_scope(const timed_call_scope&) = delete;
    timed_call_scope& operator=(const timed_call_scope&) = delete;

private:
    basic_socket* socket_ = nullptr;  // null if it did not switch (the switch failed)
};

/// Sets ec to std::errc::operation_canceled and returns `failed`.
template <class R>
R cancelled(R failed, std::error_code& ec) noexcept {
    ec = platform::make_error(std::errc::operation_canceled);
    return failed;
}

/// A failure on a cancelled socket is std::errc::operation_canceled, whatever the OS said.
inline void check_cancelled(const basic_socket& s, std::error_code& ec) noexcept {
    if (ec && socket_access::is_cancelled(s)) cancelled(0, ec);
}

/// The outcome of a socket call, once it has returned: a failure or an empty result
/// (`failed`: 0 bytes, the end of stream that shutdown causes) on a cancelled socket is
/// std::errc::operation_canceled. Data that did arrive is kept.
template <class R>
R checked(const basic_socket& s, R result, R failed, std::error_code& ec) noexcept {
    if ((ec || result == failed) && socket_access::is_cancelled(s)) return cancelled(failed, ec);
    return result;
}

/// The outcome of a datagram receive, once it has returned: on a cancelled socket it is
/// std::errc::operation_canceled and no data, whatever came. Linux wakes a blocked receive
/// on a shut-down datagram socket with an empty datagram from nowhere, which a caller
/// could not tell from a real empty datagram; one that raced with cancel() is dropped too.
/// Returns `count`, or 0 if cancelled.
inline std::size_t checked_datagrams(const basic_socket& s, std::size_t count, std::error_code& ec) noexcept {
    return socket_access::is_cancelled(s) ? cancelled<std::size_t>(0, ec) : count;
}

/// Makes `count` connections to a cancelled listener, one for each accept() blocked on it,
/// where platform::cancel() does not wake them (tcp_listener.cpp).
void wake_accepts(const basic_socket& listener, std::uint32_t count, std::error_code& ec) noexcept;

/// Sets ec to std::errc::timed_out (or operation_canceled on a cancelled socket) and returns `failed`.
template <class R>
R timed_out(const basic_socket& s, R failed, std::error_code& ec) noexcept {
    ec = platform::make_error(std::errc::timed_out);
    return checked(s, failed, failed, ec);
}

/// A wait said ready and the call said would-block again: the readiness was false (or
/// another thread took it). Sleeps 1 ms unless the deadline has come, so a socket that
/// polls ready while it cannot send does not spin a core until the deadline.
inline void pause_after_false_readiness(const deadline& until) noexcept {
    if (until.remaining_ms() != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

/// Runs one socket operation with blocking semantics, a timeout and cancellation.
///
/// With no timeout the operation simply blocks in the OS: the hot path is one system call,
/// as with raw sockets, plus a read of the cancel flag before and after. With a timeout the
/// OS handle turns non-blocking for the call (timed_call_scope) and a readiness wait (poll,
/// or its Windows twin) bounds it, so it behaves the same on every OS. In user-requested
/// non-blocking mode the operation runs once and would-block is returned. cancel() wakes
/// the call or the wait, and the outcome becomes std::errc::operation_canceled (checked()).
/// `op(ec)` returns R; `failed` is what to return when the call fails.
template <class R, class Op>
R run_blocking(basic_socket& s, unsigned direction, timeout limit, R failed, std::error_code& ec,
               Op&& op) noexcept {
    if (socket_access::is_cancelled(s)) return cancelled(failed, ec);
    if (s.is_non_blocking()) return checked(s, op(ec), failed, ec);
    const platform::handle h = s.native_handle();
    const deadline until(limit);
    if (until.is_infinite()) {
        // Would-block only while another thread's timed call runs on the socket, or when the
        // OS ends a blocked send to stay cancellable (platform::open()).
        for (bool woken = false;; woken = true) {
            R result = op(ec);
            if (!would_block(ec)) return checked(s, result, failed, ec);
            if (woken) pause_after_false_readiness(until);
            platform::wait(h, direction, -1, ec);
            // Woken by cancel(): the next call may still say would-block (a shut-down,
            // unconnected UDP socket on Linux), so do not make it.
            if (ec || socket_access::is_cancelled(s)) return checked(s, failed, failed, ec);
        }
    }
    const timed_call_scope non_blocking(s, ec);
    if (ec) return failed;
    for (bool woken = false;; woken = true) {
        R result = op(ec);
        if (!would_block(ec)) return checked(s, result, failed, ec);
        // The deadline is checked on every pass, whatever the wait says: a socket can poll
        // ready while its call keeps saying would-block (on Linux, an unconnected Unix
        // datagram socket sending to a full receiver), and that loop must end too.
        if (until.has_passed()) return timed_out(s, failed, ec);
        if (woken) pause_after_false_readiness(until);
        if (platform::wait(h, direction, until.remaining_ms(), ec) == platform::wait_none) {
            if (!ec) return timed_out(s, failed, ec);
            return checked(s, failed, failed, ec);
        }
        if (socket_access::is_cancelled(s)) return cancelled(failed, ec);  // as above
    }
}

/// run_blocking() for a receive on a stream socket, which one thread at a time may call: a
/// timed receive waits for readiness first and then receives on the handle as it is. Once
/// the stream is readable (data, end of stream or an error), the receive returns at once
/// whatever the mode, so the handle's mode is never switched: a timed receive costs the
/// same two system calls as before, with no trace. (A datagram receive may still block
/// after readiness, on Linux when a datagram fails its checksum; accept() when the client
/// went away: they use run_blocking().)
template <class Op>
std::size_t run_stream_receive(basic_socket& s, timeout limit, std::error_code& ec, Op&& op) noexcept {
    if (limit.is_infinite() || s.is_non_blocking())
        return run_blocking<std::size_t>(s, platform::wait_readable, limit, 0, ec, op);
    if (socket_access::is_cancelled(s)) return cancelled<std::size_t>(0, ec);
    const deadline until(limit);
    if (platform::wait(s.native_handle(), platform::wait_readable, until.remaining_ms(), ec) ==
        platform::wait_none) {
        if (!ec) ec = platform::make_error(std::errc::timed_out);
        return checked<std::size_t>(s, 0, 0, ec);
    }
    if (socket_access::is_cancelled(s)) return cancelled<std::size_t>(0, ec);
    return checked<std::size_t>(s, op(ec), 0, ec);
}

/// Receives into a new string of up to `max_size` bytes, for every receive that returns a
/// string (streams, datagrams, TLS): `receive(data, size, ec)` fills it and returns how
/// many bytes came. A size no string can hold is std::errc::invalid_argument, one that
/// cannot be allocated std::errc::not_enough_memory: an error code, never an exception.
/// Header-only and free of platform calls, as portsock_tls uses it against a shared libportsock.
template <class Receive>
std::string receive_into_string(std::size_t max_size, std::error_code& ec, Receive&& receive) noexcept {
    std::string text;
    if (max_size > text.max_size()) {  // no string can hold it: a bad argument, not a lack of memory
        ec = std::make_error_code(std::errc::invalid_argument);
        return text;
    }
    try {
        text.resize(max_size);
    } catch (const std::bad_alloc&) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return std::string();
    } catch (const std::length_error&) {  // max_size() promises more than the allocator gives
        ec = std::make_error_code(std::errc::invalid_argument);
        return std::string();
    }
    text.resize(receive(text.data(), text.size(), ec));  // shrinks: cannot throw
    if (text.capacity() - text.size() > 64 * 1024) {     // a big buffer that got a few bytes
        try {
            text.shrink_to_fit();
        } catch (...) {  // only a request: keeping the room is no error
        }
    }
    return text;
}

}  // namespace portsock::detail
