/// @file
/// portsock::async::event_loop: one thread's event loop (a poller, a timer heap, a ready
/// queue), and portsock::async::socket_watch, the readiness wait every awaitable uses.
#pragma once

#include <portsock/async/posted_function.hpp>
#include <portsock/async/task.hpp>
#include <portsock/async_export.hpp>
#include <portsock/poller.hpp>
#include <portsock/socket.hpp>
#include <portsock/timeout.hpp>

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stop_token>
#include <system_error>
#include <utility>
#include <vector>

namespace portsock::async {

class event_loop;

/// @cond INTERNAL
namespace detail {

using clock = std::chrono::steady_clock;

/// A link in the loop's ready queue (circular, intrusive): unlinks itself when destroyed,
/// so a frame destroyed while queued is never resumed.
struct ready_node {
    ready_node* prev = this;
    ready_node* next = this;
    std::coroutine_handle<> handle;

    ready_node() noexcept = default;
    ready_node(const ready_node&) = delete;
    ready_node& operator=(const ready_node&) = delete;
    ~ready_node() { unlink(); }
    bool linked() const noexcept { return next != this; }
    void unlink() noexcept {
        prev->next = next;
        next->prev = prev;
        prev = next = this;
    }
};

/// A ready-queue entry that calls a function instead of resuming a coroutine (scheduled
/// with an empty handle): one node can then start many coroutines in its turn.
struct call_node : ready_node {
    void (*call)(call_node& self) noexcept = nullptr;
};

/// An entry of the loop's timer heap (the base of every operation; the operation disarms it).
struct timer_node {
    static constexpr std::size_t not_armed = ~std::size_t{0};
    clock::time_point when{};
    std::size_t index = not_armed;

    timer_node() noexcept = default;
    timer_node(const timer_node&) = delete;
    timer_node& operator=(const timer_node&) = delete;
    bool armed() const noexcept { return index != not_armed; }
};

/// A stop source that portsock owns (run()'s, a task group's), with the list of the
/// operations that wait under its token: they join the list by the ready-queue link they
/// need anyway once they end, instead of registering a std::stop_callback each (64 bytes).
/// Stopped on the loop's thread only.
struct stop_scope {
    std::stop_source source;
    ready_node waiting;           // the list's sentinel
    task_group* owner = nullptr;  // the group whose children run under it, if any

    stop_scope() = default;
    stop_scope(const stop_scope&) = delete;
    stop_scope& operator=(const stop_scope&) = delete;
    /// Leaves the operations still listed unlinked: nothing can cancel them any more.
    PORTSOCK_ASYNC_EXPORT ~stop_scope();
    /// Stops the source (its std::stop_callbacks run), then cancels every listed operation.
    PORTSOCK_ASYNC_EXPORT void request_stop() noexcept;
};

class io_op;

/// One socket's registration in a loop's poller: at most one waiting operation per direction.
/// One per connection, inside its stream: packed into 40 bytes.
struct registration {
    event_loop* loop = nullptr;
    const basic_socket* socket = nullptr;
    io_op* waiter[2] = {nullptr, nullptr};  // [0] readable, [1] writable
    std::uint32_t slot = 0;                 // its place in the loop's table
    std::uint16_t generation = 0;           // that place's reuse count: tells a stale event apart
    std::uint8_t interest_bits = 0;         // the poll_events asked of the poller
    bool in_poller : 1 = false;
    bool hung_up : 1 = false;  // hang-up seen while a wait would block: retried on a timer from now on

    /// The poller's token for this registration.
    std::uint64_t token() const noexcept { return (std::uint64_t{generation} << 32) | slot; }
    poll_events interest() const noexcept { return static_cast<poll_events>(interest_bits); }
    void set_interest(poll_events events) noexcept { interest_bits = static_cast<std::uint8_t>(events); }
};

/// The machinery of every awaitable operation: try, and while it would block, wait for
/// readiness, a deadline, a retry timer or cancellation; then resume the awaiter on its loop.
/// An operation's timer, from a pool of the loop: only a wait with a deadline or a retry
/// holds one, so an untimed wait carries a pointer instead of the timer's fields.
///
/// It also carries the std::stop_callback of an operation that waits under a stop token no
/// stop_scope owns (a coroutine type of the user's): rare, so kept out of every operation.
struct timer_entry : timer_node {
    /// Calls the operation's on_stop() when its foreign stop token is stopped.
    struct stop_forwarder {
        io_op* op;
        void operator()() const noexcept;
    };
    io_op* op = nullptr;
    clock::time_point deadline = clock::time_point::max();
    timeout limit;  // the operation's, kept here while the timer takes its place in the operation
    timer_entry* next_free = nullptr;
    // Owned (no std::unique_ptr in this header: see posted_function::held_).
    std::stop_callback<stop_forwarder>* foreign_stop = nullptr;
};

/// The link of an operation in its stop_scope's list while it waits, then in the loop's
/// ready queue once it ends.
struct op_hooks {
    ready_node ready_hook;
};

class PORTSOCK_ASYNC_EXPORT io_op : private op_hooks {
public:
    enum class outcome { done, would_block, back_off };

