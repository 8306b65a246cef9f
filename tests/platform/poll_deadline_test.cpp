// The shared wait loop of platform::wait() and the pollers (poll_deadline.hpp), driven by a
// fake clock and a fake OS wait: timeouts longer than one OS wait can take (INT_MAX ms,
// about 24.8 days), and waits that return early, end at the real deadline. Nothing here
// waits.
#include "poll_deadline.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace pf = portsock::platform;

// A clock that moves only when a test moves it.
struct fake_clock {
    using duration = std::chrono::nanoseconds;
    using rep = duration::rep;
    using period = duration::period;
    using time_point = std::chrono::time_point<fake_clock>;
    [[maybe_unused]] static constexpr bool is_steady = true;
    static inline time_point current{};
    static time_point now() noexcept { return current; }
};

// An OS wait that is never ready: it returns at once with nothing ready, after moving the
// clock by `advance(ms)`, and records the timeout it was given.
struct fake_wait {
    std::vector<int> asked;
    std::chrono::milliseconds (*advance)(int ms);

    int operator()(int ms) {
        asked.push_back(ms);
        fake_clock::current += advance(ms);
        return 0;
    }
};

std::chrono::milliseconds runs_out(int ms) { return std::chrono::milliseconds(ms); }

std::int64_t elapsed_ms(fake_clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(fake_clock::now() - since).count();
}

constexpr std::int64_t day_ms = 24LL * 60 * 60 * 1000;

TEST(PollDeadline, ATimeoutLongerThanOneOsWaitEndsAtItsRealDeadline) {
    const std::int64_t longest = INT_MAX;
    for (const std::int64_t limit :
         {30 * day_ms, longest + 1, 3 * longest + 7, std::int64_t{1'000'000'000'000}}) {
        const auto start = fake_clock::now();
        fake_wait os{{}, runs_out};
        EXPECT_EQ(pf::wait_until_deadline<fake_clock>(limit, os), 0);
        EXPECT_EQ(elapsed_ms(start), limit) << "ended early or late for a limit of " << limit << " ms";
        ASSERT_FALSE(os.asked.empty());
        EXPECT_EQ(os.asked.front(), INT_MAX) << "each OS wait is capped at INT_MAX ms";
        for (const int ms : os.asked) EXPECT_GT(ms, 0);
        EXPECT_EQ(os.asked.size(), static_cast<std::size_t>((limit + INT_MAX - 1) / INT_MAX));
    }
}

TEST(PollDeadline, AWaitThatReturnsEarlyIsResumedWithWhatIsLeft) {
    const auto start = fake_clock::now();
    // The OS returns after a third of what it was asked (EINTR, or WSAPoll's early wake-up).
    fake_wait os{{}, [](int ms) { return std::chrono::milliseconds(ms / 3 + 1); }};
    EXPECT_EQ(pf::wait_until_deadline<fake_clock>(900, os), 0);
    EXPECT_EQ(elapsed_ms(start), 900);
    ASSERT_GE(os.asked.size(), 3u);
    EXPECT_EQ(os.asked[0], 900);
    EXPECT_EQ(os.asked[1], 900 - (900 / 3 + 1));
}

TEST(PollDeadline, ReadinessOrAnErrorEndsTheWaitAtOnce) {
    int calls = 0;
    EXPECT_EQ(pf::wait_until_deadline<fake_clock>(40 * day_ms, [&](int) { return ++calls == 2 ? 1 : 0; }), 1);
    EXPECT_EQ(calls, 2);
    calls = 0;
    EXPECT_EQ(pf::wait_until_deadline<fake_clock>(
                  -1,
                  [&](int ms) {
                      EXPECT_EQ(ms, -1) << "an infinite wait asks the OS to wait forever";
                      return ++calls == 5 ? -1 : 0;  // four interruptions, then an error
                  }),
              -1);
    EXPECT_EQ(calls, 5);
}

TEST(PollDeadline, AZeroTimeoutLooksOnceWithoutReadingTheClock) {
    fake_wait os{{}, runs_out};
    EXPECT_EQ(pf::wait_until_deadline<fake_clock>(0, os), 0);
    EXPECT_EQ(os.asked, std::vector<int>{0});
}

TEST(PollDeadline, RemainingIsCappedAndNeverNegative) {
    const pf::basic_poll_deadline<fake_clock> far(100 * day_ms);
    EXPECT_EQ(far.remaining_ms(), INT_MAX);
    EXPECT_FALSE(far.expired());
    const pf::basic_poll_deadline<fake_clock> near(5);
    fake_clock::current += 1s;
    EXPECT_EQ(near.remaining_ms(), 0);
    EXPECT_TRUE(near.expired());
    const pf::basic_poll_deadline<fake_clock> forever(-1);
    EXPECT_EQ(forever.remaining_ms(), -1);
    EXPECT_FALSE(forever.expired());
}

TEST(PollDeadline, AnyTimeoutSaturatesInsteadOfWrapping) {
    // A deadline past the clock's last time point is the last time point: still far off.
    for (const std::int64_t ms : {INT64_MAX, INT64_MAX / 2, std::int64_t{10'000'000'000'000}}) {
        const pf::basic_poll_deadline<fake_clock> far(ms);
        EXPECT_EQ(far.remaining_ms(), INT_MAX) << ms;
        EXPECT_FALSE(far.expired()) << ms;
    }
}

}  // namespace
