// Fault injection over real sockets (docs/control-protocol.md, "Faults"): each kind as a raw
// client meets it, the hit counts, the seeded probability, and which faults record state.
#include <gtest/gtest.h>

#include <chrono>

#include "raw_client.h"
#include "server_support.h"

namespace bis::mock::testing {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using testing::status_of;  // beside admin_token_test.cc's status_of(port, request) in a unity build

json add_fault(const MockServer& m, const json& fault) {
  auto r = m.client()->Post("/__admin/faults", fault.dump(), "application/json");
  EXPECT_TRUE(r);
  if (!r) return nullptr;
  EXPECT_EQ(r->status, 201) << r->body;
  return json::parse(r->body, nullptr, false);
}

std::string subscribe_request(const std::string& email, const std::string& account = "Shop01",
                              const std::string& variant = "111") {
  const std::string body = form(account, email, variant, "shopify");
  return "POST /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\n"
         "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// What the connection does after the request: its bytes until the end, and how it ended.
struct Ending {
  std::string bytes;
  bool reset = false;  // ECONNRESET rather than an orderly end of input
  bool ended = false;
};
Ending read_to_end(RawClient& c) {
  Ending e;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(c.fd(), buf, sizeof buf, 0);
    if (n > 0) {
      e.bytes.append(buf, static_cast<size_t>(n));
      continue;
    }
    e.ended = n == 0 || errno == ECONNRESET;
    e.reset = n < 0 && errno == ECONNRESET;
    return e;
  }
}

json fault_list(const MockServer& m) { return m.get_json("/__admin/faults"); }

TEST(FaultServerTest, HealthOffersTheFaultsCapability) {
  MockServer m;
  const json h = m.get_json("/__admin/health");
  EXPECT_NE(std::find(h["capabilities"].begin(), h["capabilities"].end(), "faults"),
            h["capabilities"].end())
      << h.dump();
}

TEST(FaultServerTest, AddListRemoveAndClear) {
  MockServer m;
  const json a = add_fault(m, {{"kind", "status"}, {"status", 503}, {"times", 2}});
  EXPECT_EQ(a["id"], "f-1");
  EXPECT_EQ(a["kind"], "status");
  // Without "kind", the keys say it (as the dashboard writes a fault).
  add_fault(m, {{"min_ms", 1}, {"max_ms", 3}, {"path", "/api/*"}});
  json l = fault_list(m);
  ASSERT_EQ(l["count"], 2) << l.dump();
  EXPECT_EQ(l["items"][0]["hits"], 0);
  EXPECT_EQ(l["items"][0]["remaining"], 2);
  EXPECT_EQ(l["items"][1]["path"], "/api/*");
  EXPECT_EQ(l["items"][1]["kind"], "latency");
  auto c = m.client();
  auto r = c->Delete("/__admin/faults/f-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = c->Delete("/__admin/faults/f-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find("no fault with id 'f-1'"), std::string::npos) << r->body;
  EXPECT_EQ(fault_list(m)["count"], 1);
  r = c->Delete("/__admin/faults");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["removed"], 1);
  EXPECT_EQ(fault_list(m)["count"], 0);
}