    io_op(const io_op&) = delete;
    io_op& operator=(const io_op&) = delete;

    bool await_ready() const noexcept { return false; }
    template <class P>
    bool await_suspend(std::coroutine_handle<P> h) noexcept {
        return start(h, stop_token_of(h), stop_scope_of(h));
    }

protected:
    /// `out`: the error_code of the error_code form, written as the operation goes (it then
    /// keeps no error of its own); nullptr for the throwing form.
    io_op(event_loop* loop, registration* reg, poll_events direction, timeout limit,
          std::error_code* out = nullptr) noexcept;
    virtual ~io_op();

    /// Tries the operation once, without blocking. Sets the error (set_error()) when it fails.
    virtual outcome attempt() noexcept = 0;
    /// Resumes the awaiter at the loop's next turn, if it waits (for subclasses whose
    /// completion comes from elsewhere, such as a helper thread's result).
    void complete_now() noexcept {
        if (ready_hook.handle && !queued_) finish();
    }
    /// Throws the error (naming `what`), unless the error_code form holds it already.
    void report(const char* what) const;

    /// @return the operation's error (none while it succeeds).
    std::error_code error() const noexcept {
        if (writes_out_) return *error_.out;
        return error_.category ? std::error_code(error_value_, *error_.category) : std::error_code{};
    }
    /// Sets the operation's error. @param ec the error, or none.
    void set_error(const std::error_code& ec) noexcept {
        if (writes_out_) {
            *error_.out = ec;
            return;
        }
        error_value_ = ec.value();
        error_.category = ec ? &ec.category() : nullptr;
    }
    /// @return the events of the last wake-up.
    poll_events seen() const noexcept { return static_cast<poll_events>(seen_bits_); }

private:
    // The error: the caller's error_code (the error_code form), or kept here in two parts,
    // so that its value shares a word with the flags below.
    union where {
        const std::error_category* category;  // nullptr: no error
        std::error_code* out;                 // while writes_out_
    } error_ = {nullptr};
    int error_value_ = 0;
    std::uint8_t seen_bits_ = 0;  // the poll_events of the last wake-up

protected:
    bool deadline_is_success_ = false;  // a sleep: its deadline is its end

private:
    // Beside the fields above, in one word with them.
    signed char slot_;              // 0 readable, 1 writable, -1 none
    bool claimed_ : 1 = false;      // holds its direction of the registration
    bool watching_ : 1 = false;     // waits in the poller (not on a retry timer)
    bool backing_off_ : 1 = false;  // out of descriptors: in the loop's list, retried on a timer
    bool queued_ : 1 = false;       // ended: in the loop's ready queue
    bool bound_ : 1 = false;        // on a socket: place_ holds the registration, else the loop
    bool holds_timer_ : 1 = false;  // when_ holds the timer (and the timer the limit)
    bool writes_out_ : 1 = false;   // error_ is the caller's error_code

    friend class portsock::async::event_loop;
    friend struct stop_scope;
    friend struct timer_entry::stop_forwarder;

