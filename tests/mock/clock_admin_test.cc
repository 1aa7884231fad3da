// The mock's clock through the control protocol (GET/PUT /__admin/clock): its shapes, its
// refusals, and what follows it: batches, record timestamps and the journal.
#include <gtest/gtest.h>

#include "server_support.h"
#include "support/poll.h"

namespace bis::mock {
namespace {

using nlohmann::json;
using testing::form;
using testing::MockServer;

constexpr int64_t kStart = 1'795'000'000'000;  // ManualClock's default start

json put_clock(const MockServer& m, const std::string& body, int want = 200) {
  auto r = m.client()->Put("/__admin/clock", body, "application/json");
  EXPECT_TRUE(r) << body;
  if (!r) return nullptr;
  EXPECT_EQ(r->status, want) << body << ": " << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  return json::parse(r->body, nullptr, false);
}

TEST(ClockAdminTest, ReadsTheMockClockAndEachMoveAnswersIt) {
  MockServer m;
  EXPECT_EQ(m.get_json("/__admin/clock"),
            (json{{"now", "2026-11-18T11:06:40.000Z"},
                  {"now_ms", kStart},
                  {"mode", "real"},
                  {"offset_ms", 0}}));
  json a = put_clock(m, R"({"advance": "90m"})");
  EXPECT_EQ(a["mode"], "offset");
  EXPECT_EQ(a["now_ms"], kStart + 5'400'000);
  EXPECT_EQ(a["offset_ms"], 5'400'000);
  EXPECT_EQ(a["sent"], 0);
  a = put_clock(m, R"({"advance_ms": 1000})");
  EXPECT_EQ(a["now_ms"], kStart + 5'401'000);
  a = put_clock(m, R"({"freeze_at": "2030-01-01T00:00:00+01:00"})");
  EXPECT_EQ(a["mode"], "frozen");
  EXPECT_EQ(a["now"], "2029-12-31T23:00:00.000Z");
  a = put_clock(m, R"({"real": true})");
  EXPECT_EQ(a["mode"], "real");
  EXPECT_EQ(a["now_ms"], kStart);
  a = put_clock(m, R"({"freeze": true})");
  EXPECT_EQ(a["mode"], "frozen");
  EXPECT_EQ(a["now_ms"], kStart);
  EXPECT_EQ(m.get_json("/__admin/clock")["mode"], "frozen");
}

TEST(ClockAdminTest, ABadMoveIsAJson400AndLeavesTheClockAlone) {
  MockServer m;
  put_clock(m, R"({"advance": "1h"})");
  const json before = m.get_json("/__admin/clock");
  for (const char* bad :
       {"", "not json", "[]", "{}", R"({"advance": "1h", "real": true})", R"({"advance": "5"})",
        R"({"advance": 5})", R"({"advance_ms": -1})", R"({"advance_ms": "5"})",
        R"({"advance_ms": 1.5})", R"({"advance": "-5m"})", R"({"advance_ms": 400000000000})",
        R"({"freeze_at": "yesterday"})", R"({"freeze_at": "2026-02-30T00:00:00Z"})",
        R"({"freeze_at": 1795000000000})", R"({"freeze": false})", R"({"real": 1})",
        R"({"rewind": "1h"})"}) {
    const json e = put_clock(m, bad, 400);
    ASSERT_TRUE(e.is_object()) << bad;
    ASSERT_TRUE(e["error"].is_string()) << bad;
    EXPECT_NE(e["error"].get<std::string>().find("PUT /__admin/clock takes one of"),
              std::string::npos)
        << bad << ": " << e;
  }
  EXPECT_EQ(m.get_json("/__admin/clock"), before);
  auto post = m.client()->Post("/__admin/clock", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, PUT");
}

// Mag002 sends batches of 2 every 60 s. Its later batches go out when the clock is advanced to
// their due time, and not before: a minute short of it sends nothing.
TEST(ClockAdminTest, ABatchedRestocksLaterBatchesGoOutWhenAndOnlyWhenTheClockReachesThem) {
  MockServer m;
  put_clock(m, R"({"freeze": true})");
  for (int i = 0; i < 5; ++i) {
    auto r = m.post_form(form("Mag002", "b" + std::to_string(i) + "@example.com", "331", "magento_two"));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }
  auto restock = m.client()->Put("/__admin/accounts/Mag002/variants/331", R"({"inventory": 10})",
                                 "application/json");
  ASSERT_TRUE(restock);
  EXPECT_EQ(json::parse(restock->body)["notified"], 2);
  EXPECT_EQ(json::parse(restock->body)["queued"], 3);
  EXPECT_EQ(m.count("notifications", "variant=331"), 2u);

  EXPECT_EQ(put_clock(m, R"({"advance": "59s"})")["sent"], 0);
  EXPECT_EQ(m.count("notifications", "variant=331"), 2u);
  EXPECT_EQ(put_clock(m, R"({"advance": "1s"})")["sent"], 2);
  EXPECT_EQ(m.count("notifications", "variant=331"), 4u);
  EXPECT_EQ(put_clock(m, R"({"advance": "1m"})")["sent"], 1);
  const json n = m.get_json("/__admin/notifications?variant=331");
  ASSERT_EQ(n["count"], 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(n["items"][i]["batch"], 1 + i / 2) << n;
  EXPECT_EQ(n["items"][4]["sent_at"], "2026-11-18T11:08:40.000Z");
  EXPECT_EQ(put_clock(m, R"({"advance": "1h"})")["sent"], 0);
  EXPECT_EQ(m.count("notifications", "variant=331"), 5u);
  EXPECT_EQ(m.count("subscriptions", "variant=331"), 0u);
}

// The server's timer follows the mock's clock too: moved without a control call (which sends
// what is due itself), the due batch still goes out on its own.
TEST(ClockAdminTest, TheTimerSendsABatchTheClockWasMovedPast) {
  MockServer m;
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(m.post_form(form("Mag002", "t" + std::to_string(i) + "@example.com", "331",
                               "magento_two"))->status,
              200);
  ASSERT_TRUE(m.harness.service->set_inventory("Mag002", "331", 10));
  ASSERT_EQ(m.count("notifications", "variant=331"), 2u);
  m.harness.service->virtual_clock().advance(60'000);
  bis::testing::poll_until([&] { return m.count("notifications", "variant=331") >= 3; });
  EXPECT_EQ(m.count("notifications", "variant=331"), 3u);
}

TEST(ClockAdminTest, RecordsAndTheJournalAreStampedWithTheMockTime) {
  MockServer m;
  put_clock(m, R"({"freeze_at": "2030-01-01T00:00:00Z"})");
  ASSERT_EQ(m.post_form(form("Shop01", "when@example.com", "111", "shopify"))->status, 200);
  EXPECT_EQ(m.get_json("/__admin/subscriptions?email=when@example.com")["items"][0]["created_at"],
            "2030-01-01T00:00:00.000Z");
  EXPECT_EQ(m.get_json("/__admin/events?email=when@example.com")["items"][0]["time"],
            "2030-01-01T00:00:00.000Z");
  EXPECT_EQ(m.get_json("/__admin/requests?limit=1")["items"][0]["time"],
            "2030-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace bis::mock