TEST(FaultServerTest, BadFaultsAreRefusedWithTheReason) {
  MockServer m;
  auto c = m.client();
  const std::pair<std::string, std::string> cases[] = {
      {"not json", "body is not JSON"},
      {R"({"kind": "latncy", "ms": 5})", "unknown kind 'latncy'"},
      {R"({"kind": "latency"})", "a latency fault takes"},
      {R"({"kind": "status", "status": 700})", "status must be an integer from 200 to 599"},
      {R"({"kind": "status", "status": 503, "ms": 5})", "unknown key 'ms' for a status fault"},
      {R"({"kind": "empty", "probability": 2})", "probability must be a number from 0 to 1"},
      {R"({"kind": "slow_body", "bytes_per_second": 0})", "bytes_per_second"},
      {R"({"kind": "empty", "path": "api"})", "path must start with '/' or '*'"},
  };
  for (const auto& [body, why] : cases) {
    auto r = c->Post("/__admin/faults", body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body;
    EXPECT_NE(r->body.find(why), std::string::npos) << body << " -> " << r->body;
  }
  EXPECT_EQ(fault_list(m)["count"], 0);
}

TEST(FaultServerTest, LatencyDelaysTheAnswerAndTheRouteStillRecords) {
  MockServer m;
  add_fault(m, {{"kind", "latency"}, {"ms", 200}});
  RawClient c(m.port);
  const auto start = SteadyClock::now();
  ASSERT_TRUE(c.send(subscribe_request("late@example.com")));
  const std::string a = c.answer();
  const auto took = SteadyClock::now() - start;
  EXPECT_EQ(status_of(a), 200) << a;
  EXPECT_GE(took, std::chrono::milliseconds(200));
  EXPECT_EQ(m.count("subscriptions"), 1u);
  const json j = m.get_json("/__admin/requests");
  ASSERT_EQ(j["count"], 1);
  EXPECT_EQ(j["items"][0]["fault"], "f-1 latency 200ms");
  EXPECT_EQ(j["items"][0]["outcome"], "subscribed");
  EXPECT_EQ(fault_list(m)["items"][0]["hits"], 1);
}

// A sleeping fault holds only its own connection's thread: another account's request is
// answered while the faulted one still waits (it ends when the server stops).
TEST(FaultServerTest, LatencyOnOneAccountDoesNotHoldOtherConnections) {
  MockServer m;
  add_fault(m, {{"kind", "latency"}, {"ms", 30000}, {"account", "Big001"}});
  RawClient slow(m.port);
  ASSERT_TRUE(slow.send(subscribe_request("slow@example.com", "Big001", "221")));
  RawClient fast(m.port);
  ASSERT_TRUE(fast.send(subscribe_request("fast@example.com")));
  EXPECT_EQ(status_of(fast.answer()), 200);
  pollfd p{slow.fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 0) << "the faulted request was answered early";
  const json l = fault_list(m);
  EXPECT_EQ(l["items"][0]["matched"], 1) << l.dump();
}

TEST(FaultServerTest, AStatusFaultAnswersInsteadOfTheRouteAndRecordsNothing) {
  MockServer m;
  add_fault(m, {{"kind", "status"},
                {"status", 503},
                {"body", R"({"errors": ["down"]})"},
                {"headers", {{"X-Why", "maintenance"}}}});
  RawClient c(m.port);
  ASSERT_TRUE(c.send(subscribe_request("down@example.com")));
  const std::string a = c.answer();
  EXPECT_EQ(status_of(a), 503) << a;
  EXPECT_EQ(body_of(a), R"({"errors": ["down"]})");
  EXPECT_NE(a.find("X-Why: maintenance\r\n"), std::string::npos) << a;
  EXPECT_NE(a.find("Content-Type: application/json\r\n"), std::string::npos) << a;
  EXPECT_EQ(m.count("subscriptions"), 0u);
  EXPECT_EQ(m.count("events"), 0u);
  const json j = m.get_json("/__admin/requests");
  ASSERT_EQ(j["count"], 1);
  EXPECT_EQ(j["items"][0]["outcome"], "fault");
  EXPECT_EQ(j["items"][0]["fault"], "f-1 status 503");
  EXPECT_EQ(j["items"][0]["status"], 503);
  // What was sent is kept, and found by the shopper's address, as for any request.
  EXPECT_NE(j["items"][0]["body"].get<std::string>().find("example.com"),
            std::string::npos)
      << j;
  EXPECT_EQ(m.get_json("/__admin/requests?email=down%40example.com")["count"], 1);
}

TEST(FaultServerTest, TimesLimitsTheFaultToTheNextNMatchingRequests) {
  MockServer m;
  add_fault(m, {{"kind", "status"}, {"status", 500}, {"times", 2}});
  RawClient c(m.port);
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send(subscribe_request("n" + std::to_string(i) + "@example.com")));
    statuses.push_back(status_of(c.answer()));
  }
  EXPECT_EQ(statuses, (std::vector<int>{500, 500, 200}));
  const json f = fault_list(m)["items"][0];
  EXPECT_EQ(f["hits"], 2);
  EXPECT_EQ(f["remaining"], 0);
  EXPECT_EQ(m.count("subscriptions"), 1u);
}