    bool start(std::coroutine_handle<> h, std::stop_token token, stop_scope* scope) noexcept;
    bool end_at_once(std::coroutine_handle<> h, event_loop& on_loop) noexcept;
    bool listen_for_stop(std::stop_token token, stop_scope* scope) noexcept;
    bool claim(event_loop& on_loop, registration& socket_reg) noexcept;
    bool begin_wait(outcome first) noexcept;
    void wait_in_poller() noexcept;
    bool retry_later(std::chrono::milliseconds after) noexcept;
    bool arm_timer(clock::time_point retry_at = clock::time_point::max()) noexcept;
    clock::time_point deadline() const noexcept {
        timer_entry* held = timer();
        return held ? held->deadline : clock::time_point::max();
    }
    /// The loop: the registration's while the operation is bound to a socket.
    event_loop* loop() const noexcept { return bound_ ? place_.reg->loop : place_.loop; }
    /// The socket's registration, or nullptr for an operation on no socket.
    registration* reg() const noexcept { return bound_ ? place_.reg : nullptr; }
    /// The timer held (deadline, retry or foreign stop), or nullptr.
    timer_entry* timer() const noexcept { return holds_timer_ ? when_.timer : nullptr; }
    timer_entry* take_timer() noexcept;
    void give_back_timer() noexcept;
    void on_ready(poll_events events) noexcept;
    void on_timer() noexcept;
    void on_stop() noexcept;
    void on_foreign_stop() noexcept;
    void on_descriptor_freed() noexcept;
    void finish() noexcept;
    void detach() noexcept;
    static io_op& owner_of(ready_node& hook) noexcept;

    // A pending operation lives in its coroutine's frame, one per waiting connection: its
    // fields share words where their lifetimes allow (see docs/performance.md).
    union place {
        event_loop* loop;   // an operation on no socket (a sleep, an event, a resolution)
        registration* reg;  // a socket's: the loop is the registration's
    } place_;
    union when {
        when() noexcept : timer(nullptr) {}
        timeout limit;       // how long a wait may take, while no timer is held
        timer_entry* timer;  // the timer held (deadline, retry, foreign stop), which keeps the limit
    } when_;
};

}  // namespace detail
/// @endcond

/// An event loop: runs coroutines on one thread over a portsock::poller, with a timer heap
/// and a queue of ready coroutines (Python's asyncio calls it the same; asio's twin is
/// `io_context`).
///
/// run() drives a main task until it ends. Every portsock awaitable suspends its coroutine
/// while its socket would block, and the loop resumes it, on the loop's thread, once the
/// socket is ready, its deadline has passed, or it is cancelled. There are no strands: a
/// loop is one thread, and work reaches it from other threads only through post().
///
/// @threadsafety run() must run on one thread at a time; post() and stop() may be called
/// from any thread while the loop exists. Everything else (the sockets and tasks of the
/// loop) belongs to the loop's thread. For several cores, run one loop per thread and hand
/// work over with post() (see @ref async "the async guide").
class PORTSOCK_ASYNC_EXPORT event_loop {
public:
    /// Creates a loop and its poller.
    /// @throws std::system_error if the poller cannot be created (e.g.
    ///         std::errc::too_many_files_open).
    event_loop();
    /// Joins the loop's helper threads (name resolution) and releases the poller. Tasks
    /// must not outlive their loop. Streams, listeners and datagram sockets still bound to
    /// it (declared before it) are unbound: they close normally later, and their operations
    /// fail with errc::not_open.
    ~event_loop();
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;

    /// Runs `main` until it ends, with everything it starts, on the calling thread.
    ///
    /// Functions post()ed before or during the run are called on this thread.
    /// @param main the main task.
    /// @param stop cancels `main` (every operation it waits on ends with
    ///        std::errc::operation_canceled) when stopped, from any thread.
    /// @return the main task's value.
    /// @throws whatever `main` throws; std::system_error with std::errc::operation_canceled
    ///         if stop() ended the run first (the main task's frame, and those of every
    ///         coroutine it awaits, are then destroyed where they were suspended);
    ///         std::system_error if the poller fails; std::system_error with
    ///         std::errc::resource_deadlock_would_occur, before `main` starts, if this loop's
    ///         run() is already active: on the calling thread (inside one of its tasks, or
    ///         inside a task of another loop that one of its tasks runs: `co_await` the task
    ///         instead), or on another thread; std::system_error with
    ///         std::errc::invalid_argument if `main` is empty or was started before.
    template <class T>
    T run(task<T> main, std::stop_token stop = {}) {
        if (!main || !main.handle().promise().startable() || main.handle().done())
            detail::throw_not_startable("portsock::async::event_loop::run");
        drive(main.handle(), main.handle().promise(), std::move(stop));
        return main.handle().promise().take();
    }

    /// Calls `function` on the loop's thread, soon (after the coroutines ready now).
    ///
    /// The way to hand work to a loop from another thread (an accepted connection, a
    /// result): thread-safe, and it wakes a loop that waits (poller::wake()). A function
    /// that throws ends run() with that exception; the functions posted after it are kept,
    /// and the next run() calls them.
    /// @param function what to call; run in the order posted.
    /// @threadsafety Callable from any thread while the loop exists.
    void post(posted_function function);

