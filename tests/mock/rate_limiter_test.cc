// The rate limiter's fixed windows (rate_limiter.h): counted per account and endpoint class,
// reset on the clock's whole seconds and minutes, refusals not counted.
#include "bis/mock/rate_limiter.h"

#include <gtest/gtest.h>

namespace bis::mock {
namespace {

constexpr int64_t kMinute = 1'795'000'020'000;  // some time of the mock's clock

TEST(RateLimiterTest, TheBurstWindowRefusesTheRequestOverItsLimitUntilTheNextSecond) {
  RateLimiter r;
  const RateLimit limit{2, 100};
  EXPECT_TRUE(r.take("A", EndpointClass::kClientBackInStock, limit, kMinute + 100).allowed);
  const RateDecision second = r.take("A", EndpointClass::kClientBackInStock, limit, kMinute + 200);
  EXPECT_TRUE(second.allowed);
  EXPECT_EQ(second.limit, 100);
  EXPECT_EQ(second.remaining, 98);
  EXPECT_EQ(second.reset_seconds, 60);  // 59.8 s left, rounded up
  const RateDecision third = r.take("A", EndpointClass::kClientBackInStock, limit, kMinute + 999);
  EXPECT_FALSE(third.allowed);
  EXPECT_TRUE(third.burst_exceeded);
  EXPECT_EQ(third.retry_after_seconds, 1);
  EXPECT_EQ(third.remaining, 98);  // a refusal is not counted
  // The burst window opened with the first request, at +100: it ends at +1100.
  EXPECT_FALSE(r.take("A", EndpointClass::kClientBackInStock, limit, kMinute + 1099).allowed);
  EXPECT_TRUE(r.take("A", EndpointClass::kClientBackInStock, limit, kMinute + 1100).allowed);
}

TEST(RateLimiterTest, TheSteadyWindowRefusesUntilTheNextMinuteAndSaysHowLong) {
  RateLimiter r;
  const RateLimit limit{10, 3};
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(r.take("A", EndpointClass::kLegacySubscribe, limit, kMinute + i * 5000).allowed);
  const RateDecision d = r.take("A", EndpointClass::kLegacySubscribe, limit, kMinute + 15'500);
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.burst_exceeded);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.retry_after_seconds, 45);  // 44.5 s to the minute, rounded up
  EXPECT_FALSE(r.take("A", EndpointClass::kLegacySubscribe, limit, kMinute + 59'999).allowed);
  const RateDecision next = r.take("A", EndpointClass::kLegacySubscribe, limit, kMinute + 60'000);
  EXPECT_TRUE(next.allowed);
  EXPECT_EQ(next.remaining, 2);
}

TEST(RateLimiterTest, AccountsAndEndpointClassesHaveTheirOwnBudgets) {
  RateLimiter r;
  const RateLimit limit{1, 1};
  EXPECT_TRUE(r.take("A", EndpointClass::kClientBackInStock, limit, kMinute).allowed);
  EXPECT_FALSE(r.take("A", EndpointClass::kClientBackInStock, limit, kMinute).allowed);
  EXPECT_TRUE(r.take("B", EndpointClass::kClientBackInStock, limit, kMinute).allowed);
  EXPECT_TRUE(r.take("A", EndpointClass::kServerBackInStock, limit, kMinute).allowed);
  r.clear();
  EXPECT_TRUE(r.take("A", EndpointClass::kClientBackInStock, limit, kMinute).allowed);
}

TEST(RateLimiterTest, AClockSetBackStartsAFreshWindow) {
  RateLimiter r;
  const RateLimit limit{1, 1};
  EXPECT_TRUE(r.take("A", EndpointClass::kClientBackInStock, limit, kMinute).allowed);
  EXPECT_TRUE(r.take("A", EndpointClass::kClientBackInStock, limit, kMinute - 60'000).allowed);
}

TEST(RateLimiterTest, PathsMapToTheirEndpointClass) {
  EXPECT_EQ(endpoint_class("/client/back-in-stock-subscriptions"),
            EndpointClass::kClientBackInStock);
  EXPECT_EQ(endpoint_class("/client/back-in-stock-subscriptions/"),
            EndpointClass::kClientBackInStock);
  EXPECT_EQ(endpoint_class("/api/back-in-stock-subscriptions/"), EndpointClass::kServerBackInStock);
  EXPECT_EQ(endpoint_class("/client/subscriptions"), EndpointClass::kClientSubscriptions);
  EXPECT_EQ(endpoint_class("/api/v1/catalog/subscribe"), EndpointClass::kLegacySubscribe);
  EXPECT_EQ(endpoint_class("/onsite/components/back-in-stock/subscribe"),
            EndpointClass::kLegacySubscribe);
  EXPECT_EQ(endpoint_class("/api/v2/list/DblOpt/subscribe"), EndpointClass::kLegacyList);
  EXPECT_EQ(endpoint_class("/api/v2/list//subscribe"), std::nullopt);
  EXPECT_EQ(endpoint_class("/__admin/health"), std::nullopt);
  EXPECT_EQ(endpoint_class("/api/v1/catalog/subscribe/"), std::nullopt);
  EXPECT_EQ(endpoint_class("/client/back-in-stock-subscriptionsx"), std::nullopt);
}

}  // namespace
}  // namespace bis::mock