TEST(FaultServerTest, RateLimitAnswers429WithRetryAfterAndAThrottledError) {
  MockServer m;
  add_fault(m, {{"kind", "rate_limit"}, {"retry_after", 7}});
  RawClient c(m.port);
  ASSERT_TRUE(c.send(subscribe_request("busy@example.com")));
  const std::string a = c.answer();
  EXPECT_EQ(status_of(a), 429) << a;
  EXPECT_NE(a.find("Retry-After: 7\r\n"), std::string::npos) << a;
  const json body = json::parse(body_of(a), nullptr, false);
  ASSERT_TRUE(body.contains("errors")) << a;
  EXPECT_EQ(body["errors"][0]["code"], "throttled");
  EXPECT_EQ(body["errors"][0]["status"], 429);
  EXPECT_EQ(m.count("subscriptions"), 0u);
}

// One subscribe over a raw socket under a fault of `kind`, read to its end.
Ending subscribe_under(MockServer& m, const char* kind, const std::string& email) {
  add_fault(m, {{"kind", kind}});
  RawClient c(m.port);
  EXPECT_TRUE(c.send(subscribe_request(email)));
  return read_to_end(c);
}

TEST(FaultServerTest, ResetBeforeResetsWithoutAByteAndRecordsNothing) {
  MockServer m;
  const Ending e = subscribe_under(m, "reset_before", "rst@example.com");
  EXPECT_TRUE(e.reset);
  EXPECT_EQ(e.bytes, "");
  EXPECT_EQ(m.count("subscriptions"), 0u);
  EXPECT_EQ(m.get_json("/__admin/requests")["items"][0]["outcome"], "fault");
}

// As a real server that crashed after its write: the subscription is there, the answer never.
TEST(FaultServerTest, ResetAfterRecordsButNeverAnswers) {
  MockServer m;
  const Ending e = subscribe_under(m, "reset_after", "written@example.com");
  EXPECT_TRUE(e.reset);
  EXPECT_EQ(e.bytes, "");
  EXPECT_EQ(m.count("subscriptions"), 1u);
  EXPECT_EQ(m.count("events"), 1u);
}

TEST(FaultServerTest, EmptyClosesWithoutAByteAndRecordsNothing) {
  MockServer m;
  const Ending e = subscribe_under(m, "empty", "empty@example.com");
  EXPECT_TRUE(e.ended);
  EXPECT_FALSE(e.reset);
  EXPECT_EQ(e.bytes, "");
  EXPECT_EQ(m.count("subscriptions"), 0u);
}

TEST(FaultServerTest, TruncateSendsTheFullLengthButOnlyPartOfTheBody) {
  MockServer m;
  add_fault(m, {{"kind", "truncate"}, {"bytes", 10}});
  RawClient c(m.port);
  ASSERT_TRUE(c.send(subscribe_request("cut@example.com")));
  const Ending e = read_to_end(c);
  EXPECT_TRUE(e.ended);
  EXPECT_EQ(status_of(e.bytes), 200) << e.bytes;
  EXPECT_NE(e.bytes.find("Content-Length: 45\r\n"), std::string::npos) << e.bytes;
  EXPECT_EQ(body_of(e.bytes), std::string(R"({"email": "cut@example.com", "success": true})")
                                  .substr(0, 10));
  EXPECT_EQ(m.count("subscriptions"), 1u);
}