    /// Makes run() return as soon as the loop regains control: the main task is then
    /// destroyed where it is suspended and run() throws std::system_error with
    /// std::errc::operation_canceled. A stop() while no run() is active (before another
    /// thread's run() has started, or after the last one ended) is kept: the next run()
    /// throws so at once, without starting its main task. To end a task gracefully instead,
    /// cancel it (the `stop` token of run(), or a task_group).
    /// @threadsafety Callable from any thread while the loop exists.
    void stop() noexcept;

    /// The loop whose run() is active on the calling thread.
    /// @return that loop, or nullptr if none is running here.
    static event_loop* current() noexcept;

    /// The loop running on this thread, for objects created inside a task.
    /// @return the current loop.
    /// @throws std::system_error with std::errc::operation_not_permitted if no loop runs
    ///         on this thread.
    static event_loop& running();

    /// @cond INTERNAL
    /// Counts an operation that completed without waiting; true once this turn's share of
    /// such operations is spent, when the caller should let the others run (see io_op::start()).
    bool spend_immediate_share() noexcept { return ++immediate_this_turn_ > immediate_share; }
    void schedule(detail::ready_node& node, std::coroutine_handle<> h) noexcept;
    detail::timer_entry* acquire_timer(detail::io_op& op) noexcept;
    void release_timer(detail::timer_entry& entry) noexcept;
    void arm(detail::timer_node& node) noexcept;
    void disarm(detail::timer_node& node) noexcept;
    void register_socket(detail::registration& reg, const basic_socket& socket);
    void relocate(detail::registration& from, detail::registration& to) noexcept;
    void unregister_socket(detail::registration& reg) noexcept;
    void claim(detail::registration& reg, int slot, detail::io_op& op, std::error_code& ec) noexcept;
    void watch(detail::registration& reg, int slot, std::error_code& ec) noexcept;
    void park(detail::registration& reg) noexcept;
    void leave_poller(detail::registration& reg) noexcept;
    void add_backing_off(detail::io_op& op);
    void remove_backing_off(detail::io_op& op) noexcept;
    void descriptor_freed() noexcept;
    void queue_foreign_stop(detail::io_op& op) noexcept;
    void forget_foreign_stop(detail::io_op& op) noexcept;
    void start_helper(posted_function work);
    /// @endcond

private:
    void drive(std::coroutine_handle<> main, detail::promise_base& promise, std::stop_token stop);
    void run_ready();
    bool run_posted();
    void run_foreign_stops() noexcept;
    void requeue_posted(std::vector<posted_function>& batch, std::size_t from) noexcept;
    timeout next_wait() const noexcept;
    void dispatch(const poll_event& event) noexcept;
    void fire_timers() noexcept;
    void heap_up(std::size_t i) noexcept;
    void heap_down(std::size_t i) noexcept;
    void heap_swap(std::size_t a, std::size_t b) noexcept;

