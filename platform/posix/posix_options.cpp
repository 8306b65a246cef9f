// POSIX port: socket options, linger and multicast membership.
//
// Where BSD systems and Linux differ, the form every one of them accepts is used:
// IP_MULTICAST_TTL and IP_MULTICAST_LOOP take an unsigned char (macOS rejects an int),
// the keep-alive idle time is TCP_KEEPIDLE, or TCP_KEEPALIVE on macOS. An option this
// system's headers do not define reports std::errc::operation_not_supported, and so does
// one the running kernel refuses as unknown (ENOPROTOOPT).
#include "platform.hpp"
#include "posix_address.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "multicast_requests.hpp"  // after the OS headers it relies on

namespace portsock::platform {
namespace {

enum class value_shape : std::uint8_t { integer, byte, unsupported, ipv6_only };

struct option_location {
    int level = 0;
    int name = 0;
    value_shape shape = value_shape::unsupported;
};

constexpr option_location unsupported{};

constexpr option_location integer(int level, int name) noexcept {
    return {level, name, value_shape::integer};
}

option_location keep_alive_location(option opt) noexcept {
    switch (opt) {
#if defined(TCP_KEEPIDLE)
        case option::keep_alive_idle:
            return integer(IPPROTO_TCP, TCP_KEEPIDLE);
#elif defined(TCP_KEEPALIVE)
        case option::keep_alive_idle:
            return integer(IPPROTO_TCP, TCP_KEEPALIVE);  // macOS
#endif
#if defined(TCP_KEEPINTVL)
        case option::keep_alive_interval:
            return integer(IPPROTO_TCP, TCP_KEEPINTVL);
#endif
#if defined(TCP_KEEPCNT)
        case option::keep_alive_count:
            return integer(IPPROTO_TCP, TCP_KEEPCNT);
#endif
        default:
            return unsupported;
    }
}

// Options whose IPv4 and IPv6 forms differ.
option_location ip_location(option opt, bool v6) noexcept {
    switch (opt) {
        case option::v6_only:
            return v6 ? integer(IPPROTO_IPV6, IPV6_V6ONLY) : option_location{0, 0, value_shape::ipv6_only};
        case option::unicast_hops:
            return v6 ? integer(IPPROTO_IPV6, IPV6_UNICAST_HOPS) : integer(IPPROTO_IP, IP_TTL);
#if defined(IPV6_TCLASS)
        case option::traffic_class:
            return v6 ? integer(IPPROTO_IPV6, IPV6_TCLASS) : integer(IPPROTO_IP, IP_TOS);
#else
        case option::traffic_class:
            return v6 ? unsupported : integer(IPPROTO_IP, IP_TOS);
#endif
        case option::multicast_hops:
            return v6 ? integer(IPPROTO_IPV6, IPV6_MULTICAST_HOPS)
                      : option_location{IPPROTO_IP, IP_MULTICAST_TTL, value_shape::byte};
        case option::multicast_loop:
            return v6 ? integer(IPPROTO_IPV6, IPV6_MULTICAST_LOOP)
                      : option_location{IPPROTO_IP, IP_MULTICAST_LOOP, value_shape::byte};
        case option::receive_destination:  // read back by receive_from_to() (posix_socket.cpp)
            if (v6) return integer(IPPROTO_IPV6, IPV6_RECVPKTINFO);
#if defined(IP_PKTINFO)
            return integer(IPPROTO_IP, IP_PKTINFO);
#elif defined(IP_RECVDSTADDR)
            return integer(IPPROTO_IP, IP_RECVDSTADDR);
#else
            return unsupported;
#endif
        default:
            return unsupported;
    }
}

bool depends_on_family(option opt) noexcept {
    switch (opt) {
        case option::receive_destination:
        case option::v6_only:
        case option::unicast_hops:
        case option::traffic_class:
        case option::multicast_hops:
        case option::multicast_loop:
            return true;
        default:
            return false;
    }
}

option_location locate(option opt) noexcept {
    switch (opt) {
        case option::reuse_address:
        case option::share_address:
            return integer(SOL_SOCKET, SO_REUSEADDR);
        case option::no_delay:
            return integer(IPPROTO_TCP, TCP_NODELAY);
        case option::keep_alive:
            return integer(SOL_SOCKET, SO_KEEPALIVE);
        case option::broadcast:
            return integer(SOL_SOCKET, SO_BROADCAST);
        case option::receive_buffer:
            return integer(SOL_SOCKET, SO_RCVBUF);
        case option::send_buffer:
            return integer(SOL_SOCKET, SO_SNDBUF);
#if defined(SO_REUSEPORT)
        case option::reuse_port:
            return integer(SOL_SOCKET, SO_REUSEPORT);
#endif
        default:
            return keep_alive_location(opt);
    }
}

// Where `opt` lives for this socket; sets ec (and returns `unsupported`) if nowhere.
option_location locate(handle h, option opt, std::error_code& ec) noexcept {
    option_location where = unsupported;
    if (depends_on_family(opt)) {
        const address local = local_address(h, ec);
        if (ec) return unsupported;
        where = ip_location(opt, local.fam == family::ipv6);
    } else {
        where = locate(opt);
    }
    if (where.shape == value_shape::unsupported)
        ec = make_error(std::errc::operation_not_supported);
    else if (where.shape == value_shape::ipv6_only)
        ec = make_error(std::errc::invalid_argument);
    else
        ec.clear();
    return where;
}

// The result of a setsockopt()/getsockopt(): an option the kernel does not know is one
// this system lacks.
void check_option(int result, std::error_code& ec) noexcept {
    if (result == 0)
        ec.clear();
    else
        ec = errno == ENOPROTOOPT ? make_error(std::errc::operation_not_supported) : last_error();
}

template <class Value>
void set_raw(handle h, int level, int name, const Value& value, std::error_code& ec) noexcept {
    check_option(::setsockopt(h, level, name, &value, sizeof value), ec);
}

template <class Value>
Value get_raw(handle h, int level, int name, std::error_code& ec) noexcept {
    Value value{};
    socklen_t length = sizeof value;
    check_option(::getsockopt(h, level, name, &value, &length), ec);
    return value;
}

[[maybe_unused]] bool first_ipv4_address(std::uint32_t index, in_addr& out) noexcept {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return false;
    bool found = false;
    for (const ifaddrs* entry = list; entry && !found; entry = entry->ifa_next) {
        if (entry->ifa_addr && entry->ifa_addr->sa_family == AF_INET &&
            ::if_nametoindex(entry->ifa_name) == index) {
            out = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr)->sin_addr;
            found = true;
        }
    }
    ::freeifaddrs(list);
    return found;
}

}  // namespace

