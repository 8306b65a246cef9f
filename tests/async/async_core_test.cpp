// portsock::async: tasks, the loop, timers, cancellation and structured concurrency.
#include "test_support.hpp"

#include <portsock/async.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <coroutine>
#include <exception>
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

// The same through a second loop: a task of `outer` runs `inner`, whose task runs `outer`
// again (a stack overflow before, when only the innermost loop was checked).
async::task<int> runs_the_outer_loop(async::event_loop& outer) {
    try {
        (void)outer.run(forty_two());
    } catch (const std::system_error& error) {
        co_return error.code() == std::errc::resource_deadlock_would_occur ? 1 : 2;
    }
    co_return 3;
}

async::task<int> runs_another_loop(async::event_loop& outer) {
    async::event_loop inner;
    co_return inner.run(runs_the_outer_loop(outer));
}

TEST(AsyncTask, RunOfALoopInsideALoopItRunsIsRefusedNotACrash) {
    async::event_loop outer;
    EXPECT_EQ(outer.run(runs_another_loop(outer)), 1);
    EXPECT_EQ(outer.run(forty_two()), 42) << "the loop still runs afterwards";
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

// A task is started once. An empty (moved-from) task, or one awaited before, is refused
// with invalid_argument wherever it goes: co_await, run(), spawn(); never a resumed dead frame.
template <class Action>
bool refused_as_invalid(Action action) {
    try {
        action();
    } catch (const std::system_error& error) {
        return error.code() == std::errc::invalid_argument;
    }
    return false;
}

async::task<void> one_turn() { co_await async::yield{}; }

async::task<int> awaits_tasks_that_cannot_start() {
    auto once = forty_two();
    const int value = co_await std::move(once);
    int refused = 0;
    try {
        (void)co_await std::move(once);  // awaited before
    } catch (const std::system_error& error) {
        refused += error.code() == std::errc::invalid_argument;
    }
    auto moved = forty_two();
    auto owner = std::move(moved);
    try {
        (void)co_await std::move(moved);  // empty
    } catch (const std::system_error& error) {
        refused += error.code() == std::errc::invalid_argument;
    }
    async::task<void> child = one_turn();
    async::task<void> spare = std::move(child);
    async::task_group group;
    refused += refused_as_invalid([&] { group.spawn(std::move(child)); });  // empty
    co_await std::move(spare);
    refused += refused_as_invalid([&] { group.spawn(std::move(spare)); });  // awaited before
    co_await group.join();
    co_return refused == 4 && co_await std::move(owner) == 42 ? value : -1;
}

async::task<int> ready_value(int x) { co_return x; }

async::task<long> million_ready_awaits() {
    long sum = 0;
    for (int i = 0; i < 1'000'000; ++i) sum += co_await ready_value(1);
    co_return sum;
}

TEST(AsyncTask, AnEmptyOrAlreadyStartedTaskIsRefusedNotResumed) {
    async::event_loop loop;
    EXPECT_EQ(loop.run(awaits_tasks_that_cannot_start()), 42);
    auto main = forty_two();
    auto owner = std::move(main);
    EXPECT_TRUE(refused_as_invalid([&] { (void)loop.run(std::move(main)); })) << "run() of an empty task";
    EXPECT_EQ(loop.run(std::move(owner)), 42) << "the loop still runs";
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

async::task<int> sleeps_then(int value) {
    co_await async::sleep_for(1ms);  // needs a running loop with its timers
    co_return value;
}

async::task<void> sleeps_and_sets(bool& done) {
    co_await async::sleep_for(1ms);
    done = true;
}

// async::run(): a loop of its own for each call, as asyncio.run().
TEST(AsyncTask, RunFunctionRunsTheMainTaskOnANewLoop) {
    EXPECT_EQ(async::run(sleeps_then(42)), 42);
    EXPECT_EQ(async::run(add_one(1)), 2) << "a second call, a second loop";
    bool done = false;
    async::run(sleeps_and_sets(done));  // a task<void>
    EXPECT_TRUE(done);
}

TEST(AsyncTask, RunFunctionRethrowsAndIsCancelledByItsToken) {
    EXPECT_THROW(async::run(rethrows()), std::runtime_error);
    std::stop_source source;
    source.request_stop();
    std::error_code ec;
    const stopwatch clock;
    async::run(cancelled_by_token(ec), source.get_token());
    EXPECT_EQ(ec, std::errc::operation_canceled);
    EXPECT_LT(clock.elapsed(), overrun);
}

TEST(AsyncTaskThreads, RunFunctionOnTwoThreadsAtOnceGivesEachItsLoop) {
    int other = 0;
    std::thread thread([&other] { other = async::run(sleeps_then(7)); });
    const int mine = async::run(sleeps_then(8));
    thread.join();
    EXPECT_EQ(mine, 8);
    EXPECT_EQ(other, 7);
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

// when_any() and when_all() whose awaiting task is cancelled before any task ends have no
// value to give: they throw the cancellation, never read a result that is not there.
async::task<std::string> long_text() {
    co_await async::sleep_for(10s);
    co_return std::string(100, 'x');
}

async::task<void> never_ending() { co_await async::sleep_for(10s); }

async::task<void> cancel_group_after(async::task_group& group, std::chrono::milliseconds delay) {
    co_await async::sleep_for(delay);
    group.cancel();
}

template <class Race>
async::task<void> expect_cancelled(Race race, std::error_code& outcome) {
    try {
        co_await std::move(race);
        outcome = {};
    } catch (const std::system_error& error) {
        outcome = error.code();
    }
}

template <class Race>
async::task<std::error_code> race_in_cancelled_group(Race race) {
    std::error_code outcome = std::make_error_code(std::errc::io_error);  // replaced by the race's end
    async::task_group group;
    group.spawn(expect_cancelled(std::move(race), outcome));
    group.spawn(cancel_group_after(group, 20ms));
    co_await group.join();
    co_return outcome;
}

template <class Race>
std::error_code cancel_while_racing(Race race) {
    return async::run(race_in_cancelled_group(std::move(race)));
}

async::task<async::when_any_result<std::string>> race_texts() {
    co_return co_await async::when_any(long_text(), long_text());
}
async::task<std::vector<std::string>> all_texts() {
    co_return co_await async::when_all(long_text(), long_text());
}
async::task<void> all_voids() { co_await async::when_all(never_ending(), never_ending()); }

TEST(AsyncWhenAny, CancelledBeforeAnyEndsThrowsOperationCanceled) {
    const stopwatch clock;
    EXPECT_EQ(cancel_while_racing(race_texts()), std::errc::operation_canceled);
    EXPECT_LT(clock.elapsed(), overrun);
}

TEST(AsyncWhenAll, CancelledBeforeAllEndThrowsOperationCanceled) {
    const stopwatch clock;
    EXPECT_EQ(cancel_while_racing(all_texts()), std::errc::operation_canceled);
    EXPECT_EQ(cancel_while_racing(all_voids()), std::errc::operation_canceled);
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

// A stop() that lands before run() starts (a thread that starts the loop, then stops it at
// once) ends that run(): it is not lost, and the main task never starts.
TEST(AsyncLoop, StopBeforeRunEndsTheNextRunAtOnce) {
    async::event_loop loop;
    loop.stop();
    const stopwatch clock;
    int ended = 0;
    try {
        (void)loop.run(value_after(10s, 1, ended));
        ADD_FAILURE() << "run() returned after stop()";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code(), std::errc::operation_canceled);
    }
    EXPECT_LT(clock.elapsed(), overrun);
    EXPECT_EQ(ended, 0);
    EXPECT_EQ(loop.run(forty_two()), 42) << "the stop was used up";
}

// A posted function that throws ends run(); those posted after it are not lost: the next
// run() calls them, in order.
TEST(AsyncLoop, FunctionsPostedAfterAThrowingOneRunAtTheNextRun) {
    async::event_loop loop;
    std::vector<int> calls;
    loop.post([] { throw std::runtime_error("posted failure"); });
    loop.post([&calls] { calls.push_back(1); });
    loop.post([&calls] { calls.push_back(2); });
    EXPECT_THROW((void)loop.run(wait_long()), std::runtime_error);
    EXPECT_TRUE(calls.empty());
    EXPECT_EQ(loop.run(forty_two()), 42);
    EXPECT_EQ(calls, (std::vector<int>{1, 2}));
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

// --- one frame per child: the group's own bookkeeping ------------------------------------

async::task<void> count_after_yield(int& ended) {
    co_await async::yield{};
    ++ended;
}

async::task<void> count_at_once(int& ended) {
    ++ended;
    co_return;
}

async::task<void> spawn_thousands(int& ended, std::size_t& most) {
    async::task_group group;
    for (int i = 0; i < 5000; ++i) {
        if (i % 2 == 0)
            group.spawn(count_after_yield(ended));
        else
            group.spawn(count_at_once(ended));  // ends while it starts
    }
    most = group.size();
    EXPECT_EQ(ended, 0) << "children start at the loop's next turn, not in spawn()";
    co_await group.join();
    EXPECT_EQ(group.size(), 0u);
}

TEST(AsyncTaskGroup, ThousandsOfChildrenEachRunOnceAndJoinWaitsForAll) {
    async::event_loop loop;
    int ended = 0;
    std::size_t most = 0;
    loop.run(spawn_thousands(ended, most));
    EXPECT_EQ(most, 5000u);
    EXPECT_EQ(ended, 5000);
}

async::task<void> record_then_spawn(std::vector<int>& order, int id, async::task_group& group) {
    order.push_back(id);
    if (id <= 3) group.spawn(record_then_spawn(order, id + 10, group));  // starts a turn later
    co_return;
}

async::task<void> spawn_in_order(std::vector<int>& order) {
    async::task_group group;
    for (int id = 1; id <= 3; ++id) group.spawn(record_then_spawn(order, id, group));
    co_await async::yield{};  // one turn: the three spawned, not yet those they spawn
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
    co_await group.join();
}

TEST(AsyncTaskGroup, ChildrenStartInSpawnOrderAndTheirOwnSpawnsWaitATurn) {
    async::event_loop loop;
    std::vector<int> order;
    loop.run(spawn_in_order(order));
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 11, 12, 13}));
}

async::task<void> throw_at_once() {
    throw std::runtime_error("at once");
    co_return;
}

async::task<void> group_with_child_failing_at_start(std::error_code& sibling) {
    async::task_group group;
    group.spawn(sleep_forever(sibling));
    group.spawn(throw_at_once());  // fails before its first suspension
    co_await group.join();
}

TEST(AsyncTaskGroup, ChildFailingBeforeItsFirstSuspensionIsRethrown) {
    async::event_loop loop;
    std::error_code sibling;
    EXPECT_THROW(loop.run(group_with_child_failing_at_start(sibling)), std::runtime_error);
    EXPECT_EQ(sibling, std::errc::operation_canceled);
}

async::task<void> cancel_before_start(std::error_code& ec, bool& ran) {
    async::task_group group;
    group.spawn([](std::error_code& out, bool& flag) -> async::task<void> {
        flag = true;
        co_await async::sleep_for(10s, out);
    }(ec, ran));
    group.cancel();  // before the child starts: its first wait ends at once
    co_await group.join();
}

TEST(AsyncCancel, ChildOfAGroupCancelledBeforeItStartsEndsAtItsFirstWait) {
    async::event_loop loop;
    std::error_code ec;
    bool ran = false;
    const stopwatch clock;
    loop.run(cancel_before_start(ec, ran));
    EXPECT_TRUE(ran);
    EXPECT_EQ(ec, std::errc::operation_canceled);
    EXPECT_LT(clock.elapsed(), overrun);
}

async::task<void> sleep_in_nested_task(std::error_code& ec) { co_await sleep_forever(ec); }

async::task<void> inner_group(std::error_code& a, std::error_code& b) {
    async::task_group inner;
    inner.spawn(sleep_in_nested_task(a));
    inner.spawn(sleep_forever(b));
    co_await inner.join();  // the outer group's cancellation reaches the inner children
}

async::task<void> cancel_nested_groups(std::error_code& a, std::error_code& b, std::error_code& c) {
    async::task_group outer;
    outer.spawn(inner_group(a, b));
    outer.spawn(sleep_in_nested_task(c));
    co_await async::sleep_for(10ms);
    outer.cancel();
    co_await outer.join();
}

TEST(AsyncCancel, CancellingAGroupReachesNestedTasksAndNestedGroups) {
    async::event_loop loop;
    std::error_code a, b, c;
    const stopwatch clock;
    loop.run(cancel_nested_groups(a, b, c));
    EXPECT_EQ(a, std::errc::operation_canceled);
    EXPECT_EQ(b, std::errc::operation_canceled);
    EXPECT_EQ(c, std::errc::operation_canceled);
    EXPECT_LT(clock.elapsed(), overrun);
}

async::task<void> many_waits_cancelled(int& cancelled) {
    async::task_group group;
    for (int i = 0; i < 2000; ++i)
        group.spawn([](int& count) -> async::task<void> {
            std::error_code ec;
            co_await async::sleep_for(10s, ec);
            if (ec == std::errc::operation_canceled) ++count;
        }(cancelled));
    co_await async::sleep_for(5ms);
    group.cancel();
    co_await group.join();
}

TEST(AsyncCancel, ThousandsOfPendingWaitsAllEndCancelled) {
    async::event_loop loop;
    int cancelled = 0;
    const stopwatch clock;
    loop.run(many_waits_cancelled(cancelled));
    EXPECT_EQ(cancelled, 2000);
    EXPECT_LT(clock.elapsed(), overrun);
}

// A coroutine type of the user's own, with its own stop token: portsock's operations (and
// the tasks it awaits) honour that token too.
struct user_coroutine {
    struct promise_type {
        std::stop_token token;
        user_coroutine get_return_object() noexcept {
            return {std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { std::terminate(); }
        std::stop_token stop_token() const noexcept { return token; }
    };
    std::coroutine_handle<promise_type> handle;
};

user_coroutine user_waits(bool in_a_task, std::error_code& ec) {
    if (in_a_task)
        co_await sleep_in_nested_task(ec);  // the task inherits the user's token
    else
        co_await async::sleep_for(10s, ec);
}

async::task<void> drive_user_coroutine(bool in_a_task, std::error_code& ec) {
    std::stop_source source;
    user_coroutine user = user_waits(in_a_task, ec);
    user.handle.promise().token = source.get_token();
    user.handle.resume();  // runs until it waits
    co_await async::sleep_for(5ms);
    EXPECT_FALSE(user.handle.done());
    source.request_stop();
    for (int turn = 0; turn < 100 && !user.handle.done(); ++turn) co_await async::sleep_for(1ms);
    EXPECT_TRUE(user.handle.done());
    user.handle.destroy();
}

TEST(AsyncCancel, StopTokenOfAUsersOwnCoroutineTypeCancelsItsOperations) {
    async::event_loop loop;
    std::error_code direct, in_task;
    const stopwatch clock;
    loop.run(drive_user_coroutine(false, direct));
    loop.run(drive_user_coroutine(true, in_task));
    EXPECT_EQ(direct, std::errc::operation_canceled);
    EXPECT_EQ(in_task, std::errc::operation_canceled);
    EXPECT_LT(clock.elapsed(), overrun);
}

// The user's stop source may be stopped on another thread: the loop is woken and cancels the
// operation on its own thread (the loop's state is never touched from the stopping thread).
user_coroutine user_waits_then_tells(async::event& ended, std::error_code& ec) {
    co_await async::sleep_for(10s, ec);
    ended.set();
}

async::task<void> user_coroutine_stopped_elsewhere(std::error_code& ec, std::error_code& waited) {
    std::stop_source source;
    async::event ended;
    user_coroutine user = user_waits_then_tells(ended, ec);
    user.handle.promise().token = source.get_token();
    user.handle.resume();  // runs until it waits
    std::thread stopper([&source] {
        std::this_thread::sleep_for(20ms);
        source.request_stop();
    });
    co_await ended.wait(waited, 5s);  // the loop has nothing else to wake it
    stopper.join();
    EXPECT_TRUE(user.handle.done());
    user.handle.destroy();
}

TEST(AsyncCancelThreads, StopTokenOfAUsersOwnCoroutineTypeStoppedOnAnotherThread) {
    async::event_loop loop;
    const stopwatch clock;
    for (int round = 0; round < 20; ++round) {
        std::error_code ec, waited;
        loop.run(user_coroutine_stopped_elsewhere(ec, waited));
        EXPECT_EQ(ec, std::errc::operation_canceled);
        EXPECT_FALSE(waited) << waited.message();
    }
    EXPECT_LT(clock.elapsed(), overrun);
}

user_coroutine user_waits_for_event(async::event& flag, std::error_code& first, std::error_code& second) {
    co_await flag.wait(first);               // untimed: only its stop callback takes a loop's timer entry
    co_await async::sleep_for(1ms, second);  // timed: its deadline and its stop callback share one
}

async::task<void> drive_user_event_wait(std::error_code& first, std::error_code& second, bool& done) {
    std::stop_source source;
    async::event flag;
    user_coroutine user = user_waits_for_event(flag, first, second);
    user.handle.promise().token = source.get_token();
    user.handle.resume();  // runs until it waits
    co_await async::sleep_for(2ms);
    EXPECT_FALSE(user.handle.done());
    flag.set();
    for (int turn = 0; turn < 100 && !user.handle.done(); ++turn) co_await async::sleep_for(1ms);
    done = user.handle.done();
    user.handle.destroy();
    // Stopped after its frame is gone: a callback left behind would reach freed memory.
    source.request_stop();
    for (int i = 0; i < 3; ++i) co_await async::sleep_for(1ms);  // the entries serve again
}

TEST(AsyncCancel, UsersStopTokenLeavesNoCallbackBehindOnceItsWaitsEnd) {
    async::event_loop loop;
    std::error_code first = std::make_error_code(std::errc::io_error), second = first;
    bool done = false;
    loop.run(drive_user_event_wait(first, second, done));
    EXPECT_TRUE(done);
    EXPECT_FALSE(first) << first.message();
    EXPECT_FALSE(second) << second.message();
}

// An operation keeps its timeout through its wait (its timer holds it meanwhile): awaited
// again, it waits as long again.
async::task<void> one_sleep_awaited_twice(std::chrono::milliseconds& first,
                                          std::chrono::milliseconds& second) {
    auto nap = async::sleep_for(20ms);
    const stopwatch clock;
    co_await nap;
    first = clock.elapsed();
    co_await nap;
    second = clock.elapsed() - first;
}

TEST(AsyncTimers, AnAwaitableAwaitedAgainWaitsItsWholeTimeoutAgain) {
    async::event_loop loop;
    std::chrono::milliseconds first{0}, second{0};
    loop.run(one_sleep_awaited_twice(first, second));
    EXPECT_GE(first, 20ms);
    EXPECT_GE(second, 20ms);
    EXPECT_LT(first + second, overrun);
}

async::task<void> sleep_and_count(std::chrono::milliseconds d, int& woken) {
    co_await async::sleep_for(d);
    ++woken;
}

async::task<void> rounds_of_timed_waits(int& woken, bool& in_time) {
    for (int round = 0; round < 3; ++round) {  // later rounds reuse the loop's timers
        async::task_group group;
        for (int i = 0; i < 300; ++i)
            group.spawn(sleep_and_count(std::chrono::milliseconds(1 + i % 7), woken));
        const stopwatch clock;
        co_await group.join();
        if (clock.elapsed() >= overrun) in_time = false;
    }
}

TEST(AsyncTimers, HundredsOfTimedWaitsAtOnceInSeveralRoundsAllWake) {
    async::event_loop loop;
    int woken = 0;
    bool in_time = true;
    loop.run(rounds_of_timed_waits(woken, in_time));
    EXPECT_EQ(woken, 900);
    EXPECT_TRUE(in_time);
}

}  // namespace
