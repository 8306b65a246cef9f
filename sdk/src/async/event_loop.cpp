// portsock::async::event_loop: the ready queue, the timer heap, the poller's registrations.
#include <portsock/async/event_loop.hpp>

#include <portsock/error.hpp>

#include "helper_pool.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <deque>
#include <functional>
#include <iterator>
#include <list>
#include <mutex>
#include <new>
#include <thread>

namespace portsock::async {

namespace {

thread_local event_loop* current_loop = nullptr;

constexpr std::uint64_t wake_token = ~std::uint64_t{0};
constexpr std::size_t event_capacity = 256;

poll_events event_of(int slot) noexcept { return slot == 1 ? poll_events::writable : poll_events::readable; }

/// Restores the thread's current loop when run() ends, however it ends.
class current_guard {
public:
    explicit current_guard(event_loop* loop) noexcept : saved_(current_loop) { current_loop = loop; }
    ~current_guard() { current_loop = saved_; }
    current_guard(const current_guard&) = delete;
    current_guard& operator=(const current_guard&) = delete;

private:
    event_loop* saved_;
};

}  // namespace

/// The loop's helper threads (see helper_pool.hpp).
struct event_loop::helper_threads : detail::helper_pool {};

void posted_function::throw_empty() { throw std::bad_function_call(); }

event_loop::event_loop() : helpers_(new helper_threads) {}

event_loop::~event_loop() {
    delete helpers_;  // a helper posts its result to this loop: it must be done first
    while (ready_.next != &ready_) ready_.next->unlink();
    // A posted function may own a task whose operations hold timers: destroy them first, as
    // the members' order did when the blocks were std::unique_ptr members.
    posted_.clear();
    // Sockets that outlive the loop (declared before it) forget it: their release() then
    // has no loop to withdraw from, instead of writing into this one after it is gone.
    for (detail::registration* reg : slots_)
        if (reg) *reg = detail::registration{};
    for (detail::timer_entry* block : timer_blocks_) delete[] block;
}

event_loop* event_loop::current() noexcept { return current_loop; }

event_loop& event_loop::running() {
    if (!current_loop)
        throw std::system_error(std::make_error_code(std::errc::operation_not_permitted),
                                "portsock::async: no event loop runs on this thread");
    return *current_loop;
}

void event_loop::post(posted_function function) {
    {
        std::lock_guard lock(posted_mutex_);
        posted_.push_back(std::move(function));
    }
    std::error_code ignored;  // a failed wake-up only delays the call to the next wait's end
    poller_.wake(ignored);
}

void event_loop::stop() noexcept {
    stop_requested_.store(true);
    std::error_code ignored;
    poller_.wake(ignored);
}

void event_loop::start_helper(posted_function work) { helpers_->start(std::move(work)); }

// --- the ready queue ---------------------------------------------------------------------

void event_loop::schedule(detail::ready_node& node, std::coroutine_handle<> h) noexcept {
    node.unlink();
    node.handle = h;
    node.prev = ready_.prev;
    node.next = &ready_;
    ready_.prev->next = &node;
    ready_.prev = &node;
}

void event_loop::run_ready() {
    // Only what is ready now: coroutines scheduled meanwhile wait for the next turn, so
    // the poller is looked at between turns and no task starves the others.
    schedule(turn_end_, {});
    while (ready_.next != &turn_end_) {
        detail::ready_node* node = ready_.next;
        node->unlink();
        // Cleared before it runs: an operation resumed once is never scheduled again.
        if (const std::coroutine_handle<> h = std::exchange(node->handle, {}))
            h.resume();
        else
            static_cast<detail::call_node*>(node)->call(*static_cast<detail::call_node*>(node));
    }
    turn_end_.unlink();
}

void event_loop::requeue_posted(std::vector<posted_function>& batch, std::size_t from) noexcept {
    std::lock_guard lock(posted_mutex_);
    // Ahead of what was posted meanwhile, to keep the order posted. Moving them cannot
    // throw; growing the vector can, and then the rest is lost (no memory).
    try {
        posted_.insert(posted_.begin(),
                       std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(from)),
                       std::make_move_iterator(batch.end()));
    } catch (...) {
    }
}

