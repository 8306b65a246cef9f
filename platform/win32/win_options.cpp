// Winsock 2 port: the options that depend on the socket's family or that Windows lacks, linger, and multicast
// membership.
//
// Differences from BSD sockets that this file hides or reports:
// - Keep-alive timing is TCP_KEEPIDLE (3), TCP_KEEPINTVL (17) and TCP_KEEPCNT (16) at
//   IPPROTO_TCP, Windows 10 version 1709 and later; the values are fixed by the Windows ABI
//   and not in every mingw-w64's headers. An older Windows refuses them, reported as
//   std::errc::operation_not_supported. (SIO_KEEPALIVE_VALS cannot read the values back
//   and takes no probe count, so it cannot stand in for them.)
// - Windows has no SO_REUSEPORT: std::errc::operation_not_supported.
// - Windows accepts IP_TOS and then ignores it unless a registry setting allows it (the
//   QoS2 API is the supported way); so the traffic class reports
//   std::errc::operation_not_supported rather than pretending to work.
// - IPv4 multicast by interface index: Windows takes an index in the 0.0.0.0/8 range of
//   IP_MULTICAST_IF (network byte order); joins by index use RFC 3678's MCAST_* requests.
#include "win_common.hpp"

#include <iphlpapi.h>  // if_nametoindex

#include "multicast_requests.hpp"  // after the OS headers it relies on

#include <cstring>

