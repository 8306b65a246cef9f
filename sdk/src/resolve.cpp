// resolve(): getaddrinfo through the platform contract.
#include "internal.hpp"

#include <portsock/resolve.hpp>

#include <algorithm>
#include <new>
#include <string>

namespace portsock {

std::vector<endpoint> resolve(std::string_view host, std::string_view service, address_family family) {
    std::error_code ec;
    std::vector<endpoint> out = resolve(host, service, ec, family);
    if (ec) detail::throw_error(ec, "portsock::resolve", host);
    return out;
}

std::vector<endpoint> resolve(std::string_view host, std::string_view service, std::error_code& ec,
                              address_family family) noexcept {
    if (host.empty()) {
        ec = make_error_code(errc::empty_host);
        return {};
    }
    const bool numeric = !service.empty() &&
                         std::all_of(service.begin(), service.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) {  // getaddrinfo would take "70000" modulo 65536 on some systems
        parse_port(service, ec);
        if (ec) return {};
    }
    try {
        std::vector<platform::address> found;
        platform::resolve(std::string(host), std::string(service), detail::to_platform(family),
                          platform::socket_type::stream, found, ec);
        if (ec) return {};
        std::vector<endpoint> out;
        out.reserve(found.size());
        for (const platform::address& addr : found) out.push_back(detail::from_platform(addr));
        if (out.empty()) ec = make_error_code(errc::no_address);
        return out;
    } catch (const std::bad_alloc&) {
        ec = platform::make_error(std::errc::not_enough_memory);
        return {};
    }
}

}  // namespace portsock