void set_option(handle h, option opt, int value, std::error_code& ec) noexcept {
    const option_location where = locate(h, opt, ec);
    if (ec) return;
    if (where.shape == value_shape::byte)
        set_raw(h, where.level, where.name, static_cast<unsigned char>(value), ec);
    else
        set_raw(h, where.level, where.name, value, ec);
}

int get_option(handle h, option opt, std::error_code& ec) noexcept {
    const option_location where = locate(h, opt, ec);
    if (ec) return 0;
    if (where.shape == value_shape::byte) return get_raw<unsigned char>(h, where.level, where.name, ec);
    return get_raw<int>(h, where.level, where.name, ec);
}

void set_linger(handle h, const linger_setting& value, std::error_code& ec) noexcept {
    ::linger native{};
    native.l_onoff = value.on ? 1 : 0;
    native.l_linger = value.seconds;
    set_raw(h, SOL_SOCKET, SO_LINGER, native, ec);
}

linger_setting get_linger(handle h, std::error_code& ec) noexcept {
    const auto native = get_raw<::linger>(h, SOL_SOCKET, SO_LINGER, ec);
    return {native.l_onoff != 0, native.l_linger};
}

namespace {

// Linux delivers to a socket bound to the wildcard address every group's datagrams for its
// port that *any* socket of the host joined, unless IP_MULTICAST_ALL (2.6.31) or
// IPV6_MULTICAST_ALL (4.20) is 0. Windows, macOS and the BSDs deliver only the groups the
// socket joined itself; so, once it joins, does Linux. A kernel without the IPv6 option
// keeps its old behaviour (ENOPROTOOPT is not an error: the join itself worked).
void deliver_only_joined_groups(handle h, const address& group, std::error_code& ec) noexcept {
#if defined(IP_MULTICAST_ALL)
    const int off = 0;
    if (group.fam == family::ipv4) {
        set_raw(h, IPPROTO_IP, IP_MULTICAST_ALL, off, ec);
        return;
    }
#if defined(IPV6_MULTICAST_ALL)
    set_raw(h, IPPROTO_IPV6, IPV6_MULTICAST_ALL, off, ec);
    if (ec == std::errc::operation_not_supported) ec.clear();
#endif
#else
    (void)h, (void)group, (void)ec;  // the OS delivers only joined groups already
#endif
}

}  // namespace

void change_membership(handle h, bool join, const address& group, const address& source,
                       const interface_choice& where, std::error_code& ec) noexcept {
    requests::membership(
        join, group, source, where,
        [&](int level, int name, const auto& request) { set_raw(h, level, name, request, ec); },
        [&] { ec = make_error(std::errc::operation_not_supported); });
    if (!ec && join) deliver_only_joined_groups(h, group, ec);
}

void set_multicast_interface(handle h, const interface_choice& where, std::error_code& ec) noexcept {
    const address local = local_address(h, ec);
    if (ec) return;
    if (local.fam == family::ipv6) {
        const unsigned index = where.index;
        set_raw(h, IPPROTO_IPV6, IPV6_MULTICAST_IF, index, ec);
        return;
    }
    if (where.index == 0) {
        set_raw(h, IPPROTO_IP, IP_MULTICAST_IF, requests::to_in_addr(where.v4_address), ec);
        return;
    }
#if PORTSOCK_HAVE_IP_MREQN
    ip_mreqn request{};  // Linux: the IPv4 form that names the interface by index
    request.imr_ifindex = static_cast<int>(where.index);
    set_raw(h, IPPROTO_IP, IP_MULTICAST_IF, request, ec);
#else
    in_addr interface_address{};
    if (!first_ipv4_address(where.index, interface_address)) {
        ec = make_error(std::errc::no_such_device);
        return;
    }
    set_raw(h, IPPROTO_IP, IP_MULTICAST_IF, interface_address, ec);
#endif
}

bool has_option(option opt) noexcept {
    if (depends_on_family(opt)) {
#if !defined(IPV6_TCLASS)
        if (opt == option::traffic_class) return false;
#endif
        return true;
    }
    return locate(opt).shape != value_shape::unsupported;
}

bool has_source_specific_multicast() noexcept {
#if defined(IP_ADD_SOURCE_MEMBERSHIP) && defined(MCAST_JOIN_SOURCE_GROUP)
    return true;
#else
    return false;
#endif
}

}  // namespace portsock::platform
