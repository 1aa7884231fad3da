// The fault model without sockets: --fault specs, the JSON form, matching and seeded draws.
#include "bis/mock/faults.h"

#include <gtest/gtest.h>

namespace bis::mock {
namespace {

using nlohmann::json;

TEST(FaultSpecTest, ShortFormsBecomeTheSameFaultsAsTheJson) {
  auto f = parse_fault_spec("latency=50ms");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->kind, FaultKind::kLatency);
  EXPECT_EQ(f->min_ms, 50);
  EXPECT_EQ(f->max_ms, 50);

  f = parse_fault_spec("latency=10ms..2s,path=/api/*,account=Shop01,times=3,p=0.25,seed=9");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->min_ms, 10);
  EXPECT_EQ(f->max_ms, 2000);
  EXPECT_EQ(f->path, "/api/*");
  EXPECT_EQ(f->account, "Shop01");
  EXPECT_EQ(f->times, 3u);
  EXPECT_EQ(f->probability, 0.25);
  EXPECT_EQ(f->seed, 9u);

  f = parse_fault_spec(R"(status=503,header=X-Why: down,body={"a": 1, "b": 2})");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->status, 503);
  EXPECT_EQ(f->body, R"({"a": 1, "b": 2})") << "body= takes the rest, commas included";
  ASSERT_EQ(f->headers.size(), 1u);
  EXPECT_EQ(f->headers[0], (std::pair<std::string, std::string>{"X-Why", "down"}));

  f = parse_fault_spec("rate_limit=3");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->status, 429);
  EXPECT_EQ(f->retry_after, 3);
  EXPECT_EQ(f->body,
            R"({"errors":[{"code":"throttled","detail":"Request was throttled. Expected available )"
            R"(in 3 seconds.","id":"bis-mock-fault","status":429,"title":"Request was throttled."}]})");

  for (const auto& [spec, kind] :
       std::vector<std::pair<std::string, FaultKind>>{{"reset=before", FaultKind::kResetBefore},
                                                      {"reset=after", FaultKind::kResetAfter},
                                                      {"empty", FaultKind::kEmpty},
                                                      {"truncate=10", FaultKind::kTruncate},
                                                      {"slow_body=100", FaultKind::kSlowBody}}) {
    f = parse_fault_spec(spec);
    ASSERT_TRUE(f) << spec << ": " << f.error();
    EXPECT_EQ(f->kind, kind) << spec;
  }
}

TEST(FaultSpecTest, ErrorsNameTheSpecAndTheColumn) {
  const std::pair<std::string, std::string> cases[] = {
      {"latency=5x", "--fault 'latency=5x': at column 9: expected a duration"},
      {"status=503,tims=2", "--fault 'status=503,tims=2': at column 12: unknown key 'tims'"},
      {"status=700", "--fault 'status=700': at column 1: status must be an integer from 200"},
      {"latncy=5ms", "--fault 'latncy=5ms': at column 1: unknown fault 'latncy'"},
      {"empty,p=2", "--fault 'empty,p=2': at column 7: probability must be a number from 0 to 1"},
      {"empty,,times=1", "--fault 'empty,,times=1': at column 7: expected KEY or KEY=VALUE"},
      {"reset=sideways", "at column 7: expected reset=before or reset=after"},
  };
  for (const auto& [spec, message] : cases) {
    auto f = parse_fault_spec(spec);
    ASSERT_FALSE(f) << spec;
    EXPECT_NE(f.error().find(message), std::string::npos) << spec << " -> " << f.error();
  }
}

TEST(FaultJsonTest, RoundTripsThroughTheControlProtocolForm) {
  auto f = fault_from_json(json{{"kind", "latency"}, {"min_ms", 5}, {"max_ms", 9}});
  ASSERT_TRUE(f);
  const json j = to_json(*f);
  EXPECT_EQ(j["min_ms"], 5);
  EXPECT_EQ(j["max_ms"], 9);
  auto again = fault_from_json(json{{"kind", "latency"}, {"min_ms", 5}, {"max_ms", 9}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->max_ms, 9);
  EXPECT_FALSE(fault_from_json(json{{"kind", "latency"}, {"min_ms", 9}, {"max_ms", 5}}));
}

TEST(GlobMatchTest, StarMatchesAnyRun) {
  EXPECT_TRUE(glob_match("*", "/anything/at/all"));
  EXPECT_TRUE(glob_match("/api/*", "/api/v1/catalog/subscribe"));
  EXPECT_TRUE(glob_match("*/subscribe", "/onsite/components/back-in-stock/subscribe"));
  EXPECT_TRUE(glob_match("/api/v1/catalog/subscribe", "/api/v1/catalog/subscribe"));
  EXPECT_FALSE(glob_match("/api/v1/catalog/subscribe", "/api/v1/catalog/subscribe/"));
  EXPECT_FALSE(glob_match("/api/*", "/onsite/components/back-in-stock/subscribe"));
  EXPECT_TRUE(glob_match("/a*b*c", "/aXbYbZc"));
  EXPECT_FALSE(glob_match("/a*b*c", "/aXbYbZ"));
}

TEST(FaultSetTest, LatencyRangesStayInBoundsAndAddUpWithOneAction) {
  FaultSet set;
  Fault range;
  range.min_ms = 10;
  range.max_ms = 20;
  set.add(range);
  Fault fixed;
  fixed.min_ms = fixed.max_ms = 100;
  set.add(fixed);
  Fault status;
  status.kind = FaultKind::kStatus;
  status.status = 503;
  set.add(status);
  Fault never_reached;
  never_reached.kind = FaultKind::kEmpty;
  set.add(never_reached);
  for (int i = 0; i < 50; ++i) {
    const FaultPlan p = set.decide("/x", "");
    ASSERT_GE(p.delay_ms, 110);
    ASSERT_LE(p.delay_ms, 120);
    ASSERT_TRUE(p.action);
    EXPECT_EQ(p.action->id, "f-3");
    EXPECT_FALSE(p.calls_route());
    EXPECT_EQ(p.applied.size(), 3u);
  }
  EXPECT_EQ(set.list()["items"][3]["matched"], 0);
}

TEST(FaultSetTest, TheSameSeedDecidesTheSame) {
  auto run = [](uint64_t seed) {
    FaultSet set;
    Fault f;
    f.kind = FaultKind::kEmpty;
    f.probability = 0.3;
    f.seed = seed;
    set.add(f);
    std::string out;
    for (int i = 0; i < 64; ++i) out += set.decide("/x", "").empty() ? '.' : 'F';
    return out;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(FaultSetTest, AnAccountFaultSkipsRequestsOfUnknownAccount) {
  FaultSet set;
  Fault f;
  f.kind = FaultKind::kEmpty;
  f.account = "Shop01";
  set.add(f);
  EXPECT_TRUE(set.needs_account());
  EXPECT_TRUE(set.decide("/x", "").empty());
  EXPECT_TRUE(set.decide("/x", "Big001").empty());
  EXPECT_FALSE(set.decide("/x", "Shop01").empty());
}

}  // namespace
}  // namespace bis::mock
