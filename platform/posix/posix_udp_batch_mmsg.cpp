// POSIX port, Linux: datagram batches with sendmmsg() and recvmmsg(), one system call for
// up to `chunk` datagrams. The message headers live on the stack, so nothing allocates.
//
// UDP generic segmentation offload (GSO), where CMake found UDP_SEGMENT and the kernel has
// it (Linux 4.18+), as QUIC stacks use it: send_batch() sends a run of datagrams to one
// destination with one size S (the last may be shorter) as ONE message, whose iovecs point
// at the datagrams (nothing is copied) and whose UDP_SEGMENT control message says S. The
// kernel takes it through the UDP/IP stack once and cuts it into the datagrams on the way
// out (or, over loopback, at a receiver that has not asked for UDP_GRO), so receivers see
// ordinary datagrams. Without UDP_SEGMENT every message carries one datagram, as before.
#include "family_rule.hpp"
#include "platform.hpp"
#include "posix_address.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#if PORTSOCK_HAVE_UDP_SEGMENT
#if PORTSOCK_UDP_SEGMENT_IN_NETINET
#include <netinet/udp.h>
#else
#include <linux/udp.h>  // older C libraries; never with <netinet/udp.h>, which also defines udphdr
#endif
#endif

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>

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

/// Runs one sendmmsg/recvmmsg, retrying EINTR; returns messages done, or -1 with errno.
template <class Call>
int retry(Call call) noexcept {
    int n = 0;
    while ((n = call()) < 0 && errno == EINTR) {
    }
    return n;
}

// --- segmentation offload -----------------------------------------------------------------

/// Most datagrams in one segmented message: UDP_MAX_SEGMENTS, 64 on older kernels (newer
/// ones take 128). The SDK hands over 64 at a time anyway.
constexpr std::size_t max_segments = 64;
/// Largest segment size S used: a segment never exceeds the route's MTU (the kernel refuses
/// the message with EINVAL rather than fragment it), so stay within a 1500-byte Ethernet
/// MTU less the IPv4 (20) or IPv6 (40) and UDP (8) headers, the case QUIC stacks batch.
/// Bigger datagrams go alone: their cost is in the bytes, which offload does not save.
constexpr std::size_t max_segment_v4 = 1472;
constexpr std::size_t max_segment_v6 = 1452;
/// Largest payload of one segmented message: the kernel caps a message at an IP packet's
/// 65,535 bytes less its headers; 65,467 leaves room for the biggest IPv4 header (60) and
/// UDP's (8). A path whose headers are bigger still (IPv6 extension headers) is refused
/// with EMSGSIZE, and the run goes as plain datagrams.
constexpr std::size_t max_segmented_payload = 65467;

#if PORTSOCK_HAVE_UDP_SEGMENT

/// Room for one UDP_SEGMENT control message: a cmsghdr and the uint16 segment size.
// Aligned bytes, not a union with cmsghdr: glibc's cmsghdr ends in a flexible array
// member, which may not be an array element (clang's -Wflexible-array-extensions).
struct segment_control {
    alignas(cmsghdr) unsigned char bytes[CMSG_SPACE(sizeof(std::uint16_t))];
};

/// Makes `message` a segmented one, cut into datagrams of `size` bytes.
void attach_segment_size(msghdr& message, segment_control& control, std::size_t size) noexcept {
    control = {};
    message.msg_control = control.bytes;
    message.msg_controllen = sizeof control.bytes;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = IPPROTO_UDP;  // SOL_UDP
    header->cmsg_type = UDP_SEGMENT;
    header->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
    const auto segment = static_cast<std::uint16_t>(size);
    std::memcpy(CMSG_DATA(header), &segment, sizeof segment);
}

/// Whether this process uses segmentation offload: not asked yet, yes, or no (the kernel
/// lacks it, or refused a segmented message in a way that says it always will).
enum segmentation_state : int { segmentation_unknown, segmentation_on, segmentation_off };
std::atomic<int> segmentation{segmentation_unknown};

/// Asks the kernel through UDP socket `h`: a kernel older than 4.18 does not know the
/// UDP_SEGMENT option. It must be asked, not tried, because such a kernel also ignores
/// the control message and would send a run as one long datagram.
segmentation_state ask_kernel(handle h) noexcept {
    int size = 0;
    socklen_t length = sizeof size;
    if (::getsockopt(h, IPPROTO_UDP, UDP_SEGMENT, &size, &length) == 0) return segmentation_on;
    return errno == ENOPROTOOPT || errno == EOPNOTSUPP ? segmentation_off : segmentation_unknown;
}

