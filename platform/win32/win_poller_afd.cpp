// Winsock 2 port: the scalable poller, on the AFD driver beneath Winsock and an I/O
// completion port, so that one wait costs the same with 10 or 10,000 idle sockets.
//
// Winsock's sockets are files of the Ancillary Function Driver (\Device\Afd). The driver
// takes one request that WSAPoll() itself is built on, IOCTL_AFD_POLL: "complete when one of
// these sockets has one of these events". Issued overlapped on a handle tied to a completion
// port, it completes into the port, so readiness arrives the way I/O completions do:
// - the poller opens its own \Device\Afd\portsock handle (NtCreateFile) and ties it to a
//   completion port of its own;
// - each registered socket has one registration, and every registration waiting for an
//   event is a member of one pending IOCTL_AFD_POLL, a *group* of up to group_capacity base
//   handles (SIO_BASE_HANDLE: the provider's socket beneath any layered service provider),
//   each asking for the events its interest needs;
// - wait() is GetQueuedCompletionStatusEx(): only completed polls cost anything;
// - a completed group is taken apart: its members are armed again, in new groups, at the
//   start of the next wait(), which makes readiness level-triggered (a socket that is still
//   ready completes again at once). The members that were ready go into "hot" groups of
//   their own, the others into "cold" ones, so an idle socket is not re-armed again and
//   again beside a busy one;
// - wake() posts a completion packet of its own (PostQueuedCompletionStatus); it is consumed
//   by the wait that receives it, so it never stays signalled.
//
// Why groups and not one poll per socket (docs/platforms.md, the Wine note): Wine's server
// keeps every pending poll in one list and walks all of it, with every socket of every
// request, each time a socket's events are looked at (server/sock.c,
// sock_get_poll_events(), complete_async_polls(), sock_close_handle()): that happens for
// the re-armed ready socket on every wait. One request per socket made that walk a chase
// through thousands of list nodes; a group holds its sockets in one array, so the walk is
// a short list of arrays. On Windows a poll of many handles is as legal and costs the
// driver the same per handle.
//
// The pitfalls the field met (wepoll, mio, the JDK), and what this file does about them:
// - A completion names its group (the request's context), never a handle value, and a
//   ready handle in it is matched only against the handles that group was issued with: a
//   socket closed while its poll is pending, and a new socket given the same value, cannot
//   be confused. A registration that is removed or forgotten leaves its group at once (its
//   slot is emptied, so the old completion reports nothing for it); the group, which the
//   driver writes into, is reused or freed only once its completion has come back.
// - One registration, so one pending poll, per socket per poller: a second add() is
//   std::errc::file_exists, and a group's membership changes only between its polls: a
//   member removed, forgotten or given a wider interest cancels the group's poll, and the
//   other members are armed again once its completion is back, never a second poll beside
//   the first.
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

/// The most sockets one poll asks about. Larger groups shorten Wine's walk further but make
/// each re-arm of a group whose member got an event dearer (every member is polled again).
constexpr ULONG group_capacity = 32;

struct afd_poll_info {
    LARGE_INTEGER timeout;  // absolute; the largest value: never
    ULONG number_of_handles;
    ULONG exclusive;
    afd_poll_handle_info handles[group_capacity];  // only number_of_handles are sent
};

// Completion keys: the driver handle's completions, and the packets wake() and cancel() post.
constexpr ULONG_PTR key_poll = 1;
constexpr ULONG_PTR key_wake = 2;
constexpr ULONG_PTR key_cancel_note = 3;

/// How many completions one GetQueuedCompletionStatusEx() takes at most.
constexpr ULONG batch_size = 256;

struct group;

/// One socket in one poller: either a member of one pending group, or queued to be armed
/// at the next wait, or (dead) waiting to be freed.
struct registration {
    SOCKET socket = INVALID_SOCKET;  // the user's handle: the key of the poller's map
    HANDLE base = nullptr;           // the provider's socket, which the driver polls
    std::uint64_t token = 0;
    unsigned interest = 0;
    group* in_group = nullptr;      // the pending poll it is a member of
    ULONG slot = 0;                 // its index in that group
    std::uint64_t reported_in = 0;  // the wait that last reported it (no duplicate report)
    bool queued = false;            // in one of the poller's to-arm lists
    bool alone = false;             // armed in a group of its own (a group with it failed)
    bool dead = false;              // removed or forgotten: freed once neither queued nor in a group
};

