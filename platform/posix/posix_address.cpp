// POSIX port: address conversion, text forms and getaddrinfo.
#include "posix_address.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace portsock::platform {

std::error_code resolver_error(int gai_code) noexcept;  // posix_error.cpp

bool to_native(const address& in, native_address& out, std::error_code& ec) noexcept {
    out = native_address{};
    if (in.fam == family::ipv4) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
        v4->sin_family = AF_INET;
        v4->sin_port = htons(in.port);
        std::memcpy(&v4->sin_addr, in.bytes, 4);
        out.length = sizeof *v4;
    } else if (in.fam == family::ipv6) {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(in.port);
        v6->sin6_scope_id = in.scope_id;
        std::memcpy(&v6->sin6_addr, in.bytes, 16);
        out.length = sizeof *v6;
    } else {
        ec = make_error(std::errc::address_family_not_supported);
        return false;
    }
    ec.clear();
    return true;
}

address from_native(const native_address& in) noexcept {
    address out;
    const int fam = in.get()->sa_family;
    if (fam == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&in.storage);
        out.fam = family::ipv4;
        out.port = ntohs(v4->sin_port);
        std::memcpy(out.bytes, &v4->sin_addr, 4);
    } else if (fam == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&in.storage);
        out.fam = family::ipv6;
        out.port = ntohs(v6->sin6_port);
        out.scope_id = v6->sin6_scope_id;
        std::memcpy(out.bytes, &v6->sin6_addr, 16);
    }
    return out;
}

bool parse_address(const char* text, address& out) noexcept {
    out = address{};
    if (inet_pton(AF_INET, text, out.bytes) == 1) {
        out.fam = family::ipv4;
        return true;
    }
    if (inet_pton(AF_INET6, text, out.bytes) != 1) return false;
    out.fam = family::ipv6;
    return true;
}

namespace {

// Compares categories by address: with the table full, no member call on a category may
// run, for UBSan checks each one by reading memory through a pipe it can no longer open.
bool is_socket_error(const std::error_code& ec) noexcept { return &ec.category() == &socket_category(); }

// True if the process (EMFILE) or the system (ENFILE) has no descriptor to give. glibc
// needs one to read the hosts file, to ask DNS and to look up an interface name, yet
// reports its failure as "not found": asking the table itself finds the real cause.
bool descriptor_table_full() noexcept {
    std::error_code ec;
    const handle probe = open(family::ipv4, socket_type::datagram, ec);
    if (!ec) close(probe, ec);
    return is_socket_error(ec) && (ec.value() == EMFILE || ec.value() == ENFILE);
}

}  // namespace

std::uint32_t interface_index(const char* name, std::error_code& ec) noexcept {
    const unsigned index = ::if_nametoindex(name);
    ec = index == 0 && descriptor_table_full() ? make_error(std::errc::too_many_files_open)
                                               : std::error_code{};
    return index;
}

std::size_t format_address(const address& addr, char* buffer, std::size_t size) noexcept {
    if (size == 0) return 0;
    const int fam = addr.fam == family::ipv6 ? AF_INET6 : AF_INET;
    if (addr.fam == family::unspecified ||
        !inet_ntop(fam, addr.bytes, buffer, static_cast<socklen_t>(size))) {
        buffer[0] = '\0';
        return 0;
    }
    std::size_t length = std::strlen(buffer);
    if (addr.fam == family::ipv6 && addr.scope_id != 0) {
        const int added = std::snprintf(buffer + length, size - length, "%%%u", addr.scope_id);
        if (added > 0) length += std::min(static_cast<std::size_t>(added), size - length - 1);
    }
    return length;
}

void resolve(const std::string& host, const std::string& service, family fam, socket_type type,
             std::vector<address>& out, std::error_code& ec) {
    addrinfo hints{};
    hints.ai_family = fam == family::ipv4 ? AF_INET : fam == family::ipv6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = type == socket_type::stream ? SOCK_STREAM : SOCK_DGRAM;
    addrinfo* list = nullptr;
    const int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
    if (status != 0) {
        // With the descriptor table full, glibc reports what it met on the way: "not
        // found" (it could not open /etc/hosts), or EAI_SYSTEM with a stale errno (EBUSY,
        // EINVAL) from the second look-up on. Whatever it says, a full table is the cause.
        ec = resolver_error(status);
        if (descriptor_table_full()) ec = make_error(std::errc::too_many_files_open);
        return;
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> owner(list, ::freeaddrinfo);
    out.clear();
    for (const addrinfo* entry = list; entry; entry = entry->ai_next) {
        if (entry->ai_family != AF_INET && entry->ai_family != AF_INET6) continue;
        native_address native;
        std::memcpy(&native.storage, entry->ai_addr, entry->ai_addrlen);
        native.length = static_cast<socklen_t>(entry->ai_addrlen);
        out.push_back(from_native(native));
    }
    ec.clear();
}

}  // namespace portsock::platform
