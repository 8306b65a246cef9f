// Waiting for a non-blocking connect, shared by every port: it needs only wait() and
// pending_error(), so it is written once, over the contract.
#include "platform.hpp"

namespace portsock::platform {

bool wait_connect(handle h, std::int64_t timeout_ms, std::error_code& ec) noexcept {
    const unsigned ready = wait(h, wait_writable, timeout_ms, ec);
    if (ec) return true;
    // The pending error is read even when the wait found nothing: WSAPoll before Windows 10
    // version 2004 never signals a failed connect, so a refusal would otherwise wait out
    // the limit and look like a timeout.
    ec = pending_error(h);
    return ec || ready != wait_none;
}

}  // namespace portsock::platform
