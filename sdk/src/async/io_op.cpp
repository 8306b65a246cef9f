// portsock::async::detail::io_op: try, wait for readiness (or a timer, or cancellation),
// try again; then resume the awaiter from the loop's ready queue.
#include <portsock/async/event_loop.hpp>

#include <portsock/error.hpp>

#include <algorithm>
#include <cstddef>
#include <new>
#include <type_traits>

namespace portsock::async::detail {

namespace {

// A peer that hung up while this side waits to send is reported on every wait
// (level-triggered, whatever the interest): such a socket leaves the poller and its
// operations are retried at this pace instead, so nothing spins and no byte is lost.
constexpr std::chrono::milliseconds hung_up_retry{50};
// Out of descriptors, accept() leaves the client queued and the listener readable: retry
// after this back-off, or as soon as one of the loop's sockets closes.
constexpr std::chrono::milliseconds exhaustion_retry{100};

int slot_for(poll_events direction) noexcept {
    if (has(direction, poll_events::writable)) return 1;
    if (has(direction, poll_events::readable)) return 0;
    return -1;
}

}  // namespace

io_op::io_op(event_loop* loop, registration* reg, poll_events direction, timeout limit,
             std::error_code* out) noexcept
    : slot_(static_cast<signed char>(slot_for(direction))),
      bound_(reg != nullptr),
      writes_out_(out != nullptr) {
    if (out) error_.out = out;
    if (reg)
        place_.reg = reg;  // reg->loop is `loop`
    else
        place_.loop = loop;
    when_.limit = limit;
}

io_op::~io_op() { detach(); }

static_assert(std::is_standard_layout_v<op_hooks>);

// op_hooks is standard-layout: the offset of its member leads back from the hook to its operation.
io_op& io_op::owner_of(ready_node& hook) noexcept {
    auto* hooks =
        reinterpret_cast<op_hooks*>(reinterpret_cast<char*>(&hook) - offsetof(op_hooks, ready_hook));
    return static_cast<io_op&>(*hooks);
}

void io_op::report(const char* what) const {
    if (writes_out_) return;  // the error_code form: written already
    if (const std::error_code failure = error()) throw std::system_error(failure, what);
}

bool io_op::start(std::coroutine_handle<> h, std::stop_token token, stop_scope* scope) noexcept {
    set_error({});
    seen_bits_ = 0;                     // awaited again: what the last wait saw is not the socket's state now
    const timeout limit = when_.limit;  // no timer is held between waits: detach() gives it back
    event_loop* const on_loop = loop();
    if (token.stop_requested()) {
        set_error(portsock::make_socket_error(std::errc::operation_canceled));
        return false;
    }
    if (!on_loop) {
        set_error(make_error_code(errc::not_open));
        return false;
    }
    const outcome first = attempt();
    if (first == outcome::done) return end_at_once(h, *on_loop);
    if (limit.milliseconds() == 0) {  // "do not wait": it ends at once too
        if (!deadline_is_success_) set_error(portsock::make_socket_error(std::errc::timed_out));
        return end_at_once(h, *on_loop);
    }
    ready_hook.handle = h;
    queued_ = false;
    if (!limit.is_infinite()) {
        timer_entry* const held = take_timer();
        if (!held) {
            set_error(std::make_error_code(std::errc::not_enough_memory));
            ready_hook.handle = {};
            return false;
        }
        held->deadline =
            portsock::detail::add_saturating(clock::now(), std::chrono::milliseconds(limit.milliseconds()));
    }
    if (!begin_wait(first)) {
        detach();
        ready_hook.handle = {};  // not suspended: nothing may resume it
        return false;
    }
    if (!listen_for_stop(std::move(token), scope)) {
        detach();
        ready_hook.handle = {};
        return false;
    }
    return true;
}

// An operation that ended without waiting (done, or a zero timeout) goes on without a
// suspension, until this turn's share of such operations is spent: then it resumes at the
// next turn, after the poller and every other ready task, so that a peer that always has data
// ready (or always takes it), or a task that polls with zero timeouts, cannot hold the loop.
bool io_op::end_at_once(std::coroutine_handle<> h, event_loop& on_loop) noexcept {
    if (!on_loop.spend_immediate_share()) return false;
    ready_hook.handle = h;
    on_loop.schedule(ready_hook, h);
    queued_ = true;
    return true;
}

bool io_op::listen_for_stop(std::stop_token token, stop_scope* scope) noexcept {
    if (scope) {  // the usual case: join the scope's list
        ready_node& head = scope->waiting;
        ready_hook.prev = head.prev;
        ready_hook.next = &head;
        head.prev->next = &ready_hook;
        head.prev = &ready_hook;
        return true;
    }
    if (!token.stop_possible()) return true;
    // A stop source of the user's may stop on any thread: std::stop_callback copes with that.
    // The callback is kept in a timer entry of the loop's pool, so that no operation carries
    // room for this rare case.
    timer_entry* const held = take_timer();
    if (!held) {
        set_error(std::make_error_code(std::errc::not_enough_memory));
        return false;
    }
    delete std::exchange(held->foreign_stop, nullptr);
    held->foreign_stop = new (std::nothrow)
        std::stop_callback<timer_entry::stop_forwarder>(std::move(token), timer_entry::stop_forwarder{this});
    if (held->foreign_stop) return true;
    set_error(std::make_error_code(std::errc::not_enough_memory));
    return false;
}

bool io_op::claim(event_loop& on_loop, registration& socket_reg) noexcept {
    std::error_code ec;
    on_loop.claim(socket_reg, slot_, *this, ec);
    if (ec) {
        set_error(ec);
        return false;
    }
    claimed_ = true;
    return true;
}

bool io_op::begin_wait(outcome first) noexcept {
    registration* const socket_reg = reg();
    event_loop* const on_loop = loop();
    if (!socket_reg) return arm_timer();  // a sleep: the deadline alone
    if (slot_ < 0) {                      // a readiness wait for neither readable nor writable
        set_error(std::make_error_code(std::errc::invalid_argument));
        return false;
    }
    if (first == outcome::back_off) {
        if (!claim(*on_loop, *socket_reg)) return false;
        return retry_later(exhaustion_retry);
    }
    if (!claim(*on_loop, *socket_reg)) return false;
    claimed_ = true;
    if (socket_reg->hung_up) return retry_later(hung_up_retry);
    wait_in_poller();
    if (error()) {
        detach();
        return false;
    }
    return true;
}

void io_op::wait_in_poller() noexcept {
    std::error_code ec;
    loop()->watch(*place_.reg, slot_, ec);
    if (ec) return set_error(ec);
    watching_ = true;
    (void)arm_timer();  // the deadline's timer, if any, is held already: this cannot fail
}

bool io_op::retry_later(std::chrono::milliseconds after) noexcept {
    watching_ = false;  // its interest is dropped lazily, in event_loop::dispatch()
    const auto retry_at = portsock::detail::add_saturating(clock::now(), after);
    if (after == exhaustion_retry && !backing_off_) {
        try {
            loop()->add_backing_off(*this);
            backing_off_ = true;
        } catch (...) {  // no memory for the list: the timer alone retries
        }
    }
    return arm_timer(retry_at);
}

// Every arming states the whole wait (the deadline, and a retry if one is due), so no
// retry time is kept between armings. Fails (not_enough_memory) only when a retry needs a
// timer and the loop has none left.
bool io_op::arm_timer(clock::time_point retry_at) noexcept {
    const auto next = std::min(deadline(), retry_at);
    event_loop* const on_loop = loop();
    timer_entry* held = timer();
    if (next == clock::time_point::max()) {
        if (held) on_loop->disarm(*held);
        return true;
    }
    if (!held && (held = take_timer()) == nullptr) {
        set_error(std::make_error_code(std::errc::not_enough_memory));
        return false;
    }
    held->when = next;
    on_loop->arm(*held);
    return true;
}

void io_op::on_ready(poll_events events) noexcept {
    seen_bits_ = static_cast<std::uint8_t>(events);
    const outcome next = attempt();
    if (next == outcome::done) return finish();
    if (next == outcome::back_off) {
        if (!retry_later(exhaustion_retry)) finish();
        return;
    }
    if (has(events, poll_events::hang_up) || has(events, poll_events::error)) {
        // Would block although the peer hung up: waiting in the poller would spin.
        loop()->park(*place_.reg);
    }
}

void io_op::on_timer() noexcept {
    if (clock::now() >= deadline()) {
        if (!deadline_is_success_) set_error(portsock::make_socket_error(std::errc::timed_out));
        return finish();
    }
    // A retry: tell a readiness wait that it may try again (what is ready is not known).
    registration* const socket_reg = reg();
    seen_bits_ = static_cast<std::uint8_t>(socket_reg && socket_reg->hung_up ? poll_events::hang_up
                                                                             : poll_events::none);
    const outcome next = attempt();
    if (next == outcome::done) return finish();
    if (next == outcome::back_off) {
        if (!retry_later(exhaustion_retry)) finish();
        return;
    }
    if (backing_off_) {
        loop()->remove_backing_off(*this);
        backing_off_ = false;
    }
    if (socket_reg && socket_reg->hung_up) {
        if (!retry_later(hung_up_retry)) finish();
        return;
    }
    wait_in_poller();  // descriptors are back: wait for readiness again
    if (error()) finish();
}

void timer_entry::stop_forwarder::operator()() const noexcept { op->on_foreign_stop(); }

// The timer takes the limit's place in the operation, and keeps the limit until it is given
// back: an operation awaited again waits as long as the first time.
timer_entry* io_op::take_timer() noexcept {
    if (holds_timer_) return when_.timer;
    timer_entry* const entry = loop()->acquire_timer(*this);
    if (!entry) return nullptr;
    entry->limit = when_.limit;
    when_.timer = entry;
    holds_timer_ = true;
    return entry;
}

void io_op::give_back_timer() noexcept {
    timer_entry* const entry = when_.timer;
    const timeout limit = entry->limit;
    if (entry->foreign_stop) {
        // Waits for a callback running on another thread, if any; then nothing can queue
        // this operation again, and the one it may have queued is withdrawn.
        delete std::exchange(entry->foreign_stop, nullptr);
        loop()->forget_foreign_stop(*this);
    }
    loop()->release_timer(*entry);
    when_.limit = limit;
    holds_timer_ = false;
}

void io_op::on_descriptor_freed() noexcept {
    (void)arm_timer(clock::now());  // backing off: its retry's timer is held already
}

void io_op::on_stop() noexcept {
    set_error(portsock::make_socket_error(std::errc::operation_canceled));
    finish();
}

void io_op::on_foreign_stop() noexcept {
    // A stop source of the user's may be stopped on any thread; the loop's state (its timer
    // heap, ready queue and registrations) is touched on the loop's thread only.
    if (event_loop::current() == loop()) return on_stop();
    loop()->queue_foreign_stop(*this);
}

void io_op::finish() noexcept {
    detach();
    if (ready_hook.handle) {
        loop()->schedule(ready_hook, ready_hook.handle);
        queued_ = true;
    }
}

void io_op::detach() noexcept {
    registration* const socket_reg = reg();
    if (claimed_ && socket_reg && socket_reg->waiter[slot_] == this) socket_reg->waiter[slot_] = nullptr;
    claimed_ = false;
    watching_ = false;
    if (backing_off_) loop()->remove_backing_off(*this);
    backing_off_ = false;
    ready_hook.unlink();  // from its stop_scope's list
    if (holds_timer_) give_back_timer();
}

stop_scope::~stop_scope() {
    while (waiting.next != &waiting) waiting.next->unlink();
}

void stop_scope::request_stop() noexcept {
    source.request_stop();
    // on_stop() unlinks the operation (finish(), detach()) and only schedules its resumption.
    while (waiting.next != &waiting) io_op::owner_of(*waiting.next).on_stop();
}

}  // namespace portsock::async::detail

