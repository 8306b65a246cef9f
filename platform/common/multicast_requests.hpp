// The multicast membership requests, whose structures and fields have the same names on
// every OS: ip_mreq and ipv6_mreq (RFC 3493), ip_mreq_source and RFC 3678's group_req and
// group_source_req. Shared by posix_options.cpp and win_options.cpp, which include it
// after their OS socket headers and their native_address/to_native(); it includes no OS
// header itself.
#pragma once

#include "platform.hpp"

#include <cstring>

namespace portsock::platform::requests {

inline in_addr to_in_addr(const address& addr) noexcept {
    in_addr out{};
    std::memcpy(&out, addr.bytes, 4);
    return out;
}

inline sockaddr_storage to_storage(const address& addr) noexcept {
    native_address native;
    std::error_code ignored;  // sdk/ checked the family
    to_native(addr, native, ignored);
    return native.storage;
}

// RFC 3678's protocol-independent requests: the interface by index, either family.
template <class Set, class Unsupported>
void indexed_membership(bool join, const address& group, const address& source, std::uint32_t index,
                        Set&& set, Unsupported&& unsupported) {
#if defined(MCAST_JOIN_GROUP) && defined(MCAST_JOIN_SOURCE_GROUP)
    (void)unsupported;
    const int level = group.fam == family::ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
    if (source.fam == family::unspecified) {
        group_req request{};
        request.gr_interface = index;
        request.gr_group = to_storage(group);
        set(level, join ? MCAST_JOIN_GROUP : MCAST_LEAVE_GROUP, request);
        return;
    }
    group_source_req request{};
    request.gsr_interface = index;
    request.gsr_group = to_storage(group);
    request.gsr_source = to_storage(source);
    set(level, join ? MCAST_JOIN_SOURCE_GROUP : MCAST_LEAVE_SOURCE_GROUP, request);
#else
    (void)join, (void)group, (void)source, (void)index, (void)set;
    unsupported();
#endif
}

/// Joins or leaves as platform::change_membership() says, through `set(level, name,
/// request)`; calls `unsupported()` where this OS's headers lack the request needed.
template <class Set, class Unsupported>
void membership(bool join, const address& group, const address& source, const interface_choice& where,
                Set&& set, Unsupported&& unsupported) {
    const bool any_source = source.fam == family::unspecified;
    if (group.fam == family::ipv6 && any_source) {
        ipv6_mreq request{};
        std::memcpy(&request.ipv6mr_multiaddr, group.bytes, 16);
        request.ipv6mr_interface = where.index;
        set(IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, request);
    } else if (group.fam == family::ipv6 || where.index != 0) {
        indexed_membership(join, group, source, where.index, set, unsupported);
    } else if (any_source) {
        ip_mreq request{};
        request.imr_multiaddr = to_in_addr(group);
        request.imr_interface = to_in_addr(where.v4_address);  // zero bytes: INADDR_ANY
        set(IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, request);
    } else {
#if defined(IP_ADD_SOURCE_MEMBERSHIP)
        ip_mreq_source request{};  // the field order differs between OSes: set by name
        request.imr_multiaddr = to_in_addr(group);
        request.imr_sourceaddr = to_in_addr(source);
        request.imr_interface = to_in_addr(where.v4_address);
        set(IPPROTO_IP, join ? IP_ADD_SOURCE_MEMBERSHIP : IP_DROP_SOURCE_MEMBERSHIP, request);
        (void)unsupported;
#else
        unsupported();
#endif
    }
}

}  // namespace portsock::platform::requests
