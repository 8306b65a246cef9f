// Winsock 2 port: receive_from_to(), a datagram with the address it was sent to.
//
// recvfrom() cannot report the destination; WSARecvMsg() can, in an IP_PKTINFO or
// IPV6_PKTINFO control message, once the option is set on the socket. WSARecvMsg is an
// extension function, found at run time (SIO_GET_EXTENSION_FUNCTION_POINTER), so no
// mswsock library is linked. Without it, the datagram is received with recvfrom() and
// the destination is left unspecified.
#include "win_common.hpp"

#include <mswsock.h>

#include <atomic>
#include <climits>
#include <cstring>

namespace portsock::platform {
namespace {

std::atomic<LPFN_WSARECVMSG> found_recvmsg{nullptr};

LPFN_WSARECVMSG recvmsg_function(SOCKET s) noexcept {
    LPFN_WSARECVMSG known = found_recvmsg.load(std::memory_order_acquire);
    if (known) return known;
    GUID id = WSAID_WSARECVMSG;
    DWORD size = 0;
    if (::WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof id, &known, sizeof known, &size,
                   nullptr, nullptr) != 0)
        return nullptr;
    found_recvmsg.store(known, std::memory_order_release);
    return known;
}

address destination_of(WSAMSG& message) noexcept {
    address to;
    for (WSACMSGHDR* entry = WSA_CMSG_FIRSTHDR(&message); entry; entry = WSA_CMSG_NXTHDR(&message, entry)) {
        if (entry->cmsg_level == IPPROTO_IP && entry->cmsg_type == IP_PKTINFO) {
            IN_PKTINFO info;
            std::memcpy(&info, WSA_CMSG_DATA(entry), sizeof info);
            to.fam = family::ipv4;
            std::memcpy(to.bytes, &info.ipi_addr, 4);
        } else if (entry->cmsg_level == IPPROTO_IPV6 && entry->cmsg_type == IPV6_PKTINFO) {
            IN6_PKTINFO info;
            std::memcpy(&info, WSA_CMSG_DATA(entry), sizeof info);
            to.fam = family::ipv6;
            std::memcpy(to.bytes, &info.ipi6_addr, 16);
            const bool link_local = to.bytes[0] == 0xfe && (to.bytes[1] & 0xc0) == 0x80;
            const bool link_local_group = to.bytes[0] == 0xff && (to.bytes[1] & 0x0f) == 0x02;
            if (link_local || link_local_group) to.scope_id = info.ipi6_ifindex;
        }
    }
    return to;
}

}  // namespace

std::size_t receive_from_to(handle h, void* data, std::size_t size, address* from, address& to,
                            std::error_code& ec) noexcept {
    to = address{};
    const SOCKET s = to_socket(h);
    const LPFN_WSARECVMSG receive_message = recvmsg_function(s);
    if (!receive_message) return receive_from(h, data, size, from, ec);
    native_address native;
    char control[WSA_CMSG_SPACE(sizeof(IN6_PKTINFO)) + WSA_CMSG_SPACE(sizeof(IN_PKTINFO))] = {};
    WSABUF buffer{static_cast<ULONG>(size > INT_MAX ? INT_MAX : size), static_cast<char*>(data)};
    WSAMSG message{};
    DWORD received = 0;
    int code = 0;
    do {
        native.length = static_cast<int>(sizeof native.storage);
        message.name = native.get();
        message.namelen = native.length;
        message.lpBuffers = &buffer;
        message.dwBufferCount = 1;
        message.Control = {sizeof control, control};
        message.dwFlags = 0;
        code = receive_message(s, &message, &received, nullptr, nullptr) == 0 ? 0 : ::WSAGetLastError();
    } while (code == WSAEINTR);
    native.length = message.namelen;
    if (code == WSAEMSGSIZE || (code == 0 && (message.dwFlags & MSG_TRUNC))) {
        // The buffer holds the first bytes of the datagram; the rest is gone.
        if (from) *from = from_native(native);
        to = destination_of(message);
        ec = make_error(std::errc::message_size);
        return buffer.len;
    }
    if (code != 0) {
        ec = socket_error(code);
        return 0;
    }
    ec.clear();
    if (from) *from = from_native(native);
    to = destination_of(message);
    return received;
}

}  // namespace portsock::platform