/// True if send_batch() may send segmented messages; asks the kernel the first time.
bool segmentation_usable(handle h) noexcept {
    int state = segmentation.load(std::memory_order_relaxed);
    if (state == segmentation_unknown) {
        const int answer = ask_kernel(h);  // unknown again if the question failed: ask next time
        if (answer != segmentation_unknown &&
            !segmentation.compare_exchange_strong(state, answer, std::memory_order_relaxed))
            return state == segmentation_on;  // another thread learnt the answer first
        state = answer;
    }
    return state == segmentation_on;
}

/// Judges the error of a segmented message that was not sent: true if it is a refusal of
/// segmentation (the run is then sent again as plain datagrams, which report any error of
/// their own). EINVAL and EMSGSIZE refuse this size or path only; EIO (no checksum offload
/// on the way), ENOPROTOOPT and EOPNOTSUPP say the kernel never will, for this process.
bool refused_segmentation(int error) noexcept {
    switch (error) {
        case EINVAL:
        case EMSGSIZE:
            return true;
        case EIO:
        case ENOPROTOOPT:
        case EOPNOTSUPP:
            segmentation.store(segmentation_off, std::memory_order_relaxed);
            return true;
        default:
            return false;
    }
}

#else  // no UDP_SEGMENT: every message carries one datagram

struct segment_control {};
void attach_segment_size(msghdr&, segment_control&, std::size_t) noexcept {}
bool segmentation_usable(handle) noexcept { return false; }
bool refused_segmentation(int) noexcept { return false; }

#endif

bool same_destination(const address& a, const address& b) noexcept {
    return a.fam == b.fam && a.port == b.port && a.scope_id == b.scope_id &&
           std::memcmp(a.bytes, b.bytes, a.fam == family::ipv4 ? 4 : 16) == 0;
}

/// How many datagrams from the start of `batch` can go as one segmented message (1: the
/// first goes alone). The first sets the segment size S; the run takes the next ones to the
/// same destination with size S, and ends after one that is shorter (but not empty).
std::size_t segment_run(const outgoing_datagram* batch, std::size_t count) noexcept {
    const std::size_t size = batch[0].size;
    const std::size_t largest = batch[0].to.fam == family::ipv4 ? max_segment_v4 : max_segment_v6;
    if (size == 0 || size > largest) return 1;
    std::size_t n = 1;
    std::size_t total = size;
    while (n < count && n < max_segments) {
        const outgoing_datagram& next = batch[n];
        if (next.size == 0 || next.size > size || total + next.size > max_segmented_payload ||
            !same_destination(next.to, batch[0].to))
            break;
        total += next.size;
        ++n;
        if (next.size < size) break;  // a shorter datagram can only be the last segment
    }
    return n;
}

// --- sending ------------------------------------------------------------------------------

/// One sendmmsg(): up to `chunk` datagrams in up to `chunk` messages, each message a single
/// datagram or a segmented run of them.
struct send_chunk {
    mmsghdr headers[chunk];
    iovec pieces[chunk];              ///< one per datagram
    native_address names[chunk];      ///< one per message
    std::size_t datagrams[chunk];     ///< how many datagrams each message carries
    segment_control controls[chunk];  ///< one per message, used by segmented ones
    unsigned messages = 0;
};

/// Fills the headers for up to `chunk` outgoing datagrams, in segmented runs if `segment`;
/// returns how many datagrams are ready (fewer than `count` if an address is bad: `ec`).
std::size_t prepare_send(send_chunk& b, const outgoing_datagram* batch, std::size_t count, bool segment,
                         std::error_code& ec) noexcept {
    std::size_t ready = 0;
    unsigned m = 0;
    while (ready < count) {
        if (!to_native(batch[ready].to, b.names[m], ec)) break;
        const std::size_t n = segment ? segment_run(batch + ready, count - ready) : 1;
        for (std::size_t i = ready; i < ready + n; ++i)
            b.pieces[i] = {const_cast<void*>(batch[i].data), batch[i].size};  // iovec is not const-correct
        msghdr& message = b.headers[m].msg_hdr;
        b.headers[m] = {};
        message.msg_name = &b.names[m].storage;
        message.msg_namelen = b.names[m].length;
        message.msg_iov = &b.pieces[ready];
        message.msg_iovlen = static_cast<decltype(message.msg_iovlen)>(n);
        if (n > 1) attach_segment_size(message, b.controls[m], batch[ready].size);
        b.datagrams[m] = n;
        ++m;
        ready += n;
    }
    b.messages = m;
    return ready;
}

