#include "bis/common/fixtures.h"

#include <gtest/gtest.h>

namespace bis::fixtures {
namespace {

using nlohmann::json;

TEST(FixturesTest, PlatformFollowsIntegration) {
  EXPECT_EQ(platform_for(Integration::kShopify).value(), "shopify");
  EXPECT_EQ(platform_for(Integration::kCustomCatalog).value(), "api");
  EXPECT_FALSE(platform_for(Integration::kCustomCatalogWithoutInventory));
  EXPECT_FALSE(platform_for(Integration::kNone));
}

TEST(FixturesTest, JsonRoundTripKeepsEverything) {
  Fixtures f;
  Account a;
  a.key = "AbC123";
  a.private_key = "pk_x";
  a.name = "Shop";
  a.integration = Integration::kBigCommerce;
  a.flow = Flow{true, 3, 10, 60};
  a.error_status = 200;
  a.duplicate_answer = DuplicateAnswer::kError;
  a.variants = {{"44221714950", 0, "Blue"}, {"2", 5, ""}};
  a.lists = {{"Lst001", "News", false}};
  f.accounts.push_back(a);
  auto back = fixtures_from_json(to_json(f));
  ASSERT_TRUE(back) << back.error();
  const Account& b = back->accounts.at(0);
  EXPECT_EQ(b.key, "AbC123");
  EXPECT_EQ(b.integration, Integration::kBigCommerce);
  ASSERT_TRUE(b.flow);
  EXPECT_EQ(b.flow->threshold, 3);
  EXPECT_EQ(b.flow->batch_size, 10);
  EXPECT_EQ(b.error_status, 200);
  EXPECT_EQ(b.duplicate_answer, DuplicateAnswer::kError);
  EXPECT_EQ(b.variants.at(1).inventory, 5);
  EXPECT_FALSE(b.lists.at(0).double_opt_in);
  EXPECT_EQ(to_json(f)["accounts"][0]["platform"], "bigcommerce");
}

TEST(FixturesTest, StrictParsingNamesThePath) {
  auto r = fixtures_from_json(json::parse(R"({"accounts":[{"key":"AbC123","flow":{"treshold":2}}]})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "accounts[0].flow: unknown key 'treshold' (did you mean 'threshold'?)");
  r = fixtures_from_json(json::parse(R"({"accounts":[{"key":"AbC123","integration":"shopfy"}]})"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("did you mean 'shopify'"), std::string::npos);
  r = fixtures_from_json(json::parse(R"({"accounts":[{"key":"AbC123"},{"key":"AbC123"}]})"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("duplicate account key"), std::string::npos);
}

// A control-protocol client ignores keys it does not know, at every level; wrong types of the
// keys it does know are still errors.
TEST(FixturesTest, RateLimitsOverrideTheDefaultsKeyByKey) {
  auto r = fixtures_from_json(json::parse(
      R"({"accounts":[{"key":"AbC123"},{"key":"Lim123","rate_limits":{"steady":3,"legacy":true}}]})"));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->accounts[0].rate_limits, (RateLimits{350, 3500, false}));
  EXPECT_EQ(r->accounts[1].rate_limits, (RateLimits{350, 3, true}));
  EXPECT_EQ(fixtures_from_json(to_json(*r))->accounts[1].rate_limits, (RateLimits{350, 3, true}));
  EXPECT_EQ(fixtures_from_json(json::parse(R"({"accounts":[{"key":"A","rate_limits":{"burst":0}}]})"))
                .error(),
            "accounts[0].rate_limits.burst: must be at least 1");
  EXPECT_EQ(fixtures_from_json(json::parse(R"({"accounts":[{"key":"A","rate_limits":{"stedy":3}}]})"))
                .error(),
            "accounts[0].rate_limits: unknown key 'stedy' (did you mean 'steady'?)");
}

TEST(FixturesTest, IgnoringUnknownKeysReadsWhatItKnowsAndStillChecksTypes) {
  const json j = json::parse(R"({"accounts":[{"key":"AbC123","timezone":"Europe/Oslo",
      "flow":{"threshold":2,"quiet_hours":[22,7]},
      "variants":[{"id":"V1","inventory":0,"sku":"X"}],
      "lists":[{"id":"L1","opt_in":"single","size":3}]}],"generated_at":"now"})");
  EXPECT_EQ(fixtures_from_json(j).error(), "fixtures: unknown key 'generated_at'");
  auto r = fixtures_from_json(j, UnknownKeys::kIgnore);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->accounts.at(0).flow->threshold, 2);
  EXPECT_EQ(r->accounts.at(0).variants.at(0).id, "V1");
  EXPECT_FALSE(r->accounts.at(0).lists.at(0).double_opt_in);
  auto bad = fixtures_from_json(json::parse(R"({"accounts":[{"key":"A","flow":{"threshold":"2"},"x":1}]})"),
                                UnknownKeys::kIgnore);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "accounts[0].flow.threshold: expected an integer, got a string");
}

TEST(FixturesTest, NumericVariantIdsAreAcceptedAsText) {
  auto r = fixtures_from_json(json::parse(R"({"accounts":[{"key":"AbC123","variants":[{"id":44221714950}]}]})"));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->accounts[0].variants[0].id, "44221714950");
}

}  // namespace
}  // namespace bis::fixtures
