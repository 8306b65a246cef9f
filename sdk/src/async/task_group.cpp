// portsock::async::task_group: children, their failures and the join.
#include <portsock/async/task_group.hpp>

namespace portsock::async {

namespace detail {

child_task run_child(task<void> work) { co_await std::move(work); }

void child_promise::unhandled_exception() noexcept { group->record(std::current_exception()); }

std::coroutine_handle<> child_promise::final_awaiter::await_suspend(child_handle self) noexcept {
    return self.promise().group->child_done(self);
}

}  // namespace detail

task_group::task_group() : task_group(event_loop::running()) {}

task_group::task_group(event_loop& loop) noexcept : loop_(&loop) {}

task_group::~task_group() {
    for (detail::child_handle child : children_) child.destroy();
}

void task_group::spawn(task<void> work) {
    children_.reserve(children_.size() + 1);  // the only step that may throw: before the frame exists
    detail::child_handle child = detail::run_child(std::move(work)).handle;
    auto& promise = child.promise();
    promise.group = this;
    promise.stop = source_.get_token();
    promise.index = children_.size();
    children_.push_back(child);
    loop_->schedule(promise.node, child);
}

std::coroutine_handle<> task_group::child_done(detail::child_handle child) noexcept {
    const std::size_t index = child.promise().index;
    children_[index] = children_.back();
    children_[index].promise().index = index;
    children_.pop_back();
    child.destroy();
    if (children_.empty() && joiner_) return std::exchange(joiner_, {});
    return std::noop_coroutine();
}

void task_group::record(std::exception_ptr failure) noexcept {
    if (source_.stop_requested()) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::system_error& error) {
            if (error.code() == std::errc::operation_canceled) return;  // the cancellation asked for
        } catch (...) {
        }
    }
    if (!failure_) failure_ = failure;
    source_.request_stop();
}

void task_group::rethrow_failure() {
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

}  // namespace portsock::async
