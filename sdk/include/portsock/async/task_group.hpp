/// @file
/// Structured concurrency: portsock::async::task_group (a nursery), when_all(), when_any().
#pragma once

#include <portsock/async/event_loop.hpp>
#include <portsock/async/task.hpp>
#include <portsock/async_export.hpp>

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <stop_token>
#include <system_error>
#include <utility>
#include <vector>

namespace portsock::async {

/// @cond INTERNAL
namespace detail {
using child_handle = std::coroutine_handle<task_promise<void>>;
}  // namespace detail
/// @endcond

/// A nursery (Python's trio; asyncio's `TaskGroup`): runs child tasks concurrently on the
/// loop, and join() waits for all of them.
///
/// - The children start at the loop's next turn, in the order spawned.
/// - When a child ends with an exception, the group cancels the others (their operations
///   end with std::errc::operation_canceled) and join() rethrows that first exception once
///   every child has ended. A child's exception is never swallowed. Only a
///   std::system_error equal to std::errc::operation_canceled that ends a child after the
///   group was cancelled is expected, and not reported.
/// - cancel() cancels every child; so does a cancellation of the task awaiting join().
///
/// Spawn the task that spawns the others (an accept loop) into the group too: then a
/// failing child cancels it as well, and join() returns once everything has ended.
///
/// @snippet async_guide.cpp group
///
/// Destroying a group whose children still run (its owner threw before join()) destroys
/// their frames where they are suspended: their locals are destroyed and their pending
/// operations withdrawn, but no more of their code runs.
/// @threadsafety The loop's thread only.
class PORTSOCK_ASYNC_EXPORT task_group {
public:
    /// A group on the loop running on this thread.
    /// @throws std::system_error with std::errc::operation_not_permitted outside a loop.
    task_group();
    /// A group on `loop`. @param loop the loop the children run on.
    explicit task_group(event_loop& loop) noexcept;
    /// Destroys the children that still run (see the class notes).
    ~task_group();
    task_group(const task_group&) = delete;
    task_group& operator=(const task_group&) = delete;

    /// Starts `work` as a child of this group (at the loop's next turn).
    /// @param work the child task.
    /// @throws std::system_error with std::errc::invalid_argument if `work` is empty or was
    ///         started before (nothing is spawned); std::bad_alloc.
    void spawn(task<void> work);

    /// Cancels every child: their pending and later operations end with
    /// std::errc::operation_canceled.
    void cancel() noexcept { scope_.request_stop(); }

    /// @return the token the children inherit (stopped once the group is cancelled).
    std::stop_token stop_token() const noexcept { return scope_.source.get_token(); }

    /// @return how many children have not ended yet.
    std::size_t size() const noexcept { return children_.size(); }

    /// @cond INTERNAL
    struct join_awaiter {
        struct forwarder {
            task_group* group;
            void operator()() const noexcept { group->cancel(); }
        };
        task_group* group;
        std::optional<std::stop_callback<forwarder>> parent;
        bool await_ready() const noexcept { return group->children_.empty(); }
        template <class P>
        void await_suspend(std::coroutine_handle<P> h) {
            group->joiner_ = h;
            parent.emplace(detail::stop_token_of(h), forwarder{group});
        }
        void await_resume() {
            parent.reset();
            group->rethrow_failure();
        }
    };
    /// @endcond

    /// Waits until every child has ended.
    /// @return an awaitable; awaiting it rethrows the first child's exception, if any.
    join_awaiter join() noexcept { return join_awaiter{this, std::nullopt}; }

private:
    friend std::coroutine_handle<> detail::end_child(detail::promise_base& child) noexcept;
    /// @cond INTERNAL
    // Starts, in one turn of the loop, every child spawned since the last turn: a child's
    // own frame is all it costs, with no queue entry of its own.
    struct starter : detail::call_node {
        task_group* group = nullptr;
    };
    /// @endcond
    static void start_spawned(detail::call_node& node) noexcept;
    std::coroutine_handle<> child_done(detail::promise_base& child) noexcept;
    void record(std::exception_ptr failure) noexcept;
    void rethrow_failure();

