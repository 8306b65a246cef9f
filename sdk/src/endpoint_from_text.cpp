// endpoint from a numeric address text and a port: a thin layer over ip_address::parse(),
// so the address grammar lives in one place.
#include "internal.hpp"

#include <portsock/address.hpp>

namespace portsock {

endpoint::endpoint(std::string_view address_text, std::uint16_t port) : port_(port) {
    std::error_code ec;
    address_ = ip_address::parse(address_text, ec);
    if (ec) detail::throw_error(ec, "portsock::endpoint", address_text);
}

endpoint endpoint::parse(std::string_view address_text, std::uint16_t port, std::error_code& ec) noexcept {
    const ip_address address = ip_address::parse(address_text, ec);
    return ec ? endpoint{} : endpoint{address, port};
}

}  // namespace portsock
