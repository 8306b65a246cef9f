// POSIX port, any system: receive_batch() as a loop of single calls, for systems without
// recvmmsg (macOS, older BSDs) and the posix-generic build (send_batch() is
// udp_send_batch_one_by_one.cpp's). After the first datagram, MSG_DONTWAIT takes only what is
// already queued, even on a blocking socket.
#include "platform.hpp"
#include "posix_address.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace portsock::platform {
namespace {

/// One recvmsg() with the given flags, retrying EINTR.
void receive_one(handle h, incoming_datagram& slot, int flags, std::error_code& ec) noexcept {
    native_address native;
    iovec piece{slot.data, slot.capacity};
    msghdr message{};
    message.msg_name = &native.storage;
    message.msg_iov = &piece;
    message.msg_iovlen = 1;
    for (;;) {
        message.msg_namelen = sizeof native.storage;
        const ssize_t n = ::recvmsg(h, &message, flags);
        if (n >= 0) {
            native.length = message.msg_namelen;
            slot.size = static_cast<std::size_t>(n);
            slot.from = from_native(native);
            slot.truncated = (message.msg_flags & MSG_TRUNC) != 0;
            ec.clear();
            return;
        }
        if (errno != EINTR) {
            ec = last_error();
            return;
        }
    }
}

}  // namespace

std::size_t receive_batch(handle h, incoming_datagram* batch, std::size_t count,
                          std::error_code& ec) noexcept {
    ec.clear();
    for (std::size_t i = 0; i < count; ++i) {
        receive_one(h, batch[i], i == 0 ? 0 : MSG_DONTWAIT, ec);
        if (ec) {
            // Would-block after the first means the queue is empty; any other error after
            // the first is left for the next call, so what arrived is not lost.
            if (i > 0) ec.clear();
            return i;
        }
    }
    return count;
}

}  // namespace portsock::platform
