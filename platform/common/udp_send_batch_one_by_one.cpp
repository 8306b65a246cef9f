// send_batch() as a loop over the contract's send_to(), for ports and builds with no batch
// send call (Winsock; POSIX without sendmmsg). One copy for all of them.
#include "platform.hpp"

namespace portsock::platform {

std::size_t send_batch(handle h, const outgoing_datagram* batch, std::size_t count,
                       std::error_code& ec) noexcept {
    ec.clear();
    for (std::size_t i = 0; i < count; ++i) {
        send_to(h, batch[i].data, batch[i].size, batch[i].to, ec);
        if (ec) {
            if (i > 0) ec.clear();  // report what was sent; the next call meets the error
            return i;
        }
    }
    return count;
}

bool has_udp_segmentation_offload() noexcept { return false; }  // one datagram per call here

}  // namespace portsock::platform
