// Permitted variations (docs/variations.md) and the settle route, on a real server on port 0.
// Time is a ManualClock: async-recording's delays are crossed by moving it, never by sleeping.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bis/mock/email.h"
#include "bis/mock/server.h"
#include "bis/mock/variations.h"
#include "server_support.h"
#include "support/poll.h"

namespace bis::mock {
namespace {

using nlohmann::json;
using testing::form;

TEST(VariationsTest, ParsesNamesAndSuggestsTheClosestForATypo) {
  auto v = Variations::parse({"async-recording", "opaque-ids"});
  ASSERT_TRUE(v) << v.error();
  EXPECT_TRUE(v->has(Variation::kAsyncRecording));
  EXPECT_FALSE(v->has(Variation::kExtraKeys));
  EXPECT_EQ(v->names(), (std::vector<std::string>{"opaque-ids", "async-recording"}));

  auto typo = Variations::parse({"asyn-recording"});
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().find("did you mean 'async-recording'"), std::string::npos)
      << typo.error();
  EXPECT_FALSE(Variations::parse({"refusal-200", "refusal-422"}));
}

TEST(VariationsTest, EveryVariationHasARowWithItsNameAndReason) {
  ASSERT_EQ(all_variations().size(), static_cast<size_t>(Variation::kCount));
  for (size_t i = 0; i < all_variations().size(); ++i) {
    const VariationInfo& row = all_variations()[i];
    EXPECT_EQ(static_cast<size_t>(row.variation), i) << row.name;
    EXPECT_FALSE(row.why.empty()) << row.name;
    EXPECT_EQ(info(row.variation).name, row.name);
  }
}

TEST(VariationsTest, RefusalStatusFollowsTheVariation) {
  EXPECT_EQ(Variations{}.refusal_status("Shop01", 400), 400);
  EXPECT_EQ(Variations{}.add(Variation::kRefusal200).refusal_status("Shop01", 400), 200);
  EXPECT_EQ(Variations{}.add(Variation::kRefusal422).refusal_status("Shop01", 400), 422);
  // Per account: stable for one account, and the three statuses all occur across accounts.
  const Variations per = Variations{}.add(Variation::kRefusalPerAccount);
  std::set<int> seen;
  for (const char* key : {"Shop01", "Big001", "Mag002", "Api003", "NoInv4", "None05", "NoFlo6"}) {
    EXPECT_EQ(per.refusal_status(key, 400), per.refusal_status(key, 400));
    seen.insert(per.refusal_status(key, 400));
  }
  EXPECT_EQ(seen, (std::set<int>{200, 400, 422}));
}

TEST(VariationsTest, EmailRuleVariationsWidenOnlyWhatTheyName) {
  EmailRule wide;
  wide.allow_unicode_domain = true;
  wide.allow_quoted_local = true;
  EXPECT_FALSE(is_valid_email("user@b\xc3\xbc" "cher.de"));
  EXPECT_TRUE(is_valid_email("user@b\xc3\xbc" "cher.de", wide));
  EXPECT_FALSE(is_valid_email("\"john doe\"@example.com"));
  EXPECT_TRUE(is_valid_email("\"john doe\"@example.com", wide));
  // Still refused: the document's bad example, broken UTF-8, an unterminated quote.
  EXPECT_FALSE(is_valid_email("test@klaviyo", wide));
  EXPECT_FALSE(is_valid_email("user@b\xc3" "cher.de", wide));
  EXPECT_FALSE(is_valid_email("\"john@example.com", wide));
}

// A Service with variations behind a Server on a free loopback port.
struct VariedMock {
  explicit VariedMock(std::vector<std::string> names) {
    auto v = Variations::parse(names);
    EXPECT_TRUE(v);
    ServiceOptions o;
    o.variations = v ? *v : Variations{};
    o.clock = &clock;
    auto s = Service::create(testing::test_fixtures(), make_memory_store(), o);
    EXPECT_TRUE(s);
    service = std::move(*s);
    ServerOptions so;
    so.port = 0;
    server = std::make_unique<Server>(*service, so);
    auto started = server->start();
    EXPECT_TRUE(started);
    port = started ? *started : 0;
    client = std::make_unique<httplib::Client>("127.0.0.1", port);
    client->set_read_timeout(20);
  }
  ~VariedMock() { server->stop(); }

