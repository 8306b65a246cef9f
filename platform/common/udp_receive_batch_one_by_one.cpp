// receive_batch() as a loop over the contract's single-datagram calls, for a port with no
// batch receive call and no non-blocking receive flag (Winsock). After the first datagram,
// a zero-timeout wait() checks that another is queued, so a blocking socket never blocks
// mid-batch. send_batch() is udp_send_batch_one_by_one.cpp's.
#include "platform.hpp"

namespace portsock::platform {

std::size_t receive_batch(handle h, incoming_datagram* batch, std::size_t count,
                          std::error_code& ec) noexcept {
    ec.clear();
    for (std::size_t i = 0; i < count; ++i) {
        if (i > 0 && wait(h, wait_readable, 0, ec) == wait_none) {
            ec.clear();  // nothing more queued (or a wait error the next call will meet)
            return i;
        }
        incoming_datagram& slot = batch[i];
        slot.size = receive_from(h, slot.data, slot.capacity, &slot.from, ec);
        slot.truncated = ec == std::errc::message_size;
        if (slot.truncated) ec.clear();  // reported per datagram, as the batch calls do
        if (ec) {
            if (i > 0) ec.clear();  // keep what arrived; the next call meets the error
            return i;
        }
    }
    return count;
}

}  // namespace portsock::platform