    poller poller_;
    detail::ready_node ready_;       // the queue's sentinel
    detail::ready_node turn_end_;    // marks where run_ready()'s turn ends
    detail::ready_node main_start_;  // schedules run()'s main task
    std::vector<detail::timer_node*> timers_;
    std::vector<detail::timer_entry*> timer_blocks_;  // the timers' pool: owned arrays
    detail::timer_entry* free_timers_ = nullptr;
    std::vector<detail::registration*> slots_;
    std::vector<std::uint16_t> generations_;
    std::vector<std::uint32_t> free_slots_;
    std::vector<detail::io_op*> backing_off_;
    std::mutex posted_mutex_;
    std::vector<posted_function> posted_;
    // Operations whose stop token (of a coroutine type of the user's) another thread
    // stopped: cancelled on the loop's thread (guarded by posted_mutex_).
    std::vector<detail::io_op*> foreign_stops_;
    // Operations that may complete without waiting in one turn of the loop, all tasks
    // together, before the next one goes to the back of the queue: a task whose peer always
    // has data ready must not hold the loop (and every other client) for as long as it lasts.
    static constexpr std::uint32_t immediate_share = 64;
    std::uint32_t immediate_this_turn_ = 0;
    std::atomic<bool> running_{false};  // a run() is active (on any thread)
    std::atomic<bool> stop_requested_{false};
    std::atomic<bool> external_stop_{false};
    struct helper_threads;
    helper_threads* helpers_;  // owned: joined and deleted by ~event_loop
};

/// @cond INTERNAL
namespace detail {

/// For operations that may complete without an io_op (TLS records already received):
/// suspends until the loop's next turn only once this turn's share of operations that
/// completed at once is spent (see event_loop::spend_immediate_share()).
struct share_turn {
    event_loop& loop;
    ready_node node{};
    bool await_ready() noexcept { return !loop.spend_immediate_share(); }
    void await_suspend(std::coroutine_handle<> h) noexcept { loop.schedule(node, h); }
    void await_resume() const noexcept {}
};

}  // namespace detail
/// @endcond

/// Runs `main` on a new event loop until it ends, then destroys the loop: the one call that
/// starts an async program, as Python's `asyncio.run()` does. The same as
/// `event_loop loop; return loop.run(std::move(main), std::move(stop));`; make the loop
/// yourself to post() to it or stop() it from another thread.
/// @param main the main task. @param stop cancels `main` when stopped, from any thread.
/// @return the main task's value.
/// @throws whatever `main` throws; std::system_error if the loop cannot be created, and
///         event_loop::run()'s errors.
/// @threadsafety Any thread: each call has a loop of its own. Not inside a task (it would
///         hold that task's loop until it returns): `co_await main` there.
template <class T>
T run(task<T> main, std::stop_token stop = {}) {
    event_loop loop;
    return loop.run(std::move(main), std::move(stop));
}

/// A socket's registration in an event loop: what the awaitable operations of the async
/// stream and listener types wait with, and what other awaitables (TLS, datagrams) can
/// build on. Owned by the object that owns the socket; move it together with the socket
/// and rebind() it to the socket's new address. The registration lives inside the watch
/// (no allocation of its own): moving the watch moves it, and operations waiting on it
/// follow it.
///
/// @threadsafety The loop's thread only.
class PORTSOCK_ASYNC_EXPORT socket_watch {
public:
    /// An empty watch.
    socket_watch() noexcept = default;
    /// Registers `socket` with `loop` (lazily: nothing reaches the poller before a wait).
    /// @param loop the loop. @param socket an open socket, put in non-blocking mode by the caller.
    socket_watch(event_loop& loop, const basic_socket& socket);
    /// Takes the registration of `other`, leaving `other` empty. @param other the source.
    socket_watch(socket_watch&& other) noexcept;
    /// Releases this registration (see release()), then takes that of `other`.
    /// @param other the source. @return *this.
    socket_watch& operator=(socket_watch&& other) noexcept;
    /// Releases the registration: see release().
    ~socket_watch();

    /// Points the registration at the socket's new address after a move.
    /// @param socket the socket, now at its new place.
    void rebind(const basic_socket& socket) noexcept;

    /// Withdraws the socket from the loop before it is closed: every operation waiting on
    /// it ends with std::errc::operation_canceled (its coroutine resumes later, on the
    /// loop), and the loop wakes operations that wait for a free descriptor.
    void release() noexcept;

    /// @return the loop, or nullptr if empty.
    event_loop* loop() const noexcept { return reg_.loop; }

    /// @cond INTERNAL
    detail::registration* get() const noexcept { return reg_.loop ? &reg_ : nullptr; }
    /// @endcond

private:
    void take(socket_watch& other) noexcept;

