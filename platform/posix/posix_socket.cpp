// POSIX port: socket handles, connection set-up, data transfer and options.
// Socket options are in posix_options.cpp.
//
// Linux-only calls are used only where CMake found them (PORTSOCK_HAVE_*); each has a
// portable fallback, and the posix-generic preset forces every fallback on Linux.
#include "family_rule.hpp"
#include "platform.hpp"
#include "posix_address.hpp"
#include "posix_io.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

namespace portsock::platform {
namespace {

constexpr int no_flags = 0;

// The fallback where close-on-exec cannot be set atomically at creation (macOS): a fork()
// in another thread between the creating call and this one leaks the descriptor into the
// child (docs/platforms.md, "Inheritance").
[[maybe_unused]] void set_close_on_exec(int fd) noexcept {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags != -1) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

// The fallback where the mode cannot be given to the creating call: O_NONBLOCK set or
// cleared, with no second system call when it already is as wanted (a descriptor accepted
// from a non-blocking listener on the BSDs and macOS inherits it).
[[maybe_unused]] bool set_file_mode(int fd, bool non_blocking, std::error_code& ec) noexcept {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags == -1) {
        ec = last_error();
        return false;
    }
    const int wanted = non_blocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted != flags && ::fcntl(fd, F_SETFL, wanted) == -1) {
        ec = last_error();
        return false;
    }
    ec.clear();
    return true;
}

// Applied to every new handle: SIGPIPE suppression where it is per socket.
bool finish_new_handle(int fd, std::error_code& ec) noexcept { return suppress_sigpipe(fd, ec); }

// A blocking send on a Unix datagram socket to a receiver whose queue is full sleeps on the
// *receiver's* queue (Linux), where neither shutdown() of the sender nor anything else that
// cancel() can do reaches it. A send timeout makes such a send give up now and then with
// EAGAIN; sdk/'s blocking loop then checks for cancel() and sends again, so an untimed send
// stays an untimed send that cancel() ends within this tick. Sends that do not block, and
// timed or non-blocking sends (the handle is non-blocking then), are not affected.
constexpr int blocked_send_tick_ms = 50;

bool keep_blocked_sends_cancellable(int fd, std::error_code& ec) noexcept {
    timeval tick{};
    tick.tv_usec = blocked_send_tick_ms * 1000;
    if (::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tick, sizeof tick) != 0) {
        ec = last_error();
        return false;
    }
    ec.clear();
    return true;
}

}  // namespace

bool suppress_sigpipe(int fd, std::error_code& ec) noexcept {
#if PORTSOCK_HAVE_SO_NOSIGPIPE
    const int on = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on) != 0) {
        ec = last_error();
        return false;
    }
#endif
    (void)fd;
    ec.clear();
    return true;
}

namespace {

#if PORTSOCK_HAVE_MSG_NOSIGNAL
constexpr int send_flags = MSG_NOSIGNAL;
#else
constexpr int send_flags = no_flags;
#endif

#if !PORTSOCK_HAVE_MSG_NOSIGNAL && !PORTSOCK_HAVE_SO_NOSIGPIPE
// Neither per-call nor per-socket suppression exists: block SIGPIPE for the call.
using sigpipe_guard = sigpipe_blocker;
#else
struct sigpipe_guard {};
#endif

void check(int result, std::error_code& ec) noexcept {
    if (result == 0)
        ec.clear();
    else
        ec = last_error();
}

}  // namespace

handle open(family fam, socket_type type, io_mode mode, std::error_code& ec) noexcept {
    const int domain = fam == family::ipv6 ? AF_INET6 : fam == family::local ? AF_UNIX : AF_INET;
    int kind = type == socket_type::stream ? SOCK_STREAM : SOCK_DGRAM;
#if PORTSOCK_HAVE_SOCK_CLOEXEC
    // Every OS with SOCK_CLOEXEC (Linux, the BSDs) has SOCK_NONBLOCK beside it.
    kind |= SOCK_CLOEXEC | (mode == io_mode::non_blocking ? SOCK_NONBLOCK : 0);
#endif
    const int fd = ::socket(domain, kind, 0);
    if (fd == -1) {
        ec = last_error();
        return invalid_handle;
    }
#if !PORTSOCK_HAVE_SOCK_CLOEXEC
    set_close_on_exec(fd);
    if (mode == io_mode::non_blocking && !set_file_mode(fd, true, ec)) {
        ::close(fd);
        return invalid_handle;
    }
#endif
    // IPv6 only, whatever the OS default (Linux: off, Windows: on); a dual-stack listener
    // turns it off before binding (family_rule.hpp).
    if (finish_new_handle(fd, ec) && fam == family::ipv6) set_option(fd, option::v6_only, 1, ec);
    if (!ec && fam == family::local && type == socket_type::datagram) keep_blocked_sends_cancellable(fd, ec);
    if (ec) {
        ::close(fd);
        return invalid_handle;
    }
    return fd;
}

