/// @file
/// portsock::async::task: a lazy, move-only C++20 coroutine that produces a T.
#pragma once

#include <portsock/async_export.hpp>

#include <coroutine>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <utility>

namespace portsock::async {

template <class T = void>
class task;
class task_group;

/// @cond INTERNAL
namespace detail {

struct promise_base;
struct stop_scope;
/// Hands a child of a task_group that has ended back to its group (which destroys its
/// frame). @return what to resume next: the group's joiner, or nothing.
PORTSOCK_ASYNC_EXPORT std::coroutine_handle<> end_child(promise_base& child) noexcept;

/// A coroutine promise that carries the ambient cancellation: every portsock awaitable
/// reads the stop token of the coroutine that awaits it.
template <class P>
concept has_stop_token = requires(const P& p) {
    { p.stop_token() } -> std::convertible_to<std::stop_token>;
};

template <class P>
std::stop_token stop_token_of(std::coroutine_handle<P> h) noexcept {
    if constexpr (has_stop_token<P>)
        return h.promise().stop_token();
    else
        return {};
}

/// Throws std::system_error with std::errc::invalid_argument: `what` was given an empty
/// task, or one already started.
[[noreturn]] PORTSOCK_ASYNC_EXPORT void throw_not_startable(const char* what);

struct promise_base {
    /// Where the task runs relative to its awaiter: a task that ends while its awaiter is
    /// still starting it hands control back by returning, not by resuming the awaiter, so
    /// a million tasks that end at once do not nest a million frames, whether or not the
    /// compiler turns symmetric transfer into a tail call (g++ does not at -O0).
    enum class phase : unsigned char { idle, starting, ended_while_starting, suspended };

    std::coroutine_handle<> continuation = std::noop_coroutine();
    std::exception_ptr exception;
    // The ambient cancellation, in one word (a task frame per connection pays for every
    // field): the stop_scope that portsock owns (run()'s, a task group's), or a stop token
    // of a coroutine type of the user's that awaits this task.
    union {
        stop_scope* scope = nullptr;  // valid unless foreign_stop
        std::stop_token foreign;      // valid while foreign_stop
    };
    std::uint32_t child_index = 0;  // a spawned task's place among its group's children
    phase state = phase::idle;
    bool spawned = false;       // a task_group's child: its group (the owner of `scope`) awaits it
    bool foreign_stop = false;  // `foreign` holds the token

    /// True until the task is first started (awaited, run or spawned).
    bool startable() const noexcept { return state == phase::idle && !spawned; }

    promise_base() noexcept {}
    promise_base(const promise_base&) = delete;
    promise_base& operator=(const promise_base&) = delete;
    ~promise_base() {
        if (foreign_stop) foreign.~stop_token();
    }

    /// Runs under `owner` (run()'s scope, or a task group's).
    void set_scope(stop_scope* owner) noexcept {
        if (foreign_stop) foreign.~stop_token();
        foreign_stop = false;
        scope = owner;
    }
    /// Runs under a stop token that no stop_scope owns.
    void set_foreign(std::stop_token token) noexcept {
        if (!foreign_stop)
            new (&foreign) std::stop_token(std::move(token));
        else
            foreign = std::move(token);
        foreign_stop = true;
    }
    /// @return true once a scope or a token is set (a task group's child has its group's).
    bool has_stop() const noexcept { return foreign_stop || scope != nullptr; }
    /// @return the portsock scope the task runs under, or nullptr.
    stop_scope* stop_scope_ptr() const noexcept { return foreign_stop ? nullptr : scope; }

    struct final_awaiter {
        bool await_ready() noexcept { return false; }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> self) noexcept {
            auto& promise = self.promise();
            if (promise.state == phase::starting) {
                promise.state = phase::ended_while_starting;
                return std::noop_coroutine();  // back to the awaiter's await_suspend
            }
            if (promise.spawned) return end_child(promise);  // destroys this frame
            return promise.continuation;                     // symmetric transfer
        }
        void await_resume() noexcept {}
    };

    std::suspend_always initial_suspend() noexcept { return {}; }
    final_awaiter final_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { exception = std::current_exception(); }
    PORTSOCK_ASYNC_EXPORT std::stop_token stop_token() const noexcept;
};

/// The portsock stop source behind a coroutine's stop token, if there is one (see stop_scope).
template <class P>
stop_scope* stop_scope_of(std::coroutine_handle<P> h) noexcept {
    if constexpr (std::is_base_of_v<promise_base, P>)
        return h.promise().stop_scope_ptr();
    else
        return nullptr;
}

template <class T>
struct task_promise : promise_base {
    std::optional<T> value;

    task<T> get_return_object() noexcept;
    template <class U>
    requires std::is_convertible_v<U&&, T>
    void return_value(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
        value.emplace(std::forward<U>(v));
    }
    T take() {
        if (exception) std::rethrow_exception(exception);
        return std::move(*value);
    }
};

template <>
struct task_promise<void> : promise_base {
    task<void> get_return_object() noexcept;
    void return_void() noexcept {}
    void take() {
        if (exception) std::rethrow_exception(exception);
    }
};

}  // namespace detail
/// @endcond