/// Ends a batch: an error is reported only if nothing was done (see platform.hpp).
std::size_t finish(std::size_t done, std::error_code& ec) noexcept {
    if (done > 0) ec.clear();
    return done;
}

// --- receiving ----------------------------------------------------------------------------

struct receive_chunk {
    mmsghdr headers[chunk];
    iovec pieces[chunk];
    native_address names[chunk];
};

void prepare_receive(receive_chunk& b, incoming_datagram* batch, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        b.pieces[i] = {batch[i].data, batch[i].capacity};
        b.headers[i] = {};
        b.headers[i].msg_hdr.msg_name = &b.names[i].storage;
        b.headers[i].msg_hdr.msg_namelen = sizeof b.names[i].storage;
        b.headers[i].msg_hdr.msg_iov = &b.pieces[i];
        b.headers[i].msg_hdr.msg_iovlen = 1;
    }
}

void collect_received(receive_chunk& b, incoming_datagram* batch, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        b.names[i].length = b.headers[i].msg_hdr.msg_namelen;
        batch[i].size = b.headers[i].msg_len;
        batch[i].from = from_native(b.names[i]);
        batch[i].truncated = (b.headers[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    }
}

}  // namespace

std::size_t send_batch(handle h, const outgoing_datagram* batch, std::size_t count,
                       std::error_code& ec) noexcept {
    send_chunk b;
    std::size_t done = 0;
    bool segment = count > 1 && segmentation_usable(h);
    ec.clear();
    while (done < count) {
        const std::size_t want = count - done < chunk ? count - done : chunk;
        const std::size_t ready = prepare_send(b, batch + done, want, segment, ec);
        if (ready == 0) return finish(done, ec);
        const int n = retry([&] { return ::sendmmsg(h, b.headers, b.messages, send_flags); });
        if (n < 0) {
            // A refused segmented message: send this run and the rest of the call plain.
            if (b.datagrams[0] > 1 && refused_segmentation(errno)) {
                segment = false;
                continue;
            }
            ec = last_error();
            explain_family_mismatch(h, batch[done].to, ec);
            return finish(done, ec);
        }
        // A segmented message is sent whole or not at all: count datagrams, not messages.
        const auto sent = static_cast<unsigned>(n);
        for (unsigned m = 0; m < sent; ++m) done += b.datagrams[m];
        if (sent < b.messages) {
            // Stopped early. sendmmsg() drops the error, so if a segmented message stopped
            // it, send again to learn whether segmentation was refused (and fall back).
            if (sent > 0 && b.datagrams[sent] > 1) continue;
            return finish(done, ec);
        }
        if (ready < want) return finish(done, ec);  // a bad address stopped the preparing
    }
    return done;
}

std::size_t receive_batch(handle h, incoming_datagram* batch, std::size_t count,
                          std::error_code& ec) noexcept {
    receive_chunk b;
    std::size_t done = 0;
    ec.clear();
    while (done < count) {
        const std::size_t want = count - done < chunk ? count - done : chunk;
        prepare_receive(b, batch + done, want);
        // The first chunk may wait for its first datagram; later ones take only what is queued.
        const int flags = done == 0 ? MSG_WAITFORONE : MSG_DONTWAIT;
        const int n =
            retry([&] { return ::recvmmsg(h, b.headers, static_cast<unsigned>(want), flags, nullptr); });
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

bool has_udp_segmentation_offload() noexcept {
#if PORTSOCK_HAVE_UDP_SEGMENT
    if (segmentation.load(std::memory_order_relaxed) == segmentation_unknown) {
        std::error_code ec;
        const handle h = open(family::ipv4, socket_type::datagram, ec);
        if (ec) return false;
        segmentation_usable(h);
        close(h, ec);
    }
    return segmentation.load(std::memory_order_relaxed) == segmentation_on;
#else
    return false;
#endif
}

}  // namespace portsock::platform
