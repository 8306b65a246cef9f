// tcp_stream::connect_any(): RFC 8305 ("Happy Eyeballs") connection racing over
// start_connect(), finish_connect() and one readiness wait over every running attempt.
#include "internal.hpp"

#include <portsock/tcp.hpp>

#include <algorithm>
#include <chrono>
#include <new>
#include <optional>
#include <vector>

namespace portsock {
namespace {

using clock = std::chrono::steady_clock;

/// RFC 8305 section 4: alternate the address families, starting with the first address's.
std::vector<endpoint> interleave_families(const std::vector<endpoint>& candidates) {
    std::vector<endpoint> lead, other;
    for (const endpoint& candidate : candidates)
        (candidate.family() == candidates.front().family() ? lead : other).push_back(candidate);
    std::vector<endpoint> order;
    order.reserve(candidates.size());
    for (std::size_t i = 0; i < std::max(lead.size(), other.size()); ++i) {
        if (i < lead.size()) order.push_back(lead[i]);
        if (i < other.size()) order.push_back(other[i]);
    }
    return order;
}

/// The race: the attempts running, the addresses not tried yet, and the last failure.
class attempt_race {
public:
    attempt_race(const std::vector<endpoint>& candidates, std::chrono::milliseconds delay)
        : order_(interleave_families(candidates)), delay_(delay) {
        running_.reserve(std::min(order_.size(), platform::wait_any_capacity));
    }

    tcp_stream run(const detail::deadline& until, std::error_code& ec) noexcept {
        for (;;) {
            start_due_attempts();
            if (running_.empty()) {  // every address tried, and every attempt failed
                ec = last_error_;
                return {};
            }
            const std::int64_t limit_ms = until.remaining_ms();
            const std::size_t ready = wait(limit_ms, ec);
            if (ec) return {};
            if (tcp_stream winner = collect_outcomes(); winner.is_open()) {
                winner.set_non_blocking(false, ec);  // connect() returns blocking streams
                return ec ? tcp_stream{} : std::move(winner);
            }
            // The deadline is checked on every pass, not only when the wait found nothing:
            // an attempt that polls ready while still in progress must not hold the race.
            if ((ready == 0 && limit_ms == 0) || until.has_passed()) {
                // An address that could not start for want of a descriptor is the cause
                // worth reporting: with one, the race would have tried it.
                ec = starved_ ? last_error_ : platform::make_error(std::errc::timed_out);
                return {};
            }
        }
    }

private:
    bool more_to_start() const noexcept {
        return !starved_ && next_ < order_.size() && running_.size() < platform::wait_any_capacity;
    }

    /// Starts the next address when its time has come, or at once when nothing runs.
    /// An address that cannot even start counts as a failure: the next starts at once. One
    /// that found no free descriptor while others run waits for one of them to end (which
    /// frees one), and the race remembers why.
    void start_due_attempts() noexcept {
        while (more_to_start() && (running_.empty() || clock::now() >= next_start_)) {
            std::error_code ec;
            tcp_stream attempt = tcp_stream::start_connect(order_[next_], ec);
            if (ec) {
                last_error_ = ec;
                if (is_resource_exhaustion(ec) && !running_.empty()) {
                    starved_ = true;  // try this address again once an attempt ends
                    return;
                }
                ++next_;
                continue;
            }
            ++next_;
            running_.push_back(std::move(attempt));  // within the capacity reserved: never allocates
            next_start_ =
                detail::add_saturating(clock::now(), delay_);  // a huge delay: never before the limit
        }
    }

    /// Waits until an attempt finishes, the next is due, or the limit passes.
    std::size_t wait(std::int64_t limit_ms, std::error_code& ec) noexcept {
        std::int64_t wait_ms = limit_ms;
        if (more_to_start()) {
            const auto until_next =
                std::chrono::ceil<std::chrono::milliseconds>(next_start_ - clock::now()).count();
            const std::int64_t next_ms = std::max<std::int64_t>(until_next, 0);
            wait_ms = wait_ms < 0 ? next_ms : std::min(wait_ms, next_ms);
        }
        platform::wait_entry entries[platform::wait_any_capacity];
        for (std::size_t i = 0; i < running_.size(); ++i)
            entries[i] = {running_[i].native_handle(), platform::wait_writable, platform::wait_none};
        const std::size_t ready = platform::wait_any(entries, running_.size(), wait_ms, ec);
        for (std::size_t i = 0; i < running_.size(); ++i)
            finished_[i] = entries[i].ready != platform::wait_none;
        return ready;
    }

    /// Returns the first attempt that connected, if any; drops those that failed.
    tcp_stream collect_outcomes() noexcept {
        for (std::size_t i = running_.size(); i-- > 0;) {
            if (!finished_[i]) continue;
            std::error_code outcome;
            running_[i].finish_connect(outcome, timeout(std::chrono::milliseconds(0)));
            if (!outcome) return std::move(running_[i]);  // the others close with the race
            if (outcome == std::errc::operation_in_progress) continue;
            last_error_ = outcome;
            running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
            starved_ = false;            // its descriptor is free again
            next_start_ = clock::now();  // RFC 8305 section 5: a failure starts the next at once
        }
        return {};
    }

    std::vector<endpoint> order_;
    std::chrono::milliseconds delay_;
    std::vector<tcp_stream> running_;
    bool finished_[platform::wait_any_capacity] = {};
    std::size_t next_ = 0;
    clock::time_point next_start_{};
    std::error_code last_error_;
    bool starved_ = false;  // an address waits for a free descriptor
};

}  // namespace

tcp_stream tcp_stream::connect_any(const std::vector<endpoint>& candidates, timeout limit,
                                   const connect_options& options) {
    return detail::or_throw("portsock::tcp_stream::connect_any",
                            [&](std::error_code& ec) { return connect_any(candidates, ec, limit, options); });
}

tcp_stream tcp_stream::connect_any(const std::vector<endpoint>& candidates, std::error_code& ec,
                                   timeout limit, const connect_options& options) noexcept {
    const detail::deadline until(limit);
    if (candidates.empty()) {
        ec = make_error_code(errc::no_address);
        return {};
    }
    if (options.attempt_delay.count() < 0) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    // The race allocates only here (the family order, room for the attempts); running out
    // of memory is an error like any other, never std::terminate through noexcept.
    std::optional<attempt_race> race;
    try {
        race.emplace(candidates, options.attempt_delay);
    } catch (const std::bad_alloc&) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return {};
    }
    return race->run(until, ec);
}

}  // namespace portsock
