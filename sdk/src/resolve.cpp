// resolve(): getaddrinfo through the platform contract.
#include "internal.hpp"
#include "text.hpp"

#include <portsock/resolve.hpp>

#include <new>
#include <string>

namespace portsock {

std::vector<endpoint> resolve(std::string_view host, std::string_view service, address_family family) {
    std::error_code ec;
    std::vector<endpoint> out = resolve(host, service, ec, family);
    if (ec == errc::invalid_port) detail::throw_error(ec, "portsock::resolve: service", service);
    if (ec)
        throw std::system_error(ec, "portsock::resolve " + detail::quote(host) + detail::host_hint(host, ec));
    return out;
}

namespace {

// The checks every host and service pass before the resolver sees them; see resolve.hpp.
bool check_text(std::string_view host, std::string_view service, address_family family,
                std::error_code& ec) noexcept {
    if (!detail::is_valid(family))
        ec = std::make_error_code(std::errc::invalid_argument);
    else
        ec = detail::check_host_text(host);  // empty, a control byte or space, or a number that is no address
    if (!ec && !detail::is_service_name(service))
        parse_port(service, ec);  // then exactly parse_port's grammar
    return !ec;
}

// A numeric host of the other family has no address in the one asked for. Said here, so
// every OS gives the same answer (glibc says EAI_ADDRFAMILY, others EAI_NONAME).
bool check_family(std::string_view host, address_family family, std::error_code& ec) noexcept {
    if (family == address_family::unspecified) return true;
    std::error_code not_numeric;
    const ip_address numeric = ip_address::parse(host, not_numeric);
    if (!not_numeric && numeric.family() != family) {
        ec = make_error_code(resolve_errc::no_address_in_family);
        return false;
    }
    return true;
}

}  // namespace

std::vector<endpoint> resolve(std::string_view host, std::string_view service, std::error_code& ec,
                              address_family family) noexcept {
    if (!check_text(host, service, family, ec) || !check_family(host, family, ec)) return {};
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
