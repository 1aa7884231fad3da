// Every request-rule defect deviates, and only where its rule lives: one row per defect, the
// request checked once with the documented rules and once with the defect's.
#include "bis/mock/request_rules.h"

#include <gtest/gtest.h>

#include <string>

#include "bis/mock/validation.h"
#include "test_support.h"

namespace bis::mock {
namespace {

using testing::Request;

std::string local_of(size_t n) { return std::string(n, 'a'); }
// An address of `n` octets whose labels all keep within their limits (n >= 196).
std::string address_of(size_t n) {
  const std::string domain =
      std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(63, 'd') + ".com";
  return local_of(n - 1 - domain.size()) + "@" + domain;
}

struct Row {
  Defect defect;
  Request request;
  bool documented_accepts;  // what the documented rules do with the request
  bool drop_platform = false;
};

// Accepted means: validated, or answered with the success body although refused.
bool accepted(const Row& row, const RequestRules& rules, const Catalog& catalog) {
  SubscribeFields f = row.request.fields();
  if (row.drop_platform) f.platform.reset();
  auto v = validate_subscribe(f, catalog, rules);
  if (auto* r = std::get_if<Rejection>(&v)) return r->answer_success;
  return true;
}

TEST(RequestRulesTest, EachDefectFlipsTheVerdictOnItsRequest) {
  const Catalog catalog{testing::test_fixtures()};
  const Row rows[] = {
      {Defect::kAcceptLongLocalPart, {"Shop01", local_of(65) + "@example.com", "111", "shopify"}, false},
      {Defect::kRejectMaxLocalPart, {"Shop01", local_of(64) + "@example.com", "111", "shopify"}, true},
      {Defect::kAcceptLongLabel, {"Shop01", "a@" + std::string(64, 'd') + ".com", "111", "shopify"}, false},
      {Defect::kAcceptLongAddress, {"Shop01", address_of(255), "111", "shopify"}, false},
      {Defect::kRejectMaxAddress, {"Shop01", address_of(254), "111", "shopify"}, true},
      {Defect::kEmailTrimmed, {"Shop01", " a@example.com\t", "111", "shopify"}, false},
      {Defect::kLocalDotsUnchecked, {"Shop01", "a..b.@example.com", "111", "shopify"}, false},
      {Defect::kRecordThenRefuse, {"Shop01", "test@klaviyo", "111", "shopify"}, false},
      {Defect::kKeySuffixMatch, {"XShop01", "a@example.com", "111", "shopify"}, false},
      {Defect::kKeyTrimmed, {" Shop01", "a@example.com", "111", "shopify"}, false},
      {Defect::kAcceptPrivateKey, {"pk_shop", "a@example.com", "111", "shopify"}, false},
      {Defect::kKeyLikeWildcards, {"%%%%%%", "a@example.com", "111", "shopify"}, false},
      {Defect::kAcceptEmptyKey, {"", "a@example.com", "111", "shopify"}, false},
      {Defect::kAcceptEmptyEmail, {"Shop01", "", "111", "shopify"}, false},
      {Defect::kAcceptMissingPlatform, {"Shop01", "a@example.com", "111", "shopify"}, false, true},
      {Defect::kPlatformCaseInsensitive, {"Shop01", "a@example.com", "111", "SHOPIFY"}, false},
      {Defect::kPlatformTrimmed, {"Shop01", "a@example.com", "111", " shopify"}, false},
      {Defect::kPlatformPrefixMatch, {"Shop01", "a@example.com", "111", "shopify,api"}, false},
      {Defect::kRejectMagentoTwo, {"Mag002", "a@example.com", "331", "magento_two"}, true},
      {Defect::kAcceptCatalogWithoutInventory, {"NoInv4", "a@example.com", "551", "api"}, false},
      {Defect::kAcceptBlankKey, {"      ", "a@example.com", "111", "shopify"}, false},
      {Defect::kAcceptBlankEmail, {"Shop01", " \t ", "111", "shopify"}, false},
      {Defect::kAcceptEmptyVariant, {"Shop01", "a@example.com", "", "shopify"}, false},
      {Defect::kAcceptEmptyPlatform, {"Shop01", "a@example.com", "111", ""}, false},
      {Defect::kKeyAnyCase, {"SHOP01", "a@example.com", "111", "shopify"}, false},
      {Defect::kEmailLocalhostAllowed, {"Shop01", "a@localhost", "111", "shopify"}, false},
      {Defect::kEmailDotAnywhere, {"Shop01", "first.last@klaviyo", "111", "shopify"}, false},
      {Defect::kRejectBigCommerce, {"Big001", "a@example.com", "111", "bigcommerce"}, true},
      {Defect::kRejectCustomCatalog, {"Api003", "a@example.com", "111", "api"}, true},
      {Defect::kNoIntegrationAsApi, {"None05", "a@example.com", "111", "api"}, false},
      {Defect::kPlatformMax10Chars, {"Big001", "a@example.com", "111", "bigcommerce"}, true},
  };
  const RequestRules documented = request_rules(Defects{});
  for (const Row& row : rows) {
    const std::string name(info(row.defect).name);
    EXPECT_EQ(accepted(row, documented, catalog), row.documented_accepts) << name;
    EXPECT_EQ(accepted(row, request_rules(Defects().add(row.defect)), catalog),
              !row.documented_accepts)
        << name;
  }
}

TEST(RequestRulesTest, ASilentlyAcceptedRequestRecordsNothing) {
  testing::ServiceHarness h(Defects().add(Defect::kAcceptEmptyEmail));
  const SubscribeAnswer a = h.subscribe(testing::shop(""));
  EXPECT_TRUE(a.success);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(h.subscriptions(), 0u);
}

AnswerRule answer_rule_with(Defect d) { return request_rules(Defects().add(d)).answer; }

TEST(RequestRulesTest, BigCommerceNotRecordedAnswersSuccessAndRecordsNothing) {
  const testing::Request big("Big001", "a@example.com", "221", "bigcommerce");
  const auto on_big = [](testing::ServiceHarness& h) {
    return h.service->subscriptions({"Big001", "", ""}).size();
  };
  testing::ServiceHarness documented;
  EXPECT_TRUE(documented.subscribe(big).success);
  EXPECT_EQ(on_big(documented), 1u);

  testing::ServiceHarness h(Defects().add(Defect::kBigCommerceNotRecorded));
  EXPECT_TRUE(h.subscribe(big).success);
  EXPECT_EQ(on_big(h), 0u);
  EXPECT_TRUE(h.subscribe(testing::shop("b@example.com")).success);
  EXPECT_EQ(h.subscriptions(), 1u);
}

TEST(RequestRulesTest, SuccessEchoesStoreOnlyWithTheDefect) {
  EXPECT_EQ(success_body("a@x.io", request_rules(Defects{}).answer, "default"),
            R"({"email": "a@x.io", "success": true})");
  const AnswerRule echo = answer_rule_with(Defect::kSuccessEchoesStore);
  EXPECT_EQ(success_body("a@x.io", echo, "default"),
            R"({"email": "a@x.io", "success": true, "store": "default"})");
  EXPECT_EQ(success_body("a@x.io", echo), R"({"email": "a@x.io", "success": true})");
}

TEST(RequestRulesTest, RecordThenRefuseRecordsAndAnswersTheError) {
  testing::ServiceHarness documented;
  EXPECT_FALSE(documented.subscribe(testing::shop("test@klaviyo")).success);
  EXPECT_EQ(documented.subscriptions(), 0u);

  testing::ServiceHarness h(Defects().add(Defect::kRecordThenRefuse));
  const SubscribeAnswer a = h.subscribe(testing::shop("test@klaviyo"));
  EXPECT_EQ(a.outcome, SubscribeOutcome::kRejected);
  EXPECT_FALSE(a.success);
  EXPECT_EQ(h.subscriptions("test@klaviyo"), 1u);
  EXPECT_EQ(h.events("test@klaviyo"), 1u);
}

TEST(RequestRulesTest, AnswerDefectsChangeOnlyTheirPartOfTheAnswer) {
  const AnswerRule documented = request_rules(Defects{}).answer;
  EXPECT_EQ(success_body("Alice@X.io", documented), R"({"email": "Alice@X.io", "success": true})");
  EXPECT_EQ(rejection_body(documented), kDocumentedErrorBody);
  EXPECT_EQ(documented.success_status, 200);
  EXPECT_EQ(refusal_status(400, documented), 400);
  EXPECT_EQ(refusal_status(200, documented), 200);

  EXPECT_EQ(answer_rule_with(Defect::kSuccessStatus201).success_status, 201);
  EXPECT_EQ(refusal_status(400, answer_rule_with(Defect::kRefusalStatus500)), 500);
  EXPECT_EQ(refusal_status(400, answer_rule_with(Defect::kRefusalStatus202)), 202);
  EXPECT_EQ(rejection_body(answer_rule_with(Defect::kErrorMessageChanged)),
            R"({"errors": ["Something went wrong."], "data": {}, "success": false})");
  EXPECT_EQ(
      rejection_body(answer_rule_with(Defect::kErrorDataNull)),
      R"({"errors": ["There was something wrong with your request. Please try again."], "data": null, "success": false})");
}

}  // namespace
}  // namespace bis::mock
