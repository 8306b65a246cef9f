// portsock::async: tasks, the loop, timers, cancellation and structured concurrency.
#include "test_support.hpp"

#include <portsock/async.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace async = portsock::async;
using portsock_test::overrun;
using portsock_test::stopwatch;

async::task<int> forty_two() { co_return 42; }

async::task<int> add_one(int x) { co_return (co_await forty_two()) - 42 + x + 1; }

async::task<void> fail_with(std::string message) {
    co_await async::yield{};
    throw std::runtime_error(message);
}

async::task<int> rethrows() {
    co_await fail_with("boom");
    co_return 0;
}

TEST(AsyncTask, RunReturnsTheMainTasksValue) {
    async::event_loop loop;
    EXPECT_EQ(loop.run(add_one(1)), 2);
    EXPECT_EQ(loop.run(forty_two()), 42) << "a loop runs again";
}

async::task<int> runs_its_own_loop_again(async::event_loop& loop) {
    try {
        (void)loop.run(forty_two());
    } catch (const std::system_error& error) {
        co_return error.code() == std::errc::resource_deadlock_would_occur ? 1 : 2;
    }
    co_return 3;
}

TEST(AsyncTask, RunInsideItsOwnLoopIsRefusedNotACrash) {
    async::event_loop loop;
    EXPECT_EQ(loop.run(runs_its_own_loop_again(loop)), 1);
    EXPECT_EQ(loop.run(forty_two()), 42) << "the loop still runs afterwards";
}

TEST(AsyncTask, ExceptionPropagatesThroughAwaitAndRun) {
    async::event_loop loop;
    EXPECT_THROW(
        {
            try {
                loop.run(rethrows());
            } catch (const std::runtime_error& error) {
                EXPECT_STREQ(error.what(), "boom");
                throw;
            }
        },
        std::runtime_error);
}

TEST(AsyncTask, LazyTaskNotAwaitedNeverRuns) {
    bool ran = false;
    struct flag_setter {
        static async::task<void> set(bool& flag) {
            flag = true;
            co_return;
        }
    };
    { auto never = flag_setter::set(ran); }
    EXPECT_FALSE(ran);
    async::event_loop loop;
    loop.run(flag_setter::set(ran));
    EXPECT_TRUE(ran);
}

TEST(AsyncTask, MovedTaskKeepsItsCoroutine) {
    auto first = forty_two();
    auto second = std::move(first);
    EXPECT_FALSE(first);
    EXPECT_TRUE(second);
    async::event_loop loop;
    EXPECT_EQ(loop.run(std::move(second)), 42);
}

async::task<int> ready_value(int x) { co_return x; }

async::task<long> million_ready_awaits() {
    long sum = 0;
    for (int i = 0; i < 1'000'000; ++i) sum += co_await ready_value(1);
    co_return sum;
}

TEST(AsyncTask, AMillionSynchronousAwaitsDoNotGrowTheStack) {
    async::event_loop loop;
    EXPECT_EQ(loop.run(million_ready_awaits()), 1'000'000);
}

async::task<int> chain(int depth) {
    if (depth == 0) co_return 0;
    co_return 1 + co_await chain(depth - 1);
}

TEST(AsyncTask, DeepChainOfTasksCompletes) {
    async::event_loop loop;
    EXPECT_EQ(loop.run(chain(1000)), 1000);
}

// --- timers ------------------------------------------------------------------------------

async::task<void> sleeper(std::chrono::milliseconds d, std::vector<int>& order, int id) {
    co_await async::sleep_for(d);
    order.push_back(id);
}

async::task<void> three_sleepers(std::vector<int>& order) {
    async::task_group group;
    group.spawn(sleeper(60ms, order, 3));
    group.spawn(sleeper(20ms, order, 1));
    group.spawn(sleeper(40ms, order, 2));
    co_await group.join();
}

TEST(AsyncTimers, SleepersWakeInDeadlineOrder) {
    async::event_loop loop;
    std::vector<int> order;
    const stopwatch clock;
    loop.run(three_sleepers(order));
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
    EXPECT_GE(clock.elapsed(), 60ms);
    EXPECT_LT(clock.elapsed(), 60ms + overrun);
}

async::task<void> sleep_until_then(std::chrono::steady_clock::time_point when) {
    co_await async::sleep_until(when);
}

TEST(AsyncTimers, SleepUntilAndZeroSleep) {
    async::event_loop loop;
    const stopwatch clock;
    loop.run(sleep_until_then(std::chrono::steady_clock::now() + 30ms));
    EXPECT_GE(clock.elapsed(), 30ms);
    loop.run(sleep_until_then(std::chrono::steady_clock::now() - 1s));  // in the past: at once
    EXPECT_LT(clock.elapsed(), 30ms + overrun);
}

// --- cancellation and groups -------------------------------------------------------------

async::task<void> sleep_forever(std::error_code& ec) {
    co_await async::sleep_for(portsock::timeout::infinite(), ec);
}