/// One pending IOCTL_AFD_POLL for up to group_capacity sockets. The driver writes into iosb
/// and info until the completion has been received: only then may it be reused or freed.
struct group {
    nt::io_status_block iosb{};
    afd_poll_info info{};
    HANDLE issued[group_capacity]{};          // the base handles asked about, by slot
    ULONG asked[group_capacity]{};            // the events asked for, by slot
    registration* members[group_capacity]{};  // by slot; null once a member left
    ULONG count = 0;
    bool cancel_requested = false;
    group* next_spare = nullptr;  // in the poller's list of groups to reuse
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
    // To be armed at the next wait: members that were ready but found no room in the
    // caller's buffer (hot), then those that were reported (reported), then the others
    // (cold). Armed in that order, the unreported come first out of the next completion,
    // so a small buffer starves none. Each is reserved for every registration alive: no
    // allocation there in wait().
    std::vector<registration*> to_arm_hot;
    std::vector<registration*> to_arm_reported;
    std::vector<registration*> to_arm_cold;
    std::vector<SOCKET> cancelled;  // registered sockets that cancel() shut down
    group* spare = nullptr;         // completed groups, reused before allocating
    std::size_t alive = 0;          // registrations allocated, dead ones included
    std::size_t pending = 0;        // groups issued, completions not yet received
    bool retry_soon = false;        // a group could not be allocated: arm again shortly
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

// --- registrations and groups (the caller holds the poller's lock) ------------------------

/// Frees r once no list and no group refers to it.
void release_if_done(afd_state* p, registration* r) noexcept {
    if (!r->dead || r->queued || r->in_group) return;
    delete r;
    --p->alive;
}

/// Asks the driver to end g's poll; its completion comes back with STATUS_CANCELLED (or
/// with events, if it completed first). Once is enough.
void cancel_group(afd_state* p, group* g) noexcept {
    if (g->cancel_requested) return;
    g->cancel_requested = true;
    nt::io_status_block ignored{};
    nt::NtCancelIoFileEx(p->afd, &g->iosb, &ignored);
}

/// Takes r out of its group's member list; the group's poll itself is left alone.
void detach(registration* r) noexcept {
    if (!r->in_group) return;
    r->in_group->members[r->slot] = nullptr;
    r->in_group = nullptr;
}

/// Ends r: out of the map, out of its group (whose poll is cancelled, so that no poll asks
/// about the socket any more), freed when no list refers to it.
void end_registration(afd_state* p, registration* r) noexcept {
    const auto found = p->registered.find(r->socket);
    if (found != p->registered.end() && found->second == r) p->registered.erase(found);
    r->dead = true;
    if (group* g = r->in_group) {
        detach(r);
        cancel_group(p, g);
    }
    release_if_done(p, r);
}

enum class arm_list_kind { hot, reported, cold };

/// Queues r to be armed by the next wait, in a group of its kind.
void queue_arm(afd_state* p, registration* r, arm_list_kind kind) noexcept {
    if (r->queued || r->in_group) return;
    r->queued = true;
    // Capacity is reserved for every registration alive: no allocation.
    auto& list = kind == arm_list_kind::hot        ? p->to_arm_hot
                 : kind == arm_list_kind::reported ? p->to_arm_reported
                                                   : p->to_arm_cold;
    list.push_back(r);
}

group* take_group(afd_state* p) noexcept {
    group* g = p->spare;
    if (g)
        p->spare = g->next_spare;
    else
        g = new (std::nothrow) group;
    if (!g) return nullptr;
    g->count = 0;
    g->cancel_requested = false;
    g->next_spare = nullptr;
    return g;
}

/// Makes room for `room` entries, growing geometrically: reserving one more entry per add()
/// would copy the whole list each time. Throws std::bad_alloc.
void reserve_room(std::vector<registration*>& list, std::size_t room) {
    if (list.capacity() < room) list.reserve(std::max(room, 2 * list.capacity()));
}

void recycle_group(afd_state* p, group* g) noexcept {
    g->next_spare = p->spare;
    p->spare = g;
}

void arm_alone(afd_state* p, registration* r) noexcept;

/// Issues g's poll for its members. If the driver rejects it (a member's socket was closed
/// without poller_forget()), each member is tried alone, so that only that one ends,
/// unreported, as POLLNVAL does for poll().
void issue(afd_state* p, group* g) noexcept {
    g->info.timeout.QuadPart = INT64_MAX;
    g->info.number_of_handles = g->count;
    g->info.exclusive = FALSE;
    for (ULONG i = 0; i < g->count; ++i) {
        registration* r = g->members[i];
        g->issued[i] = r->base;
        g->asked[i] = to_afd(r->interest);
        g->info.handles[i] = {r->base, g->asked[i], 0};
        r->in_group = g;
        r->slot = i;
    }
    g->iosb.code = nt::status_pending;
    const ULONG size =
        static_cast<ULONG>(offsetof(afd_poll_info, handles) + g->count * sizeof(afd_poll_handle_info));
    // The context is g: the completion packet carries it, never a handle value.
    const nt::status code = nt::NtDeviceIoControlFile(p->afd, nullptr, nullptr, g, &g->iosb, ioctl_afd_poll,
                                                      &g->info, size, &g->info, size);
    if (code >= 0) {  // pending or done at once: either way a completion comes
        ++p->pending;
        return;
    }
    const ULONG count = g->count;
    registration* members[group_capacity];
    std::copy(g->members, g->members + count, members);
    for (ULONG i = 0; i < count; ++i) detach(members[i]);
    recycle_group(p, g);
    for (ULONG i = 0; i < count; ++i) {
        if (count == 1)
            end_registration(p, members[i]);  // failed at once: no completion will come
        else
            arm_alone(p, members[i]);
    }
}

void arm_alone(afd_state* p, registration* r) noexcept {
    group* g = take_group(p);
    if (!g) {
        p->retry_soon = true;
        queue_arm(p, r, arm_list_kind::cold);
        return;
    }
    r->alone = true;
    g->members[0] = r;
    g->count = 1;
    issue(p, g);
}

/// Arms the queued registrations of one list, group_capacity to a group. What cannot be
/// armed for want of memory stays queued, and the wait comes back soon to try again.
void arm_list(afd_state* p, std::vector<registration*>& list) noexcept {
    group* g = nullptr;
    std::size_t done = 0;
    for (; done < list.size(); ++done) {
        registration* r = list[done];
        if (r->dead || r->in_group) {
            r->queued = false;
            release_if_done(p, r);
            continue;
        }
        group* target = r->alone ? take_group(p) : g ? g : (g = take_group(p));
        if (!target) {
            p->retry_soon = true;
            break;
        }
        r->queued = false;
        if (r->alone) {
            target->members[0] = r;
            target->count = 1;
            issue(p, target);
            continue;
        }
        g->members[g->count++] = r;
        if (g->count == group_capacity) {
            issue(p, g);
            g = nullptr;
        }
    }
    if (g && g->count > 0)
        issue(p, g);
    else if (g)
        recycle_group(p, g);
    list.erase(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(done));
}

void arm_queued(afd_state* p) noexcept {
    p->retry_soon = false;
    arm_list(p, p->to_arm_hot);
    arm_list(p, p->to_arm_reported);
    arm_list(p, p->to_arm_cold);
}

/// The slot of g that asked about `handle` and has not been matched yet, or count.
ULONG find_slot(const group* g, HANDLE handle, const bool* matched) noexcept {
    for (ULONG i = 0; i < g->count; ++i)
        if (!matched[i] && g->issued[i] == handle) return i;
    return g->count;
}

/// Handles one ready member r of a completed group: reports it if `events` has room.
void complete_member(afd_state* p, registration* r, ULONG got, poller_event* events, std::size_t& filled,
                     std::size_t capacity) noexcept {
    if (got & afd_local_close) {  // closed without poller_forget()
        end_registration(p, r);
        return;
    }
    r->alone = false;
    const unsigned ready = from_afd(got, r->interest);
    if (ready == 0) {  // an event of an interest since narrowed
        queue_arm(p, r, arm_list_kind::cold);
        return;
    }
    // Level-triggered: asked again at the next wait, where one that found no room here
    // comes first.
    if (filled == capacity) {
        queue_arm(p, r, arm_list_kind::hot);
        return;
    }
    queue_arm(p, r, arm_list_kind::reported);
    events[filled++] = {r->token, ready};
    r->reported_in = p->wait_number;
}

/// Handles one completed group; adds its members' events to `events`.
void complete(afd_state* p, group* g, poller_event* events, std::size_t& filled,
              std::size_t capacity) noexcept {
    --p->pending;
    const nt::status code = g->iosb.code;
    bool matched[group_capacity] = {};
    if (code >= 0 && code != nt::status_pending) {
        const ULONG ready = std::min(g->info.number_of_handles, g->count);
        for (ULONG k = 0; k < ready; ++k) {
            const afd_poll_handle_info& got = g->info.handles[k];
            const ULONG i = find_slot(g, got.handle, matched);
            if (i == g->count) continue;
            matched[i] = true;
            registration* r = g->members[i];
            if (!r) continue;  // left the group while its poll was pending
            detach(r);
            complete_member(p, r, got.events, events, filled, capacity);
        }
    }
    // The rest: not ready, or the poll was cancelled (its events are the requested ones,
    // not news) or failed. A failed group's members are tried alone.
    const bool failed = code < 0 && code != nt::status_cancelled;
    for (ULONG i = 0; i < g->count; ++i) {
        registration* r = g->members[i];
        if (!r) continue;
        detach(r);
        if (failed && g->count == 1)
            end_registration(p, r);  // the driver gave up on the socket
        else {
            r->alone = r->alone || failed;
            queue_arm(p, r, arm_list_kind::cold);
        }
    }
    recycle_group(p, g);
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
    bool retry_soon = false;
    {
        const std::lock_guard<std::mutex> hold(p->lock);
        ++p->wait_number;
        arm_queued(p);
        look_only = !p->cancelled.empty();
        retry_soon = p->retry_soon;
    }
    const ULONG room = static_cast<ULONG>(std::min<std::size_t>(capacity, batch_size));
    ULONG count = 0;
    constexpr int retry_ms = 10;  // out of memory for a group: arm again after this long
    if (retry_soon && (ms < 0 || ms > retry_ms)) ms = retry_ms;
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
            complete(p, reinterpret_cast<group*>(entry.lpOverlapped), events, filled, capacity);
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
            auto* g = reinterpret_cast<group*>(p->entries[i].lpOverlapped);
            --p->pending;
            delete g;  // its members were detached and freed before the cancel
        }
    }
}