  httplib::Result subscribe(const std::string& email, const std::string& variant = "111") {
    return client->Post("/api/v1/catalog/subscribe",
                        form("Shop01", email, variant, "shopify"),
                        "application/x-www-form-urlencoded");
  }
  json get(const std::string& path) {
    auto r = client->Get(path.c_str());
    EXPECT_TRUE(r && r->status == 200) << path;
    return r ? json::parse(r->body, nullptr, false) : json();
  }
  json settle(int timeout_ms) {
    auto r = client->Post("/__admin/settle", json{{"timeout_ms", timeout_ms}}.dump(),
                          "application/json");
    EXPECT_TRUE(r && r->status == 200);
    return r ? json::parse(r->body, nullptr, false) : json();
  }

  ManualClock clock;
  int port = 0;
  std::unique_ptr<Service> service;
  std::unique_ptr<Server> server;
  std::unique_ptr<httplib::Client> client;
};

TEST(VariationsServerTest, AsyncRecordingShowsRecordsOnlyAfterTheirDelayAndSettleWaitsForThem) {
  VariedMock m({"async-recording"});
  auto r = m.subscribe("late@example.com");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);  // the answer is not delayed
  EXPECT_EQ(m.get("/__admin/subscriptions")["count"], 0);
  EXPECT_EQ(m.get("/__admin/events")["count"], 0);
  EXPECT_GE(m.get("/__admin/health")["pending"].get<int>(), 2);
  EXPECT_EQ(m.get("/__admin/health")["synchronous"], false);
  // The clock does not move: settle cannot finish, and says how much is pending.
  const json stuck = m.settle(0);
  EXPECT_EQ(stuck["settled"], false);
  EXPECT_GE(stuck["pending"].get<int>(), 2);

  m.clock.advance_ms(1001);
  EXPECT_EQ(m.settle(1000), (json{{"settled", true}, {"pending", 0}}));
  EXPECT_EQ(m.get("/__admin/subscriptions")["count"], 1);
  EXPECT_EQ(m.get("/__admin/events")["count"], 1);
  EXPECT_EQ(m.get("/__admin/health")["pending"], 0);

  // A restock: the notification and the clearing show only after the notification's delay.
  ASSERT_TRUE(m.service->set_inventory("Shop01", "111", 5));
  EXPECT_EQ(m.get("/__admin/subscriptions")["count"], 1);
  m.clock.advance_ms(1001);
  EXPECT_EQ(m.get("/__admin/notifications")["count"], 1);
  EXPECT_EQ(m.get("/__admin/subscriptions")["count"], 0);
}

