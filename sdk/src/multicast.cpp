// udp_socket's multicast calls and network_interface.
#include "option_support.hpp"

#include <portsock/network_interface.hpp>
#include <portsock/udp.hpp>

#include <string>
#include <utility>

namespace portsock {
namespace {

constexpr std::int64_t largest_hops = 255;

bool is_multicast(const ip_address& a) noexcept {
    if (a.is_v4()) return (a.to_v4_bytes()[0] & 0xf0) == 0xe0;  // 224.0.0.0/4
    return a.is_v6() && a.to_v6_bytes()[0] == 0xff;             // ff00::/8
}

platform::address to_platform(const ip_address& a) noexcept { return detail::to_platform(endpoint{a, 0}); }

// The checks every membership call shares, the same on every OS: the group is multicast
// and of the socket's family, the source (if any) a unicast address of that family, and
// an interface named by address only for IPv4.
bool valid_membership(const udp_socket& s, const ip_address& group, const ip_address* source,
                      const network_interface& where, std::error_code& ec) noexcept {
    if (!detail::check_open(s, ec)) return false;
    const endpoint local = s.local_endpoint(ec);
    if (ec) return false;
    const bool by_v6_address = !where.address().is_unspecified() && !where.address().is_v4();
    const bool bad_source =
        source && (source->family() != group.family() || is_multicast(*source) || source->is_unspecified());
    if (!is_multicast(group) || group.family() != local.address().family() || by_v6_address || bad_source ||
        (group.is_v6() && !where.address().is_unspecified())) {
        ec = make_error_code(errc::invalid_argument);
        return false;
    }
    return true;
}

platform::interface_choice to_platform(const network_interface& where) noexcept {
    platform::interface_choice choice;
    choice.index = where.index();
    if (where.address().is_v4()) choice.v4_address = to_platform(where.address());
    return choice;
}

void change_membership(const udp_socket& s, bool join, const ip_address& group, const ip_address* source,
                       const network_interface& where, std::error_code& ec) noexcept {
    if (!valid_membership(s, group, source, where, ec)) return;
    const platform::address any_source;  // family unspecified: any-source membership
    platform::change_membership(s.native_handle(), join, to_platform(group),
                                source ? to_platform(*source) : any_source, to_platform(where), ec);
}

// "<what> <group> [from <source>] on <interface>": the throwing membership calls name
// what they were asked, as connect() names its endpoint.
std::string membership_context(const char* what, const ip_address& group, const ip_address* source,
                               const network_interface& where) {
    std::string text = std::string(what) + " " + group.to_string();
    if (source) text += " from " + source->to_string();
    if (where.index() != 0)
        text += " on interface " + std::to_string(where.index());
    else if (!where.address().is_unspecified())
        text += " on the interface of " + where.address().to_string();
    else
        text += " on the interface the OS chose";
    return text;
}

template <class Call>
void or_throw_membership(const char* what, const ip_address& group, const ip_address* source,
                         const network_interface& where, Call&& call) {
    detail::or_throw_with(
        [&](const std::error_code&) { return membership_context(what, group, source, where); },
        std::forward<Call>(call));
}

}  // namespace

network_interface network_interface::from_name(std::string_view name) {
    std::error_code ec;
    const network_interface found = from_name(name, ec);
    if (ec) detail::throw_error(ec, "portsock::network_interface::from_name", name);
    return found;
}

network_interface network_interface::from_name(std::string_view name, std::error_code& ec) noexcept {
    ec = platform::make_error(std::errc::no_such_device);
    if (name.empty() || name.find('\0') != std::string_view::npos) return {};
    char text[256];  // longer than any OS's interface names (IFNAMSIZ 16, Windows 256 with NUL)
    if (name.size() >= sizeof text) return {};
    name.copy(text, name.size());
    text[name.size()] = '\0';
    std::error_code lookup;
    const std::uint32_t index = platform::interface_index(text, lookup);
    if (lookup) ec = lookup;  // the lookup itself failed (a full descriptor table)
    if (index == 0) return {};
    ec.clear();
    return network_interface(index);
}

void udp_socket::join_group(const ip_address& group, const network_interface& where) {
    or_throw_membership("portsock::udp_socket::join_group", group, nullptr, where,
                        [&](std::error_code& ec) { join_group(group, where, ec); });
}

void udp_socket::join_group(const ip_address& group, const network_interface& where,
                            std::error_code& ec) noexcept {
    change_membership(*this, true, group, nullptr, where, ec);
}

void udp_socket::leave_group(const ip_address& group, const network_interface& where) {
    or_throw_membership("portsock::udp_socket::leave_group", group, nullptr, where,
                        [&](std::error_code& ec) { leave_group(group, where, ec); });
}

void udp_socket::leave_group(const ip_address& group, const network_interface& where,
                             std::error_code& ec) noexcept {
    change_membership(*this, false, group, nullptr, where, ec);
}

void udp_socket::join_source_group(const ip_address& group, const ip_address& source,
                                   const network_interface& where) {
    or_throw_membership("portsock::udp_socket::join_source_group", group, &source, where,
                        [&](std::error_code& ec) { join_source_group(group, source, where, ec); });
}

void udp_socket::join_source_group(const ip_address& group, const ip_address& source,
                                   const network_interface& where, std::error_code& ec) noexcept {
    change_membership(*this, true, group, &source, where, ec);
}

void udp_socket::leave_source_group(const ip_address& group, const ip_address& source,
                                    const network_interface& where) {
    or_throw_membership("portsock::udp_socket::leave_source_group", group, &source, where,
                        [&](std::error_code& ec) { leave_source_group(group, source, where, ec); });
}

void udp_socket::leave_source_group(const ip_address& group, const ip_address& source,
                                    const network_interface& where, std::error_code& ec) noexcept {
    change_membership(*this, false, group, &source, where, ec);
}

void udp_socket::set_multicast_interface(const network_interface& where) {
    detail::or_throw("portsock::udp_socket::set_multicast_interface",
                     [&](std::error_code& ec) { set_multicast_interface(where, ec); });
}

void udp_socket::set_multicast_interface(const network_interface& where, std::error_code& ec) noexcept {
    if (!detail::check_open(*this, ec)) return;
    const endpoint local = local_endpoint(ec);
    if (ec) return;
    if (!where.address().is_unspecified() && (!where.address().is_v4() || local.address().is_v6())) {
        ec = make_error_code(errc::invalid_argument);
        return;
    }
    platform::set_multicast_interface(native_handle(), to_platform(where), ec);
}

void udp_socket::set_multicast_hops(int hops) {
    detail::or_throw("portsock::udp_socket::set_multicast_hops",
                     [&](std::error_code& ec) { set_multicast_hops(hops, ec); });
}

void udp_socket::set_multicast_hops(int hops, std::error_code& ec) noexcept {
    detail::set_ranged(*this, platform::option::multicast_hops, hops, 0, largest_hops, ec);
}

int udp_socket::multicast_hops() const {
    return detail::or_throw("portsock::udp_socket::multicast_hops",
                            [&](std::error_code& ec) { return multicast_hops(ec); });
}

int udp_socket::multicast_hops(std::error_code& ec) const noexcept {
    return detail::get_int(*this, platform::option::multicast_hops, ec);
}

void udp_socket::set_multicast_loopback(bool on) {
    detail::or_throw("portsock::udp_socket::set_multicast_loopback",
                     [&](std::error_code& ec) { set_multicast_loopback(on, ec); });
}

void udp_socket::set_multicast_loopback(bool on, std::error_code& ec) noexcept {
    detail::set_flag(*this, platform::option::multicast_loop, on, ec);
}

bool udp_socket::multicast_loopback() const {
    return detail::or_throw("portsock::udp_socket::multicast_loopback",
                            [&](std::error_code& ec) { return multicast_loopback(ec); });
}

bool udp_socket::multicast_loopback(std::error_code& ec) const noexcept {
    return detail::get_flag(*this, platform::option::multicast_loop, ec);
}

}  // namespace portsock