void close(handle h, std::error_code& ec) noexcept {
    // Never retry close() on EINTR: the descriptor is already released on Linux and
    // macOS, and a retry could close a descriptor another thread just opened.
    if (::close(h) == 0 || errno == EINTR)
        ec.clear();
    else
        ec = last_error();
}

void bind_native(handle h, const native_address& native, std::error_code& ec) noexcept {
    check(::bind(h, native.get(), native.length), ec);
}

void bind(handle h, const address& addr, std::error_code& ec) noexcept {
    native_address native;
    if (!to_native(addr, native, ec)) return;
    bind_native(h, native, ec);
    explain_family_mismatch(h, addr, ec);  // an IPv6-only socket and a mapped address: EINVAL
}

void listen(handle h, int backlog, std::error_code& ec) noexcept { check(::listen(h, backlog), ec); }

handle accept(handle h, address* peer, io_mode mode, std::error_code& ec) noexcept {
    native_address native;
    for (;;) {
        native.length = sizeof native.storage;
#if PORTSOCK_HAVE_ACCEPT4
        const int flags = SOCK_CLOEXEC | (mode == io_mode::non_blocking ? SOCK_NONBLOCK : 0);
        const int fd = ::accept4(h, native.get(), &native.length, flags);
#else
        const int fd = ::accept(h, native.get(), &native.length);
#endif
        if (fd == -1) {
            // ECONNABORTED: the client gave up while queued; wait for the next one.
            if (errno == EINTR || errno == ECONNABORTED) continue;
            ec = last_error();
            return invalid_handle;
        }
#if !PORTSOCK_HAVE_ACCEPT4
        set_close_on_exec(fd);
        // The BSDs and macOS let an accepted socket inherit O_NONBLOCK; Linux does not.
        if (!set_file_mode(fd, mode == io_mode::non_blocking, ec)) {
            ::close(fd);
            return invalid_handle;
        }
#endif
        if (!finish_new_handle(fd, ec)) {
            ::close(fd);
            return invalid_handle;
        }
        if (peer) *peer = from_native(native);
        return fd;
    }
}

void connect(handle h, const address& addr, std::error_code& ec) noexcept {
    native_address native;
    if (!to_native(addr, native, ec)) return;
    connect_native(h, native, ec);
    explain_family_mismatch(h, addr, ec);
}

void connect_native(handle h, const native_address& native, std::error_code& ec) noexcept {
    if (::connect(h, native.get(), native.length) == 0) {
        ec.clear();
        return;
    }
    if (errno != EINTR) {
        ec = last_error();
        return;
    }
    // An interrupted connect goes on in the background: wait for it, then read the result.
    std::error_code wait_ec;
    wait(h, wait_writable, -1, wait_ec);
    ec = wait_ec ? wait_ec : pending_error(h);
}

std::error_code pending_error(handle h) noexcept {
    int value = 0;
    socklen_t length = sizeof value;
    if (::getsockopt(h, SOL_SOCKET, SO_ERROR, &value, &length) != 0) return last_error();
    return value == 0 ? std::error_code{} : std::error_code{value, socket_category()};
}

void shutdown(handle h, shutdown_how how, std::error_code& ec) noexcept {
    const int native_how = how == shutdown_how::receive ? SHUT_RD
                           : how == shutdown_how::send  ? SHUT_WR
                                                        : SHUT_RDWR;
    check(::shutdown(h, native_how), ec);
}

