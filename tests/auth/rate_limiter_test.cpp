#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

namespace oc::auth {
namespace {

constexpr int64_t kT0 = 1'000'000LL * 60'000 + 20'000;  // 20 s into a minute

TEST(RateLimiter, DeniesRequestNPlusOneWithinAMinute) {
    RateLimiter limiter(5);
    for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.Acquire("tok", kT0 + i)) << i;
    std::optional<int> retry = limiter.Acquire("tok", kT0 + 10);
    ASSERT_TRUE(retry);
    EXPECT_GE(*retry, 1);
    EXPECT_LE(*retry, 120);
}

TEST(RateLimiter, OtherKeyIsNotLimited) {
    RateLimiter limiter(2);
    EXPECT_FALSE(limiter.Acquire("a", kT0));
    EXPECT_FALSE(limiter.Acquire("a", kT0));
    EXPECT_TRUE(limiter.Acquire("a", kT0));
    EXPECT_FALSE(limiter.Acquire("b", kT0));
}

TEST(RateLimiter, RetryAfterIsWhenTheRequestIsAllowedAgain) {
    RateLimiter limiter(3);
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(limiter.Acquire("k", kT0));
    std::optional<int> retry = limiter.Acquire("k", kT0);
    ASSERT_TRUE(retry);
    // Not allowed a second before Retry-After, allowed at it.
    EXPECT_TRUE(limiter.Acquire("k", kT0 + (*retry - 1) * 1000LL));
    EXPECT_FALSE(limiter.Acquire("k", kT0 + *retry * 1000LL));
}

TEST(RateLimiter, DeniedRequestsAreNotCounted) {
    RateLimiter limiter(1);
    ASSERT_FALSE(limiter.Acquire("k", kT0));
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.Acquire("k", kT0 + 1));
    EXPECT_FALSE(limiter.Acquire("k", kT0 + 3 * 60 * 1000));
}

TEST(RateLimiter, NoBurstOfTwiceTheLimitAtAWindowEdge) {
    RateLimiter limiter(10);
    const int64_t end_of_minute = kT0 + 39'000;  // 59 s into the minute
    for (int i = 0; i < 10; ++i) ASSERT_FALSE(limiter.Acquire("k", end_of_minute));
    EXPECT_TRUE(limiter.Acquire("k", end_of_minute + 2'000));  // 1 s into the next minute
}

TEST(RateLimiter, ZeroDisablesTheLimit) {
    RateLimiter limiter(0);
    for (int i = 0; i < 10'000; ++i) ASSERT_FALSE(limiter.Acquire("k", kT0));
}

TEST(RateLimiter, RealClockAllowsFirstRequest) {
    RateLimiter limiter;
    EXPECT_EQ(limiter.requests_per_minute(), 1000);
    EXPECT_FALSE(limiter.Acquire("k"));
}

}  // namespace
}  // namespace oc::auth