// A clock move while a settle waits (the runner's clock scenarios move it beside restocks)
// sends a restock's prompt batches (batches-any-order) at the moved time, past the settle's
// cutoff: the settle must still wait for their notifications to show. The base clock stands
// still here, so they never show: the answer must be "not settled" whether the move lands
// before the settle or while it waits (the case that used to answer "settled").
TEST(VariationsServerTest, AClockMoveDuringASettleDoesNotHideAPromptBatch) {
  VariedMock m({"async-recording", "batches-any-order"});
  for (const char* e : {"a@example.com", "b@example.com", "c@example.com"})
    ASSERT_TRUE(m.subscribe(e));
  m.clock.advance_ms(1001);
  ASSERT_EQ(m.settle(0)["settled"], true);
  ASSERT_TRUE(m.service->set_inventory("Shop01", "111", 5));  // later batches within 1 s
  std::atomic<bool> asked{false};
  json answer;
  std::thread waiter([&] {
    httplib::Client c("127.0.0.1", m.port);
    c.set_read_timeout(20);
    asked = true;
    auto r = c.Post("/__admin/settle", R"({"timeout_ms": 1500})", "application/json");
    if (r && r->status == 200) answer = json::parse(r->body, nullptr, false);
  });
  ASSERT_TRUE(bis::testing::poll_until([&] { return asked.load(); }, std::chrono::seconds(5)));
  m.service->virtual_clock().advance(61'000);
  waiter.join();
  EXPECT_EQ(answer["settled"], false) << answer;
  EXPECT_LT(m.get("/__admin/notifications")["count"].get<int>(), 3);
}

TEST(VariationsServerTest, SettleIsImmediateOnASynchronousMockAndRefusesABadTimeout) {
  VariedMock m({});
  ASSERT_TRUE(m.subscribe("now@example.com"));
  EXPECT_EQ(m.get("/__admin/subscriptions")["count"], 1);
  EXPECT_EQ(m.settle(0), (json{{"settled", true}, {"pending", 0}}));
  EXPECT_EQ(m.get("/__admin/health")["pending"], 0);
  EXPECT_EQ(m.get("/__admin/health")["synchronous"], true);
  const json caps = m.get("/__admin/health")["capabilities"];
  EXPECT_NE(std::find(caps.begin(), caps.end(), "settle"), caps.end());
  auto bad = m.client->Post("/__admin/settle", R"({"timeout_ms": 60001})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto empty = m.client->Post("/__admin/settle", "", "application/json");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200);
}

TEST(VariationsServerTest, OpaqueIdsAndExtraKeysKeepTheLinksBetweenRecords) {
  VariedMock m({"opaque-ids", "extra-keys"});
  ASSERT_TRUE(m.subscribe("a@example.com"));
  ASSERT_TRUE(m.subscribe("b@example.com"));
  const json subs = m.get("/__admin/subscriptions");
  const json events = m.get("/__admin/events");
  ASSERT_EQ(subs["count"], 2);
  EXPECT_TRUE(subs.contains("x_vendor"));
  EXPECT_TRUE(subs["items"][0].contains("x_vendor"));
  const std::string id = subs["items"][0]["id"];
  EXPECT_NE(id, "sub-1");
  EXPECT_EQ(id.rfind("sub-", 0), 0u);
  EXPECT_EQ(events["items"][0]["subscription"], id);  // still the subscription's id
  EXPECT_EQ(subs["items"][0]["email"], "a@example.com");  // oldest first
  EXPECT_TRUE(m.get("/__admin/health")["counts"].contains("x_vendor"));
}

TEST(VariationsServerTest, AnswerVariationsChangeOnlyWhatTheDocumentsLeaveOpen) {
  VariedMock m({"refusal-200", "json-charset", "cors-echo-origin", "preflight-without-methods",
                "text-plain-form", "duplicate-error"});
  auto bad = m.subscribe("test@klaviyo");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 200);
  EXPECT_EQ(json::parse(bad->body)["success"], false);
  EXPECT_EQ(bad->get_header_value("Content-Type"), "application/json; charset=utf-8");

  auto head = m.client->Head("/api/v1/catalog/subscribe");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);  // as GET would be: refused with 200
  EXPECT_TRUE(head->body.empty());

  auto first = m.client->Post("/api/v1/catalog/subscribe",
                              form("Shop01", "plain@example.com", "111", "shopify"),
                              "text/plain");
  ASSERT_TRUE(first);
  EXPECT_EQ(json::parse(first->body)["success"], true);
  auto dup = m.subscribe("plain@example.com");
  ASSERT_TRUE(dup);
  EXPECT_EQ(json::parse(dup->body)["success"], false);

  httplib::Headers h{{"Origin", "https://shop.example.com"},
                     {"Access-Control-Request-Method", "POST"}};
  auto pre = m.client->Options("/api/v1/catalog/subscribe", h);
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 204);
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Origin"), "https://shop.example.com");
  EXPECT_NE(pre->get_header_value("Vary").find("Origin"), std::string::npos);
  EXPECT_FALSE(pre->has_header("Access-Control-Allow-Methods"));
}

TEST(VariationsServerTest, BatchesAnyOrderSendsEveryoneOnceWithinASecond) {
  VariedMock m({"batches-any-order"});
  for (int i = 0; i < 9; ++i) ASSERT_TRUE(m.subscribe("p" + std::to_string(i) + "@example.com"));
  auto r = m.service->set_inventory("Shop01", "111", 5);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->notified + r->queued, 9u);
  EXPECT_LT(r->notified, 9u);  // several batches
  m.clock.advance_ms(1001);
  EXPECT_EQ(m.settle(0)["settled"], true);
  const json n = m.get("/__admin/notifications");
  EXPECT_EQ(n["count"], 9);
  std::set<std::string> emails;
  for (const json& item : n["items"]) emails.insert(item["email"].get<std::string>());
  EXPECT_EQ(emails.size(), 9u);
  EXPECT_EQ(m.get("/__admin/subscriptions")["count"], 0);
}

}  // namespace
}  // namespace bis::mock
