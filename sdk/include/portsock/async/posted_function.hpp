/// @file
/// portsock::async::posted_function: the function event_loop::post() takes.
#pragma once

#include <portsock/async_export.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace portsock::async {

/// @cond INTERNAL
namespace detail {

// What a posted_function holds: the function, behind one virtual call.
struct posted_callable {
    virtual ~posted_callable() = default;
    virtual void call() = 0;
};

template <class Function>
struct posted_holder final : posted_callable {
    template <class Source>
    explicit posted_holder(Source&& source) : function(std::forward<Source>(source)) {}
    void call() override { function(); }
    Function function;
};

}  // namespace detail
/// @endcond

/// A function of no arguments that event_loop::post() takes and later calls: anything
/// callable as `f()` converts to it (a lambda, a std::function, a function pointer), move-only
/// lambdas included.
///
/// It is C++23's `std::move_only_function<void()>` in small: owned, movable, not copyable. It
/// exists so that the async headers need not include `<functional>`, which adds about 13 MB to
/// the compiler's memory for every file that includes them.
/// @threadsafety A value: one thread uses it at a time (post() moves it to the loop's thread).
class PORTSOCK_ASYNC_EXPORT posted_function {
public:
    /// An empty function: calling it throws std::bad_function_call, as an empty std::function does.
    posted_function() noexcept = default;
    /// An empty function, as from `nullptr` for a std::function.
    posted_function(std::nullptr_t) noexcept {}  // NOLINT: implicit, as std::function's
    /// Holds `function`, moved or copied in. A null function pointer makes an empty function.
    /// @tparam Function a type callable with no arguments.
    /// @param function what to call.
    /// @throws std::bad_alloc if there is no memory to hold it.
    template <class Function, std::enable_if_t<!std::is_same_v<std::decay_t<Function>, posted_function> &&
                                                   std::is_invocable_v<std::decay_t<Function>&>,
                                               int> = 0>
    posted_function(Function&& function) {  // NOLINT: implicit, as std::function's
        if constexpr (std::is_pointer_v<std::decay_t<Function>>) {
            if (function == nullptr) return;
        }
        held_ = new detail::posted_holder<std::decay_t<Function>>(std::forward<Function>(function));
    }
    /// Takes the function of `other`, which becomes empty. @param other the source.
    posted_function(posted_function&& other) noexcept : held_(std::exchange(other.held_, nullptr)) {}
    /// Takes the function of `other`, which becomes empty. @param other the source.
    /// @return *this.
    posted_function& operator=(posted_function&& other) noexcept {
        if (this != &other) {
            delete held_;
            held_ = std::exchange(other.held_, nullptr);
        }
        return *this;
    }
    posted_function(const posted_function&) = delete;
    posted_function& operator=(const posted_function&) = delete;
    /// Destroys the function held.
    ~posted_function() { delete held_; }

    /// Calls the function. @throws what it throws; std::bad_function_call if empty.
    void operator()() {
        if (!held_) throw_empty();
        held_->call();
    }

    /// @return true if it holds a function.
    explicit operator bool() const noexcept { return held_ != nullptr; }

private:
    [[noreturn]] static void throw_empty();  // out of line: std::bad_function_call is in <functional>

    // Owned. Not a std::unique_ptr: <memory> and the instantiation cost every includer's
    // compile several MiB of memory (docs/performance.md, "Compile time").
    detail::posted_callable* held_ = nullptr;
};

}  // namespace portsock::async
