// Winsock 2 port: cancel(), and the bookkeeping that lets WSAPoll() see a cancellation.
//
// A blocking Winsock call on an overlapped socket is overlapped I/O inside Winsock, so
// CancelIoEx() on the socket ends it from any thread. WSAPoll() is such I/O too, issued on a
// socket handle, and it does not report a socket shut down by its own side. So:
// - cancel() shuts the socket down (later sends and receives fail at once) and cancels its
//   I/O; the socket is remembered as cancelled until it is closed.
// - A single-socket wait (win_wait.cpp) registers itself first and does not wait on a
//   cancelled socket; cancel() repeats CancelIoEx() while waits are registered, so a wait
//   that was about to start when cancel() ran is ended too (no lost wake-up).
// - The pollers (win_poller.cpp, win_poller_afd.cpp) report a registered socket that was
//   cancelled as hung up; cancel() tells the AFD pollers, whose waits it does not end.
//
// Untimed send and receive never come here: they make one Winsock call, as before.
#include "win_common.hpp"

#include <atomic>
#include <vector>

namespace portsock::platform {
namespace {

struct tracked {
    SOCKET s;
    unsigned waits;  // single-socket waits in progress
    bool cancelled;
};

SRWLOCK table_lock = SRWLOCK_INIT;
std::atomic<unsigned> cancelled_count{0};  // lets every wait skip the table while none is cancelled

// Never destroyed: a socket may be closed by a static destructor at exit.
std::vector<tracked>& table() noexcept {
    static auto* entries = new std::vector<tracked>;
    return *entries;
}

class exclusive {
public:
    exclusive() noexcept { ::AcquireSRWLockExclusive(&table_lock); }
    ~exclusive() { ::ReleaseSRWLockExclusive(&table_lock); }
    exclusive(const exclusive&) = delete;
    exclusive& operator=(const exclusive&) = delete;
};

// The entry of s, made if absent (nullptr if memory ran out). Call with the lock held.
tracked* find(SOCKET s, bool make) noexcept {
    for (tracked& entry : table())
        if (entry.s == s) return &entry;
    if (!make) return nullptr;
    try {
        table().push_back({s, 0, false});
        return &table().back();
    } catch (...) {
        return nullptr;
    }
}

void drop_if_unused(tracked* entry) noexcept {
    if (entry->waits != 0 || entry->cancelled) return;
    *entry = table().back();
    table().pop_back();
}

unsigned waits_on(SOCKET s) noexcept {
    const exclusive hold;
    const tracked* entry = find(s, false);
    return entry ? entry->waits : 0;
}

}  // namespace

bool begin_wait(SOCKET s) noexcept {
    const exclusive hold;
    tracked* entry = find(s, true);
    if (!entry) return true;  // out of memory: wait unregistered (only a lost wake-up risk)
    if (entry->cancelled) return false;
    ++entry->waits;
    return true;
}

void end_wait(SOCKET s) noexcept {
    const exclusive hold;
    tracked* entry = find(s, false);
    if (!entry) return;
    --entry->waits;
    drop_if_unused(entry);
}

bool was_cancelled(SOCKET s) noexcept {
    if (cancelled_count.load(std::memory_order_acquire) == 0) return false;
    const exclusive hold;
    const tracked* entry = find(s, false);
    return entry && entry->cancelled;
}

void forget_cancelled(SOCKET s) noexcept {
    if (cancelled_count.load(std::memory_order_acquire) == 0) return;
    const exclusive hold;
    tracked* entry = find(s, false);
    if (!entry || !entry->cancelled) return;
    entry->cancelled = false;
    cancelled_count.fetch_sub(1, std::memory_order_release);
    drop_if_unused(entry);
}

void cancel(handle h, std::error_code& ec) noexcept {
    const SOCKET s = to_socket(h);
    {
        const exclusive hold;
        tracked* entry = find(s, true);
        if (entry && !entry->cancelled) {
            entry->cancelled = true;
            cancelled_count.fetch_add(1, std::memory_order_release);
        }
    }
    // The shutdown fails any send or receive that starts later (WSAESHUTDOWN); a call in
    // progress is ended by CancelIoEx() (Windows Vista and later).
    if (::shutdown(s, SD_BOTH) == 0 || ::WSAGetLastError() == WSAENOTCONN)
        ec.clear();
    else
        ec = last_error();
    note_poller_cancel(s);
    // A registered wait may not have issued its WSAPoll() yet: cancel again until none is
    // left (each ends at once once cancelled). Bounded, in case one is slow to leave.
    for (int round = 0; round < 2000; ++round) {
        if (!::CancelIoEx(reinterpret_cast<HANDLE>(s), nullptr) && ::GetLastError() != ERROR_NOT_FOUND) {
            if (!ec) ec = win32_last_error();
            return;
        }
        if (waits_on(s) == 0) return;
        ::Sleep(round < 10 ? 0 : 1);
    }
}

void forget_cancel(handle h) noexcept { forget_cancelled(to_socket(h)); }

bool cancel_wakes_accept() noexcept { return false; }  // shutdown() of a listener is WSAENOTCONN

}  // namespace portsock::platform