TEST(FaultServerTest, SlowBodyArrivesWholeAtTheGivenRate) {
  MockServer m;
  add_fault(m, {{"kind", "slow_body"}, {"bytes_per_second", 100}});
  RawClient c(m.port);
  const auto start = SteadyClock::now();
  ASSERT_TRUE(c.send(subscribe_request("slow@example.com")));
  const std::string a = c.answer();
  const auto took = SteadyClock::now() - start;
  EXPECT_EQ(body_of(a), R"({"email": "slow@example.com", "success": true})");
  // 46 bytes in pieces of 10 at 100 bytes/s: the last piece is due 0.4 s after the first.
  EXPECT_GE(took, std::chrono::milliseconds(400));
  EXPECT_EQ(m.count("subscriptions"), 1u);
}

// The same seed gives the same decisions for the same sequence of requests.
TEST(FaultServerTest, AProbabilityFromASeedIsReproducible) {
  MockServer m;
  const json fault = {{"kind", "status"}, {"status", 503}, {"probability", 0.5}, {"seed", 42}};
  auto pattern = [&] {
    std::string out;
    RawClient c(m.port);
    for (int i = 0; i < 40; ++i) {
      c.send(subscribe_request("p" + std::to_string(i) + "@example.com", "Shop01", "nope"));
      out += status_of(c.answer()) == 503 ? 'F' : '.';
    }
    return out;
  };
  add_fault(m, fault);
  const std::string first = pattern();
  const json listed = fault_list(m)["items"][0];
  m.client()->Delete("/__admin/faults");
  add_fault(m, fault);
  EXPECT_EQ(pattern(), first);
  const auto faulted = std::count(first.begin(), first.end(), 'F');
  EXPECT_GT(faulted, 5) << first;
  EXPECT_LT(faulted, 35) << first;
  EXPECT_EQ(listed["hits"], faulted);
  EXPECT_EQ(listed["matched"], 40);
}

TEST(FaultServerTest, APathPatternChoosesTheRequestsAndTheControlSurfaceIsNeverFaulted) {
  MockServer m;
  add_fault(m, {{"kind", "status"}, {"status", 502}, {"path", "/api/v2/*"}});
  add_fault(m, {{"kind", "status"}, {"status", 503}, {"path", "*"}, {"account", "Big001"}});
  RawClient c(m.port);
  ASSERT_TRUE(c.send(subscribe_request("path@example.com")));
  EXPECT_EQ(status_of(c.answer()), 200);
  ASSERT_TRUE(c.send(subscribe_request("big@example.com", "Big001", "221")));
  EXPECT_EQ(status_of(c.answer()), 503);
  auto r = m.client()->Post("/api/v2/list/LDbl/subscribe",
                            R"({"profiles": [{"email": "l@example.com"}]})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  add_fault(m, {{"kind", "reset_before"}});
  EXPECT_EQ(m.get_json("/__admin/health")["status"], "ok");
  EXPECT_EQ(m.client()->Post("/__admin/reset")->status, 200);
  EXPECT_EQ(fault_list(m)["count"], 3) << "reset clears records, not faults";
}

// A far target: its control surface is as far as its API. Only a latency may be aimed there.
TEST(FaultServerTest, OnlyALatencyAimedAtTheControlSurfaceSlowsIt) {
  MockServer m;
  auto r = m.client()->Post("/__admin/faults", R"({"kind": "empty", "path": "/__admin/*"})",
                            "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  add_fault(m, {{"kind", "latency"}, {"ms", 150}, {"path", "/__admin/*"}});
  const auto start = SteadyClock::now();
  EXPECT_EQ(m.get_json("/__admin/health")["status"], "ok");
  EXPECT_GE(SteadyClock::now() - start, std::chrono::milliseconds(150));
  EXPECT_EQ(fault_list(m)["items"][0]["hits"], 2) << "the health check and this list";
}

}  // namespace
}  // namespace bis::mock::testing
