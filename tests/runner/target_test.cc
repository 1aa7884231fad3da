// Units around targets: fixture-derived values, URLs, Retry-After, observation filters.
#include "bis/runner/target.h"

#include <gtest/gtest.h>

#include "bis/runner/control.h"
#include "bis/runner/http_client.h"
#include "bis/runner/env.h"
#include "bis/runner/rate_limiter.h"

namespace bis::runner {
namespace {

using nlohmann::json;

fixtures::Fixtures sample() {
  return *fixtures::fixtures_from_json(json::parse(R"({"accounts": [
    {"key": "NoInt1", "integration": "none"},
    {"key": "PkOff1", "integration": "shopify", "flow": {"enabled": false}},
    {"key": "PkShop", "private_key": "pk_shop_secret", "integration": "shopify", "flow": {"threshold": 3},
     "variants": [{"id": "1", "inventory": 1}, {"id": "2", "inventory": 3}, {"id": "3", "inventory": 0}],
     "lists": [{"id": "LstS", "opt_in": "single"}, {"id": "LstD"}]},
    {"key": "PkBig1", "integration": "bigcommerce", "flow": {}},
    {"key": "PkApi1", "integration": "custom_catalog"}
  ]})"));
}

// The accounts whose restocks the clock cannot change: no flow, a disabled one, or all at once.
TEST(TargetValuesTest, UnbatchedAccountsAreThoseWhoseFlowSendsAtOnce) {
  auto f = *fixtures::fixtures_from_json(json::parse(R"({"accounts": [
    {"key": "NoFlw", "integration": "shopify"},
    {"key": "Off", "integration": "shopify", "flow": {"enabled": false, "batch_size": 5}},
    {"key": "AtOnce", "integration": "shopify", "flow": {"batch_size": 0}},
    {"key": "Batched", "integration": "shopify", "flow": {"batch_size": 2, "batch_interval_seconds": 60}}
  ]})"));
  EXPECT_EQ(unbatched_accounts(f), (std::set<std::string>{"AtOnce", "NoFlw", "Off"}));
}

TEST(TargetValuesTest, PrimaryAccountVariantsAccountsAndLists) {
  const json v = values_from_fixtures(sample(), "seed");
  EXPECT_EQ(v["key"], "PkShop");
  EXPECT_EQ(v["platform"], "shopify");
  EXPECT_EQ(v["private_key"], "pk_shop_secret");
  EXPECT_EQ(v["variants"]["in_stock"], "2");      // at the threshold 3
  EXPECT_EQ(v["variants"]["out_of_stock"], "1");  // below it
  EXPECT_EQ(v["lists"]["double_opt_in"], "LstD");
  EXPECT_EQ(v["lists"]["single_opt_in"], "LstS");
  EXPECT_EQ(v["accounts"]["unsupported"]["key"], "NoInt1");
  EXPECT_FALSE(v["accounts"]["unsupported"].contains("platform"));
  EXPECT_EQ(v["accounts"]["no_flow"]["key"], "PkOff1");
  EXPECT_EQ(v["accounts"]["shopify"]["key"], "PkOff1");  // the first shopify account
  EXPECT_EQ(v["accounts"]["bigcommerce"]["platform"], "bigcommerce");
  EXPECT_EQ(v["accounts"]["custom_catalog"]["platform"], "api");
  const std::string unknown = v["variants"]["unknown"];
  EXPECT_FALSE(unknown.empty());
  for (const auto& a : sample().accounts) EXPECT_EQ(a.find_variant(unknown), nullptr);
  EXPECT_EQ(values_from_fixtures(sample(), "seed")["variants"]["unknown"],
            unknown);  // stable per seed
}

// The rate-limit suite's account: the first supported one whose legacy calls count, 3 a minute.
TEST(TargetValuesTest, TheRateLimitedAccountIsTheOneLimitedToThreeLegacyCallsAMinute) {
  EXPECT_FALSE(values_from_fixtures(sample(), "seed")["accounts"].contains("rate_limited"));
  auto f = *fixtures::fixtures_from_json(json::parse(R"({"accounts": [
    {"key": "PkShop", "integration": "shopify", "flow": {}},
    {"key": "PkMost", "integration": "shopify", "rate_limits": {"steady": 5, "legacy": true}},
    {"key": "PkNone", "integration": "none", "rate_limits": {"steady": 3, "legacy": true}},
    {"key": "PkRate", "integration": "shopify", "rate_limits": {"burst": 100, "steady": 3, "legacy": true},
     "variants": [{"id": "7", "inventory": 0}]}
  ]})"));
  const json v = values_from_fixtures(f, "seed");
  EXPECT_EQ(v["accounts"]["rate_limited"],
            json::parse(R"({"key": "PkRate", "platform": "shopify", "restockable": ["7"],
                          "variant_prefix": "$shopify:::$default:::"})"));
}

