// Rate limits on the served API over real sockets (docs/mock.md, "Rate limits"): the headers,
// the 429 answer, nothing recorded for it, the window following the mock's clock, the
// fixtures' override and --no-rate-limits.
#include <gtest/gtest.h>

#include "server_support.h"

namespace bis::mock {
namespace {
// Its own namespace: the component tests are one unity build.
namespace rate {

using nlohmann::json;
using testing::form;
using testing::MockServer;

// Shop01 counts its legacy calls too, 3 a minute; Big001 keeps the defaults.
fixtures::Fixtures limited_fixtures() {
  fixtures::Fixtures f = testing::test_fixtures();
  f.accounts[0].rate_limits = fixtures::RateLimits{100, 3, true};
  return f;
}

httplib::Result subscribe(const MockServer& m, const std::string& email) {
  return m.post_form(form("Shop01", email, "111", "shopify"));
}

TEST(RateLimitServerTest, CountedAnswersCarryTheSteadyWindowAndTheOneOverGets429) {
  MockServer m({}, {}, limited_fixtures());
  m.harness.service->virtual_clock().freeze();
  for (int i = 0; i < 3; ++i) {
    auto r = subscribe(m, "r" + std::to_string(i) + "@example.com");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("RateLimit-Limit"), "3");
    EXPECT_EQ(r->get_header_value("RateLimit-Remaining"), std::to_string(2 - i));
    EXPECT_EQ(r->get_header_value("RateLimit-Reset"), "60");
  }
  m.harness.service->virtual_clock().advance(15'500);
  auto refused = subscribe(m, "r3@example.com");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->get_header_value("Retry-After"), "45");
  EXPECT_FALSE(refused->has_header("RateLimit-Remaining"));
  EXPECT_EQ(json::parse(refused->body)["success"], false);
  EXPECT_EQ(m.count("subscriptions", "email=r3@example.com"), 0u);
  EXPECT_EQ(m.count("events", "email=r3@example.com"), 0u);
  const json journal = m.get_json("/__admin/requests?email=r3@example.com");
  ASSERT_EQ(journal["count"], 1);
  EXPECT_EQ(journal["items"][0]["status"], 429);
  EXPECT_EQ(journal["items"][0]["outcome"], "rate-limited");

  // The window follows the mock's clock.
  auto put = m.client()->Put("/__admin/clock", R"({"advance": "45s"})", "application/json");
  ASSERT_TRUE(put);
  auto again = subscribe(m, "r3@example.com");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->get_header_value("RateLimit-Remaining"), "2");
  EXPECT_EQ(m.count("subscriptions", "email=r3@example.com"), 1u);
}

TEST(RateLimitServerTest, LegacyCallsOfAnAccountWithoutLegacyLimitsAreNotCounted) {
  MockServer m;
  for (int i = 0; i < 5; ++i) {
    auto r = subscribe(m, "n" + std::to_string(i) + "@example.com");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_FALSE(r->has_header("RateLimit-Limit"));
  }
}

TEST(RateLimitServerTest, TheListApiOfALimitedAccountIsCountedByItsPrivateKey) {
  MockServer m({}, {}, limited_fixtures());
  httplib::Headers key{{"api-key", "pk_shop"}};
  const std::string body = R"({"profiles": [{"email": "l@example.com"}]})";
  auto first = m.client()->Post("/api/v2/list/LSgl/subscribe", key, body, "application/json");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(first->get_header_value("RateLimit-Remaining"), "2");
  for (int i = 0; i < 2; ++i)
    m.client()->Post("/api/v2/list/LSgl/subscribe", key, body, "application/json");
  auto refused = m.client()->Post("/api/v2/list/LSgl/subscribe", key,
                                  R"({"profiles": [{"email": "late@example.com"}]})",
                                  "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_NE(refused->body.find("Request was throttled"), std::string::npos) << refused->body;
  EXPECT_TRUE(refused->body.starts_with(R"({"detail":"Request was throttled. Expected available )"))
      << refused->body;
  EXPECT_EQ(m.count("lists/LSgl/members", "email=late@example.com"), 0u);
}

// The modern endpoints are counted by path before their handler runs, by the account their
// company_id or private key names; the 429 is a JSON:API error document.
TEST(RateLimitServerTest, AModernEndpointOverItsLimitAnswersAJsonApiError) {
  fixtures::Fixtures f = testing::test_fixtures();
  f.accounts[0].rate_limits = fixtures::RateLimits{1, 100, false};
  MockServer m({}, {}, f);
  m.harness.service->virtual_clock().freeze();
  const std::string path = "/client/back-in-stock-subscriptions?company_id=Shop01";
  auto first = m.client()->Post(path.c_str(), "{}", "application/vnd.api+json");
  ASSERT_TRUE(first);
  EXPECT_NE(first->status, 429);
  EXPECT_EQ(first->get_header_value("RateLimit-Limit"), "100");
  auto second = m.client()->Post(path.c_str(), "{}", "application/vnd.api+json");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429);
  EXPECT_EQ(second->get_header_value("Retry-After"), "1");
  EXPECT_EQ(second->get_header_value("Content-Type"), "application/vnd.api+json");
  const json e = json::parse(second->body, nullptr, false);
  ASSERT_TRUE(e.is_object()) << second->body;
  EXPECT_EQ(e["errors"][0]["status"], 429);
  EXPECT_EQ(e["errors"][0]["code"], "throttled");
  EXPECT_TRUE(e["errors"][0]["id"].is_string());
  // The bytes on the wire, pinned (jsonapi.cc writes them for the gate and the faults alike).
  EXPECT_EQ(second->body,
            R"({"errors":[{"code":"throttled","detail":"Request was throttled. Expected available )"
            R"(in 1 second.","id":"throttled-1","status":429,"title":"Request was throttled."}]})");
  // Another endpoint class has its own budget; an unknown account is not counted.
  auto server = m.client()->Post("/api/back-in-stock-subscriptions",
                                 {{"Authorization", "Klaviyo-API-Key pk_shop"}}, "{}",
                                 "application/vnd.api+json");
  ASSERT_TRUE(server);
  EXPECT_NE(server->status, 429);
  EXPECT_EQ(server->get_header_value("RateLimit-Remaining"), "99");
  auto unknown = m.client()->Post("/client/back-in-stock-subscriptions?company_id=Nobody", "{}",
                                  "application/vnd.api+json");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->has_header("RateLimit-Limit"));
}

TEST(RateLimitServerTest, NoRateLimitsServesEverythingWithoutHeaders) {
  ServerOptions o;
  o.rate_limits = false;
  MockServer m({}, o, limited_fixtures());
  for (int i = 0; i < 5; ++i) {
    auto r = subscribe(m, "o" + std::to_string(i) + "@example.com");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_FALSE(r->has_header("RateLimit-Limit"));
  }
}

TEST(RateLimitServerTest, ResetStartsTheCountsAgain) {
  MockServer m({}, {}, limited_fixtures());
  for (int i = 0; i < 3; ++i) subscribe(m, "s" + std::to_string(i) + "@example.com");
  ASSERT_EQ(subscribe(m, "s3@example.com")->status, 429);
  ASSERT_TRUE(m.client()->Post("/__admin/reset", "", "application/json"));
  EXPECT_EQ(subscribe(m, "s3@example.com")->status, 200);
}

}  // namespace rate
}  // namespace
}  // namespace bis::mock
