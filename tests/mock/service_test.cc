#include "bis/mock/service.h"

#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "test_support.h"

namespace bis::mock {
namespace {

using testing::Request;
using testing::ServiceHarness;
using testing::shop;

TEST(ServiceTest, AcceptedSubscriptionRecordsOneSubscriptionAndOneEvent) {
  ServiceHarness h;
  const SubscribeAnswer a =
      h.subscribe({"Shop01", "Alice@Example.com", "111", "shopify", std::string("eu")});
  EXPECT_EQ(a.outcome, SubscribeOutcome::kSubscribed);
  EXPECT_TRUE(a.success);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.detail, "subscribed sub-1");
  const auto subs = h.service->subscriptions({});
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].account, "Shop01");
  EXPECT_EQ(subs[0].email, "Alice@Example.com");
  EXPECT_EQ(subs[0].profile, "alice@example.com");
  EXPECT_EQ(subs[0].variant, "111");
  EXPECT_EQ(subs[0].platform, "shopify");
  EXPECT_EQ(subs[0].store, "eu");
  EXPECT_EQ(subs[0].created_ms, h.clock.now_ms());
  const auto events = h.service->events({});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].subscription, 1u);
  EXPECT_EQ(events[0].profile, "alice@example.com");
  EXPECT_EQ(events[0].variant, "111");
  EXPECT_EQ(events[0].platform, "shopify");
  EXPECT_EQ(events[0].account, "Shop01");
  EXPECT_EQ(events[0].time_ms, h.clock.now_ms());
  EXPECT_EQ(to_json(events[0])["metric"], "Subscribed to Back in Stock");
}

TEST(ServiceTest, RejectedRequestsRecordNothing) {
  ServiceHarness h;
  const SubscribeAnswer a = h.subscribe(shop("test@klaviyo"));
  EXPECT_EQ(a.outcome, SubscribeOutcome::kRejected);
  EXPECT_FALSE(a.success);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(h.subscriptions() + h.events(), 0u);
}

TEST(ServiceTest, UnknownVariantAnswersSuccessAndRecordsNothing) {
  ServiceHarness h;
  const SubscribeAnswer a = h.subscribe(shop("a@example.com", "999999"));
  EXPECT_EQ(a.outcome, SubscribeOutcome::kUnknownVariant);
  EXPECT_TRUE(a.success);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(h.subscriptions() + h.events(), 0u);
  // A later restock of that ID (creating it) notifies nobody.
  const InventoryResult r = h.restock("Shop01", "999999", 10);
  EXPECT_TRUE(r.created);
  EXPECT_TRUE(r.restocked);
  EXPECT_EQ(r.notified, 0u);
  EXPECT_EQ(h.notifications(), 0u);
}

TEST(ServiceTest, ADuplicateAnswersSuccessAndCreatesNothing) {
  ServiceHarness h;
  EXPECT_EQ(h.subscribe(shop("alice@example.com")).outcome, SubscribeOutcome::kSubscribed);
  const SubscribeAnswer dup = h.subscribe(shop("ALICE@example.COM"));
  EXPECT_EQ(dup.outcome, SubscribeOutcome::kDuplicate);
  EXPECT_TRUE(dup.success);
  EXPECT_EQ(dup.detail, "duplicate of sub-1: nothing recorded");
  EXPECT_EQ(h.subscriptions(), 1u);
  EXPECT_EQ(h.events(), 1u);
  // Same profile, another variant or another account: not a duplicate.
  EXPECT_EQ(h.subscribe(shop("alice@example.com", "113")).outcome, SubscribeOutcome::kSubscribed);
  EXPECT_EQ(h.subscribe({"Big001", "alice@example.com", "221", "bigcommerce"}).outcome,
            SubscribeOutcome::kSubscribed);
}

TEST(ServiceTest, DuplicateAnswerIsAPerAccountSetting) {
  ServiceHarness h;
  const Request r{"Api003", "a@example.com", "SKU-1", "api"};
  EXPECT_TRUE(h.subscribe(r).success);
  const SubscribeAnswer dup = h.subscribe(r);
  EXPECT_EQ(dup.outcome, SubscribeOutcome::kDuplicate);
  EXPECT_FALSE(dup.success);
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(h.events(), 1u);
}

TEST(ServiceTest, ConcurrentIdenticalRequestsMakeOneSubscriptionAndOneEvent) {
  ServiceHarness h;
  std::vector<std::thread> threads;
  std::vector<SubscribeOutcome> outcomes(64);
  // Every thread waits at the latch, so the 64 requests really race instead of running one
  // after another as the threads happen to start.
  std::latch start(64);
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      outcomes[i] = h.subscribe(shop("race@example.com")).outcome;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), SubscribeOutcome::kSubscribed), 1);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), SubscribeOutcome::kDuplicate), 63);
  EXPECT_EQ(h.subscriptions(), 1u);
  EXPECT_EQ(h.events(), 1u);
}

