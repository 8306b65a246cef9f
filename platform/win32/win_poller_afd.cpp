// Winsock 2 port: the scalable poller, on the AFD driver beneath Winsock and an I/O
// completion port, so that one wait costs the same with 10 or 10,000 idle sockets.
//
// Winsock's sockets are files of the Ancillary Function Driver (\Device\Afd). The driver
// takes one request that WSAPoll() itself is built on, IOCTL_AFD_POLL: "complete when one of
// these sockets has one of these events". Issued overlapped on a handle tied to a completion
// port, it completes into the port, so readiness arrives the way I/O completions do:
// - the poller opens its own \Device\Afd\portsock handle (NtCreateFile) and ties it to a
//   completion port of its own;
// - each registered socket has one registration, which owns one pending IOCTL_AFD_POLL for
//   the socket's base handle (SIO_BASE_HANDLE: the provider's socket beneath any layered
//   service provider), asking for the events its interest needs;
// - wait() is GetQueuedCompletionStatusEx(): only completed polls cost anything;
// - a completed poll is re-armed at the start of the next wait(), which makes readiness
//   level-triggered: a socket that is still ready completes again at once;
// - wake() posts a completion packet of its own (PostQueuedCompletionStatus); it is consumed
//   by the wait that receives it, so it never stays signalled.
//
// The pitfalls the field met (wepoll, mio, the JDK), and what this file does about them:
// - A completion names its registration (the request's context), never a handle value: a
//   socket closed while its poll is pending, and a new socket given the same value, cannot
//   be confused. A registration that is removed or forgotten is cancelled and marked dead,
//   and freed only when its last completion has come back, since the driver writes into it
//   until then.
// - One registration, so one pending poll, per socket per poller: a second add() is
//   std::errc::file_exists, and a change of interest cancels the pending poll and re-arms
//   once its completion is back, never issuing a second one beside it.
// - A cancelled poll completes with STATUS_CANCELLED and still the requested events: the
//   status is looked at first.
// - Event mapping: CONNECT_FAIL is error (and writable if awaited), ABORT hang-up and error,
//   DISCONNECT hang-up; hang-up and error are asked for and reported whatever the interest;
//   LOCAL_CLOSE (the socket was closed without poller_forget()) ends the registration.
// - A socket's own shutdown(SD_BOTH) completes no poll (Wine) or may not (Windows), so
//   cancel() tells every AFD poller which registered socket it cancelled (note_poller_cancel)
//   and the poller reports it as hung up, as the WSAPoll backend does.
//
// The ntdll calls and the AFD structures are declared here from their public descriptions
// (the Windows Driver Kit's NtCreateFile, NtDeviceIoControlFile and NtCancelIoFileEx, and
// the AFD poll request as ReactOS and Wine document it). The port links ntdll.
#include "poll_deadline.hpp"
#include "poller_backend.hpp"
#include "wake_flag.hpp"
#include "win_common.hpp"

#include <mswsock.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

// --- ntdll and AFD ------------------------------------------------------------------------
namespace portsock::platform::nt {

using status = LONG;  // NTSTATUS: negative is an error
constexpr status status_pending = 0x00000103;
constexpr status status_cancelled = static_cast<status>(0xC0000120);

struct io_status_block {
    union {
        status code;
        void* pointer;
    };
    ULONG_PTR information;
};

struct unicode_string {
    USHORT length;  // bytes, no terminator
    USHORT maximum_length;
    PWSTR buffer;
};

struct object_attributes {
    ULONG length;
    HANDLE root_directory;
    unicode_string* object_name;
    ULONG attributes;
    void* security_descriptor;
    void* security_quality_of_service;
};

using apc_routine = void(NTAPI*)(void* context, io_status_block* iosb, ULONG reserved);

constexpr ULONG file_open = 1;  // CreateDisposition: the device exists

extern "C" {
status NTAPI NtCreateFile(HANDLE* file, ACCESS_MASK access, object_attributes* attributes,
                          io_status_block* iosb, LARGE_INTEGER* allocation_size, ULONG file_attributes,
                          ULONG share_access, ULONG create_disposition, ULONG create_options, void* ea_buffer,
                          ULONG ea_length);
status NTAPI NtDeviceIoControlFile(HANDLE file, HANDLE event, apc_routine routine, void* context,
                                   io_status_block* iosb, ULONG code, void* in, ULONG in_size, void* out,
                                   ULONG out_size);
status NTAPI NtCancelIoFileEx(HANDLE file, io_status_block* request, io_status_block* iosb);
ULONG NTAPI RtlNtStatusToDosError(status code);
}

}  // namespace portsock::platform::nt

