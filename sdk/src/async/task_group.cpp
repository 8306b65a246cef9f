// portsock::async::task_group: children, their failures and the join.
#include <portsock/async/task_group.hpp>

#include <algorithm>

namespace portsock::async {

namespace detail {

std::stop_token promise_base::stop_token() const noexcept {
    if (foreign_stop) return foreign;
    return scope ? scope->source.get_token() : std::stop_token{};
}

std::coroutine_handle<> end_child(promise_base& child) noexcept {
    return child.scope->owner->child_done(child);
}

namespace {

// Room for one more, growing geometrically (reserve(size() + 1) would copy every time).
void make_room(std::vector<child_handle>& children) {
    if (children.size() == children.capacity())
        children.reserve(std::max<std::size_t>(8, 2 * children.size()));
}

}  // namespace

}  // namespace detail

task_group::task_group() : task_group(event_loop::running()) {}

task_group::task_group(event_loop& loop) noexcept : loop_(&loop) {
    scope_.owner = this;
    starter_.group = this;
    starter_.call = &task_group::start_spawned;
}

task_group::~task_group() {
    for (detail::child_handle child : children_) child.destroy();
}

void detail::throw_not_startable(const char* what) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            std::string(what) + ": an empty task, or one started before");
}

void task_group::spawn(task<void> work) {
    if (!work || !work.handle().promise().startable() || work.handle().done())
        detail::throw_not_startable("portsock::async::task_group::spawn");
    detail::make_room(children_);  // the only steps that may throw: before the group owns the frame
    detail::make_room(spawned_);
    const detail::child_handle child = work.release();
    auto& promise = child.promise();
    promise.spawned = true;
    promise.set_scope(&scope_);
    promise.child_index = static_cast<std::uint32_t>(children_.size());
    children_.push_back(child);
    spawned_.push_back(child);
    if (!starter_.linked()) loop_->schedule(starter_, {});
}

void task_group::start_spawned(detail::call_node& node) noexcept {
    // Those spawned while these start wait for the next turn. A child that ends here may
    // resume the joiner, which may destroy the group: only the local batch is used after.
    std::vector<detail::child_handle> batch;
    batch.swap(static_cast<starter&>(node).group->spawned_);
    for (detail::child_handle child : batch) child.resume();
}

std::coroutine_handle<> task_group::child_done(detail::promise_base& child) noexcept {
    if (child.exception) record(std::exchange(child.exception, nullptr));
    const std::uint32_t index = child.child_index;
    const detail::child_handle ended = children_[index];
    children_[index] = children_.back();
    children_[index].promise().child_index = index;
    children_.pop_back();
    ended.destroy();
    if (children_.empty() && joiner_) return std::exchange(joiner_, {});
    return std::noop_coroutine();
}

void task_group::record(std::exception_ptr failure) noexcept {
    if (scope_.source.stop_requested()) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::system_error& error) {
            if (error.code() == std::errc::operation_canceled) return;  // the cancellation asked for
        } catch (...) {
        }
    }
    if (!failure_) failure_ = failure;
    scope_.request_stop();
}

void task_group::rethrow_failure() {
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

}  // namespace portsock::async