TEST(ServiceTest, AProfileMaySubscribeToThousandsOfVariants) {
  fixtures::Fixtures f = testing::test_fixtures();
  for (int i = 0; i < 5000; ++i) f.accounts[0].variants.push_back({"v" + std::to_string(i), 0, ""});
  ServiceHarness h({}, make_memory_store(), f);
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(h.subscribe(shop("collector@example.com", "v" + std::to_string(i))).outcome,
              SubscribeOutcome::kSubscribed);
  }
  EXPECT_EQ(h.subscriptions("collector@example.com"), 5000u);
  EXPECT_EQ(h.events("collector@example.com"), 5000u);
  // The 5,001st is still checked against all of them.
  EXPECT_EQ(h.subscribe(shop("Collector@example.com", "v4999")).outcome,
            SubscribeOutcome::kDuplicate);
}

TEST(ServiceTest, ListApiDoubleOptInHoldsMembersPendingAndAnswersEmpty) {
  ServiceHarness h;
  const ListAnswer a = h.service->list_subscribe("LDbl", "pk_shop",
                                                 {{std::string("Bob@example.com"), std::nullopt}});
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "[]");
  auto members = h.service->members("LDbl", "", "bob@example.com");
  ASSERT_TRUE(members);
  ASSERT_EQ(members->size(), 1u);
  EXPECT_TRUE((*members)[0].pending);
  EXPECT_EQ(to_json((*members)[0])["status"], "pending");
}

TEST(ServiceTest, ListApiSingleOptInSubscribesAndAnswersTheProfiles) {
  ServiceHarness h;
  const ListAnswer a = h.service->list_subscribe("LSgl", "pk_shop",
                                                 {{std::string("bob@example.com"), std::nullopt},
                                                  {std::nullopt, std::string("+15005550006")}});
  EXPECT_EQ(a.status, 200);
  const auto body = nlohmann::json::parse(a.body);
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[0]["email"], "bob@example.com");
  EXPECT_TRUE(body[0]["id"].is_string());
  EXPECT_EQ(body[1]["phone_number"], "+15005550006");
  auto members = h.service->members("LSgl", "Shop01", "");
  ASSERT_TRUE(members);
  ASSERT_EQ(members->size(), 2u);
  EXPECT_FALSE((*members)[0].pending);
}

TEST(ServiceTest, ListApiChecksThePrivateKeyAndTheList) {
  ServiceHarness h;
  EXPECT_EQ(
      h.service->list_subscribe("LDbl", "pk_wrong", {{std::string("b@example.com"), std::nullopt}})
          .status,
      403);
  EXPECT_EQ(
      h.service->list_subscribe("Nope", "pk_shop", {{std::string("b@example.com"), std::nullopt}})
          .status,
      404);
  // Another account's key does not open this account's list.
  EXPECT_EQ(
      h.service->list_subscribe("LDbl", "pk_big", {{std::string("b@example.com"), std::nullopt}})
          .status,
      404);
  EXPECT_EQ(h.service->members("Nope", "", "").error().status, 404);
}

TEST(ServiceTest, BackInStockSubscriptionNeverAddsToAList) {
  ServiceHarness h;
  ASSERT_TRUE(h.subscribe(shop("a@example.com")).success);
  EXPECT_TRUE(h.service->members("LDbl", "", "")->empty());
  EXPECT_TRUE(h.service->members("LSgl", "", "")->empty());
}

TEST(ServiceTest, ResetReturnsToTheLoadedFixtures) {
  ServiceHarness h;
  ASSERT_TRUE(h.subscribe(shop("a@example.com")).success);
  h.restock("Shop01", "new-variant", 3);
  ASSERT_TRUE(h.service->set_flow("Shop01", std::nullopt));
  ASSERT_TRUE(h.service->reset());
  EXPECT_EQ(h.subscriptions() + h.events(), 0u);
  const auto f = h.service->fixtures();
  EXPECT_TRUE(f.accounts[0].flow);
  EXPECT_FALSE(f.accounts[0].find_variant("new-variant"));
}

TEST(ServiceTest, ReplacedFixturesBecomeTheResetTarget) {
  ServiceHarness h;
  fixtures::Fixtures f;
  f.accounts.push_back(fixtures::Account{});
  f.accounts[0].key = "Other1";
  f.accounts[0].variants = {{"1", 0, ""}};
  ASSERT_TRUE(h.subscribe(shop("a@example.com")).success);
  ASSERT_TRUE(h.service->replace_fixtures(f));
  EXPECT_EQ(h.subscriptions(), 0u);
  EXPECT_EQ(h.subscribe(shop("a@example.com")).detail, "key 'Shop01' is not a known account");
  EXPECT_TRUE(h.subscribe({"Other1", "a@example.com", "1", "shopify"}).success);
  ASSERT_TRUE(h.service->reset());
  EXPECT_EQ(h.service->fixtures().accounts.at(0).key, "Other1");
}

}  // namespace
}  // namespace bis::mock
