// basic_socket: handle ownership shared by every socket type.
#include "internal.hpp"

#include <portsock/ip_socket.hpp>

#include <portsock/socket.hpp>

#include <cstdint>
#include <mutex>
#include <utility>

namespace portsock {
namespace detail {
namespace {

// The locks that serialise timed calls' mode switches, striped by handle so that a socket
// carries no mutex (it stays small and movable) and unrelated sockets rarely share one.
std::mutex& lock_of(native_handle_type h) noexcept {
    static std::mutex stripes[64];
    constexpr std::uint64_t golden = 0x9E3779B97F4A7C15u;  // Fibonacci hashing: 2^64 / phi
    const std::uint64_t mixed = static_cast<std::uint64_t>(h) * golden;
    return stripes[mixed >> 58];
}

}  // namespace

timed_call_scope::timed_call_scope(basic_socket& s, std::error_code& ec) noexcept {
    const std::lock_guard<std::mutex> hold(lock_of(s.native_handle()));
    std::uint32_t& calls = socket_access::timed_calls(s);
    if (calls == 0)
        platform::set_non_blocking(s.native_handle(), true, ec);
    else
        ec.clear();
    if (ec) return;
    ++calls;
    socket_ = &s;
}

timed_call_scope::~timed_call_scope() {
    if (!socket_) return;
    const std::lock_guard<std::mutex> hold(lock_of(socket_->native_handle()));
    std::uint32_t& calls = socket_access::timed_calls(*socket_);
    std::error_code ignored;  // a handle that cannot switch back has failed for good anyway
    if (--calls == 0) platform::set_non_blocking(socket_->native_handle(), false, ignored);
}

}  // namespace detail

basic_socket::basic_socket(basic_socket&& other) noexcept
    : handle_(std::exchange(other.handle_, invalid_native_handle)),
      non_blocking_(std::exchange(other.non_blocking_, false)),
      cancelled_(other.cancelled_.exchange(false)) {}

basic_socket& basic_socket::operator=(basic_socket&& other) noexcept {
    if (this != &other) {
        std::error_code ignored;
        close(ignored);
        handle_ = std::exchange(other.handle_, invalid_native_handle);
        non_blocking_ = std::exchange(other.non_blocking_, false);
        cancelled_ = other.cancelled_.exchange(false);
    }
    return *this;
}

basic_socket::~basic_socket() {
    std::error_code ignored;
    close(ignored);
}

void basic_socket::close() {
    detail::or_throw("portsock::basic_socket::close", [&](std::error_code& ec) { close(ec); });
}

void basic_socket::close(std::error_code& ec) noexcept {
    ec.clear();
    if (!is_open()) return;
    const native_handle_type h = std::exchange(handle_, invalid_native_handle);
    platform::poller_forget(h);  // before the OS may give the handle value to a new socket
    platform::close(h, ec);
    non_blocking_ = false;
    cancelled_ = false;
}

native_handle_type basic_socket::release() noexcept {
    non_blocking_ = false;
    if (cancelled_.exchange(false)) platform::forget_cancel(handle_);
    return std::exchange(handle_, invalid_native_handle);
}

void basic_socket::cancel() {
    detail::or_throw("portsock::basic_socket::cancel", [&](std::error_code& ec) { cancel(ec); });
}

void basic_socket::cancel(std::error_code& ec) noexcept {
    ec.clear();
    if (!is_open() || cancelled_.exchange(true)) return;
    platform::cancel(handle_, ec);
    // Where the shutdown does not wake accept(), each blocked accept() gets a connection to
    // take. Read after the flag was set (both seq_cst, as in tcp_listener::accept()): an
    // accept() not counted here sees the flag before it blocks.
    if (!ec && !platform::cancel_wakes_accept()) detail::wake_accepts(*this, accepting_.load(), ec);
}

namespace detail {

endpoint ip_name_of(const basic_socket& s, std::error_code& ec) noexcept {
    if (!check_open(s, ec)) return {};
    const platform::address addr = platform::local_address(s.native_handle(), ec);
    return ec ? endpoint{} : from_platform(addr);
}

}  // namespace detail

endpoint ip_socket::local_endpoint() const {
    return detail::or_throw("portsock::ip_socket::local_endpoint",
                            [&](std::error_code& ec) { return local_endpoint(ec); });
}

endpoint ip_socket::local_endpoint(std::error_code& ec) const noexcept {
    return detail::ip_name_of(*this, ec);
}

void basic_socket::set_non_blocking(bool on) {
    detail::or_throw("portsock::basic_socket::set_non_blocking",
                     [&](std::error_code& ec) { set_non_blocking(on, ec); });
}

void basic_socket::set_non_blocking(bool on, std::error_code& ec) noexcept {
    if (!detail::check_open(*this, ec)) return;
    platform::set_non_blocking(handle_, on, ec);
    if (!ec) non_blocking_ = on;
}

}  // namespace portsock