namespace {

bool is_datagram_socket(handle h) noexcept {
    int type = 0;
    socklen_t length = sizeof type;
    return ::getsockopt(h, SOL_SOCKET, SO_TYPE, &type, &length) == 0 && type == SOCK_DGRAM;
}

bool is_connected(handle h) noexcept {
    native_address peer;
    peer.length = sizeof peer.storage;
    return ::getpeername(h, peer.get(), &peer.length) == 0;
}

// Where a datagram to this socket goes: its own address, with a wildcard address replaced
// by the loopback one. False if the socket has no address a datagram could reach (an
// unbound local socket): nothing can be waiting for one on it then but a receive that
// no datagram can reach either.
bool own_reachable_address(handle h, native_address& self, std::error_code& ec) noexcept {
    self = local_native(h, ec);
    if (ec) return false;
    if (self.storage.ss_family == AF_INET) {
        auto& v4 = reinterpret_cast<sockaddr_in&>(self.storage);
        if (v4.sin_port == 0) return false;  // unbound: no datagram can reach it
        if (v4.sin_addr.s_addr == htonl(INADDR_ANY)) v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return true;
    }
    if (self.storage.ss_family == AF_INET6) {
        auto& v6 = reinterpret_cast<sockaddr_in6&>(self.storage);
        if (v6.sin6_port == 0) return false;
        if (IN6_IS_ADDR_UNSPECIFIED(&v6.sin6_addr)) v6.sin6_addr = in6addr_loopback;
        return true;
    }
    return self.storage.ss_family == AF_UNIX && self.length > sizeof(sa_family_t);  // named
}

// macOS and the BSDs: shutdown() of an unconnected datagram socket fails with ENOTCONN and
// wakes nothing. An empty datagram to the socket's own address wakes a receive blocked on
// it, and a wait for it to be readable; sdk/ has marked the socket cancelled first, so the
// call reports operation_canceled (detail::checked_datagrams()), never the datagram.
void wake_with_datagram(handle h, std::error_code& ec) noexcept {
    native_address self;
    if (!own_reachable_address(h, self, ec)) return;
    const family fam = self.storage.ss_family == AF_INET    ? family::ipv4
                       : self.storage.ss_family == AF_INET6 ? family::ipv6
                                                            : family::local;
    const handle fd = open(fam, socket_type::datagram, ec);
    if (ec) return;
    char nothing = 0;
    // One try, never blocking: a full queue already has datagrams that wake the receive.
    if (::sendto(fd, &nothing, 0, MSG_DONTWAIT | send_flags, self.get(), self.length) == -1 &&
        errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS)
        ec = last_error();
    ::close(fd);
}

// True where shutdown() wakes every call blocked on any socket, connected or not (Linux).
bool shutdown_wakes_every_call() noexcept { return cancel_wakes_accept(); }

}  // namespace

void cancel(handle h, std::error_code& ec) noexcept {
    ec.clear();
    if (!shutdown_wakes_every_call()) {
        // macOS and the BSDs cannot shut a listener down (ENOTCONN): sdk/ wakes its accept()
        // calls with connections instead, so leave it listening. Nor an unconnected datagram
        // socket: wake its receive with a datagram. The posix-generic build takes this path
        // on Linux too, without the shutdown, so that the wake-up it relies on is tested.
        int listening = 0;
        socklen_t length = sizeof listening;
        if (::getsockopt(h, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && listening != 0) return;
        if (is_datagram_socket(h) && !is_connected(h)) {
            wake_with_datagram(h, ec);
            return;
        }
    }
    // Linux wakes every blocked call with this, even on an unconnected or listening socket
    // (which report ENOTCONN, or nothing, but are shut down all the same).
    if (::shutdown(h, SHUT_RDWR) != 0 && errno != ENOTCONN) ec = last_error();
}

void forget_cancel(handle) noexcept {}  // the kernel keeps the shutdown with the socket

bool cancel_wakes_accept() noexcept {
#if defined(__linux__) && !PORTSOCK_POSIX_GENERIC
    return true;
#else
    return false;  // macOS and the BSDs: shutdown() of a listener is ENOTCONN and wakes nothing
#endif
}

native_address local_native(handle h, std::error_code& ec) noexcept {
    native_address native;
    native.length = sizeof native.storage;
    check(::getsockname(h, native.get(), &native.length), ec);
    return native;
}

native_address peer_native(handle h, std::error_code& ec) noexcept {
    native_address native;
    native.length = sizeof native.storage;
    check(::getpeername(h, native.get(), &native.length), ec);
    return native;
}

address local_address(handle h, std::error_code& ec) noexcept {
    const native_address native = local_native(h, ec);
    return ec ? address{} : from_native(native);
}

address peer_address(handle h, std::error_code& ec) noexcept {
    const native_address native = peer_native(h, ec);
    return ec ? address{} : from_native(native);
}

std::size_t send(handle h, const void* data, std::size_t size, std::error_code& ec) noexcept {
    [[maybe_unused]] sigpipe_guard guard;
    return io_result([&] { return ::send(h, data, size, send_flags); }, ec);
}

std::size_t receive(handle h, void* data, std::size_t size, std::error_code& ec) noexcept {
    return io_result([&] { return ::recv(h, data, size, no_flags); }, ec);
}

std::size_t send_to(handle h, const void* data, std::size_t size, const address& to,
                    std::error_code& ec) noexcept {
    native_address native;
    if (!to_native(to, native, ec)) return 0;
    const std::size_t n = send_to_native(h, data, size, native, ec);
    explain_family_mismatch(h, to, ec);
    return n;
}

std::size_t send_to_native(handle h, const void* data, std::size_t size, const native_address& to,
                           std::error_code& ec) noexcept {
    [[maybe_unused]] sigpipe_guard guard;
    return io_result([&] { return ::sendto(h, data, size, send_flags, to.get(), to.length); }, ec);
}

std::size_t receive_from(handle h, void* data, std::size_t size, address* from,
                         std::error_code& ec) noexcept {
    native_address native;
    const std::size_t n = receive_from_native(h, data, size, native, ec);
    if (from && (!ec || ec == std::errc::message_size)) *from = from_native(native);
    return n;
}

std::size_t receive_from_native(handle h, void* data, std::size_t size, native_address& native,
                                std::error_code& ec) noexcept {
    iovec chunk{data, size};
    msghdr message{};
    message.msg_name = &native.storage;
    message.msg_iov = &chunk;
    message.msg_iovlen = 1;
    const std::size_t n = io_result(
        [&] {
            message.msg_namelen = sizeof native.storage;
            return ::recvmsg(h, &message, no_flags);
        },
        ec);
    if (ec) return 0;
    native.length = message.msg_namelen;
    if (message.msg_flags & MSG_TRUNC) ec = make_error(std::errc::message_size);
    return n;
}

namespace {

// The destination address in a received datagram's control messages, if the OS put it
// there (option::receive_destination); family unspecified if not.
address destination_of(msghdr& message) noexcept {
    address to;
    for (cmsghdr* entry = CMSG_FIRSTHDR(&message); entry; entry = CMSG_NXTHDR(&message, entry)) {
#if defined(IP_PKTINFO)
        if (entry->cmsg_level == IPPROTO_IP && entry->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(entry), sizeof info);
            to.fam = family::ipv4;
            std::memcpy(to.bytes, &info.ipi_addr, 4);
        }
#elif defined(IP_RECVDSTADDR)
        if (entry->cmsg_level == IPPROTO_IP && entry->cmsg_type == IP_RECVDSTADDR) {
            to.fam = family::ipv4;
            std::memcpy(to.bytes, CMSG_DATA(entry), 4);
        }
#endif
        if (entry->cmsg_level == IPPROTO_IPV6 && entry->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info;
            std::memcpy(&info, CMSG_DATA(entry), sizeof info);
            to.fam = family::ipv6;
            std::memcpy(to.bytes, &info.ipi6_addr, 16);
            if (IN6_IS_ADDR_LINKLOCAL(&info.ipi6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&info.ipi6_addr))
                to.scope_id = info.ipi6_ifindex;
        }
    }
    return to;
}

}  // namespace