TEST(TargetValuesTest, NoPrimaryAccountLeavesItsValuesOut) {
  fixtures::Fixtures f;
  f.accounts.push_back(fixtures::Account{});
  f.accounts[0].key = "NoInt1";
  f.accounts[0].integration = fixtures::Integration::kNone;
  const json v = values_from_fixtures(f, "s");
  EXPECT_FALSE(v.contains("key"));
  EXPECT_FALSE(v["variants"].contains("in_stock"));
  Target t;
  t.values = v;
  EXPECT_EQ(t.value("target.key"), nullptr);
  EXPECT_NE(t.value("target.accounts.unsupported.key"), nullptr);
}

// A target that cannot create variants restocks the out-of-stock ones its fixtures list: each
// account's below its threshold, without the primary's out_of_stock (other suites subscribe to
// it), in fixture order, one element at a time.
TEST(TargetValuesTest, RestockableVariantsAreTheOtherOutOfStockOnes) {
  fixtures::Fixtures f = sample();
  f.accounts[2].variants.push_back(fixtures::Variant{"4", 2, ""});
  f.accounts[1].variants.push_back(fixtures::Variant{"9", 0, ""});
  const json v = values_from_fixtures(f, "seed");
  EXPECT_EQ(v["variants"]["restockable"], json::parse(R"(["3", "4"])"));  // "1" is out_of_stock
  EXPECT_EQ(v["accounts"]["no_flow"]["restockable"], json::parse(R"(["9"])"));
  EXPECT_EQ(v["accounts"]["bigcommerce"]["restockable"], json::array());
  Target t;
  t.values = v;
  ASSERT_NE(t.value("target.variants.restockable[1]"), nullptr);
  EXPECT_EQ(*t.value("target.variants.restockable[1]"), "4");
  EXPECT_EQ(t.value("target.variants.restockable[2]"), nullptr);
  EXPECT_EQ(*t.value("target.accounts.no_flow.restockable[0]"), "9");
  EXPECT_EQ(t.value("target.key[0]"), nullptr);
}

// A profile's own values win (an account entry whole); the fixtures its control surface lists
// give the rest, with the profile's account as the primary one.
TEST(TargetValuesTest, AProfileIsCompletedFromTheFixturesOfItsControlSurface) {
  const json profile = json::parse(R"({"key": "PkBig1", "variants": {"in_stock": "77"},
    "accounts": {"no_flow": {"key": "PkShop"}, "unsupported": {"key": "X", "restockable": ["5"]}}})");
  fixtures::Fixtures f = sample();
  f.accounts[3].variants = {fixtures::Variant{"70", 0, ""}, fixtures::Variant{"71", 0, ""}};
  const json v = merge_profile_values(profile, f, "seed");
  EXPECT_EQ(v["key"], "PkBig1");
  EXPECT_EQ(v["platform"], "bigcommerce");
  EXPECT_EQ(v["variants"]["in_stock"], "77");
  EXPECT_EQ(v["variants"]["out_of_stock"], "70");
  EXPECT_EQ(v["variants"]["restockable"], json::parse(R"(["71"])"));
  EXPECT_EQ(v["accounts"]["no_flow"], json::parse(R"({"key": "PkShop", "restockable": ["1", "3"]})"));
  EXPECT_EQ(v["accounts"]["unsupported"], json::parse(R"({"key": "X", "restockable": ["5"]})"));
}

// The flow-changing scenarios' accounts: the other accounts of the primary's integration with
// an enabled flow, none limited on legacy calls (the rate-limit suite's), in fixture order.
TEST(TargetValuesTest, FlowAccountsAreOtherAccountsOfThePrimarysIntegrationWithALiveFlow) {
  auto f = *fixtures::fixtures_from_json(json::parse(R"({"accounts": [
    {"key": "PkShop", "integration": "shopify", "flow": {},
     "variants": [{"id": "1", "inventory": 0}, {"id": "2", "inventory": 0}]},
    {"key": "PkOff1", "integration": "shopify", "flow": {"enabled": false}},
    {"key": "PkBig1", "integration": "bigcommerce", "flow": {}},
    {"key": "PkRate", "integration": "shopify", "flow": {}, "rate_limits": {"steady": 3, "legacy": true}},
    {"key": "PkFlA", "private_key": "pk_a", "integration": "shopify", "flow": {},
     "variants": [{"id": "7", "inventory": 0}]},
    {"key": "PkFlB", "integration": "shopify", "flow": {"threshold": 2}}
  ]})"));
  json v = values_from_fixtures(f, "seed");
  EXPECT_EQ(v["accounts"]["flow_1"],
            json::parse(R"({"key": "PkFlA", "platform": "shopify", "private_key": "pk_a",
                          "restockable": ["7"], "variant_prefix": "$shopify:::$default:::"})"));
  EXPECT_EQ(v["accounts"]["flow_2"]["key"], "PkFlB");
  EXPECT_FALSE(v["accounts"].contains("flow_3"));
  add_flow_accounts(v);  // the one the fixtures do not give shares the primary account
  EXPECT_EQ(v["accounts"]["flow_1"]["key"], "PkFlA");
  EXPECT_EQ(v["accounts"]["flow_3"]["key"], "PkShop");
}

