// POSIX port, Linux: datagram batches with sendmmsg() and recvmmsg(), one system call for
// up to `chunk` datagrams. The message headers live on the stack, so nothing allocates.
#include "platform.hpp"
#include "posix_address.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace portsock::platform {
namespace {

/// Datagrams per system call: big enough to amortise the call, small enough for the stack
/// (each needs a sockaddr_storage, an iovec and an mmsghdr: about 200 bytes).
constexpr std::size_t chunk = 64;

#if PORTSOCK_HAVE_MSG_NOSIGNAL
constexpr int send_flags = MSG_NOSIGNAL;
#else
constexpr int send_flags = 0;
#endif

struct chunk_buffers {
    mmsghdr headers[chunk];
    iovec pieces[chunk];
    native_address names[chunk];
};

/// Runs one sendmmsg/recvmmsg, retrying EINTR; returns messages done, or -1 with errno.
template <class Call>
int retry(Call call) noexcept {
    int n = 0;
    while ((n = call()) < 0 && errno == EINTR) {}
    return n;
}

/// Fills the headers for up to `chunk` outgoing datagrams; false if an address is bad.
std::size_t prepare_send(chunk_buffers& b, const outgoing_datagram* batch, std::size_t count,
                         std::error_code& ec) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        if (!to_native(batch[i].to, b.names[i], ec)) return i;
        b.pieces[i] = {const_cast<void*>(batch[i].data), batch[i].size};  // iovec is not const-correct
        b.headers[i] = {};
        b.headers[i].msg_hdr.msg_name = &b.names[i].storage;
        b.headers[i].msg_hdr.msg_namelen = b.names[i].length;
        b.headers[i].msg_hdr.msg_iov = &b.pieces[i];
        b.headers[i].msg_hdr.msg_iovlen = 1;
    }
    return count;
}

void prepare_receive(chunk_buffers& b, incoming_datagram* batch, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        b.pieces[i] = {batch[i].data, batch[i].capacity};
        b.headers[i] = {};
        b.headers[i].msg_hdr.msg_name = &b.names[i].storage;
        b.headers[i].msg_hdr.msg_namelen = sizeof b.names[i].storage;
        b.headers[i].msg_hdr.msg_iov = &b.pieces[i];
        b.headers[i].msg_hdr.msg_iovlen = 1;
    }
}

void collect_received(chunk_buffers& b, incoming_datagram* batch, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        b.names[i].length = b.headers[i].msg_hdr.msg_namelen;
        batch[i].size = b.headers[i].msg_len;
        batch[i].from = from_native(b.names[i]);
        batch[i].truncated = (b.headers[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    }
}

/// Ends a batch: an error is reported only if nothing was done (see platform.hpp).
std::size_t finish(std::size_t done, std::error_code& ec) noexcept {
    if (done > 0) ec.clear();
    return done;
}

}  // namespace

std::size_t send_batch(handle h, const outgoing_datagram* batch, std::size_t count,
                       std::error_code& ec) noexcept {
    chunk_buffers b;
    std::size_t done = 0;
    ec.clear();
    while (done < count) {
        const std::size_t want = count - done < chunk ? count - done : chunk;
        const std::size_t ready = prepare_send(b, batch + done, want, ec);
        if (ready == 0) return finish(done, ec);
        const int n = retry([&] { return ::sendmmsg(h, b.headers, static_cast<unsigned>(ready), send_flags); });
        if (n < 0) {
            ec = last_error();
            return finish(done, ec);
        }
        done += static_cast<std::size_t>(n);
        if (static_cast<std::size_t>(n) < want) return finish(done, ec);  // stopped early
    }
    return done;
}

std::size_t receive_batch(handle h, incoming_datagram* batch, std::size_t count,
                          std::error_code& ec) noexcept {
    chunk_buffers b;
    std::size_t done = 0;
    ec.clear();
    while (done < count) {
        const std::size_t want = count - done < chunk ? count - done : chunk;
        prepare_receive(b, batch + done, want);
        // The first chunk may wait for its first datagram; later ones take only what is queued.
        const int flags = done == 0 ? MSG_WAITFORONE : MSG_DONTWAIT;
        const int n = retry([&] { return ::recvmmsg(h, b.headers, static_cast<unsigned>(want), flags, nullptr); });
        if (n < 0) {
            ec = last_error();  // after the first chunk, would-block just means "no more"
            return finish(done, ec);
        }
        collect_received(b, batch + done, static_cast<std::size_t>(n));
        done += static_cast<std::size_t>(n);
        if (static_cast<std::size_t>(n) < want) break;  // the queue is empty
    }
    return done;
}

}  // namespace portsock::platform
