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
  EXPECT_EQ(s.latest("A", "p", "v"), 0u);
  const uint64_t first = s.add_subscription({"A", "P@x.io", "p", "v", "shopify", std::nullopt, 1});
  EXPECT_EQ(s.latest("A", "p", "v"), first);
  s.set_active(first, false);
  EXPECT_EQ(s.active_count(), 0u);
  const uint64_t second = s.add_subscription({"A", "p", "p", "v", "shopify", std::nullopt, 2});
  EXPECT_EQ(s.latest("A", "p", "v"), second);
  EXPECT_EQ(s.latest("A", "p", "w"), 0u);
  EXPECT_EQ(s.latest("B", "p", "v"), 0u);
  EXPECT_EQ(s.active_for("A", "v"), std::vector<uint64_t>{second});
}

TEST(StateTest, RecordsExpandToWhatWasStored) {
  State s;
  const uint64_t id = s.add_subscription({"A", "P@x.io", "p@x.io", "v", "magento_two", "eu", 42});
  s.add_event(id, "P@x.io", 43);
  s.add_notification(id, 2, 44);
  const Subscription sub = s.subscription(id);
  EXPECT_EQ(sub.email, "P@x.io");
  EXPECT_EQ(sub.platform, "magento_two");
  EXPECT_EQ(sub.store, "eu");
  EXPECT_EQ(sub.created_ms, 42);
  EXPECT_EQ(s.event(1).time_ms, 43);
  EXPECT_EQ(s.notification(1).batch, 2);
  EXPECT_EQ(s.events({"A", "p@X.IO", "v"}).size(), 1u);
  EXPECT_EQ(s.events({"B", "", ""}).size(), 0u);
  EXPECT_EQ(s.notifications({"", "", "v"}).size(), 1u);
}

}  // namespace
}  // namespace bis::mock