bool event_loop::run_posted() {
    std::vector<posted_function> batch;
    {
        std::lock_guard lock(posted_mutex_);
        batch.swap(posted_);
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
            batch[i]();
        } catch (...) {
            requeue_posted(batch, i + 1);  // those after it still run, at the next run()
            throw;
        }
    }
    return !batch.empty();
}

void event_loop::queue_foreign_stop(detail::io_op& op) noexcept {
    {
        std::lock_guard lock(posted_mutex_);
        try {
            foreign_stops_.push_back(&op);
        } catch (...) {  // no memory: the operation ends at its deadline instead
            return;
        }
    }
    std::error_code ignored;  // a failed wake-up only delays the cancellation to the next wait's end
    poller_.wake(ignored);
}

void event_loop::forget_foreign_stop(detail::io_op& op) noexcept {
    std::lock_guard lock(posted_mutex_);
    foreign_stops_.erase(std::remove(foreign_stops_.begin(), foreign_stops_.end(), &op),
                         foreign_stops_.end());
}

void event_loop::run_foreign_stops() noexcept {
    std::vector<detail::io_op*> batch;
    {
        std::lock_guard lock(posted_mutex_);
        if (foreign_stops_.empty()) return;
        batch.swap(foreign_stops_);
    }
    // on_stop() only schedules resumptions: no operation of the batch ends meanwhile.
    for (detail::io_op* op : batch) op->on_stop();
}

// --- the timer heap ----------------------------------------------------------------------

void event_loop::heap_swap(std::size_t a, std::size_t b) noexcept {
    std::swap(timers_[a], timers_[b]);
    timers_[a]->index = a;
    timers_[b]->index = b;
}

void event_loop::heap_up(std::size_t i) noexcept {
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (timers_[parent]->when <= timers_[i]->when) return;
        heap_swap(i, parent);
        i = parent;
    }
}

void event_loop::heap_down(std::size_t i) noexcept {
    for (;;) {
        const std::size_t left = 2 * i + 1;
        const std::size_t right = left + 1;
        std::size_t least = i;
        if (left < timers_.size() && timers_[left]->when < timers_[least]->when) least = left;
        if (right < timers_.size() && timers_[right]->when < timers_[least]->when) least = right;
        if (least == i) return;
        heap_swap(i, least);
        i = least;
    }
}

detail::timer_entry* event_loop::acquire_timer(detail::io_op& op) noexcept {
    if (!free_timers_) {
        constexpr std::size_t block_size = 64;
        auto* block = new (std::nothrow) detail::timer_entry[block_size];
        if (!block) return nullptr;
        try {
            timer_blocks_.push_back(block);
        } catch (...) {
            delete[] block;
            return nullptr;
        }
        for (std::size_t i = 0; i < block_size; ++i) {
            block[i].next_free = free_timers_;
            free_timers_ = &block[i];
        }
    }
    detail::timer_entry* entry = free_timers_;
    free_timers_ = entry->next_free;
    entry->op = &op;
    entry->deadline = detail::clock::time_point::max();
    return entry;
}

void event_loop::release_timer(detail::timer_entry& entry) noexcept {
    disarm(entry);
    entry.op = nullptr;
    entry.next_free = free_timers_;
    free_timers_ = &entry;
}

void event_loop::arm(detail::timer_node& node) noexcept {
    if (node.armed()) disarm(node);
    node.index = timers_.size();
    timers_.push_back(&node);  // reserve() in drive() makes a failure here unlikely
    heap_up(node.index);
}

void event_loop::disarm(detail::timer_node& node) noexcept {
    if (!node.armed()) return;
    const std::size_t i = node.index;
    const std::size_t last = timers_.size() - 1;
    if (i != last) heap_swap(i, last);
    timers_.pop_back();
    node.index = detail::timer_node::not_armed;
    if (i < timers_.size()) {
        heap_down(i);
        heap_up(i);
    }
}

void event_loop::fire_timers() noexcept {
    const auto now = detail::clock::now();
    while (!timers_.empty() && timers_.front()->when <= now) {
        detail::timer_node* node = timers_.front();
        disarm(*node);
        static_cast<detail::timer_entry*>(node)->op->on_timer();  // every timer is an operation's
    }
}