// A target with one account runs the flow-changing scenarios on it: each flow account is the
// primary, with the primary's restockable variants from the one its scenario used to take, so
// that sharing one account, no two scenarios restock one variant.
TEST(TargetValuesTest, WithoutAccountsOfTheirOwnFlowAccountsShareThePrimaryOne) {
  json v = json::parse(R"({"key": "PkOne", "platform": "shopify", "private_key": "pk_one",
    "variants": {"restockable": ["r0", "r1", "r2", "r3", "r4"]}})");
  add_flow_accounts(v);
  EXPECT_EQ(v["accounts"]["flow_1"], json::parse(R"({"key": "PkOne", "platform": "shopify",
    "private_key": "pk_one", "restockable": ["r3", "r4"]})"));
  EXPECT_EQ(v["accounts"]["flow_2"]["restockable"], json::parse(R"(["r4"])"));
  EXPECT_EQ(v["accounts"]["flow_3"]["restockable"], json::array());
  // A profile naming one keeps it; without a primary account there is nothing to share.
  json named = json::parse(R"({"key": "PkOne", "accounts": {"flow_2": {"key": "Own2"}}})");
  add_flow_accounts(named);
  EXPECT_EQ(named["accounts"]["flow_2"], json::parse(R"({"key": "Own2"})"));
  EXPECT_EQ(named["accounts"]["flow_1"]["key"], "PkOne");
  json none = json::parse(R"({"variants": {}})");
  add_flow_accounts(none);
  EXPECT_FALSE(none.contains("accounts"));
}

TEST(UrlTest, SplitsOriginAndPrefix) {
  auto u = parse_url("https://staging.example.com/bis/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->origin(), "https://staging.example.com:443");
  EXPECT_EQ(u->prefix, "/bis");
  EXPECT_EQ(parse_url("http://127.0.0.1:8080")->origin(), "http://127.0.0.1:8080");
  EXPECT_EQ(parse_url("http://[::1]:9/")->host, "[::1]");
  for (const char* bad : {"ftp://x", "localhost:8080", "http://", "http://h:0", "http://h:99999",
                          "http://u:p@h", "http://h/?q=1"}) {
    EXPECT_FALSE(parse_url(bad)) << bad;
  }
}

TEST(RetryAfterTest, SecondsAndHttpDates) {
  EXPECT_EQ(parse_retry_after("2"), std::chrono::milliseconds(2000));
  const auto now =
      std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            std::chrono::milliseconds(3000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), std::chrono::milliseconds(0));
  EXPECT_FALSE(parse_retry_after("soon"));
  EXPECT_FALSE(parse_retry_after(""));
}

TEST(RateLimiterTest, RefusesASlotPastTheDeadline) {
  VirtualEnv env;
  RateLimiter limiter(1, env);  // one per second
  const auto now = env.now();
  EXPECT_TRUE(limiter.acquire(now + std::chrono::seconds(5)));
  EXPECT_FALSE(limiter.acquire(now + std::chrono::milliseconds(100)));  // next slot is 1s away
  EXPECT_EQ(env.slept(), Duration(0));  // refused without waiting
}

// --max-rps 4: five requests take four intervals of 250 ms, in virtual time.
TEST(RateLimiterTest, SpacesSlotsEvenly) {
  VirtualEnv env;
  RateLimiter limiter(4, env);
  const auto start = env.now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.acquire(start + std::chrono::hours(1)));
  EXPECT_EQ(env.slept(), Duration(1000));
  EXPECT_EQ(std::chrono::duration_cast<Duration>(env.now() - start), Duration(1000));
}

TEST(ObservationFilterTest, EmailIsCaseInsensitiveAndOtherFiltersExact) {
  const json records = json::parse(R"([
    {"account": "A", "email": "Alice@Example.com", "profile": "alice@example.com", "variant": "1"},
    {"account": "A", "email": "bob@example.com", "variant": "1"},
    {"account": "B", "email": "alice@example.com", "variant": "2"}])");
  ControlCall call;
  call.action = "events";
  call.email = "ALICE@example.com";
  EXPECT_EQ(filter_records(records, call).size(), 2u);
  call.account = "A";
  EXPECT_EQ(filter_records(records, call).size(), 1u);
  call.variant = "2";
  EXPECT_EQ(filter_records(records, call).size(), 0u);
}

}  // namespace
}  // namespace bis::runner
