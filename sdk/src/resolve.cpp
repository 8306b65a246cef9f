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
    if (ec) detail::throw_error(ec, "portsock::resolve", host);
    return out;
}

namespace {

// Text that ends in a number must be an address in ip_address::parse()'s grammar (IPv4
// dotted quad, or IPv6 that may end in one); anything else is the old inet_aton() grammar.
bool is_address_text(std::string_view host) noexcept {
    std::error_code not_an_address;
    (void)ip_address::parse(host, not_an_address);
    return !not_an_address;
}

// The checks every host and service pass before the resolver sees them; see resolve.hpp.
bool check_text(std::string_view host, std::string_view service, address_family family,
                std::error_code& ec) noexcept {
    if (!detail::is_valid(family)) {
        ec = std::make_error_code(std::errc::invalid_argument);
    } else if (host.empty()) {
        ec = make_error_code(errc::empty_host);
    } else if (detail::has_control_byte(host) || host.find(' ') != std::string_view::npos) {
        // A NUL would cut the name the resolver sees; no host name holds a space, and
        // inet_aton() would read "1.2.3.4 junk" as 1.2.3.4.
        ec = make_error_code(errc::invalid_host);
    } else if (detail::ends_in_a_number(host) && !is_address_text(host)) {  // "127.1", "010.0.0.1"
        ec = make_error_code(errc::invalid_host);
    } else if (!detail::is_service_name(service)) {
        parse_port(service, ec);  // no letter, or not a name: a port number, exactly as parse_port
    } else {
        ec.clear();
    }
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
