// Restocks, flows, thresholds, batches, clearing and the outbox (Service), with a manual clock.
#include <gtest/gtest.h>

#include "bis/mock/service.h"
#include "test_support.h"

namespace bis::mock {
namespace {

using testing::Request;
using testing::ServiceHarness;
using testing::shop;

TEST(RestockTest, ARestockNotifiesEachActiveSubscriptionOnceAndClearsIt) {
  ServiceHarness h;
  ASSERT_TRUE(h.subscribe(shop("a@example.com")).success);
  ASSERT_TRUE(h.subscribe(shop("b@example.com")).success);
  ASSERT_TRUE(h.subscribe(shop("c@example.com", "113")).success);  // another variant
  const InventoryResult r = h.restock("Shop01", "111", 4);
  EXPECT_TRUE(r.restocked);
  EXPECT_FALSE(r.created);
  EXPECT_EQ(r.previous_inventory, 0);
  EXPECT_EQ(r.notified, 2u);
  EXPECT_EQ(r.queued, 0u);
  const auto sent = h.service->notifications({});
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].email, "a@example.com");
  EXPECT_EQ(sent[0].subscription, 1u);
  EXPECT_EQ(sent[0].batch, 1);
  EXPECT_EQ(h.subscriptions("", "111"), 0u);
  EXPECT_EQ(h.subscriptions("c@example.com"), 1u);
}

TEST(RestockTest, AfterANotificationTheProfileMaySubscribeAgain) {
  ServiceHarness h;
  ASSERT_TRUE(h.subscribe(shop("a@example.com")).success);
  h.restock("Shop01", "111", 4);
  const SubscribeAnswer again = h.subscribe(shop("A@example.com"));
  EXPECT_EQ(again.outcome, SubscribeOutcome::kSubscribed);
  EXPECT_EQ(again.detail, "subscribed sub-2");
  EXPECT_EQ(h.subscriptions("a@example.com"), 1u);
  EXPECT_EQ(h.events("a@example.com"), 2u);
  // The next restock notifies the new subscription only.
  h.restock("Shop01", "111", 0);
  EXPECT_EQ(h.restock("Shop01", "111", 1).notified, 1u);
  EXPECT_EQ(h.notifications("a@example.com"), 2u);
}

TEST(RestockTest, InventoryChangesThatCrossNoThresholdAreNoRestock) {
  ServiceHarness h;
  ASSERT_TRUE(h.subscribe(shop("a@example.com", "112")).success);  // in stock already
  EXPECT_FALSE(h.restock("Shop01", "112", 10).restocked);          // 5 -> 10
  EXPECT_FALSE(h.restock("Shop01", "112", 0).restocked);           // down
  EXPECT_TRUE(h.restock("Shop01", "112", 1).restocked);            // 0 -> 1
  EXPECT_EQ(h.notifications(), 1u);
}

TEST(RestockTest, TheThresholdIsTheAccountsFlowSetting) {
  ServiceHarness h;
  const Request r{"Big001", "a@example.com", "221", "bigcommerce"};
  ASSERT_TRUE(h.subscribe(r).success);
  EXPECT_FALSE(h.restock("Big001", "221", 2).restocked);  // threshold 3
  EXPECT_EQ(h.notifications(), 0u);
  EXPECT_TRUE(h.restock("Big001", "221", 3).restocked);
  EXPECT_EQ(h.notifications(), 1u);
}

TEST(RestockTest, WithoutAFlowOrWithTheFlowOffNobodyIsNotified) {
  ServiceHarness h;
  ASSERT_TRUE(h.subscribe({"NoFlo6", "a@example.com", "771", "shopify"}).success);
  ASSERT_TRUE(h.subscribe({"Off007", "a@example.com", "881", "shopify"}).success);
  const InventoryResult no_flow = h.restock("NoFlo6", "771", 5);
  EXPECT_TRUE(no_flow.restocked);
  EXPECT_EQ(no_flow.notified, 0u);
  EXPECT_EQ(h.restock("Off007", "881", 5).notified, 0u);
  EXPECT_EQ(h.notifications(), 0u);
  EXPECT_EQ(h.subscriptions(), 2u);  // still active, waiting for a flow
  // Setting a flow up then restocking again notifies them.
  ASSERT_TRUE(h.service->set_flow("NoFlo6", fixtures::Flow{}));
  h.restock("NoFlo6", "771", 0);
  EXPECT_EQ(h.restock("NoFlo6", "771", 5).notified, 1u);
}