/// A lazy coroutine producing a `T` (or nothing): it starts when awaited and resumes its
/// awaiter when it ends, returning its value or rethrowing its exception there.
///
/// Move-only; destroying a task that has not been awaited destroys its frame without
/// running it. Control passes between a task and its awaiter by symmetric transfer, so a
/// long chain of tasks or operations that complete at once does not grow the stack.
///
/// An awaited task inherits its awaiter's *stop token* (the ambient cancellation, see
/// @ref async "the async guide"): every portsock operation inside it ends with
/// std::errc::operation_canceled once that token is stopped.
///
/// @code
/// portsock::async::task<int> answer() { co_return 42; }
/// portsock::async::task<> caller() { int x = co_await answer(); (void)x; }
/// @endcode
/// @tparam T the result type (`void` for none).
/// @threadsafety A task runs on one event loop's thread; do not share one between threads.
template <class T>
class [[nodiscard]] task {
public:
    /// The coroutine's promise type (used by the compiler).
    using promise_type = detail::task_promise<T>;

    /// An empty task: awaiting it is undefined.
    task() noexcept = default;
    /// Takes the coroutine of `other`, leaving it empty. @param other the source.
    task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    /// Destroys this task's coroutine, then takes that of `other`.
    /// @param other the source. @return *this.
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    /// Destroys the coroutine frame, wherever it is suspended (its locals are destroyed;
    /// portsock operations it waits on are withdrawn from the loop).
    ~task() { reset(); }

    /// @return true unless the task is empty.
    explicit operator bool() const noexcept { return static_cast<bool>(handle_); }

    /// @cond INTERNAL
    struct awaiter {
        std::coroutine_handle<promise_type> handle;
        // An empty task, or one awaited before, is not started: await_resume() says so.
        bool await_ready() const noexcept {
            return !handle || !handle.promise().startable() || handle.done();
        }
        template <class P>
        bool await_suspend(std::coroutine_handle<P> parent) noexcept {
            auto& promise = handle.promise();
            started = true;
            promise.continuation = parent;
            if (!promise.has_stop()) inherit_stop(promise, parent);
            promise.state = detail::promise_base::phase::starting;
            handle.resume();
            if (promise.state == detail::promise_base::phase::ended_while_starting)
                return false;  // go on at once
            promise.state = detail::promise_base::phase::suspended;
            return true;
        }
        T await_resume() {
            if (!started) detail::throw_not_startable("portsock::async::task: co_await");
            return handle.promise().take();
        }
        bool started = false;  // by this awaiter: else the task was empty, or started before

    private:
        // The awaiter's scope when portsock owns it, else its token (if it can stop).
        template <class P>
        static void inherit_stop(promise_type& promise, std::coroutine_handle<P> parent) noexcept {
            if (detail::stop_scope* scope = detail::stop_scope_of(parent))
                promise.set_scope(scope);
            else if (std::stop_token token = detail::stop_token_of(parent); token.stop_possible())
                promise.set_foreign(std::move(token));
        }
    };
    /// @endcond

    /// Starts the task and suspends the awaiter until it ends. A task is awaited once: an
    /// empty (moved-from) task, or one awaited, run or spawned before, is not started again,
    /// and its `co_await` throws std::system_error with std::errc::invalid_argument.
    /// @return an awaiter whose result is the task's value; rethrows the task's exception.
    awaiter operator co_await() && noexcept { return awaiter{handle_}; }

    /// @cond INTERNAL
    std::coroutine_handle<promise_type> handle() const noexcept { return handle_; }
    /// Gives up the coroutine: the caller destroys it.
    std::coroutine_handle<promise_type> release() noexcept { return std::exchange(handle_, {}); }
    explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    /// @endcond

private:
    void reset() noexcept {
        if (handle_) handle_.destroy();
        handle_ = {};
    }

    std::coroutine_handle<promise_type> handle_;
};

/// @cond INTERNAL
namespace detail {
template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
    return task<T>{std::coroutine_handle<task_promise<T>>::from_promise(*this)};
}
inline task<void> task_promise<void>::get_return_object() noexcept {
    return task<void>{std::coroutine_handle<task_promise<void>>::from_promise(*this)};
}
}  // namespace detail
/// @endcond

/// Awaitable that gives the awaiting coroutine its stop token (its ambient cancellation).
///
/// @code
/// std::stop_token token = co_await portsock::async::get_stop_token();
/// @endcode
struct get_stop_token {
    /// @cond INTERNAL
    std::stop_token token;
    bool await_ready() const noexcept { return false; }
    template <class P>
    bool await_suspend(std::coroutine_handle<P> h) noexcept {
        token = detail::stop_token_of(h);
        return false;
    }
    std::stop_token await_resume() noexcept { return std::move(token); }
    /// @endcond
};

}  // namespace portsock::async