namespace portsock::platform {
namespace {

constexpr ULONG ioctl_afd_poll = 0x00012024;

// AFD_POLL_* event bits.
constexpr ULONG afd_receive = 0x0001;
constexpr ULONG afd_send = 0x0004;
constexpr ULONG afd_disconnect = 0x0008;   // the peer's FIN
constexpr ULONG afd_abort = 0x0010;        // a reset
constexpr ULONG afd_local_close = 0x0020;  // the socket was closed
constexpr ULONG afd_accept = 0x0080;
constexpr ULONG afd_connect_fail = 0x0100;

struct afd_poll_handle_info {
    HANDLE handle;
    ULONG events;
    nt::status status;
};

struct afd_poll_info {
    LARGE_INTEGER timeout;  // absolute; the largest value: never
    ULONG number_of_handles;
    ULONG exclusive;
    afd_poll_handle_info handles[1];
};

// Completion keys: the driver handle's completions, and the packets wake() and cancel() post.
constexpr ULONG_PTR key_poll = 1;
constexpr ULONG_PTR key_wake = 2;
constexpr ULONG_PTR key_cancel_note = 3;

/// How many completions one GetQueuedCompletionStatusEx() takes at most.
constexpr ULONG batch_size = 256;

/// One socket in one poller, with its pending poll. The driver writes into iosb and info
/// until the poll's completion has been received: only then may it be freed.
struct registration {
    nt::io_status_block iosb{};
    afd_poll_info info{};
    SOCKET socket = INVALID_SOCKET;  // the user's handle: the key of the poller's map
    HANDLE base = nullptr;           // the provider's socket, which the driver polls
    std::uint64_t token = 0;
    unsigned interest = 0;
    ULONG armed = 0;                // the events the pending poll asks for
    std::uint64_t reported_in = 0;  // the wait that last reported it (no duplicate report)
    bool pending = false;           // a poll is issued and its completion not received
    bool queued = false;            // in the poller's to_arm list
    bool dead = false;              // removed or forgotten: freed once neither pending nor queued
};

}  // namespace

struct afd_state : poller_state {
    afd_state() noexcept : poller_state(poller_kind::scalable) {}

