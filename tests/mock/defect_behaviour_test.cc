// Each defect really deviates: one test per defect that lives in the core or the answers
// (validation defects: validation_test.cc; no-cors: server_test.cc).
#include <gtest/gtest.h>

#include <thread>

#include "bis/mock/api_answers.h"
#include "bis/mock/service.h"
#include "test_support.h"

namespace bis::mock {
namespace {

using testing::ServiceHarness;
using testing::shop;

Defects with(Defect d) { return Defects().add(d); }
AnswerRule answers(Defect d) { return request_rules(with(d)).answer; }

TEST(DefectBehaviourTest, RejectUnknownVariant) {
  ServiceHarness h(with(Defect::kRejectUnknownVariant));
  const SubscribeAnswer a = h.subscribe(shop("a@example.com", "999"));
  EXPECT_EQ(a.outcome, SubscribeOutcome::kRejected);
  EXPECT_FALSE(a.success);
}

TEST(DefectBehaviourTest, EventForUnknownVariant) {
  ServiceHarness h(with(Defect::kEventForUnknownVariant));
  EXPECT_EQ(h.subscribe(shop("a@example.com", "999")).outcome, SubscribeOutcome::kSubscribed);
  EXPECT_EQ(h.subscriptions("", "999"), 1u);
  EXPECT_EQ(h.events("", "999"), 1u);
}

TEST(DefectBehaviourTest, DuplicateEvent) {
  ServiceHarness h(with(Defect::kDuplicateEvent));
  h.subscribe(shop("a@example.com"));
  EXPECT_EQ(h.subscribe(shop("a@example.com")).outcome, SubscribeOutcome::kDuplicate);
  EXPECT_EQ(h.subscriptions(), 1u);
  EXPECT_EQ(h.events(), 2u);
}

TEST(DefectBehaviourTest, DuplicateSubscription) {
  ServiceHarness h(with(Defect::kDuplicateSubscription));
  h.subscribe(shop("a@example.com"));
  EXPECT_EQ(h.subscribe(shop("a@example.com")).outcome, SubscribeOutcome::kSubscribed);
  EXPECT_EQ(h.subscriptions(), 2u);
  EXPECT_EQ(h.events(), 2u);
}

TEST(DefectBehaviourTest, RacyDuplicatesRefusesSequentialButLetsConcurrentThrough) {
  ServiceHarness h(with(Defect::kRacyDuplicates));
  h.subscribe(shop("seq@example.com"));
  EXPECT_EQ(h.subscribe(shop("seq@example.com")).outcome, SubscribeOutcome::kDuplicate);
  // A race is a matter of scheduling: a loaded machine may serialize one burst by chance,
  // so up to five bursts, each with its own email, must let duplicates through at least once.
  bool raced = false;
  for (int burst = 0; burst < 5 && !raced; ++burst) {
    const std::string email = "race" + std::to_string(burst) + "@example.com";
    std::vector<std::thread> threads;
    std::atomic<bool> go{false};
    for (int i = 0; i < 16; ++i) {
      threads.emplace_back([&] {
        while (!go) std::this_thread::yield();
        h.subscribe(shop(email));
      });
    }
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(h.events(email), h.subscriptions(email));
    raced = h.subscriptions(email) > 1;
  }
  EXPECT_TRUE(raced);
}

TEST(DefectBehaviourTest, EmailCaseSensitive) {
  ServiceHarness h(with(Defect::kEmailCaseSensitive));
  EXPECT_EQ(h.subscribe(shop("Alice@x.io")).outcome, SubscribeOutcome::kSubscribed);
  EXPECT_EQ(h.subscribe(shop("alice@x.io")).outcome, SubscribeOutcome::kSubscribed);
  EXPECT_EQ(h.subscriptions("alice@x.io"), 2u);
}

TEST(DefectBehaviourTest, NoClearAfterNotify) {
  ServiceHarness h(with(Defect::kNoClearAfterNotify));
  h.subscribe(shop("a@example.com"));
  EXPECT_EQ(h.restock("Shop01", "111", 5).notified, 1u);
  EXPECT_EQ(h.subscriptions(), 1u);
}

TEST(DefectBehaviourTest, NotifyTwice) {
  ServiceHarness h(with(Defect::kNotifyTwice));
  h.subscribe(shop("a@example.com"));
  h.restock("Shop01", "111", 5);
  EXPECT_EQ(h.notifications("a@example.com"), 2u);
}

TEST(DefectBehaviourTest, NotifyWithoutFlow) {
  ServiceHarness h(with(Defect::kNotifyWithoutFlow));
  h.subscribe({"NoFlo6", "a@example.com", "771", "shopify"});
  h.subscribe({"Off007", "a@example.com", "881", "shopify"});
  EXPECT_EQ(h.restock("NoFlo6", "771", 5).notified, 1u);
  EXPECT_EQ(h.restock("Off007", "881", 5).notified, 1u);
}

TEST(DefectBehaviourTest, NoResubscribeAfterNotify) {
  ServiceHarness h(with(Defect::kNoResubscribeAfterNotify));
  h.subscribe(shop("a@example.com"));
  h.restock("Shop01", "111", 5);
  const SubscribeAnswer again = h.subscribe(shop("a@example.com"));
  EXPECT_TRUE(again.success);
  EXPECT_EQ(again.outcome, SubscribeOutcome::kDuplicate);
  EXPECT_EQ(h.subscriptions(), 0u);
  EXPECT_EQ(h.events(), 1u);
}

TEST(DefectBehaviourTest, RestockIgnoresThreshold) {
  ServiceHarness h(with(Defect::kRestockIgnoresThreshold));
  h.subscribe({"Big001", "a@example.com", "221", "bigcommerce"});
  const InventoryResult r = h.restock("Big001", "221", 1);  // threshold 3
  EXPECT_TRUE(r.restocked);
  EXPECT_EQ(r.notified, 1u);
}

TEST(DefectBehaviourTest, SubscribeAddsToList) {
  ServiceHarness h(with(Defect::kSubscribeAddsToList));
  h.subscribe(shop("a@example.com"));
  EXPECT_EQ(h.service->members("LDbl", "Shop01", "a@example.com")->size(), 1u);
}

TEST(DefectBehaviourTest, DoubleOptInIgnored) {
  ServiceHarness h(with(Defect::kDoubleOptInIgnored));
  const ListAnswer a =
      h.service->list_subscribe("LDbl", "pk_shop", {{std::string("b@example.com"), std::nullopt}});
  EXPECT_NE(a.body, "[]");
  EXPECT_FALSE(h.service->members("LDbl", "", "b@example.com")->at(0).pending);
}

TEST(DefectBehaviourTest, WithoutAnswerDefectsTheBodiesAreTheDocumentedOnes) {
  EXPECT_EQ(success_body("Alice@X.io", {}), R"({"email": "Alice@X.io", "success": true})");
  EXPECT_EQ(rejection_body({}), kDocumentedErrorBody);
}

TEST(DefectBehaviourTest, ErrorBodyShape) {
  EXPECT_EQ(
      rejection_body(answers(Defect::kErrorBodyShape)),
      R"({"success": false, "error": "There was something wrong with your request. Please try again."})");
}

TEST(DefectBehaviourTest, SuccessWithoutEmail) {
  EXPECT_EQ(success_body("Alice@X.io", answers(Defect::kSuccessWithoutEmail)), R"({"success": true})");
}

TEST(DefectBehaviourTest, SuccessStringTrue) {
  EXPECT_EQ(success_body("Alice@X.io", answers(Defect::kSuccessStringTrue)),
            R"({"email": "Alice@X.io", "success": "true"})");
}

TEST(DefectBehaviourTest, EmailEchoNormalized) {
  EXPECT_EQ(success_body("Alice@X.io", answers(Defect::kEmailEchoNormalized)),
            R"({"email": "alice@x.io", "success": true})");
}

TEST(DefectBehaviourTest, TheEchoIsTheEmailAsSentEscapedForJson) {
  EXPECT_EQ(success_body("o'brien+\"q\"@x.io", {}),
            R"({"email": "o'brien+\"q\"@x.io", "success": true})");
}

}  // namespace
}  // namespace bis::mock
