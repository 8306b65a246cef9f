// Winsock 2 port: what kind of socket an outside handle is, and taking it over.
#include "win_common.hpp"

namespace portsock::platform {
namespace {

bool get_int_option(SOCKET s, int name, int& value) noexcept {
    int length = static_cast<int>(sizeof value);
    value = 0;
    return ::getsockopt(s, SOL_SOCKET, name, reinterpret_cast<char*>(&value), &length) == 0;
}

family family_of(int native) noexcept {
    switch (native) {
        case AF_INET:
            return family::ipv4;
        case AF_INET6:
            return family::ipv6;
        case AF_UNIX:
            return family::local;
        default:
            return family::unspecified;
    }
}

}  // namespace

handle_kind describe(handle h, std::error_code& ec) noexcept {
    handle_kind kind;
    const library_scope library(ec);  // the caller's Winsock may be ours to start
    if (ec) return kind;
    const SOCKET s = to_socket(h);
    int type = 0;
    if (is_invalid(s) || !get_int_option(s, SO_TYPE, type)) {  // WSAENOTSOCK for anything else
        ec = is_invalid(s) ? make_error(std::errc::bad_file_descriptor) : last_error();
        return kind;
    }
    kind.known_type = type == SOCK_STREAM || type == SOCK_DGRAM;
    kind.type = type == SOCK_DGRAM ? socket_type::datagram : socket_type::stream;
    // The protocol info names the family even of an unbound socket, which getsockname()
    // refuses (WSAEINVAL).
    WSAPROTOCOL_INFOW info{};
    int length = static_cast<int>(sizeof info);
    if (::getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info), &length) != 0) {
        ec = last_error();
        return kind;
    }
    kind.fam = family_of(info.iAddressFamily);
    int accepting = 0;
    if (get_int_option(s, SO_ACCEPTCONN, accepting))
        kind.listening = accepting != 0 ? listen_state::yes : listen_state::no;
    ec.clear();
    return kind;
}

void adopt(handle h, std::error_code& ec) noexcept {
    ec = acquire_library();  // the handle's own reference, dropped by its close()
    if (ec) return;
    const SOCKET s = to_socket(h);
    int type = 0;
    sockaddr_storage peer{};
    int peer_length = static_cast<int>(sizeof peer);
    // As open() and connect() leave a UDP socket: reset reports only once connected.
    if (get_int_option(s, SO_TYPE, type) && type == SOCK_DGRAM)
        report_udp_connection_reset(s,
                                    ::getpeername(s, reinterpret_cast<sockaddr*>(&peer), &peer_length) == 0);
}

}  // namespace portsock::platform
