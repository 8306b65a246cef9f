// Winsock 2 port: socket handles, connection set-up, data transfer and options.
//
// Differences from BSD sockets that this file hides, so sdk/ sees the POSIX behaviour:
// - Winsock must be started: open() and accept() take a library reference per handle,
//   close() drops it (win_library.cpp).
// - Handles are inheritable by default: new sockets are created with
//   WSA_FLAG_NO_HANDLE_INHERIT (SetHandleInformation where that flag is rejected), and
//   accepted sockets are made non-inheritable explicitly.
// - An accepted socket inherits FIONBIO from its listener ("the same properties as socket
//   s", Microsoft's accept() page; Wine does the same), and there is no SOCK_NONBLOCK and
//   no way to read FIONBIO back: accept() and open() set the mode asked for explicitly,
//   one ioctlsocket() each (for open(), only when non-blocking: new sockets are blocking).
// - Sizes are int: one call moves at most INT_MAX bytes (a short transfer; sdk/ loops).
// - There is no SIGPIPE, so nothing to suppress; a send after shutdown(send) is
//   WSAESHUTDOWN, whose condition is std::errc::broken_pipe as EPIPE is on POSIX.
// - A receive after shutdown(receive) is WSAESHUTDOWN; POSIX reports end of stream (0).
// - A truncated datagram is WSAEMSGSIZE; reported as std::errc::message_size, with the
//   bytes that fit, exactly like the POSIX port.
// - UDP sockets would fail a later receive with WSAECONNRESET after an ICMP port
//   unreachable: SIO_UDP_CONNRESET is off while unconnected, on once connected, which is
//   when POSIX reports it.
// - getsockname() on an unbound socket fails with WSAEINVAL; POSIX gives the wildcard
//   address and port 0, and so does this port.
#include "family_rule.hpp"
#include "win_common.hpp"

#include <climits>
#include <cstddef>

namespace portsock::platform {
namespace {

// FIONBIO is an unsigned expression for a signed `long cmd`: converted once, explicitly.
constexpr long non_blocking_io = static_cast<long>(FIONBIO);
// SIO_UDP_CONNRESET = _WSAIOW(IOC_VENDOR, 12), in <mstcpip.h> of the Windows SDK but not
// of every mingw-w64; the value is fixed by the Windows ABI.
constexpr DWORD udp_connection_reset = 0x9800000CUL;

int clamp_size(std::size_t size) noexcept {
    return size > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(size);
}

void check(int result, std::error_code& ec) noexcept {
    if (result == 0)
        ec.clear();
    else
        ec = last_error();
}

bool make_non_inheritable(SOCKET s, std::error_code& ec) noexcept {
    if (::SetHandleInformation(reinterpret_cast<HANDLE>(s), HANDLE_FLAG_INHERIT, 0)) return true;
    ec = win32_last_error();
    return false;
}

bool set_blocking_mode(SOCKET s, bool non_blocking, std::error_code& ec) noexcept {
    u_long value = non_blocking ? 1 : 0;
    check(::ioctlsocket(s, non_blocking_io, &value), ec);
    return !ec;
}

// Closes a socket that never reached the caller (its library reference is released by
// the caller). The error is already decided, so the close result is not.
void discard(SOCKET s) noexcept {
    const int saved = ::WSAGetLastError();
    ::closesocket(s);
    ::WSASetLastError(saved);
}

}  // namespace

// Windows reports an ICMP "port unreachable", caused by an earlier send_to() to a port with
// no listener, as WSAECONNRESET on the NEXT receive_from() of that UDP socket, even one
// meant for a datagram from a different peer. A UDP server would then fail for every
// client that went away. POSIX reports such errors only on connected UDP sockets. Turning
// SIO_UDP_CONNRESET off gives the POSIX behaviour for unconnected sockets; it is best
// effort (a provider that does not know the control still gives a working socket).
// connect() turns it back on for a connected UDP socket, which POSIX does report on
// (ECONNREFUSED; Windows says WSAECONNRESET, and both are asked for by portable code).
void report_udp_connection_reset(SOCKET s, bool on) noexcept {
    BOOL report = on ? TRUE : FALSE;
    DWORD returned = 0;
    ::WSAIoctl(s, udp_connection_reset, &report, static_cast<DWORD>(sizeof report), nullptr, 0, &returned,
               nullptr, nullptr);
}

namespace {

bool is_datagram(SOCKET s) noexcept {
    int type = 0;
    int length = static_cast<int>(sizeof type);
    return ::getsockopt(s, SOL_SOCKET, SO_TYPE, reinterpret_cast<char*>(&type), &length) == 0 &&
           type == SOCK_DGRAM;
}

// Runs a Winsock call returning int (bytes or SOCKET_ERROR), retrying WSAEINTR.
template <class Call>
std::size_t io_result(Call call, std::error_code& ec) noexcept {
    for (;;) {
        const int n = call();
        if (n != SOCKET_ERROR) {
            ec.clear();
            return static_cast<std::size_t>(n);
        }
        const int code = ::WSAGetLastError();
        if (code != WSAEINTR) {
            ec = socket_error(code);
            return 0;
        }
    }
}

struct option_location {
    int level;
    int name;
    bool inverted = false;  // the Winsock option is on when portsock's is off
};

option_location locate(option opt) noexcept {
    switch (opt) {
        // What a restarted server needs is Windows' default: since Windows Server 2003 a port
        // whose old connections linger (TIME_WAIT included) can be bound again at once, and a
        // live port cannot be taken by another user's socket. SO_REUSEADDR would let any
        // socket bind a live port (hijacking); SO_EXCLUSIVEADDRUSE forbids even the same user
        // to share it, but keeps the port unavailable while any connection accepted on it
        // remains, TIME_WAIT included (Microsoft, "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE").
        // So reuse_address on is the default (SO_EXCLUSIVEADDRUSE off), and off is the strict
        // SO_EXCLUSIVEADDRUSE, which, like POSIX without SO_REUSEADDR, may delay a restart.
        // Either must be set before bind.
        case option::reuse_address:
            return {SOL_SOCKET, SO_EXCLUSIVEADDRUSE, true};
        case option::no_delay:
            return {IPPROTO_TCP, TCP_NODELAY};
        case option::keep_alive:
            return {SOL_SOCKET, SO_KEEPALIVE};
        case option::broadcast:
            return {SOL_SOCKET, SO_BROADCAST};
        case option::v6_only:
            return {IPPROTO_IPV6, IPV6_V6ONLY};
        case option::receive_buffer:
            return {SOL_SOCKET, SO_RCVBUF};
        case option::send_buffer:
            return {SOL_SOCKET, SO_SNDBUF};
        default:
            break;  // family-dependent and missing options: win_options.cpp
    }
    return {SOL_SOCKET, 0};
}

// The address a POSIX getsockname() reports for an unbound socket: the wildcard address
// of the socket's family, port 0.
address unbound_address(SOCKET s, std::error_code& ec) noexcept {
    WSAPROTOCOL_INFOW info{};
    int length = static_cast<int>(sizeof info);
    if (::getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info), &length) != 0) {
        ec = last_error();
        return {};
    }
    ec.clear();
    address out;
    out.fam = info.iAddressFamily == AF_INET6 ? family::ipv6 : family::ipv4;
    return out;
}

}  // namespace