namespace portsock::platform {
namespace {

constexpr int tcp_keep_idle = 3;       // TCP_KEEPIDLE (alias TCP_KEEPALIVE)
constexpr int tcp_keep_count = 16;     // TCP_KEEPCNT
constexpr int tcp_keep_interval = 17;  // TCP_KEEPINTVL

struct option_location {
    int level = 0;
    int name = 0;
    bool supported = false;
    bool ipv6_only = false;
};

constexpr option_location at(int level, int name) noexcept { return {level, name, true, false}; }

option_location locate_ip(option opt, bool v6) noexcept {
    switch (opt) {
        case option::v6_only:
            return v6 ? at(IPPROTO_IPV6, IPV6_V6ONLY) : option_location{0, 0, true, true};
        case option::unicast_hops:
            return v6 ? at(IPPROTO_IPV6, IPV6_UNICAST_HOPS) : at(IPPROTO_IP, IP_TTL);
        case option::multicast_hops:
            return v6 ? at(IPPROTO_IPV6, IPV6_MULTICAST_HOPS) : at(IPPROTO_IP, IP_MULTICAST_TTL);
        case option::multicast_loop:
            return v6 ? at(IPPROTO_IPV6, IPV6_MULTICAST_LOOP) : at(IPPROTO_IP, IP_MULTICAST_LOOP);
        // Read back by WSARecvMsg() in receive_from_to() (win_receive_destination.cpp).
        case option::receive_destination:
            return v6 ? at(IPPROTO_IPV6, IPV6_PKTINFO) : at(IPPROTO_IP, IP_PKTINFO);
        default:
            return {};
    }
}

bool depends_on_family(option opt) noexcept {
    return opt == option::v6_only || opt == option::unicast_hops || opt == option::multicast_hops ||
           opt == option::multicast_loop || opt == option::receive_destination;
}

option_location locate_fixed(option opt) noexcept {
    switch (opt) {
        case option::keep_alive_idle:
            return at(IPPROTO_TCP, tcp_keep_idle);
        case option::keep_alive_interval:
            return at(IPPROTO_TCP, tcp_keep_interval);
        case option::keep_alive_count:
            return at(IPPROTO_TCP, tcp_keep_count);
        // Only datagram sockets ask for it (sdk/ udp_socket): for a TCP port, Windows'
        // SO_REUSEADDR would let another socket take a live port (win_socket.cpp).
        case option::share_address:
            return at(SOL_SOCKET, SO_REUSEADDR);
        default:
            return {};  // reuse_port, traffic_class
    }
}

option_location locate(handle h, option opt, std::error_code& ec) noexcept {
    option_location where;
    if (depends_on_family(opt)) {
        const address local = local_address(h, ec);
        if (ec) return {};
        where = locate_ip(opt, local.fam == family::ipv6);
    } else {
        where = locate_fixed(opt);
    }
    if (!where.supported)
        ec = make_error(std::errc::operation_not_supported);
    else if (where.ipv6_only)
        ec = make_error(std::errc::invalid_argument);
    else
        ec.clear();
    return where;
}

// A Winsock result: an option this Windows does not know is one it lacks.
void check_option(int result, std::error_code& ec) noexcept {
    if (result == 0) {
        ec.clear();
        return;
    }
    const int code = ::WSAGetLastError();
    ec = code == WSAENOPROTOOPT ? make_error(std::errc::operation_not_supported) : socket_error(code);
}

template <class Value>
void set_raw(handle h, int level, int name, const Value& value, std::error_code& ec) noexcept {
    check_option(::setsockopt(to_socket(h), level, name, reinterpret_cast<const char*>(&value),
                              static_cast<int>(sizeof value)),
                 ec);
}

template <class Value>
Value get_raw(handle h, int level, int name, int& length, std::error_code& ec) noexcept {
    Value value{};
    length = static_cast<int>(sizeof value);
    check_option(::getsockopt(to_socket(h), level, name, reinterpret_cast<char*>(&value), &length), ec);
    return value;
}

}  // namespace

bool is_extended_option(option opt) noexcept {
    return depends_on_family(opt) || opt == option::reuse_port || opt == option::traffic_class ||
           opt == option::share_address || opt == option::keep_alive_idle ||
           opt == option::keep_alive_interval || opt == option::keep_alive_count;
}

void set_extended_option(handle h, option opt, int value, std::error_code& ec) noexcept {
    const option_location where = locate(h, opt, ec);
    if (!ec) set_raw(h, where.level, where.name, value, ec);
}

int get_extended_option(handle h, option opt, std::error_code& ec) noexcept {
    const option_location where = locate(h, opt, ec);
    if (ec) return 0;
    int length = 0;
    const int value = get_raw<int>(h, where.level, where.name, length, ec);
    // Some options are reported in one byte (BOOLEAN) on some stacks.
    return !ec && length == 1 ? (value & 0xff) : value;
}

void set_linger(handle h, const linger_setting& value, std::error_code& ec) noexcept {
    ::linger native{};
    native.l_onoff = static_cast<u_short>(value.on ? 1 : 0);
    native.l_linger = static_cast<u_short>(value.seconds);  // sdk/ checked 0..65535
    set_raw(h, SOL_SOCKET, SO_LINGER, native, ec);
}

linger_setting get_linger(handle h, std::error_code& ec) noexcept {
    int length = 0;
    const auto native = get_raw<::linger>(h, SOL_SOCKET, SO_LINGER, length, ec);
    return {native.l_onoff != 0, native.l_linger};
}

void change_membership(handle h, bool join, const address& group, const address& source,
                       const interface_choice& where, std::error_code& ec) noexcept {
    requests::membership(
        join, group, source, where,
        [&](int level, int name, const auto& request) { set_raw(h, level, name, request, ec); },
        [&] { ec = make_error(std::errc::operation_not_supported); });
}

void set_multicast_interface(handle h, const interface_choice& where, std::error_code& ec) noexcept {
    const address local = local_address(h, ec);
    if (ec) return;
    if (local.fam == family::ipv6) {
        const DWORD index = where.index;
        set_raw(h, IPPROTO_IPV6, IPV6_MULTICAST_IF, index, ec);
    } else if (where.index != 0) {
        const DWORD index_in_zero_net = ::htonl(where.index);  // 0.x.x.x: an index, not an address
        set_raw(h, IPPROTO_IP, IP_MULTICAST_IF, index_in_zero_net, ec);
    } else {
        set_raw(h, IPPROTO_IP, IP_MULTICAST_IF, requests::to_in_addr(where.v4_address), ec);
    }
}

bool has_option(option opt) noexcept {
    switch (opt) {
        case option::reuse_port:
        case option::traffic_class:
            return false;
        case option::keep_alive_idle:
        case option::keep_alive_interval:
        case option::keep_alive_count:
            break;
        default:
            return true;
    }
    // Keep-alive timing depends on the Windows version: ask a probe socket.
    std::error_code ec;
    const handle h = open(family::ipv4, socket_type::stream, ec);
    if (ec) return false;
    get_extended_option(h, opt, ec);
    std::error_code ignored;
    close(h, ignored);
    return !ec;
}

bool has_source_specific_multicast() noexcept { return true; }  // Windows Vista and later

}  // namespace portsock::platform