    mutable detail::registration reg_;  // empty while reg_.loop is nullptr
};

/// Awaitable: waits until a registered socket is ready for `events` (or reports hang-up or
/// an error), its timeout passes, or the awaiting task is cancelled. The building block
/// for operations portsock does not offer as awaitables yet: try the operation on the
/// non-blocking socket, and on std::errc::operation_would_block await this, then try again.
class PORTSOCK_ASYNC_EXPORT readiness : public detail::io_op {
public:
    /// @param watch the socket's registration. @param events poll_events::readable or
    ///        poll_events::writable (with neither, a wait that would block ends with
    ///        std::errc::invalid_argument instead of waiting for nothing). @param limit how long to wait.
    readiness(socket_watch& watch, poll_events events, timeout limit = {}) noexcept;
    /// @param watch the socket's registration. @param events what to wait for.
    /// @param ec set on failure. @param limit how long to wait.
    readiness(socket_watch& watch, poll_events events, std::error_code& ec, timeout limit = {}) noexcept;
    /// @return the events seen.
    /// @throws std::system_error with std::errc::timed_out, std::errc::operation_canceled,
    ///         or the poller's error (the error_code form sets it instead).
    poll_events await_resume() const;

private:
    outcome attempt() noexcept override;
};

/// Awaitable: suspends the awaiting task for `duration` (rounded up to milliseconds).
/// @throws std::system_error with std::errc::operation_canceled if the task is cancelled
///         first (the error_code form of sleep_until() sets it instead).
class PORTSOCK_ASYNC_EXPORT sleep_awaitable : public detail::io_op {
public:
    /// @param loop the loop. @param limit how long. @param ec where to report, or nullptr to throw.
    sleep_awaitable(event_loop& loop, timeout limit, std::error_code* ec) noexcept;
    /// Ends the wait: throws or reports a cancellation.
    void await_resume() const;

private:
    outcome attempt() noexcept override { return outcome::would_block; }
};

/// Suspends the awaiting task for `duration` on the running loop.
/// @param duration how long (a portsock::timeout: rounded up to milliseconds).
/// @return the awaitable. @throws std::system_error on cancellation, when awaited.
inline sleep_awaitable sleep_for(timeout duration) { return {event_loop::running(), duration, nullptr}; }
/// Suspends the awaiting task for `duration`; a cancellation sets `ec` instead of throwing.
/// @param duration how long. @param ec set to std::errc::operation_canceled if cancelled.
/// @return the awaitable.
inline sleep_awaitable sleep_for(timeout duration, std::error_code& ec) {
    return {event_loop::running(), duration, &ec};
}
/// Suspends the awaiting task until `when` on the steady clock.
/// @param when the time point. @return the awaitable.
inline sleep_awaitable sleep_until(std::chrono::steady_clock::time_point when) {
    return {event_loop::running(), timeout(when), nullptr};
}
/// Suspends the awaiting task until `when`; a cancellation sets `ec` instead of throwing.
/// @param when the time point. @param ec set on cancellation. @return the awaitable.
inline sleep_awaitable sleep_until(std::chrono::steady_clock::time_point when, std::error_code& ec) {
    return {event_loop::running(), timeout(when), &ec};
}

/// A flag that tasks of one loop can wait for (asyncio's `Event`): wait() suspends until
/// set() is called, or returns at once while the flag is set.
///
/// Typical use: a writer task sleeps on an event until a reader queues data for it.
/// @threadsafety The loop's thread only (from other threads, set() through event_loop::post()).
class PORTSOCK_ASYNC_EXPORT event {
public:
    /// An event that is not set.
    event() noexcept = default;
    event(const event&) = delete;
    event& operator=(const event&) = delete;
    /// The event must not be destroyed while a task waits for it.
    ~event() = default;

    /// Sets the flag and resumes every waiting task (at the loop's next turn).
    void set() noexcept;
    /// Clears the flag: later waits suspend again.
    void clear() noexcept { set_ = false; }
    /// @return true while the flag is set.
    bool is_set() const noexcept { return set_; }

    /// What wait() returns.
    class PORTSOCK_ASYNC_EXPORT awaitable : public detail::io_op {
    public:
        /// @param owner the event. @param limit how long. @param ec where to report, or nullptr to throw.
        awaitable(event& owner, timeout limit, std::error_code* ec);
        ~awaitable() override;
        /// @throws std::system_error with std::errc::timed_out or std::errc::operation_canceled
        ///         (the error_code form sets them instead).
        void await_resume() const;

    private:
        friend class event;
        outcome attempt() noexcept override;
        event* owner_;
        bool listed_ = false;
    };

    /// Waits until the flag is set.
    /// @param limit how long (std::errc::timed_out then). @return the awaitable.
    awaitable wait(timeout limit = {}) { return {*this, limit, nullptr}; }
    /// Waits until the flag is set. @param ec set on timeout or cancellation.
    /// @param limit how long. @return the awaitable.
    awaitable wait(std::error_code& ec, timeout limit = {}) { return {*this, limit, &ec}; }

private:
    bool set_ = false;
    std::vector<awaitable*> waiters_;
};

/// Awaitable: lets every other ready coroutine of the loop run, then resumes.
struct yield {
    /// @cond INTERNAL
    detail::ready_node node;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) { event_loop::running().schedule(node, h); }
    void await_resume() const noexcept {}
    /// @endcond
};

}  // namespace portsock::async