    HANDLE port = nullptr;  // the completion port
    HANDLE afd = nullptr;   // the driver handle every poll is issued on
    wake_flag wake_pending;
    bool enrolled = false;
    // Guards what follows: forget() and cancel() come from any thread, also mid-wait.
    std::mutex lock;
    std::unordered_map<SOCKET, registration*> registered;
    std::vector<registration*> to_arm;  // reserved for every registration alive: no allocation in wait()
    std::vector<SOCKET> cancelled;      // registered sockets that cancel() shut down
    std::size_t alive = 0;              // registrations allocated, dead ones included
    std::size_t pending = 0;            // polls issued, completions not yet received
    std::uint64_t wait_number = 0;
    OVERLAPPED_ENTRY entries[batch_size];
};

namespace {

afd_state* afd_of(poller_state* p) noexcept { return static_cast<afd_state*>(p); }

// --- the registry of live AFD pollers, so that forget() and cancel() reach each ----------

struct live_pollers {
    std::mutex lock;
    std::vector<afd_state*> pollers;
    std::atomic<std::size_t> count{0};  // lets every close() skip the lock while none is alive
};

live_pollers& registry() noexcept {
    static auto* instance = new live_pollers;  // never destroyed: sockets close in static destructors
    return *instance;
}

bool enroll(afd_state* p) noexcept {
    live_pollers& r = registry();
    const std::lock_guard<std::mutex> hold(r.lock);
    try {
        r.pollers.push_back(p);
    } catch (const std::bad_alloc&) {
        return false;
    }
    r.count.store(r.pollers.size(), std::memory_order_release);
    return true;
}

void leave(afd_state* p) noexcept {
    live_pollers& r = registry();
    const std::lock_guard<std::mutex> hold(r.lock);
    r.pollers.erase(std::remove(r.pollers.begin(), r.pollers.end(), p), r.pollers.end());
    r.count.store(r.pollers.size(), std::memory_order_release);
}

// --- the driver -----------------------------------------------------------------------

std::error_code nt_error(nt::status code) noexcept {
    ::SetLastError(nt::RtlNtStatusToDosError(code));
    return win32_last_error();
}

/// A handle of the AFD driver of our own, not inheritable, on which polls are issued.
HANDLE open_driver(std::error_code& ec) noexcept {
    static wchar_t name[] = L"\\Device\\Afd\\portsock";
    nt::unicode_string path{static_cast<USHORT>(sizeof name - sizeof name[0]),
                            static_cast<USHORT>(sizeof name), name};
    nt::object_attributes attributes{sizeof(nt::object_attributes), nullptr, &path, 0, nullptr, nullptr};
    nt::io_status_block iosb{};
    HANDLE driver = nullptr;
    const nt::status code =
        nt::NtCreateFile(&driver, SYNCHRONIZE, &attributes, &iosb, nullptr, 0,
                         FILE_SHARE_READ | FILE_SHARE_WRITE, nt::file_open, 0, nullptr, 0);
    if (code < 0) {
        ec = nt_error(code);
        return nullptr;
    }
    ec.clear();
    return driver;
}

/// The provider's socket beneath s, which the driver knows. A layered service provider may
/// answer SIO_BASE_HANDLE itself; SIO_BSP_HANDLE_POLL then asks for the socket that poll
/// should use.
bool find_base_handle(SOCKET s, HANDLE& base, std::error_code& ec) noexcept {
    const DWORD requests[] = {static_cast<DWORD>(SIO_BASE_HANDLE), static_cast<DWORD>(SIO_BSP_HANDLE_POLL)};
    for (const DWORD request : requests) {
        SOCKET found = INVALID_SOCKET;
        DWORD bytes = 0;
        if (::WSAIoctl(s, request, nullptr, 0, &found, sizeof found, &bytes, nullptr, nullptr) == 0 &&
            found != INVALID_SOCKET) {
            base = reinterpret_cast<HANDLE>(found);
            ec.clear();
            return true;
        }
        ec = last_error();
        if (ec == std::errc::not_a_socket) return false;  // no second question for a non-socket
    }
    return false;
}

/// True if this machine polls through AFD: the driver opens, and a fresh TCP socket has a
/// base handle (a layered service provider that hides it makes every poller WSAPoll).
bool probe_driver() noexcept {
    std::error_code ec;
    const handle probe = open(family::ipv4, socket_type::stream, ec);  // holds Winsock started
    if (ec) return false;
    HANDLE base = nullptr;
    bool usable = find_base_handle(to_socket(probe), base, ec);
    if (usable) {
        const HANDLE driver = open_driver(ec);
        usable = driver != nullptr;
        if (driver) ::CloseHandle(driver);
    }
    std::error_code ignored;
    close(probe, ignored);
    return usable;
}

// --- events ---------------------------------------------------------------------------

/// What a poll asks for: the awaited directions, and always what hang-up and error need.
ULONG to_afd(unsigned interest) noexcept {
    ULONG events = afd_disconnect | afd_abort | afd_local_close | afd_connect_fail;
    if (interest & wait_readable) events |= afd_receive | afd_accept;
    if (interest & wait_writable) events |= afd_send;
    return events;
}

unsigned from_afd(ULONG got, unsigned interest) noexcept {
    unsigned events = 0;
    if ((interest & wait_readable) && (got & (afd_receive | afd_accept))) events |= wait_readable;
    if ((interest & wait_writable) && (got & afd_send)) events |= wait_writable;
    if (got & afd_disconnect) events |= poller_hang_up;
    if (got & afd_abort) events |= poller_hang_up | poller_error;
    if (got & afd_connect_fail) events |= poller_error;
    // As with wait(): hang-up and error make every awaited direction ready, so the next
    // receive, send or finish_connect() reports what happened.
    if (events & (poller_hang_up | poller_error)) events |= interest;
    return events;
}

// --- registrations (the caller holds the poller's lock) -----------------------------------

/// Frees r once the driver and the to_arm list are done with it.
void release_if_done(afd_state* p, registration* r) noexcept {
    if (!r->dead || r->pending || r->queued) return;
    delete r;
    --p->alive;
}

/// Asks the driver to end r's pending poll; its completion comes back with STATUS_CANCELLED
/// (or with events, if it completed first).
void cancel_poll(afd_state* p, registration* r) noexcept {
    nt::io_status_block ignored{};
    nt::NtCancelIoFileEx(p->afd, &r->iosb, &ignored);
}

/// Ends r: out of the map, its poll cancelled, freed when its completion is back.
void end_registration(afd_state* p, registration* r) noexcept {
    const auto found = p->registered.find(r->socket);
    if (found != p->registered.end() && found->second == r) p->registered.erase(found);
    r->dead = true;
    if (r->pending) cancel_poll(p, r);
    release_if_done(p, r);
}

void queue_arm(afd_state* p, registration* r) noexcept {
    if (r->queued) return;
    r->queued = true;
    p->to_arm.push_back(r);  // capacity reserved for every registration alive: no allocation
}

/// Issues r's poll. A base handle the driver rejects belongs to a socket closed without
/// poller_forget(): the registration ends, unreported, as POLLNVAL does for poll().
void arm(afd_state* p, registration* r) noexcept {
    const ULONG events = to_afd(r->interest);
    r->info = afd_poll_info{};
    r->info.timeout.QuadPart = INT64_MAX;
    r->info.number_of_handles = 1;
    r->info.exclusive = FALSE;
    r->info.handles[0].handle = r->base;
    r->info.handles[0].events = events;
    r->iosb.code = nt::status_pending;
    // The context is r: the completion packet carries it, never the handle value.
    const nt::status code = nt::NtDeviceIoControlFile(p->afd, nullptr, nullptr, r, &r->iosb, ioctl_afd_poll,
                                                      &r->info, sizeof r->info, &r->info, sizeof r->info);
    if (code < 0) {  // failed at once: no completion will come
        end_registration(p, r);
        return;
    }
    r->pending = true;  // pending or done at once: either way a completion comes
    r->armed = events;
    ++p->pending;
}

void arm_queued(afd_state* p) noexcept {
    for (registration* r : p->to_arm) {
        r->queued = false;
        if (r->dead)
            release_if_done(p, r);
        else if (!r->pending)
            arm(p, r);  // else: a cancelled poll is on its way back, then re-armed
    }
    p->to_arm.clear();
}

/// Handles one completed poll of r; adds its event to `events` if it has one.
void complete(afd_state* p, registration* r, poller_event* events, std::size_t& filled) noexcept {
    r->pending = false;
    --p->pending;
    if (r->dead) {
        release_if_done(p, r);
        return;
    }
    const nt::status code = r->iosb.code;
    if (code == nt::status_cancelled) {  // a change of interest: the events are the requested ones
        queue_arm(p, r);
        return;
    }
    if (code < 0) {  // the driver gave up on the socket
        end_registration(p, r);
        return;
    }
    const ULONG got = r->info.number_of_handles > 0 ? r->info.handles[0].events : 0;
    if (got & afd_local_close) {  // closed without poller_forget()
        end_registration(p, r);
        return;
    }
    queue_arm(p, r);  // level-triggered: asked again at the next wait
    const unsigned ready = from_afd(got, r->interest);
    if (ready == 0) return;  // an event of an interest since narrowed
    events[filled++] = {r->token, ready};
    r->reported_in = p->wait_number;
}

/// Registered sockets that cancel() shut down are hung up (their poll may never complete).
/// Entries whose socket left this poller, or was closed, are dropped.
void report_cancelled(afd_state* p, poller_event* events, std::size_t& filled,
                      std::size_t capacity) noexcept {
    auto& list = p->cancelled;
    for (std::size_t i = 0; i < list.size();) {
        const auto found = p->registered.find(list[i]);
        if (found == p->registered.end() || !was_cancelled(list[i])) {
            list[i] = list.back();
            list.pop_back();
            continue;
        }
        registration* r = found->second;
        if (filled < capacity && r->reported_in != p->wait_number) {
            events[filled++] = {r->token, poller_hang_up | r->interest};
            r->reported_in = p->wait_number;
        }
        ++i;
    }
}

registration* find_registration(afd_state* p, SOCKET s) noexcept {
    const auto found = p->registered.find(s);
    return found == p->registered.end() ? nullptr : found->second;
}

/// One GetQueuedCompletionStatusEx() of at most `ms` (-1: forever), then what it brought.
/// Returns 1 if the wait should return (events, or a wake-up), 0 to wait on, -1 on error.
int wait_once(afd_state* p, poller_event* events, std::size_t capacity, std::size_t& filled, int ms,
              std::error_code& ec) noexcept {
    bool look_only = false;
    {
        const std::lock_guard<std::mutex> hold(p->lock);
        ++p->wait_number;
        arm_queued(p);
        look_only = !p->cancelled.empty();
    }
    const ULONG room = static_cast<ULONG>(std::min<std::size_t>(capacity, batch_size));
    ULONG count = 0;
    const DWORD timeout = look_only ? 0 : ms < 0 ? INFINITE : static_cast<DWORD>(ms);
    if (!::GetQueuedCompletionStatusEx(p->port, p->entries, room, &count, timeout, FALSE)) {
        if (::GetLastError() != WAIT_TIMEOUT) {
            ec = win32_last_error();
            return -1;
        }
        count = 0;
    }
    bool woken = false;
    const std::lock_guard<std::mutex> hold(p->lock);
    for (ULONG i = 0; i < count; ++i) {
        const OVERLAPPED_ENTRY& entry = p->entries[i];
        if (entry.lpCompletionKey == key_wake) {
            woken = true;
            p->wake_pending.release();  // the packet is consumed: the next wake() posts again
        } else if (entry.lpCompletionKey == key_poll) {
            complete(p, reinterpret_cast<registration*>(entry.lpOverlapped), events, filled);
        }  // key_cancel_note: only makes this wait look at the cancelled list
    }
    report_cancelled(p, events, filled, capacity);
    return filled > 0 || woken ? 1 : 0;
}

/// Waits for the completions of every pending poll (all cancelled) before the memory they
/// write to is freed. Bounded: after two seconds the rest is leaked rather than risked.
void drain_pending(afd_state* p) noexcept {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (p->pending > 0 && std::chrono::steady_clock::now() < give_up) {
        ULONG count = 0;
        if (!::GetQueuedCompletionStatusEx(p->port, p->entries, batch_size, &count, 100, FALSE)) continue;
        for (ULONG i = 0; i < count; ++i) {
            if (p->entries[i].lpCompletionKey != key_poll) continue;
            auto* r = reinterpret_cast<registration*>(p->entries[i].lpOverlapped);
            r->pending = false;
            --p->pending;
            release_if_done(p, r);
        }
    }
}

}  // namespace

void note_poller_cancel(SOCKET s) noexcept {
    live_pollers& r = registry();
    if (r.count.load(std::memory_order_acquire) == 0) return;
    const std::lock_guard<std::mutex> hold_registry(r.lock);
    for (afd_state* p : r.pollers) {
        const std::lock_guard<std::mutex> hold(p->lock);
        if (!find_registration(p, s)) continue;
        try {
            p->cancelled.push_back(s);
        } catch (const std::bad_alloc&) {
            continue;  // not reported: as if cancel() had come after the wait
        }
        ::PostQueuedCompletionStatus(p->port, 0, key_cancel_note, nullptr);
    }
}

namespace scalable_poller {

bool available() noexcept {
    static const bool usable = probe_driver();
    return usable;
}

const char* name() noexcept { return "AFD"; }

poller_state* create(std::error_code& ec) noexcept {
    auto* p = new (std::nothrow) afd_state;
    if (!p) {
        ec = make_error(std::errc::not_enough_memory);
        return nullptr;
    }
    p->port = ::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1);
    if (!p->port)
        ec = win32_last_error();
    else
        p->afd = open_driver(ec);
    if (!ec && !::CreateIoCompletionPort(p->afd, p->port, key_poll, 0)) ec = win32_last_error();
    // Completions go to the port only: the driver handle is never waited on itself.
    if (!ec && !::SetFileCompletionNotificationModes(p->afd, FILE_SKIP_SET_EVENT_ON_HANDLE))
        ec = win32_last_error();
    if (!ec) p->enrolled = enroll(p);
    if (!ec && !p->enrolled) ec = make_error(std::errc::not_enough_memory);
    if (ec) {
        destroy(p);
        return nullptr;
    }
    return p;
}

void destroy(poller_state* state) noexcept {
    afd_state* p = afd_of(state);
    if (!p) return;
    if (p->enrolled) leave(p);  // from now on no other thread finds it
    for (registration* r : p->to_arm) r->queued = false;
    p->to_arm.clear();
    for (auto& [s, r] : p->registered) {
        r->dead = true;
        if (r->pending)
            cancel_poll(p, r);
        else
            release_if_done(p, r);
    }
    p->registered.clear();
    if (p->afd) drain_pending(p);
    if (p->afd) ::CloseHandle(p->afd);
    if (p->port) ::CloseHandle(p->port);
    delete p;
}

void add(poller_state* state, handle h, unsigned interest, std::uint64_t token,
         std::error_code& ec) noexcept {
    afd_state* p = afd_of(state);
    if (h == invalid_handle) {
        ec = make_error(std::errc::bad_file_descriptor);
        return;
    }
    const SOCKET s = to_socket(h);
    const std::lock_guard<std::mutex> hold(p->lock);
    if (find_registration(p, s)) {
        ec = make_error(std::errc::file_exists);
        return;
    }
    HANDLE base = nullptr;
    if (!find_base_handle(s, base, ec)) return;
    auto* r = new (std::nothrow) registration;
    bool stored = false;
    if (r) {
        try {
            p->to_arm.reserve(p->alive + 1);
            p->registered.emplace(s, r);
            stored = true;
        } catch (const std::bad_alloc&) {
        }
    }
    if (!stored) {
        delete r;
        ec = make_error(std::errc::not_enough_memory);
        return;
    }
    ++p->alive;
    r->socket = s;
    r->base = base;
    r->token = token;
    r->interest = interest;
    queue_arm(p, r);  // armed by the next wait
    ec.clear();
}

void modify(poller_state* state, handle h, unsigned interest, std::uint64_t token,
            std::error_code& ec) noexcept {
    afd_state* p = afd_of(state);
    const std::lock_guard<std::mutex> hold(p->lock);
    registration* r = find_registration(p, to_socket(h));
    if (!r) {
        ec = make_error(std::errc::no_such_file_or_directory);
        return;
    }
    r->token = token;
    if (r->interest != interest) {
        r->interest = interest;
        // A pending poll that asks for everything needed may stay: what it reports beyond
        // the interest is filtered out. One that asks for too little is replaced, once its
        // cancelled completion is back (one poll per socket).
        if (!r->pending)
            queue_arm(p, r);
        else if (to_afd(interest) & ~r->armed)
            cancel_poll(p, r);
    }
    ec.clear();
}

void remove(poller_state* state, handle h, std::error_code& ec) noexcept {
    afd_state* p = afd_of(state);
    const std::lock_guard<std::mutex> hold(p->lock);
    registration* r = find_registration(p, to_socket(h));
    if (!r) {
        ec = make_error(std::errc::no_such_file_or_directory);
        return;
    }
    end_registration(p, r);
    ec.clear();
}

void forget(handle h) noexcept {
    const SOCKET s = to_socket(h);
    live_pollers& r = registry();
    if (r.count.load(std::memory_order_acquire) == 0) return;  // every close() comes here
    const std::lock_guard<std::mutex> hold_registry(r.lock);
    for (afd_state* p : r.pollers) {
        const std::lock_guard<std::mutex> hold(p->lock);
        if (registration* found = find_registration(p, s)) end_registration(p, found);
    }
}

std::size_t wait(poller_state* state, poller_event* events, std::size_t capacity, std::int64_t timeout_ms,
                 std::error_code& ec) noexcept {
    afd_state* p = afd_of(state);
    std::size_t filled = 0;
    ec.clear();
    const int result = wait_until_deadline(timeout_ms, [&](int ms) {
        filled = 0;
        return wait_once(p, events, capacity, filled, ms, ec);
    });
    return result < 0 ? 0 : filled;
}

void wake(poller_state* state, std::error_code& ec) noexcept {
    afd_state* p = afd_of(state);
    ec.clear();
    if (!p->wake_pending.claim()) return;  // one is queued already
    if (::PostQueuedCompletionStatus(p->port, 0, key_wake, nullptr)) return;
    ec = win32_last_error();
    p->wake_pending.release();  // nothing queued: let the next wake() try
}

}  // namespace scalable_poller

}  // namespace portsock::platform
