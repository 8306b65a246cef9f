// poller: the public face of the platform's poller backend.
#include "internal.hpp"

#include <portsock/poller.hpp>

#include <utility>

namespace portsock {
namespace {

unsigned to_platform(poll_events interest) noexcept {
    // Only the two directions are interest; hang-up and error are always reported.
    return static_cast<unsigned>(interest & (poll_events::readable | poll_events::writable));
}

platform::poller_choice to_platform(poller_backend which) noexcept {
    switch (which) {
        case poller_backend::scalable:
            return platform::poller_choice::scalable;
        case poller_backend::portable:
            return platform::poller_choice::portable;
        case poller_backend::automatic:
            break;
    }
    return platform::poller_choice::best;
}

}  // namespace

poller::poller()
    : poller(detail::or_throw("portsock::poller", [](std::error_code& ec) { return create(ec); })) {}

poller::poller(poller_backend which)
    : poller(
          detail::or_throw("portsock::poller", [which](std::error_code& ec) { return create(which, ec); })) {}

poller poller::create(std::error_code& ec) noexcept { return create(poller_backend::automatic, ec); }

poller poller::create(poller_backend which, std::error_code& ec) noexcept {
    platform::poller_state* state = platform::poller_create(to_platform(which), ec);
    return ec ? poller{nullptr} : poller{state};
}

poller::poller(poller&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}

poller& poller::operator=(poller&& other) noexcept {
    if (this != &other) {
        platform::poller_destroy(state_);
        state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
}

poller::~poller() { platform::poller_destroy(state_); }

void poller::add(const basic_socket& socket, poll_events interest, std::uint64_t token) {
    detail::or_throw("portsock::poller::add", [&](std::error_code& ec) { add(socket, interest, token, ec); });
}

void poller::add(const basic_socket& socket, poll_events interest, std::uint64_t token,
                 std::error_code& ec) noexcept {
    if (!is_open())
        ec = make_error_code(errc::not_open);
    else if (detail::check_open(socket, ec))
        platform::poller_add(state_, socket.native_handle(), to_platform(interest), token, ec);
}

void poller::modify(const basic_socket& socket, poll_events interest, std::uint64_t token) {
    detail::or_throw("portsock::poller::modify",
                     [&](std::error_code& ec) { modify(socket, interest, token, ec); });
}

void poller::modify(const basic_socket& socket, poll_events interest, std::uint64_t token,
                    std::error_code& ec) noexcept {
    if (!is_open())
        ec = make_error_code(errc::not_open);
    else if (detail::check_open(socket, ec))
        platform::poller_modify(state_, socket.native_handle(), to_platform(interest), token, ec);
}

void poller::remove(const basic_socket& socket) {
    detail::or_throw("portsock::poller::remove", [&](std::error_code& ec) { remove(socket, ec); });
}

void poller::remove(const basic_socket& socket, std::error_code& ec) noexcept {
    if (!is_open())
        ec = make_error_code(errc::not_open);
    else if (detail::check_open(socket, ec))
        platform::poller_remove(state_, socket.native_handle(), ec);
}

std::size_t poller::wait(poll_event* events, std::size_t capacity, timeout limit) {
    return detail::or_throw("portsock::poller::wait",
                            [&](std::error_code& ec) { return wait(events, capacity, ec, limit); });
}

std::size_t poller::wait(poll_event* events, std::size_t capacity, std::error_code& ec,
                         timeout limit) noexcept {
    if (!is_open()) {
        ec = make_error_code(errc::not_open);
        return 0;
    }
    if (capacity == 0 || events == nullptr) {
        ec = make_error_code(errc::invalid_argument);
        return 0;
    }
    // poll_event and platform::poller_event have the same members; the platform fills a
    // small stack buffer and we copy out, which keeps the public type free to evolve.
    constexpr std::size_t chunk = 256;
    platform::poller_event ready[chunk];
    const std::size_t room = capacity < chunk ? capacity : chunk;
    const std::size_t n =
        platform::poller_wait(state_, ready, room, detail::deadline(limit).remaining_ms(), ec);
    for (std::size_t i = 0; i < n; ++i)
        events[i] = {ready[i].token, static_cast<poll_events>(ready[i].events)};
    return n;
}

void poller::wake() {
    detail::or_throw("portsock::poller::wake", [&](std::error_code& ec) { wake(ec); });
}

void poller::wake(std::error_code& ec) noexcept {
    if (!is_open())
        ec = make_error_code(errc::not_open);
    else
        platform::poller_wake(state_, ec);
}

const char* poller::backend() noexcept { return platform::poller_best_backend(); }

const char* poller::backend_in_use() const noexcept { return state_ ? platform::poller_backend(state_) : ""; }

bool poller::reports_peer_shutdown() noexcept { return platform::poller_reports_peer_shutdown(); }

}  // namespace portsock