namespace portsock::async {

// --- readiness and sleep -----------------------------------------------------------------

readiness::readiness(socket_watch& watch, poll_events events, timeout limit) noexcept
    : io_op(watch.loop(), watch.get(), events, limit) {}

readiness::readiness(socket_watch& watch, poll_events events, std::error_code& ec, timeout limit) noexcept
    : io_op(watch.loop(), watch.get(), events, limit, &ec) {}

readiness::outcome readiness::attempt() noexcept {
    return seen() == poll_events::none ? outcome::would_block : outcome::done;
}

poll_events readiness::await_resume() const {
    report("portsock::async::readiness");
    return seen();
}

sleep_awaitable::sleep_awaitable(event_loop& loop, timeout limit, std::error_code* ec) noexcept
    : io_op(&loop, nullptr, poll_events::none, limit, ec) {
    deadline_is_success_ = true;
}

void sleep_awaitable::await_resume() const { report("portsock::async::sleep"); }

// --- event -------------------------------------------------------------------------------

void event::set() noexcept {
    set_ = true;
    std::vector<awaitable*> waiting;
    waiting.swap(waiters_);
    for (awaitable* waiter : waiting) {
        waiter->listed_ = false;
        waiter->complete_now();
    }
}

event::awaitable::awaitable(event& owner, timeout limit, std::error_code* ec)
    : io_op(&event_loop::running(), nullptr, poll_events::none, limit, ec), owner_(&owner) {}

event::awaitable::~awaitable() {
    if (listed_) {
        auto& list = owner_->waiters_;
        list.erase(std::remove(list.begin(), list.end(), this), list.end());
    }
}

event::awaitable::outcome event::awaitable::attempt() noexcept {
    if (owner_->set_) return outcome::done;
    if (!listed_) {
        try {
            owner_->waiters_.push_back(this);
            listed_ = true;
        } catch (...) {
            set_error(std::make_error_code(std::errc::not_enough_memory));
            return outcome::done;
        }
    }
    return outcome::would_block;
}

void event::awaitable::await_resume() const { report("portsock::async::event::wait"); }

}  // namespace portsock::async