std::size_t receive_from_to(handle h, void* data, std::size_t size, address* from, address& to,
                            std::error_code& ec) noexcept {
    native_address native;
    iovec chunk{data, size};
    alignas(cmsghdr) unsigned char control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(in6_pktinfo))];
    msghdr message{};
    message.msg_name = &native.storage;
    message.msg_iov = &chunk;
    message.msg_iovlen = 1;
    message.msg_control = control;
    const std::size_t n = io_result(
        [&] {
            message.msg_namelen = sizeof native.storage;
            message.msg_controllen = sizeof control;
            return ::recvmsg(h, &message, no_flags);
        },
        ec);
    to = address{};
    if (ec) return 0;
    native.length = message.msg_namelen;
    if (from) *from = from_native(native);
    to = destination_of(message);
    if (message.msg_flags & MSG_TRUNC) ec = make_error(std::errc::message_size);
    return n;
}

void set_non_blocking(handle h, bool on, std::error_code& ec) noexcept {
    int value = on ? 1 : 0;
    check(::ioctl(h, FIONBIO, &value), ec);
}

}  // namespace portsock::platform

namespace portsock::platform {

std::size_t send_gather(handle h, const buffer* buffers, std::size_t count, const address* to,
                        std::error_code& ec) noexcept {
    iovec pieces[max_gather];
    if (count > max_gather) count = max_gather;
    for (std::size_t i = 0; i < count; ++i) pieces[i] = {const_cast<void*>(buffers[i].data), buffers[i].size};
    msghdr message{};
    native_address native;
    if (to) {
        if (!to_native(*to, native, ec)) return 0;
        message.msg_name = &native.storage;
        message.msg_namelen = native.length;
    }
    message.msg_iov = pieces;
    message.msg_iovlen = static_cast<decltype(message.msg_iovlen)>(count);
    [[maybe_unused]] sigpipe_guard guard;
    return io_result([&] { return ::sendmsg(h, &message, send_flags); }, ec);
}

}  // namespace portsock::platform