TEST(RestockTest, BatchesGoOutOnTheFlowsSchedule) {
  ServiceHarness h;  // Mag002: batches of 2 every 60 s
  for (const char* e :
       {"a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"}) {
    ASSERT_TRUE(h.subscribe({"Mag002", e, "331", "magento_two"}).success);
  }
  const InventoryResult r = h.restock("Mag002", "331", 10);
  EXPECT_EQ(r.notified, 2u);
  EXPECT_EQ(r.queued, 3u);
  EXPECT_EQ(h.service->scheduler().next_due_ms(), h.clock.now_ms() + 60'000);
  h.clock.advance_ms(59'999);
  EXPECT_EQ(h.run_due(), 0u);
  h.clock.advance_ms(1);
  EXPECT_EQ(h.run_due(), 2u);
  h.clock.advance_ms(60'000);
  EXPECT_EQ(h.run_due(), 1u);
  EXPECT_EQ(h.notifications(), 5u);
  const auto sent = h.service->notifications({});
  EXPECT_EQ(sent[0].batch, 1);
  EXPECT_EQ(sent[2].batch, 2);
  EXPECT_EQ(sent[4].batch, 3);
  EXPECT_FALSE(h.service->scheduler().next_due_ms());
}

// A read of the control surface changes nothing: a batch due by the clock stays waiting until
// the scheduler sends it (the server's timer, settle, or here run_due).
TEST(RestockTest, ReadsDoNotSendDueBatches) {
  ServiceHarness h;  // Mag002: batches of 2 every 60 s
  for (const char* e : {"a@example.com", "b@example.com", "c@example.com"}) {
    ASSERT_TRUE(h.subscribe({"Mag002", e, "331", "magento_two"}).success);
  }
  ASSERT_EQ(h.restock("Mag002", "331", 10).queued, 1u);
  h.clock.advance_ms(120'000);  // the second batch is long due
  for (int read = 0; read < 2; ++read) {
    EXPECT_EQ(h.notifications(), 2u);
    EXPECT_EQ(h.subscriptions("c@example.com"), 1u);
    EXPECT_EQ(h.service->all_subscriptions({}).size(), 3u);
    EXPECT_EQ(h.service->stats().pending_batches, 1u);
    EXPECT_EQ(h.service->stats().notifications, 2u);
  }
  EXPECT_EQ(h.run_due(), 1u);
  EXPECT_EQ(h.notifications(), 3u);
  EXPECT_EQ(h.subscriptions(), 0u);
  EXPECT_EQ(h.service->stats().pending_batches, 0u);
}

TEST(RestockTest, ALaterBatchIsDroppedWhenTheVariantIsOutOfStockAgain) {
  ServiceHarness h;
  for (const char* e : {"a@example.com", "b@example.com", "c@example.com"}) {
    ASSERT_TRUE(h.subscribe({"Mag002", e, "331", "magento_two"}).success);
  }
  h.restock("Mag002", "331", 10);
  h.restock("Mag002", "331", 0);
  h.clock.advance_ms(60'000);
  EXPECT_EQ(h.run_due(), 0u);
  EXPECT_EQ(h.notifications(), 2u);
  EXPECT_EQ(h.subscriptions("c@example.com"), 1u);  // still waiting
  EXPECT_EQ(h.restock("Mag002", "331", 1).notified, 1u);
}

TEST(RestockTest, OnlySubscriptionsActiveAtTheRestockAreInItsBatches) {
  ServiceHarness h;
  for (const char* e : {"a@example.com", "b@example.com", "c@example.com"}) {
    ASSERT_TRUE(h.subscribe({"Mag002", e, "331", "magento_two"}).success);
  }
  h.restock("Mag002", "331", 10);
  ASSERT_TRUE(h.subscribe({"Mag002", "late@example.com", "331", "magento_two"}).success);
  h.clock.advance_ms(120'000);
  h.run_due();
  EXPECT_EQ(h.notifications(), 3u);
  EXPECT_EQ(h.notifications("late@example.com"), 0u);
}

TEST(RestockTest, UnknownAccountsAreAnError) {
  ServiceHarness h;
  auto r = h.service->set_inventory("Nope00", "1", 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status, 404);
  EXPECT_EQ(h.service->set_flow("Nope00", std::nullopt).error().status, 404);
}

}  // namespace
}  // namespace bis::mock