handle open(family fam, socket_type type, io_mode mode, std::error_code& ec) noexcept {
    ec = acquire_library();
    if (ec) return invalid_handle;
    const int domain = fam == family::ipv6 ? AF_INET6 : fam == family::local ? AF_UNIX : AF_INET;
    const int kind = type == socket_type::stream ? SOCK_STREAM : SOCK_DGRAM;
    const int protocol = fam == family::local ? 0 : type == socket_type::stream ? IPPROTO_TCP : IPPROTO_UDP;
    SOCKET s =
        ::WSASocketW(domain, kind, protocol, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (is_invalid(s) && ::WSAGetLastError() == WSAEINVAL) {
        // Windows before 7 SP1 rejects the flag: create, then clear the inherit flag.
        s = ::WSASocketW(domain, kind, protocol, nullptr, 0, WSA_FLAG_OVERLAPPED);
        if (!is_invalid(s) && !make_non_inheritable(s, ec)) {
            discard(s);
            release_library();
            return invalid_handle;
        }
    }
    if (is_invalid(s)) {
        ec = last_error();
        release_library();
        return invalid_handle;
    }
    if (type == socket_type::datagram && fam != family::local) report_udp_connection_reset(s, false);
    ec.clear();
    // IPv6 only, as on every port (Windows' default already; said explicitly so it never
    // depends on one): a dual-stack listener turns it off before binding (family_rule.hpp).
    if (fam == family::ipv6) set_option(to_handle(s), option::v6_only, 1, ec);
    if (!ec && mode == io_mode::non_blocking) set_blocking_mode(s, true, ec);
    if (ec) {
        discard(s);
        release_library();
        return invalid_handle;
    }
    return to_handle(s);
}

void close(handle h, std::error_code& ec) noexcept {
    const SOCKET s = to_socket(h);
    forget_cancelled(s);  // its handle value may be reused by the next socket
    int result = ::closesocket(s);
    if (result != 0 && ::WSAGetLastError() == WSAEWOULDBLOCK) {
        // A non-blocking socket with a lingering close refuses to close; the contract says
        // the handle is gone afterwards, so linger in blocking mode instead.
        std::error_code ignored;
        set_blocking_mode(s, false, ignored);
        result = ::closesocket(s);
    }
    if (result == 0) {
        ec.clear();
        release_library();
        return;
    }
    ec = last_error();
    // Only a handle that was a socket of ours held a reference.
    if (ec.value() != WSAENOTSOCK && ec.value() != WSANOTINITIALISED) release_library();
}

void bind(handle h, const address& addr, std::error_code& ec) noexcept {
    native_address native;
    if (!to_native(addr, native, ec)) return;
    check(::bind(to_socket(h), native.get(), native.length), ec);
    // A port held by another socket is WSAEACCES, not WSAEADDRINUSE, when either socket has
    // SO_EXCLUSIVEADDRUSE or belongs to another user (Windows Server 2003 "enhanced socket
    // security"), and for ports Windows reserves (netsh "excluded port range"). Each means
    // the port is taken; POSIX says EADDRINUSE, and so does portsock.
    if (ec.value() == WSAEACCES && ec.category() == socket_category()) ec = socket_error(WSAEADDRINUSE);
    explain_family_mismatch(h, addr, ec);  // an IPv6-only socket and a mapped address
}

void listen(handle h, int backlog, std::error_code& ec) noexcept {
    check(::listen(to_socket(h), backlog), ec);
}

handle accept(handle h, address* peer, io_mode mode, std::error_code& ec) noexcept {
    native_address native;
    SOCKET client;
    for (;;) {
        native.length = static_cast<int>(sizeof native.storage);
        client = ::accept(to_socket(h), native.get(), &native.length);
        if (!is_invalid(client)) break;
        const int code = ::WSAGetLastError();
        // The client gave up while queued (ECONNABORTED on POSIX): wait for the next one.
        // Wine reports a queued connection that was reset as WSAENOTCONN; a listener
        // never has another reason to.
        if (code == WSAEINTR || code == WSAECONNRESET || code == WSAECONNABORTED || code == WSAENOTCONN)
            continue;
        ec = socket_error(code);
        return invalid_handle;
    }
    ec = acquire_library();  // the new handle's own reference, dropped by its close()
    if (ec) {
        discard(client);
        return invalid_handle;
    }
    if (!make_non_inheritable(client, ec) || !set_blocking_mode(client, mode == io_mode::non_blocking, ec)) {
        discard(client);
        release_library();
        return invalid_handle;
    }
    if (peer) *peer = from_native(native);
    ec.clear();
    return to_handle(client);
}

void connect(handle h, const address& addr, std::error_code& ec) noexcept {
    native_address native;
    if (!to_native(addr, native, ec)) return;
    // A non-blocking connect reports WSAEWOULDBLOCK (std::errc::operation_would_block),
    // which sdk/ takes as "in progress"; wait() and pending_error() give the outcome.
    check(::connect(to_socket(h), native.get(), native.length), ec);
    explain_family_mismatch(h, addr, ec);
    if (!ec && is_datagram(to_socket(h))) report_udp_connection_reset(to_socket(h), true);
}

std::error_code pending_error(handle h) noexcept {
    int value = 0;
    int length = static_cast<int>(sizeof value);
    if (::getsockopt(to_socket(h), SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&value), &length) != 0)
        return last_error();
    return value == 0 ? std::error_code{} : socket_error(value);
}