    event_loop* loop_;
    detail::stop_scope scope_;
    std::vector<detail::child_handle> children_;  // every child that has not ended
    std::vector<detail::child_handle> spawned_;   // those not started yet
    starter starter_;
    std::exception_ptr failure_;
    std::coroutine_handle<> joiner_;
};

/// What when_any() returns: which task finished first, and its value.
/// @tparam T the tasks' result type.
template <class T>
struct when_any_result {
    std::size_t index = 0;  ///< The position of the winning task.
    T value;                ///< Its value.
};

/// What when_any() returns for tasks of `void`.
template <>
struct when_any_result<void> {
    std::size_t index = 0;  ///< The position of the winning task.
};

/// @cond INTERNAL
namespace detail {

template <class T>
task<void> store_result(task<T> work, std::optional<T>& slot) {
    slot.emplace(co_await std::move(work));
}

inline task<void> count_ended(task<void> work, std::size_t& ended) {
    co_await std::move(work);
    ++ended;
}

/// After a join() that returned normally: the group was cancelled from outside (a failure
/// would have been rethrown) before every task ended, so there is no result to give.
inline void throw_if_cut_short(bool complete) {
    if (!complete)
        throw std::system_error(std::make_error_code(std::errc::operation_canceled),
                                "portsock::async: cancelled before the tasks ended");
}

template <class T>
task<void> race_one(task<T> work, std::size_t index, std::optional<when_any_result<T>>& winner,
                    task_group& group) {
    if constexpr (std::is_void_v<T>) {
        co_await std::move(work);
        if (!winner) winner.emplace(when_any_result<void>{index});
    } else {
        T value = co_await std::move(work);
        if (!winner) winner.emplace(when_any_result<T>{index, std::move(value)});
    }
    group.cancel();
}

}  // namespace detail
/// @endcond

/// Runs every task concurrently and waits for all of them.
///
/// If one fails, the others are cancelled and awaited, then its exception is rethrown. If
/// the awaiting task is cancelled first, the tasks are cancelled and awaited, then
/// std::system_error with std::errc::operation_canceled is thrown.
/// @param tasks the tasks (run as children of a task_group).
/// @return their values, in the order given (nothing for `void`).
template <class T>
task<std::conditional_t<std::is_void_v<T>, void, std::vector<T>>> when_all(std::vector<task<T>> tasks) {
    task_group group;
    if constexpr (std::is_void_v<T>) {
        std::size_t ended = 0;
        for (auto& work : tasks) group.spawn(detail::count_ended(std::move(work), ended));
        co_await group.join();
        detail::throw_if_cut_short(ended == tasks.size());
    } else {
        std::vector<std::optional<T>> slots(tasks.size());
        for (std::size_t i = 0; i < tasks.size(); ++i)
            group.spawn(detail::store_result(std::move(tasks[i]), slots[i]));
        co_await group.join();
        for (const auto& slot : slots) detail::throw_if_cut_short(slot.has_value());
        std::vector<T> values;
        values.reserve(slots.size());
        for (auto& slot : slots) values.push_back(std::move(*slot));
        co_return values;
    }
}

/// Runs every task concurrently; the first to end wins. The others are then cancelled
/// **and awaited** before when_any() returns, so nothing of theirs outlives it.
///
/// If the first to end fails, its exception is rethrown (after the others ended); so is
/// the exception of a loser that fails with anything but the cancellation. If the awaiting
/// task is cancelled before any ends, they are all cancelled and awaited, then
/// std::system_error with std::errc::operation_canceled is thrown.
/// @param tasks the tasks, at least one.
/// @return the winner's index and value.
/// @throws std::system_error with std::errc::invalid_argument for an empty list.
template <class T>
task<when_any_result<T>> when_any(std::vector<task<T>> tasks) {
    if (tasks.empty())
        throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                                "portsock::async::when_any: no task");
    std::optional<when_any_result<T>> winner;
    task_group group;
    for (std::size_t i = 0; i < tasks.size(); ++i)
        group.spawn(detail::race_one(std::move(tasks[i]), i, winner, group));
    co_await group.join();
    detail::throw_if_cut_short(winner.has_value());
    co_return std::move(*winner);
}

/// when_any() of tasks given one by one. @param first,rest the tasks.
/// @return the winner's index and value.
template <class T, class... Rest>
task<when_any_result<T>> when_any(task<T> first, Rest... rest) {
    std::vector<task<T>> tasks;
    tasks.push_back(std::move(first));
    (tasks.push_back(std::move(rest)), ...);
    return when_any(std::move(tasks));
}

/// when_all() of tasks given one by one. @param first,rest the tasks.
/// @return their values, in order (nothing for `void`).
template <class T, class... Rest>
task<std::conditional_t<std::is_void_v<T>, void, std::vector<T>>> when_all(task<T> first, Rest... rest) {
    std::vector<task<T>> tasks;
    tasks.push_back(std::move(first));
    (tasks.push_back(std::move(rest)), ...);
    return when_all(std::move(tasks));
}

}  // namespace portsock::async