timeout event_loop::next_wait() const noexcept {
    if (ready_.linked()) return std::chrono::milliseconds(0);
    if (timers_.empty()) return timeout::infinite();
    return timeout(timers_.front()->when);
}

// --- registrations -----------------------------------------------------------------------

void event_loop::register_socket(detail::registration& reg, const basic_socket& socket) {
    std::uint32_t slot;
    if (!free_slots_.empty()) {
        slot = free_slots_.back();
        free_slots_.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(slots_.size());
        slots_.push_back(nullptr);
        generations_.push_back(0);
    }
    slots_[slot] = &reg;
    reg.loop = this;
    reg.socket = &socket;
    reg.slot = slot;
    reg.generation = generations_[slot];
}

void event_loop::relocate(detail::registration& from, detail::registration& to) noexcept {
    to = from;
    slots_[to.slot] = &to;
    for (detail::io_op* op : to.waiter)
        if (op) op->place_.reg = &to;
    from = detail::registration{};
}

void event_loop::unregister_socket(detail::registration& reg) noexcept {
    for (int slot = 0; slot < 2; ++slot) {
        if (detail::io_op* op = reg.waiter[slot]) {
            op->set_error(portsock::make_socket_error(std::errc::operation_canceled));
            op->finish();
        }
    }
    leave_poller(reg);
    const std::uint32_t slot = reg.slot;
    slots_[slot] = nullptr;
    ++generations_[slot];
    free_slots_.push_back(slot);
}

void event_loop::claim(detail::registration& reg, int slot, detail::io_op& op, std::error_code& ec) noexcept {
    ec.clear();
    if (reg.waiter[slot] && reg.waiter[slot] != &op) {  // one receive and one send at a time per socket
        ec = std::make_error_code(std::errc::device_or_resource_busy);
        return;
    }
    reg.waiter[slot] = &op;
}

void event_loop::watch(detail::registration& reg, int slot, std::error_code& ec) noexcept {
    ec.clear();
    const poll_events wanted = reg.interest() | event_of(slot);
    if (!reg.in_poller) {
        poller_.add(*reg.socket, wanted, reg.token(), ec);
        if (ec) return;
        reg.in_poller = true;
    } else if (wanted != reg.interest()) {
        poller_.modify(*reg.socket, wanted, reg.token(), ec);
        if (ec) return;
    }
    // The interest stays when the operation ends: the next wait of this direction, usually
    // soon, then costs no system call. Readiness nobody waits for is dealt with in dispatch().
    reg.set_interest(wanted);
}

void event_loop::park(detail::registration& reg) noexcept {
    reg.hung_up = true;
    leave_poller(reg);
    for (detail::io_op* op : reg.waiter)
        if (op && op->watching_) op->retry_later(std::chrono::milliseconds(50));
}

void event_loop::leave_poller(detail::registration& reg) noexcept {
    if (!reg.in_poller) return;
    std::error_code ignored;  // the socket may be closed already, which removed it
    poller_.remove(*reg.socket, ignored);
    reg.in_poller = false;
    reg.set_interest(poll_events::none);
}

void event_loop::dispatch(const poll_event& event) noexcept {
    const auto slot = static_cast<std::uint32_t>(event.token & 0xffffffffu);
    if (slot >= slots_.size() || !slots_[slot] || slots_[slot]->token() != event.token) return;
    detail::registration& reg = *slots_[slot];
    const bool trouble = event.hang_up() || event.error();
    bool consumed = false;
    detail::io_op* reader = reg.waiter[0];
    if (reader && reader->watching_ && (event.readable() || trouble)) {
        consumed = true;
        reader->on_ready(event.events);
    }
    detail::io_op* writer = reg.waiter[1];
    if (writer && writer->watching_ && (event.writable() || trouble)) {
        consumed = true;
        writer->on_ready(event.events);
    }
    // An operation took this event: keep the interest for its task's next wait, usually
    // soon (a receive loop then costs no system call per message).
    if (consumed) return;
    if (!reg.in_poller) return;
    // Readiness that no operation waits for: stop asking for it, or it is reported on every
    // wait (level-triggered). A hang-up is reported whatever the interest: leave the poller.
    poll_events wanted = poll_events::none;
    if (reg.waiter[0] && reg.waiter[0]->watching_) wanted |= poll_events::readable;
    if (reg.waiter[1] && reg.waiter[1]->watching_) wanted |= poll_events::writable;
    if (wanted == reg.interest()) return;
    if (wanted == poll_events::none) return leave_poller(reg);
    std::error_code ignored;
    poller_.modify(*reg.socket, wanted, reg.token(), ignored);
    reg.set_interest(wanted);
}