void shutdown(handle h, shutdown_how how, std::error_code& ec) noexcept {
    const int native_how = how == shutdown_how::receive ? SD_RECEIVE
                           : how == shutdown_how::send  ? SD_SEND
                                                        : SD_BOTH;
    check(::shutdown(to_socket(h), native_how), ec);
}

address local_address(handle h, std::error_code& ec) noexcept {
    native_address native;
    native.length = static_cast<int>(sizeof native.storage);
    if (::getsockname(to_socket(h), native.get(), &native.length) == 0) {
        ec.clear();
        return from_native(native);
    }
    ec = last_error();
    if (ec.value() == WSAEINVAL) return unbound_address(to_socket(h), ec);
    return {};
}

address peer_address(handle h, std::error_code& ec) noexcept {
    native_address native;
    native.length = static_cast<int>(sizeof native.storage);
    check(::getpeername(to_socket(h), native.get(), &native.length), ec);
    return ec ? address{} : from_native(native);
}

std::size_t send(handle h, const void* data, std::size_t size, std::error_code& ec) noexcept {
    const char* bytes = static_cast<const char*>(data);
    const int length = clamp_size(size);
    const std::size_t n = io_result([&] { return ::send(to_socket(h), bytes, length, 0); }, ec);
    if (ec.value() == WSAEINVAL && ec.category() == socket_category()) {
        // Some stacks (Wine) say WSAEINVAL for a send on an unconnected datagram socket,
        // where Windows and POSIX say "not connected": report that.
        sockaddr_storage peer{};
        int peer_length = static_cast<int>(sizeof peer);
        if (::getpeername(to_socket(h), reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0 &&
            ::WSAGetLastError() == WSAENOTCONN)
            ec = socket_error(WSAENOTCONN);
    }
    return n;
}

std::size_t receive(handle h, void* data, std::size_t size, std::error_code& ec) noexcept {
    char* bytes = static_cast<char*>(data);
    const int length = clamp_size(size);
    const std::size_t n = io_result([&] { return ::recv(to_socket(h), bytes, length, 0); }, ec);
    if (ec.value() == WSAESHUTDOWN && ec.category() == socket_category()) {
        ec.clear();  // after shutdown(receive): end of stream, as recv() says on POSIX
        return 0;
    }
    return n;
}

std::size_t send_to(handle h, const void* data, std::size_t size, const address& to,
                    std::error_code& ec) noexcept {
    native_address native;
    if (!to_native(to, native, ec)) return 0;
    const char* bytes = static_cast<const char*>(data);
    const int length = clamp_size(size);
    const std::size_t n =
        io_result([&] { return ::sendto(to_socket(h), bytes, length, 0, native.get(), native.length); }, ec);
    explain_family_mismatch(h, to, ec);
    return n;
}

std::size_t receive_from(handle h, void* data, std::size_t size, address* from,
                         std::error_code& ec) noexcept {
    native_address native;
    char* bytes = static_cast<char*>(data);
    const int length = clamp_size(size);
    std::size_t n = io_result(
        [&] {
            native.length = static_cast<int>(sizeof native.storage);
            return ::recvfrom(to_socket(h), bytes, length, 0, native.get(), &native.length);
        },
        ec);
    if (ec.value() == WSAEMSGSIZE && ec.category() == socket_category()) {
        // The buffer holds the first `length` bytes of the datagram; the rest is gone.
        n = static_cast<std::size_t>(length);
        if (from) *from = from_native(native);
        ec = make_error(std::errc::message_size);
        return n;
    }
    if (ec) return 0;
    if (from) *from = from_native(native);
    return n;
}

void set_non_blocking(handle h, bool on, std::error_code& ec) noexcept {
    set_blocking_mode(to_socket(h), on, ec);
}

void set_option(handle h, option opt, int value, std::error_code& ec) noexcept {
    if (is_extended_option(opt)) return set_extended_option(h, opt, value, ec);
    const option_location where = locate(opt);
    const int native = where.inverted ? (value == 0 ? 1 : 0) : value;
    check(::setsockopt(to_socket(h), where.level, where.name, reinterpret_cast<const char*>(&native),
                       static_cast<int>(sizeof native)),
          ec);
}

int get_option(handle h, option opt, std::error_code& ec) noexcept {
    if (is_extended_option(opt)) return get_extended_option(h, opt, ec);
    const option_location where = locate(opt);
    int value = 0;
    int length = static_cast<int>(sizeof value);
    check(::getsockopt(to_socket(h), where.level, where.name, reinterpret_cast<char*>(&value), &length), ec);
    // Some boolean options are reported in one byte (BOOLEAN) on older stacks.
    if (!ec && length == 1) value = static_cast<unsigned char>(value & 0xff);
    if (!ec && where.inverted) value = value == 0 ? 1 : 0;
    return value;
}

}  // namespace portsock::platform

