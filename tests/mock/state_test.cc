#include "bis/mock/state.h"

#include <gtest/gtest.h>

#include "bis/mock/string_pool.h"

namespace bis::mock {
namespace {

TEST(StringPoolTest, InternsEachStringOnce) {
  StringPool pool;
  const uint32_t a = pool.intern("alice@example.com");
  EXPECT_EQ(pool.intern("alice@example.com"), a);
  EXPECT_NE(pool.intern("bob@example.com"), a);
  EXPECT_EQ(pool.view(a), "alice@example.com");
  EXPECT_EQ(pool.intern(""), 0u);
  EXPECT_EQ(pool.find("carol@example.com"), std::nullopt);
  for (int i = 0; i < 100000; ++i) pool.intern("user" + std::to_string(i));
  EXPECT_EQ(pool.view(a), "alice@example.com");
  EXPECT_EQ(pool.find("user99999").value(), pool.intern("user99999"));
  EXPECT_EQ(pool.size(), 100003u);  // "", alice, bob and the users
}

TEST(StateTest, LatestFindsTheNewestSubscriptionOfAKey) {
  State s;
  const State::Key k = s.key("A", "p", "v");
  EXPECT_EQ(s.latest(k), 0u);
  const State::Ref first = s.add_subscription(k, 100, "P@x.io", "shopify", std::nullopt, 1);
  EXPECT_EQ(s.latest(k), first);
  EXPECT_EQ(s.id_of(first), 100u);
  s.set_active(first, false);
  EXPECT_EQ(s.active_count(), 0u);
  const State::Ref second = s.add_subscription(k, 205, "p", "shopify", std::nullopt, 2);
  EXPECT_EQ(s.latest(k), second);
  EXPECT_EQ(s.latest(s.key("A", "p", "w")), 0u);
  EXPECT_EQ(s.latest(s.key("B", "p", "v")), 0u);
  EXPECT_EQ(s.active_for("A", "v"), std::vector<State::Ref>{second});
}

TEST(StateTest, RecordsExpandToWhatWasStoredWithTheirIds) {
  State s;
  const State::Ref ref =
      s.add_subscription(s.key("A", "p@x.io", "v"), 7, "P@x.io", "magento_two", "eu", 42);
  s.add_event(ref, 8, "P@x.io", 43);
  s.add_notification(ref, 9, 2, 44);
  const Subscription sub = s.subscription(ref);
  EXPECT_EQ(sub.id, 7u);
  EXPECT_EQ(sub.email, "P@x.io");
  EXPECT_EQ(sub.profile, "p@x.io");
  EXPECT_EQ(sub.platform, "magento_two");
  EXPECT_EQ(sub.store, "eu");
  EXPECT_EQ(sub.created_ms, 42);
  const auto events = s.events({"A", "p@X.IO", "v"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, 8u);
  EXPECT_EQ(events[0].subscription, 7u);
  EXPECT_EQ(events[0].time_ms, 43);
  EXPECT_EQ(s.events({"B", "", ""}).size(), 0u);
  const auto sent = s.notifications({"", "", "v"});
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].id, 9u);
  EXPECT_EQ(sent[0].batch, 2);
}

TEST(StateTest, StoredSubscriptionsKeepTheirActiveFlag) {
  State s;
  Subscription cleared;
  cleared.id = 3;
  cleared.account = "A";
  cleared.email = cleared.profile = "a@x.io";
  cleared.variant = "v";
  cleared.platform = "shopify";
  cleared.active = false;
  const State::Ref ref = s.add_subscription(cleared);
  EXPECT_FALSE(s.is_active(ref));
  EXPECT_EQ(s.active_count(), 0u);
  EXPECT_EQ(s.subscription_count(), 1u);
}

}  // namespace
}  // namespace bis::mock
