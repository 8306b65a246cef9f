// The poller contract of platform.hpp over the port's two backends (poller_backend.hpp):
// each call goes to the backend the poller was created with.
#include "poller_backend.hpp"

#ifndef PORTSOCK_POLLER_FORCE_PORTABLE
#define PORTSOCK_POLLER_FORCE_PORTABLE 0  // CMake's PORTSOCK_FORCE_PORTABLE_POLLER sets it
#endif

namespace portsock::platform {
namespace {

bool best_is_scalable() noexcept { return !PORTSOCK_POLLER_FORCE_PORTABLE && scalable_poller::available(); }

bool is_scalable(const poller_state* p) noexcept { return p->kind == poller_kind::scalable; }

}  // namespace

poller_state* poller_create(poller_choice which, std::error_code& ec) noexcept {
    const bool scalable =
        which == poller_choice::scalable || (which == poller_choice::best && best_is_scalable());
    return scalable ? scalable_poller::create(ec) : portable_poller::create(ec);
}

void poller_destroy(poller_state* p) noexcept {
    if (!p) return;
    if (is_scalable(p))
        scalable_poller::destroy(p);
    else
        portable_poller::destroy(p);
}

void poller_add(poller_state* p, handle h, unsigned interest, std::uint64_t token,
                std::error_code& ec) noexcept {
    if (is_scalable(p))
        scalable_poller::add(p, h, interest, token, ec);
    else
        portable_poller::add(p, h, interest, token, ec);
}

void poller_modify(poller_state* p, handle h, unsigned interest, std::uint64_t token,
                   std::error_code& ec) noexcept {
    if (is_scalable(p))
        scalable_poller::modify(p, h, interest, token, ec);
    else
        portable_poller::modify(p, h, interest, token, ec);
}

void poller_remove(poller_state* p, handle h, std::error_code& ec) noexcept {
    if (is_scalable(p))
        scalable_poller::remove(p, h, ec);
    else
        portable_poller::remove(p, h, ec);
}

void poller_forget(handle h) noexcept {
    scalable_poller::forget(h);
    portable_poller::forget(h);
}

std::size_t poller_wait(poller_state* p, poller_event* events, std::size_t capacity, std::int64_t timeout_ms,
                        std::error_code& ec) noexcept {
    return is_scalable(p) ? scalable_poller::wait(p, events, capacity, timeout_ms, ec)
                          : portable_poller::wait(p, events, capacity, timeout_ms, ec);
}

void poller_wake(poller_state* p, std::error_code& ec) noexcept {
    if (is_scalable(p))
        scalable_poller::wake(p, ec);
    else
        portable_poller::wake(p, ec);
}

const char* poller_backend(const poller_state* p) noexcept {
    return is_scalable(p) ? scalable_poller::name() : portable_poller::name();
}

const char* poller_best_backend() noexcept {
    return best_is_scalable() ? scalable_poller::name() : portable_poller::name();
}

bool poller_reports_peer_shutdown() noexcept { return portable_poller::reports_peer_shutdown(); }

}  // namespace portsock::platform
