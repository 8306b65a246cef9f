// The two poller backends of a port, behind platform.hpp's poller_* contract.
//
// Every port compiles a scalable backend (epoll; AFD on Windows; a stub that is never
// available where the OS has neither) and a portable one (poll(); WSAPoll on Windows), each
// in its own file under one of the two namespaces below. poller_dispatch.cpp implements the
// contract by calling the backend a poller was created with: a switch on the kind its state
// begins with, no virtual call. So a program can use both at once, the tests run every
// poller test against both, and `poller_choice::best` can fall back at run time (AFD needs a
// driver that a layered service provider may hide).
#pragma once

#include "platform.hpp"

#include <cstddef>
#include <cstdint>
#include <system_error>

namespace portsock::platform {

enum class poller_kind : std::uint8_t { scalable, portable };

/// The beginning of every backend's state: which backend it belongs to.
struct poller_state {
    explicit poller_state(poller_kind k) noexcept : kind(k) {}
    const poller_kind kind;
};

// The functions each backend defines; their contract is the poller_* function of the same
// name in platform.hpp, for a state that backend created.

namespace scalable_poller {
/// True if create() can work here: the build has the backend and the OS offers it.
bool available() noexcept;
const char* name() noexcept;
poller_state* create(std::error_code& ec) noexcept;
void destroy(poller_state* p) noexcept;
void add(poller_state* p, handle h, unsigned interest, std::uint64_t token, std::error_code& ec) noexcept;
void modify(poller_state* p, handle h, unsigned interest, std::uint64_t token, std::error_code& ec) noexcept;
void remove(poller_state* p, handle h, std::error_code& ec) noexcept;
void forget(handle h) noexcept;
std::size_t wait(poller_state* p, poller_event* events, std::size_t capacity, std::int64_t timeout_ms,
                 std::error_code& ec) noexcept;
void wake(poller_state* p, std::error_code& ec) noexcept;
}  // namespace scalable_poller

namespace portable_poller {
const char* name() noexcept;
/// poller_reports_peer_shutdown() of the port (the scalable backends always report a FIN).
bool reports_peer_shutdown() noexcept;
poller_state* create(std::error_code& ec) noexcept;
void destroy(poller_state* p) noexcept;
void add(poller_state* p, handle h, unsigned interest, std::uint64_t token, std::error_code& ec) noexcept;
void modify(poller_state* p, handle h, unsigned interest, std::uint64_t token, std::error_code& ec) noexcept;
void remove(poller_state* p, handle h, std::error_code& ec) noexcept;
void forget(handle h) noexcept;
std::size_t wait(poller_state* p, poller_event* events, std::size_t capacity, std::int64_t timeout_ms,
                 std::error_code& ec) noexcept;
void wake(poller_state* p, std::error_code& ec) noexcept;
}  // namespace portable_poller

}  // namespace portsock::platform