async::task<void> cancel_a_group(std::error_code& a, std::error_code& b) {
    async::task_group group;
    group.spawn(sleep_forever(a));
    group.spawn(sleep_forever(b));
    co_await async::sleep_for(10ms);
    EXPECT_EQ(group.size(), 2u);
    group.cancel();
    co_await group.join();
    EXPECT_EQ(group.size(), 0u);
}

TEST(AsyncCancel, GroupCancelEndsEveryChildWithOperationCanceled) {
    async::event_loop loop;
    std::error_code a, b;
    loop.run(cancel_a_group(a, b));
    EXPECT_EQ(a, std::errc::operation_canceled);
    EXPECT_EQ(b, std::errc::operation_canceled);
}

async::task<void> throwing_sleep() { co_await async::sleep_for(portsock::timeout::infinite()); }

async::task<void> failing_child_cancels_siblings(std::error_code& sibling) {
    async::task_group group;
    group.spawn(sleep_forever(sibling));
    group.spawn(fail_with("child failed"));
    group.spawn(throwing_sleep());  // ends with operation_canceled: expected, not reported
    co_await group.join();
}

TEST(AsyncTaskGroup, FirstFailureCancelsTheRestAndIsRethrownAfterAllEnded) {
    async::event_loop loop;
    std::error_code sibling;
    try {
        loop.run(failing_child_cancels_siblings(sibling));
        FAIL() << "the child's exception was swallowed";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(), "child failed");
    }
    EXPECT_EQ(sibling, std::errc::operation_canceled);
}

async::task<void> cancelled_by_token(std::error_code& ec) { co_await async::sleep_for(10s, ec); }

TEST(AsyncCancelThreads, RunsStopTokenCancelsTheMainTaskFromAnotherThread) {
    async::event_loop loop;
    std::stop_source source;
    std::error_code ec;
    const stopwatch clock;
    std::thread canceller([&source] {
        std::this_thread::sleep_for(20ms);
        source.request_stop();
    });
    loop.run(cancelled_by_token(ec), source.get_token());
    canceller.join();
    EXPECT_EQ(ec, std::errc::operation_canceled);
    EXPECT_LT(clock.elapsed(), overrun);
}

async::task<void> destroyed_child_owner(bool& destroyed) {
    struct sentinel {
        bool* flag;
        ~sentinel() { *flag = true; }
    };
    struct body {
        static async::task<void> run(bool& flag) {
            sentinel s{&flag};
            co_await async::sleep_for(10s);
        }
    };
    {
        async::task_group group;
        group.spawn(body::run(destroyed));
        co_await async::sleep_for(5ms);
    }  // destroyed without join: the child's frame goes where it is suspended
    co_await async::sleep_for(5ms);
}

TEST(AsyncTaskGroup, DestroyedGroupDestroysSuspendedChildrenAndTheirTimers) {
    async::event_loop loop;
    bool destroyed = false;
    const stopwatch clock;
    loop.run(destroyed_child_owner(destroyed));
    EXPECT_TRUE(destroyed);
    EXPECT_LT(clock.elapsed(), overrun) << "the dead child's 10 s timer held the loop";
}

// --- when_any / when_all -----------------------------------------------------------------

async::task<int> value_after(std::chrono::milliseconds d, int value, int& ended) {
    try {
        co_await async::sleep_for(d);
    } catch (...) {
        ++ended;
        throw;
    }
    ++ended;
    co_return value;
}

async::task<int> race_two(int& ended) {
    auto result = co_await async::when_any(value_after(200ms, 1, ended), value_after(10ms, 2, ended));
    EXPECT_EQ(ended, 2) << "the loser was cancelled and awaited before when_any returned";
    EXPECT_EQ(result.index, 1u);
    co_return result.value;
}

TEST(AsyncWhenAny, FirstWinsLosersAreCancelledAndAwaited) {
    async::event_loop loop;
    int ended = 0;
    const stopwatch clock;
    EXPECT_EQ(loop.run(race_two(ended)), 2);
    EXPECT_LT(clock.elapsed(), 200ms);
}

async::task<int> failing_int() {
    co_await async::yield{};
    throw std::runtime_error("first to end failed");
}

async::task<int> race_with_failure(int& ended) {
    auto result = co_await async::when_any(value_after(500ms, 1, ended), failing_int());
    co_return result.value;
}

TEST(AsyncWhenAny, FailingFirstIsRethrownAfterTheOthersEnded) {
    async::event_loop loop;
    int ended = 0;
    EXPECT_THROW(loop.run(race_with_failure(ended)), std::runtime_error);
    EXPECT_EQ(ended, 1);
}

async::task<std::vector<int>> all_three(int& ended) {
    co_return co_await async::when_all(value_after(30ms, 1, ended), value_after(10ms, 2, ended),
                                       value_after(20ms, 3, ended));
}