namespace portsock::platform {

std::size_t send_gather(handle h, const buffer* buffers, std::size_t count, const address* to,
                        std::error_code& ec) noexcept {
    // WSABUF lengths are ULONG and one call returns its count in a DWORD: offer at most
    // INT_MAX bytes in all, as send() does; a stream's send_all() sends the rest.
    WSABUF pieces[max_gather];
    if (count > max_gather) count = max_gather;
    std::size_t room = INT_MAX;
    DWORD used = 0;
    for (; used < count && room > 0; ++used) {
        const std::size_t size = buffers[used].size < room ? buffers[used].size : room;
        pieces[used].buf = static_cast<char*>(const_cast<void*>(buffers[used].data));
        pieces[used].len = static_cast<ULONG>(size);
        room -= size;
    }
    native_address native;
    if (to && !to_native(*to, native, ec)) return 0;
    return io_result(
        [&] {
            DWORD sent = 0;
            const int result = to ? ::WSASendTo(to_socket(h), pieces, used, &sent, 0, native.get(),
                                                native.length, nullptr, nullptr)
                                  : ::WSASend(to_socket(h), pieces, used, &sent, 0, nullptr, nullptr);
            return result == 0 ? static_cast<int>(sent) : SOCKET_ERROR;
        },
        ec);
}

}  // namespace portsock::platform