// --- running out of descriptors ----------------------------------------------------------

void event_loop::add_backing_off(detail::io_op& op) { backing_off_.push_back(&op); }

void event_loop::remove_backing_off(detail::io_op& op) noexcept {
    backing_off_.erase(std::remove(backing_off_.begin(), backing_off_.end(), &op), backing_off_.end());
}

void event_loop::descriptor_freed() noexcept {
    // An accept that ran out of descriptors may succeed now: retry it at the next turn.
    for (detail::io_op* op : backing_off_) op->on_descriptor_freed();
}

// --- the loop ----------------------------------------------------------------------------

void event_loop::drive(std::coroutine_handle<> main, detail::promise_base& promise, std::stop_token stop) {
    // A run() inside one of this loop's own tasks would resume coroutines the outer run()
    // still holds: refuse it before anything is scheduled.
    // current_loop is the innermost loop only: a run() of this loop inside a task of another
    // loop that this one runs is caught by the flag, as is a run() on a second thread.
    if (current_loop == this || running_.exchange(true))
        throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur),
                                "portsock::async::event_loop::run: this loop already runs "
                                "(co_await the task instead)");
    struct running_guard {
        std::atomic<bool>& running;
        ~running_guard() { running.store(false); }
    } const running{running_};
    const current_guard guard(this);
    // stop_requested_ is not cleared: a stop() that came before this run() (from a thread
    // that started it, say) must end it, not be lost.
    external_stop_.store(false);
    detail::stop_scope root;
    promise.set_scope(&root);
    struct external_forwarder {
        event_loop* loop;
        void operator()() const noexcept {
            loop->external_stop_.store(true);
            std::error_code ignored;
            loop->poller_.wake(ignored);
        }
    };
    const std::stop_callback<external_forwarder> forward(stop, external_forwarder{this});

    schedule(main_start_, main);
    std::array<poll_event, event_capacity> events;
    while (!main.done()) {
        if (stop_requested_.exchange(false))
            throw std::system_error(portsock::make_socket_error(std::errc::operation_canceled),
                                    "portsock::async::event_loop::run: stopped");
        if (external_stop_.exchange(false)) root.request_stop();
        immediate_this_turn_ = 0;
        run_foreign_stops();
        run_posted();
        run_ready();
        if (main.done()) break;
        bool posted_waiting;
        {
            std::lock_guard lock(posted_mutex_);
            posted_waiting = !posted_.empty();
        }
        const timeout limit = posted_waiting ? timeout(std::chrono::milliseconds(0)) : next_wait();
        const std::size_t n = poller_.wait(events.data(), events.size(), limit);
        for (std::size_t i = 0; i < n; ++i)
            if (events[i].token != wake_token) dispatch(events[i]);
        fire_timers();
    }
}

// --- socket_watch ------------------------------------------------------------------------

socket_watch::socket_watch(event_loop& loop, const basic_socket& socket) {
    loop.register_socket(reg_, socket);
}

socket_watch::socket_watch(socket_watch&& other) noexcept { take(other); }

socket_watch& socket_watch::operator=(socket_watch&& other) noexcept {
    if (this != &other) {
        release();
        take(other);
    }
    return *this;
}

void socket_watch::take(socket_watch& other) noexcept {
    if (other.reg_.loop) other.reg_.loop->relocate(other.reg_, reg_);
}

socket_watch::~socket_watch() { release(); }

void socket_watch::rebind(const basic_socket& socket) noexcept {
    if (reg_.loop) reg_.socket = &socket;
}

void socket_watch::release() noexcept {
    if (!reg_.loop) return;
    event_loop* loop = reg_.loop;
    loop->unregister_socket(reg_);
    reg_ = detail::registration{};
    loop->descriptor_freed();
}

}  // namespace portsock::async