TEST(AsyncWhenAll, ValuesInOrderGiven) {
    async::event_loop loop;
    int ended = 0;
    EXPECT_EQ(loop.run(all_three(ended)), (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(ended, 3);
}

async::task<std::vector<int>> all_with_failure(int& ended) {
    co_return co_await async::when_all(value_after(10s, 1, ended), failing_int());
}

TEST(AsyncWhenAll, OneFailureCancelsTheRest) {
    async::event_loop loop;
    int ended = 0;
    const stopwatch clock;
    EXPECT_THROW(loop.run(all_with_failure(ended)), std::runtime_error);
    EXPECT_EQ(ended, 1);
    EXPECT_LT(clock.elapsed(), overrun);
}

async::task<async::when_any_result<int>> empty_race() {
    co_return co_await async::when_any(std::vector<async::task<int>>{});
}

TEST(AsyncWhenAny, EmptyListIsInvalidArgument) {
    async::event_loop loop;
    try {
        loop.run(empty_race());
        FAIL();
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::invalid_argument);
    }
}

// --- post and stop -----------------------------------------------------------------------

async::task<int> wait_for_posts(std::atomic<int>& received, int expected) {
    for (int i = 0; i < 2000 && received.load() < expected; ++i) co_await async::sleep_for(5ms);
    co_return received.load();
}

TEST(AsyncLoopThreads, PostFromOtherThreadsRunsOnTheLoopThread) {
    async::event_loop loop;
    std::atomic<int> received{0};
    const auto loop_thread = std::this_thread::get_id();
    std::atomic<int> wrong_thread{0};
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t)
        posters.emplace_back([&] {
            for (int i = 0; i < 250; ++i)
                loop.post([&] {
                    if (std::this_thread::get_id() != loop_thread) ++wrong_thread;
                    ++received;
                });
        });
    const int got = loop.run(wait_for_posts(received, 1000));
    for (auto& poster : posters) poster.join();
    EXPECT_EQ(got, 1000);
    EXPECT_EQ(wrong_thread.load(), 0);
}

async::task<void> wait_long() { co_await async::sleep_for(10s); }

std::atomic<int> pointer_calls{0};
void count_a_pointer_call() { ++pointer_calls; }

// post() takes whatever is callable with no arguments: a move-only lambda (which a
// std::function could not hold), a std::function, a function pointer.
TEST(AsyncLoop, PostTakesMoveOnlyLambdasStdFunctionsAndFunctionPointers) {
    async::event_loop loop;
    std::atomic<int> received{0};
    auto owned = std::make_unique<int>(40);
    loop.post([&received, owned = std::move(owned)] { received += *owned; });
    const std::function<void()> copyable = [&received] { ++received; };
    loop.post(copyable);
    pointer_calls = 0;
    loop.post(&count_a_pointer_call);
    loop.post([&received] {
        if (pointer_calls.load() == 1) ++received;  // in the order posted: the pointer ran first
    });
    EXPECT_EQ(loop.run(wait_for_posts(received, 42)), 42);
    EXPECT_EQ(pointer_calls.load(), 1);
}

// An empty function fails as a std::function does when called: the exception ends run().
TEST(AsyncLoop, AnEmptyPostedFunctionEndsRunWithBadFunctionCall) {
    std::vector<async::posted_function> empties;
    empties.emplace_back(nullptr);
    empties.emplace_back(std::function<void()>{});
    empties.emplace_back(static_cast<void (*)()>(nullptr));
    empties.emplace_back();
    EXPECT_FALSE(empties[0]);
    EXPECT_TRUE(empties[1]) << "holds a std::function, which is itself empty";
    EXPECT_FALSE(empties[2]) << "a null pointer is no function";
    for (auto& empty : empties) {
        async::event_loop loop;
        loop.post(std::move(empty));
        EXPECT_THROW(loop.run(wait_long()), std::bad_function_call);
    }
    async::posted_function moved_from = [] {};
    const async::posted_function taker = std::move(moved_from);
    EXPECT_TRUE(taker);
    EXPECT_FALSE(moved_from);  // NOLINT(bugprone-use-after-move): a moved-from one is empty
}

TEST(AsyncLoopThreads, StopFromAnotherThreadEndsRunWithOperationCanceled) {
    async::event_loop loop;
    std::thread stopper([&loop] {
        std::this_thread::sleep_for(20ms);
        loop.stop();
    });
    const stopwatch clock;
    try {
        loop.run(wait_long());
        ADD_FAILURE() << "run() returned after stop()";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::operation_canceled);
    }
    stopper.join();
    EXPECT_LT(clock.elapsed(), overrun);
    EXPECT_EQ(loop.run(forty_two()), 42) << "the loop runs again after a stop";
}

TEST(AsyncLoop, RunningOutsideALoopIsOperationNotPermitted) {
    EXPECT_EQ(async::event_loop::current(), nullptr);
    try {
        (void)async::event_loop::running();
        FAIL();
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::operation_not_permitted);
    }
}

}  // namespace
