// portsock::async: name resolution on a helper thread, and the RFC 8305 race on the loop.
#include <portsock/async/stream.hpp>
#include <portsock/async/task_group.hpp>

#include <memory>
#include <mutex>
#include <optional>

namespace portsock::async {

// --- resolution --------------------------------------------------------------------------

namespace {
// What the helper thread hands back; it outlives an awaitable that is given up.
struct resolution {
    std::mutex mutex;
    bool done = false;
    bool taken = false;  // await_resume() has taken the endpoints (read on the loop's thread)
    std::vector<endpoint> endpoints;
    std::error_code error;
    resolve_awaitable* waiter = nullptr;  // read and written on the loop's thread only
};
}  // namespace

struct resolve_awaitable::state {
    std::shared_ptr<resolution> shared = std::make_shared<resolution>();
};

resolve_awaitable::resolve_awaitable(event_loop& loop, std::string host, std::string service,
                                     address_family family, timeout limit, std::error_code* ec)
    : io_op(&loop, nullptr, poll_events::none, limit, ec),
      state_(new state),
      host_(std::move(host)),
      service_(std::move(service)),
      family_(family) {}

resolve_awaitable::~resolve_awaitable() {
    state_->shared->waiter = nullptr;
    delete state_;
}

resolve_awaitable::outcome resolve_awaitable::attempt() noexcept {
    if (state_->shared->waiter && state_->shared->taken) {
        // Awaited again once its result was taken: a new resolution, as any operation
        // awaited again is a new one (the endpoints are gone to the first await).
        try {
            auto fresh = std::make_shared<resolution>();
            state_->shared->waiter = nullptr;
            state_->shared = std::move(fresh);
        } catch (...) {
            set_error(std::make_error_code(std::errc::not_enough_memory));
            return outcome::done;
        }
    }
    resolution& result = *state_->shared;
    if (result.waiter) {  // awaited again before the helper's result came: wait for it
        std::lock_guard lock(result.mutex);
        if (!result.done) return outcome::would_block;
        set_error(result.error);
        return outcome::done;
    }
    result.waiter = this;
    try {
        event_loop* loop = &event_loop::running();
        loop->start_helper(
            [loop, shared = state_->shared, host = host_, service = service_, family = family_] {
                std::error_code ec;
                std::vector<endpoint> found = portsock::resolve(host, service, ec, family);
                {
                    std::lock_guard lock(shared->mutex);
                    shared->endpoints = std::move(found);
                    shared->error = ec;
                    shared->done = true;
                }
                loop->post([shared] {
                    if (shared->waiter) shared->waiter->complete_now();
                });
            });
    } catch (...) {
        result.waiter = nullptr;
        set_error(std::make_error_code(std::errc::resource_unavailable_try_again));
        return outcome::done;
    }
    return outcome::would_block;
}

std::vector<endpoint> resolve_awaitable::await_resume() {
    resolution& result = *state_->shared;
    if (!error()) {
        std::lock_guard lock(result.mutex);
        set_error(result.error);
    }
    report("portsock::async::resolve");
    if (error()) return {};
    std::lock_guard lock(result.mutex);
    result.taken = true;
    return std::move(result.endpoints);
}

// --- the race ----------------------------------------------------------------------------

namespace {

/// What the attempts of one race share.
struct race {
    std::optional<tcp_stream> winner;
    std::error_code last_error;
    std::size_t running = 0;
    task_group* group = nullptr;
    detail::io_op* starter_wait = nullptr;
};

/// Waits for the next attempt's start: the attempt delay, or until every running attempt
/// has failed, or a winner.
class next_start final : public detail::io_op {
public:
    next_start(race& r, timeout delay) noexcept
        : io_op(&event_loop::running(), nullptr, poll_events::none, delay), race_(r) {
        deadline_is_success_ = true;
    }
    ~next_start() override { race_.starter_wait = nullptr; }
    void notify() noexcept { complete_now(); }
    void await_resume() const noexcept {}

private:
    outcome attempt() noexcept override {
        if (race_.running == 0 || race_.winner) return outcome::done;
        race_.starter_wait = this;
        return outcome::would_block;
    }
    race& race_;
};

/// RFC 8305 section 4: alternate the families, starting with the first address's.
std::vector<endpoint> interleave(const std::vector<endpoint>& candidates) {
    std::vector<endpoint> first, other;
    const address_family lead = candidates.front().address().family();
    for (const endpoint& candidate : candidates)
        (candidate.address().family() == lead ? first : other).push_back(candidate);
    std::vector<endpoint> order;
    for (std::size_t i = 0; i < first.size() || i < other.size(); ++i) {
        if (i < first.size()) order.push_back(first[i]);
        if (i < other.size()) order.push_back(other[i]);
    }
    return order;
}

task<void> attempt(endpoint remote, race& r, std::chrono::steady_clock::time_point deadline, bool bounded) {
    std::error_code ec;
    tcp_stream stream = co_await tcp_stream::connect(remote, ec, bounded ? timeout(deadline) : timeout{});
    if (!ec && !r.winner) {
        r.winner.emplace(std::move(stream));
        r.group->cancel();
    } else if (ec && !r.winner) {
        r.last_error = ec;
    }
    --r.running;
    if (r.running == 0 && r.starter_wait) static_cast<next_start*>(r.starter_wait)->notify();
}

task<void> start_attempts(std::vector<endpoint> order, race& r, std::chrono::milliseconds delay,
                          std::chrono::steady_clock::time_point deadline, bool bounded) {
    for (std::size_t i = 0; i < order.size() && !r.winner; ++i) {
        ++r.running;
        r.group->spawn(attempt(order[i], r, deadline, bounded));
        if (i + 1 == order.size()) break;
        co_await yield{};  // let the attempt start (and maybe fail at once)
        std::error_code ec;
        co_await sleep_for(std::chrono::milliseconds(0), ec);  // a cancellation point
        if (ec || r.group->stop_token().stop_requested()) co_return;
        co_await next_start(r, delay);
    }
}

}  // namespace

task<tcp_stream> connect_any(std::vector<endpoint> candidates, std::error_code& ec, timeout limit,
                             connect_options options) {
    ec.clear();
    if (candidates.empty()) {
        ec = make_error_code(errc::no_address);
        co_return tcp_stream{};
    }
    if (options.attempt_delay.count() < 0) {
        ec = std::make_error_code(std::errc::invalid_argument);
        co_return tcp_stream{};
    }
    const bool bounded = !limit.is_infinite();
    const auto deadline = portsock::detail::add_saturating(
        std::chrono::steady_clock::now(), std::chrono::milliseconds(bounded ? limit.milliseconds() : 0));
    race r;
    task_group group;
    r.group = &group;
    group.spawn(start_attempts(interleave(candidates), r, options.attempt_delay, deadline, bounded));
    co_await group.join();
    if (r.winner) co_return std::move(*r.winner);
    ec = r.last_error ? r.last_error : portsock::make_socket_error(std::errc::timed_out);
    co_return tcp_stream{};
}

task<tcp_stream> connect(std::string host, std::uint16_t port, std::error_code& ec, timeout limit,
                         connect_options options) {
    ec.clear();
    if (host.empty()) {
        ec = make_error_code(errc::empty_host);
        co_return tcp_stream{};
    }
    const bool bounded = !limit.is_infinite();
    const auto deadline = portsock::detail::add_saturating(
        std::chrono::steady_clock::now(), std::chrono::milliseconds(bounded ? limit.milliseconds() : 0));
    std::vector<endpoint> candidates =
        co_await resolve(host, std::to_string(port), ec, address_family::unspecified, limit);
    if (ec) co_return tcp_stream{};
    co_return co_await connect_any(std::move(candidates), ec, bounded ? timeout(deadline) : timeout{},
                                   options);
}

task<tcp_stream> connect(std::string host, std::uint16_t port, timeout limit, connect_options options) {
    std::error_code ec;
    tcp_stream stream = co_await connect(host, port, ec, limit, options);
    if (ec)
        throw std::system_error(ec,
                                "portsock::async::connect to '" + host + "' port " + std::to_string(port));
    co_return stream;
}

}  // namespace portsock::async
