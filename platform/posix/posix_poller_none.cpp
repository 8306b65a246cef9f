// POSIX port without epoll (macOS, the BSDs, the posix-generic build): no scalable poller.
//
// kqueue would be the one for macOS and the BSDs, but no kernel here can run it, and an
// untested backend is not shipped (docs/platforms.md). poller_choice::best is then poll();
// asking for the scalable backend by name is std::errc::operation_not_supported.
#include "poller_backend.hpp"

namespace portsock::platform::scalable_poller {

namespace {
void not_supported(std::error_code& ec) noexcept { ec = make_error(std::errc::operation_not_supported); }
}  // namespace

bool available() noexcept { return false; }
const char* name() noexcept { return "none"; }

poller_state* create(std::error_code& ec) noexcept {
    not_supported(ec);
    return nullptr;
}

// No state of this backend ever exists, so these are never called with one.
void destroy(poller_state*) noexcept {}
void add(poller_state*, handle, unsigned, std::uint64_t, std::error_code& ec) noexcept { not_supported(ec); }
void modify(poller_state*, handle, unsigned, std::uint64_t, std::error_code& ec) noexcept {
    not_supported(ec);
}
void remove(poller_state*, handle, std::error_code& ec) noexcept { not_supported(ec); }
void forget(handle) noexcept {}
std::size_t wait(poller_state*, poller_event*, std::size_t, std::int64_t, std::error_code& ec) noexcept {
    not_supported(ec);
    return 0;
}
void wake(poller_state*, std::error_code& ec) noexcept { not_supported(ec); }

}  // namespace portsock::platform::scalable_poller
