// basic_socket: handle ownership shared by every socket type.
#include "internal.hpp"

#include <portsock/socket.hpp>

#include <utility>

namespace portsock {

basic_socket::basic_socket(basic_socket&& other) noexcept
    : handle_(std::exchange(other.handle_, invalid_native_handle)),
      non_blocking_(std::exchange(other.non_blocking_, false)) {}

basic_socket& basic_socket::operator=(basic_socket&& other) noexcept {
    if (this != &other) {
        std::error_code ignored;
        close(ignored);
        handle_ = std::exchange(other.handle_, invalid_native_handle);
        non_blocking_ = std::exchange(other.non_blocking_, false);
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
}

native_handle_type basic_socket::release() noexcept {
    non_blocking_ = false;
    return std::exchange(handle_, invalid_native_handle);
}

endpoint basic_socket::local_endpoint() const {
    return detail::or_throw("portsock::basic_socket::local_endpoint",
                            [&](std::error_code& ec) { return local_endpoint(ec); });
}

endpoint basic_socket::local_endpoint(std::error_code& ec) const noexcept {
    if (!detail::check_open(*this, ec)) return {};
    const platform::address addr = platform::local_address(handle_, ec);
    return ec ? endpoint{} : detail::from_platform(addr);
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
