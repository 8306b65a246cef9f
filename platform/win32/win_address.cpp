// Winsock 2 port: address conversion, text forms and name resolution.
//
// inet_pton()/inet_ntop() are pure conversions that need no WSAStartup; resolve() holds a
// library reference for the call. Host names are UTF-8 (as everywhere in portsock) and are
// resolved with GetAddrInfoW, so a non-ASCII (IDN) name does not depend on the ANSI code
// page the way getaddrinfo() would.
#include "win_common.hpp"

#include <iphlpapi.h>  // if_nametoindex (declared in netioapi.h, which it includes)

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>

namespace portsock::platform {

bool to_native(const address& in, native_address& out, std::error_code& ec) noexcept {
    out = native_address{};
    if (in.fam == family::ipv4) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
        v4->sin_family = AF_INET;
        v4->sin_port = ::htons(in.port);
        std::memcpy(&v4->sin_addr, in.bytes, 4);
        out.length = static_cast<int>(sizeof *v4);
    } else if (in.fam == family::ipv6) {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = ::htons(in.port);
        v6->sin6_scope_id = in.scope_id;
        std::memcpy(&v6->sin6_addr, in.bytes, 16);
        out.length = static_cast<int>(sizeof *v6);
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
        out.port = ::ntohs(v4->sin_port);
        std::memcpy(out.bytes, &v4->sin_addr, 4);
    } else if (fam == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&in.storage);
        out.fam = family::ipv6;
        out.port = ::ntohs(v6->sin6_port);
        out.scope_id = v6->sin6_scope_id;
        std::memcpy(out.bytes, &v6->sin6_addr, 16);
    }
    return out;
}

namespace {

// UTF-8 to UTF-16 for the wide resolver; false if the text is not valid UTF-8.
bool widen(const std::string& text, std::wstring& out) {
    out.clear();
    if (text.empty()) return true;
    if (text.size() > static_cast<std::size_t>(INT_MAX)) return false;
    const int size = static_cast<int>(text.size());
    const int needed = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), size, nullptr, 0);
    if (needed <= 0) return false;
    out.resize(static_cast<std::size_t>(needed));
    return ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), size, out.data(), needed) ==
           needed;
}

}  // namespace

bool parse_address(const char* text, address& out) noexcept {
    out = address{};
    if (::inet_pton(AF_INET, text, out.bytes) == 1) {
        out.fam = family::ipv4;
        return true;
    }
    if (::inet_pton(AF_INET6, text, out.bytes) != 1) return false;
    out.fam = family::ipv6;
    return true;
}

std::uint32_t interface_index(const char* name, std::error_code& ec) noexcept {
    ec.clear();  // Windows names the interface from a table in memory: no handle to run out of
    return static_cast<std::uint32_t>(::if_nametoindex(name));
}

std::size_t format_address(const address& addr, char* buffer, std::size_t size) noexcept {
    if (size == 0) return 0;
    const int fam = addr.fam == family::ipv6 ? AF_INET6 : AF_INET;
    // inet_ntop() takes a non-const pointer in older mingw-w64 headers.
    void* bytes = const_cast<std::uint8_t*>(addr.bytes);
    if (addr.fam == family::unspecified || !::inet_ntop(fam, bytes, buffer, size)) {
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
    const library_scope winsock(ec);
    if (ec) return;
    std::wstring wide_host;
    std::wstring wide_service;
    if (!widen(host, wide_host) || !widen(service, wide_service)) {
        ec = make_error_code(resolve_errc::host_not_found);  // not UTF-8: names no host
        return;
    }
    ADDRINFOW hints{};
    hints.ai_family = fam == family::ipv4 ? AF_INET : fam == family::ipv6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = type == socket_type::stream ? SOCK_STREAM : SOCK_DGRAM;
    ADDRINFOW* list = nullptr;
    const int status =
        ::GetAddrInfoW(wide_host.c_str(), service.empty() ? nullptr : wide_service.c_str(), &hints, &list);
    if (status != 0) {
        ec = resolver_error(status);
        return;
    }
    std::unique_ptr<ADDRINFOW, void(WSAAPI*)(ADDRINFOW*)> owner(list, ::FreeAddrInfoW);
    out.clear();
    for (const ADDRINFOW* entry = list; entry; entry = entry->ai_next) {
        if (entry->ai_family != AF_INET && entry->ai_family != AF_INET6) continue;
        if (entry->ai_addrlen > sizeof(sockaddr_storage)) continue;
        native_address native;
        std::memcpy(&native.storage, entry->ai_addr, entry->ai_addrlen);
        native.length = static_cast<int>(entry->ai_addrlen);
        out.push_back(from_native(native));
    }
    ec.clear();
}

}  // namespace portsock::platform