void free_spare_groups(afd_state* p) noexcept {
    while (group* g = p->spare) {
        p->spare = g->next_spare;
        delete g;
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
    for (auto* list : {&p->to_arm_hot, &p->to_arm_reported, &p->to_arm_cold}) {
        for (registration* r : *list) {
            r->queued = false;
            release_if_done(p, r);  // the dead ones; the live ones follow
        }
        list->clear();
    }
    for (auto& [s, r] : p->registered) {
        r->dead = true;
        if (group* g = r->in_group) {
            detach(r);
            cancel_group(p, g);
        }
        release_if_done(p, r);
    }
    p->registered.clear();
    if (p->afd) drain_pending(p);
    free_spare_groups(p);
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
            // Twice: a list being armed holds its armed entries until the end, while a
            // failed group may queue its members again.
            const std::size_t room = 2 * (p->alive + 1);
            for (auto* list : {&p->to_arm_hot, &p->to_arm_reported, &p->to_arm_cold})
                reserve_room(*list, room);
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
    queue_arm(p, r, arm_list_kind::cold);  // armed by the next wait
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
        // group's cancelled completion is back (one poll per socket).
        group* g = r->in_group;
        if (g && (to_afd(interest) & ~g->asked[r->slot])) cancel_group(p, g);
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
