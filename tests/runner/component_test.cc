// The runner against a real HTTP target (the test server, port 0): every verdict, polling,
// concurrency, rate limiting, keep-alive, redaction, selection and isolation.
#include <gtest/gtest.h>

#include <algorithm>

#include "../common/redaction_cases.h"
#include "bis/runner/env.h"
#include "run_fixture.h"
#include "test_server.h"

namespace bis::testing {
namespace {

using runner::Verdict;

constexpr const char* kSubscribe = R"(
      - request:
          endpoint: subscribe
          form: {a: "{{ target.key }}", email: "{{ unique_email }}", variant: "{{ target.variants.in_stock }}", platform: "{{ target.platform }}"}
)";

std::string suite(const std::string& scenarios) { return "suite: comp\nscenarios:\n" + scenarios; }

// The runner and the test server on one virtual clock: polling, settle windows and Retry-After
// cost no real time, and what was waited is known exactly. Declare it before the servers.
struct VirtualTime {
  runner::VirtualEnv env;
  TestServerOptions server(TestServerOptions o = {}) {
    o.now = [this] { return env.now(); };
    o.sleep_until = [this](std::chrono::steady_clock::time_point t) { env.sleep_until(t); };
    return o;
  }
  runner::RunOptions run() {
    runner::RunOptions r;
    r.env = &env;
    return r;
  }
};

TEST(RunnerComponentTest, PassingScenarioChecksAnswersCapturesAndObservations) {
  TestServer server;
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: subscribes
    covers: [R-MUST]
    steps:)" + std::string(kSubscribe) +
                                R"(
        expect:
          status: 200
          json: {email: "{{ unique_email }}", success: true}
          headers: {Content-Type: {matches: "^application/json"}}
        capture: {echoed: $.email}
      - observe: {what: subscriptions, email: "{{ echoed }}"}
        eventually: true
        expect: {count: 1, match: {"$[0].variant": "{{ target.variants.in_stock }}"}}
      - observe: {what: events, email: "{{ upper(unique_email) }}"}
        eventually: true
        expect: {count: 1, match: {"$[0].metric": Subscribed to Back in Stock}}
)"),
                          target->target);
  const auto& sc = scenario(result, "subscribes");
  EXPECT_EQ(sc.verdict, Verdict::kPass) << sc.reason;
  ASSERT_EQ(sc.steps.size(), 3u);
  EXPECT_EQ(sc.steps[0].exchanges[0].status, 200);
  EXPECT_NE(sc.steps[0].exchanges[0].curl.find(
                "--data-raw 'a=PkTest&email=bis.testrun1.comp.subscribes%40example.com"),
            std::string::npos)
      << sc.steps[0].exchanges[0].curl;
  EXPECT_TRUE(result.conformant());
  EXPECT_EQ(result.requirements[0].verdict, Verdict::kPass);
  EXPECT_EQ(result.requirements[0].scenarios, (std::vector<std::string>{"comp/subscribes"}));
}

TEST(RunnerComponentTest, BrokenMustFailsWithExpectedActualPathAndPosition) {
  TestServer server;
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: wrong-body
    covers: [R-MUST]
    steps:)" + std::string(kSubscribe) +
                                R"(
        expect:
          json: {email: "{{ unique_email }}", success: false}
      - observe: {what: events}
        consistently: true
        expect: {count: 0}
)"),
                          target->target);
  const auto& sc = scenario(result, "wrong-body");
  EXPECT_EQ(sc.verdict, Verdict::kFail);
  EXPECT_EQ(sc.steps_not_run, 1u);
  ASSERT_EQ(sc.steps[0].assertions.size(), 1u);
  const auto& a = sc.steps[0].assertions[0];
  EXPECT_FALSE(a.passed);
  EXPECT_EQ(a.path, "$.success");
  EXPECT_EQ(a.expected, "false");
  EXPECT_EQ(a.actual, "true");
  EXPECT_EQ(a.message, "expected false, got true");  // the path is shown once, from a.path
  EXPECT_EQ(a.pos.line, 12);
  EXPECT_EQ(a.requirements, (std::vector<std::string>{"R-MUST"}));
  EXPECT_FALSE(result.conformant());
  EXPECT_EQ(result.requirements[0].verdict, Verdict::kFail);
}

TEST(RunnerComponentTest, BrokenShouldWarnsAndStrictMakesItFail) {
  TestServer server;
  auto target = connect(server.url());
  const std::string s = suite(R"(
  - id: should
    covers: [R-SHOULD]
    steps:)" + std::string(kSubscribe) +
                              R"(
        expect:
          headers: {X-RateLimit-Limit: {present: true}}
      - observe: {what: subscriptions, email: "{{ unique_email }}"}
        eventually: true
        expect: {count: 1}
)");
  auto result = run_suite(s, target->target);
  const auto& sc = scenario(result, "should");
  EXPECT_EQ(sc.verdict, Verdict::kWarn);
  EXPECT_EQ(sc.steps.size(), 2u);  // a warning does not stop the scenario
  EXPECT_TRUE(result.conformant());
  runner::RunOptions strict;
  strict.strict = true;
  EXPECT_FALSE(run_suite(s, target->target, strict).conformant());
}

TEST(RunnerComponentTest, MissingCapabilityOrTargetValueIsNotApplicable) {
  TestServerOptions o;
  o.capabilities = {"subscribe", "fixtures"};  // no observations
  TestServer server(o);
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: needs-events
    covers: [R-MUST]
    steps:
      - observe: {what: events}
        consistently: true
        expect: {count: 0}
  - id: needs-list
    covers: [R-MUST-2]
    steps:
      - request: {path: "/x/{{ target.lists.single_opt_in }}"}
)"),
                          target->target);
  EXPECT_EQ(scenario(result, "needs-events").verdict, Verdict::kNotApplicable);
  EXPECT_EQ(scenario(result, "needs-events").reason, "the target lacks capability 'events'");
  EXPECT_EQ(scenario(result, "needs-list").verdict, Verdict::kNotApplicable);
  EXPECT_EQ(scenario(result, "needs-list").reason,
            "the target does not define 'target.lists.single_opt_in'");
  EXPECT_TRUE(result.conformant());
  EXPECT_EQ(result.scenario_counts().not_applicable, 2u);
  EXPECT_EQ(result.requirements[0].verdict, Verdict::kNotApplicable);
}

// advance_clock sends the target how far to move its clock, in milliseconds; a target without
// the capability `clock` makes the scenario not applicable (its batches could not be reached).
TEST(RunnerComponentTest, AdvanceClockMovesTheTargetsClockOrIsNotApplicable) {
  const std::string text = suite(R"(
  - id: later
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: advance_clock, by: 1h30m}
        expect:
          match: {"$.offset_ms": 5400000}
      - control: {action: advance_clock, by: 250ms}
)");
  TestServerOptions with;
  with.capabilities.push_back("clock");
  TestServer server(with);
  auto target = connect(server.url());
  auto result = run_suite(text, target->target);
  EXPECT_EQ(scenario(result, "later").verdict, Verdict::kPass) << scenario(result, "later").reason;
  EXPECT_EQ(server.clock_moves(),
            (std::vector<std::string>{R"({"advance_ms":5400000})", R"({"advance_ms":250})"}));

  TestServer without;
  auto plain = connect(without.url());
  auto na = run_suite(text, plain->target);
  EXPECT_EQ(scenario(na, "later").verdict, Verdict::kNotApplicable);
  EXPECT_EQ(scenario(na, "later").reason, "the target lacks capability 'clock'");
  EXPECT_TRUE(without.clock_moves().empty());
}

TEST(RunnerComponentTest, ATargetWithoutFixturesDefinesNoTargetValues) {
  TestServerOptions o;
  o.capabilities = {"subscribe"};
  TestServer server(o);
  auto target = connect(server.url());
  EXPECT_EQ(target->target.value("target.key"), nullptr);
  auto result = run_suite(suite(R"(
  - id: needs-key
    covers: [R-MUST]
    steps:)" + std::string(kSubscribe)),
                          target->target);
  EXPECT_EQ(scenario(result, "needs-key").verdict, Verdict::kNotApplicable);
}

TEST(RunnerComponentTest, TimeoutsAndRefusedControlCallsAreErrorsNotFailures) {
  TestServerOptions o;
  o.broken_control = true;
  TestServer server(o);
  auto target = connect(server.url());
  runner::RunOptions options;
  options.request_timeout = runner::Duration(300);
  auto result = run_suite(suite(R"(
  - id: slow
    covers: [R-MUST]
    steps:
      - request: {method: GET, path: /slow}
        expect: {status: 200}
  - id: control-refused
    covers: [R-MUST-2]
    steps:
      - observe: {what: subscriptions}
        consistently: true
        expect: {count: 0}
)"),
                          target->target, options);
  const auto& slow = scenario(result, "slow");
  EXPECT_EQ(slow.verdict, Verdict::kError);
  EXPECT_NE(slow.reason.find("within 300ms"), std::string::npos) << slow.reason;
  const auto& refused = scenario(result, "control-refused");
  EXPECT_EQ(refused.verdict, Verdict::kError);
  EXPECT_NE(refused.reason.find("answered 500"), std::string::npos) << refused.reason;
  EXPECT_FALSE(result.conformant());
  EXPECT_EQ(result.requirements[0].verdict, Verdict::kError);
}

TEST(RunnerComponentTest, EventuallyWaitsForLateEventsAndGivesUpAfterItsTimeout) {
  VirtualTime time;
  TestServerOptions late = time.server();
  late.event_delay = std::chrono::milliseconds(300);
  TestServer server(late);
  auto target = connect(server.url());
  const std::string s = suite(R"(
  - id: late-event
    covers: [R-MUST]
    steps:)" + std::string(kSubscribe) +
                              R"(
      - observe: {what: events, email: "{{ unique_email }}"}
        eventually: {timeout: 3s, interval: 50ms}
        expect: {count: 1}
)");
  auto result = run_suite(s, target->target, time.run());
  const auto& sc = scenario(result, "late-event");
  EXPECT_EQ(sc.verdict, Verdict::kPass);
  EXPECT_EQ(sc.steps[1].attempts, 7);  // at 0, 50, ..., 300 ms
  EXPECT_EQ(time.env.slept(), runner::Duration(300));

  VirtualTime time2;
  TestServerOptions never = time2.server();
  never.drop_events = true;
  TestServer dropping(never);
  auto target2 = connect(dropping.url());
  std::string bounded = s;
  bounded.replace(bounded.find("timeout: 3s"), 11, "timeout: 400ms");
  auto timed_out = run_suite(bounded, target2->target, time2.run());
  const auto& failed = scenario(timed_out, "late-event");
  EXPECT_EQ(failed.verdict, Verdict::kFail);
  EXPECT_EQ(failed.steps[1].attempts, 8);  // the last read at 350 ms: another would be at 400
  EXPECT_NE(failed.steps[1].assertions[0].message.find("still failing after 350ms"),
            std::string::npos)
      << failed.steps[1].assertions[0].message;
  // Bounded by the step's timeout, not the scenario's.
  EXPECT_EQ(time2.env.slept(), runner::Duration(350));
}

TEST(RunnerComponentTest, ConsistentlyCatchesAValueThatChanges) {
  VirtualTime time;
  TestServerOptions late = time.server();
  late.event_delay = std::chrono::milliseconds(200);
  std::erase(late.capabilities, "settle");  // no settle: the watch alone must see the change
  TestServer server(late);
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: no-event-ever
    covers: [R-MUST]
    steps:)" + std::string(kSubscribe) +
                                R"(
      - observe: {what: events, email: "{{ unique_email }}"}
        consistently: {for: 1s, interval: 50ms}
        expect: {count: 0}
)"),
                          target->target, time.run());
  const auto& sc = scenario(result, "no-event-ever");
  EXPECT_EQ(sc.verdict, Verdict::kFail);
  EXPECT_NE(sc.steps[1].assertions[0].message.find("held at first, then failed after 200ms"),
            std::string::npos)
      << sc.steps[1].assertions[0].message;
  EXPECT_EQ(sc.steps[1].attempts, 5);  // at 0, 50, ..., 200 ms
  EXPECT_EQ(time.env.slept(), runner::Duration(200));
}

// docs/control-protocol.md: clients ignore keys they do not know. A target that adds one to
// every object of every control answer (health, fixtures down to flows, variants and lists,
// every record, the PUT answers) is connected to and passes, with its values read.
TEST(RunnerComponentTest, ControlAnswersWithUnknownKeysAtEveryLevelAreReadAndPass) {
  TestServerOptions o;
  o.extra_keys = true;
  TestServer server(o);
  auto target = connect(server.url());
  ASSERT_TRUE(target);
  EXPECT_EQ(target->target.info.implementation, "test-server");
  EXPECT_EQ(target->target.values["variants"]["out_of_stock"], "200");
  auto result = run_suite(suite(R"(
  - id: everything-with-extra-keys
    covers: [R-MUST]
    exclusive: true
    steps:
      - request:
          endpoint: subscribe
          form: {a: "{{ target.key }}", email: "{{ unique_email }}", variant: "{{ target.variants.out_of_stock }}", platform: "{{ target.platform }}"}
        expect: {status: 200}
      - observe: {what: subscriptions, email: "{{ unique_email }}"}
        eventually: {timeout: 2s, interval: 20ms}
        expect: {count: 1, match: {"$[0].variant": "{{ target.variants.out_of_stock }}"}}
      - observe: {what: events, email: "{{ unique_email }}"}
        eventually: {timeout: 2s, interval: 20ms}
        expect: {count: 1, match: {"$[0].metric": Subscribed to Back in Stock}}
      - control: {action: set_flow, account: "{{ target.key }}", flow: {enabled: true}}
        expect: {match: {$.flow.enabled: true}}
      - control: {action: set_inventory, account: "{{ target.key }}", variant: "{{ target.variants.out_of_stock }}", inventory: 3}
        expect: {match: {$.notified: 1, $.restocked: true}}
      - observe: {what: notifications, email: "{{ unique_email }}"}
        eventually: {timeout: 2s, interval: 20ms}
        expect: {count: 1}
    finally:
      - control: {action: set_inventory, account: "{{ target.key }}", variant: "{{ target.variants.out_of_stock }}", inventory: 0}
)"),
                          target->target);
  const auto& sc = scenario(result, "everything-with-extra-keys");
  EXPECT_EQ(sc.verdict, Verdict::kPass) << sc.reason;
  // The answers did carry the extra key (the test would prove nothing otherwise).
  ASSERT_GE(sc.steps.size(), 4u);
  ASSERT_FALSE(sc.steps[3].exchanges.empty());
  EXPECT_NE(sc.steps[3].exchanges[0].response_body.find("x_unknown_to_clients"),
            std::string::npos);
}

// An asynchronous target (records visible 300 ms after the answer): the presence check polls
// until it sees the event, and the exact-count check catches an extra event that shows only
// later, whether the target offers `settle` (asked before the first read) or not (watched for
// the default settle window of a URL target).
const std::string kLateRecords = suite(R"(
  - id: one-event
    covers: [R-MUST]
    steps:)" + std::string(kSubscribe) + R"(
      - observe: {what: events, email: "{{ unique_email }}"}
        eventually: true
        expect: {count: {min: 1}}
      - observe: {what: events, email: "{{ unique_email }}"}
        consistently: true
        expect: {count: 1}
)");

TEST(RunnerComponentTest, OnAnAsynchronousTargetPresencePollsAndAbsenceCatchesALateRecord) {
  for (const bool offers_settle : {false, true}) {
    SCOPED_TRACE(offers_settle ? "offers settle" : "no settle");
    VirtualTime time;
    TestServerOptions o = time.server();
    o.event_delay = std::chrono::milliseconds(300);
    if (!offers_settle) std::erase(o.capabilities, "settle");
    TestServer correct(o);
    auto target = connect(correct.url());
    EXPECT_EQ(target->target.timing.settle,
              offers_settle ? runner::Duration(0) : runner::kUnsettledSettleWindow);
    auto result = run_suite(kLateRecords, target->target, time.run());
    const auto& pass = scenario(result, "one-event");
    EXPECT_EQ(pass.verdict, Verdict::kPass) << pass.reason;
    ASSERT_EQ(pass.steps.size(), 3u);
    EXPECT_GT(pass.steps[1].attempts, 1);  // the presence check polled
    const auto seen = correct.seen_requests();
    const bool asked = std::any_of(seen.begin(), seen.end(),
                                   [](const auto& r) { return r.second == "/__admin/settle"; });
    EXPECT_EQ(asked, offers_settle);

    o.late_extra_event = true;
    TestServer broken(o);
    auto target2 = connect(broken.url());
    auto caught = run_suite(kLateRecords, target2->target, time.run());
    const auto& fail = scenario(caught, "one-event");
    EXPECT_EQ(fail.verdict, Verdict::kFail) << fail.reason;
    ASSERT_EQ(fail.steps.size(), 3u);
    EXPECT_EQ(fail.steps[1].verdict, Verdict::kPass);  // the first event alone was there
    EXPECT_EQ(fail.steps[2].verdict, Verdict::kFail);
    // With settle the first read already sees both; without, the watch sees the second come.
    EXPECT_EQ(fail.steps[2].attempts > 1, !offers_settle) << fail.steps[2].attempts;
  }
}

// A target that offers `settle` but cannot finish its work makes an absence check an error
// (its answer would not mean anything), not a pass and not a failure.
TEST(RunnerComponentTest, ATargetThatDoesNotSettleMakesTheAbsenceCheckAnError) {
  VirtualTime time;
  TestServerOptions o = time.server();
  o.stuck_settle = true;
  TestServer server(o);
  auto target = connect(server.url());
  std::string s = kLateRecords;
  s.replace(s.find("    covers: [R-MUST]"), 0, "    timeout: 2s\n");
  auto result = run_suite(s, target->target, time.run());
  const auto& sc = scenario(result, "one-event");
  EXPECT_EQ(sc.verdict, Verdict::kError);
  EXPECT_NE(sc.reason.find("did not settle within"), std::string::npos) << sc.reason;
  EXPECT_NE(sc.reason.find("pending: 1"), std::string::npos) << sc.reason;
}

// docs/suite-format.md, `eventually`: on a target offering `settle`, a record that never comes
// fails as soon as the target has settled, not at the 5s default; an explicit timeout (time
// itself awaited) still polls to it; a target that cannot settle is polled as without settle.
TEST(RunnerComponentTest, EventuallyOnASettlingTargetFailsOnceSettledUnlessItsTimeoutIsExplicit) {
  const std::string s = suite(R"(
  - id: never-comes
    covers: [R-MUST]
    steps:)" + std::string(kSubscribe) +
                              R"(
      - observe: {what: events, email: "{{ unique_email }}"}
        eventually: true
        expect: {count: 1}
)");
  VirtualTime time;
  TestServerOptions never = time.server();
  never.drop_events = true;
  TestServer dropping(never);
  auto target = connect(dropping.url());
  ASSERT_TRUE(target);
  ASSERT_EQ(target->target.timing.eventually, runner::Duration(5000));
  auto result = run_suite(s, target->target, time.run());
  const auto& fast = scenario(result, "never-comes");
  EXPECT_EQ(fast.verdict, Verdict::kFail);
  ASSERT_EQ(fast.steps.size(), 2u);
  EXPECT_EQ(fast.steps[1].attempts, 2);  // one read, settle, one read: not 5s of polling
  EXPECT_NE(fast.steps[1].assertions[0].message.find("once the target had settled"),
            std::string::npos)
      << fast.steps[1].assertions[0].message;
  const auto seen = dropping.seen_requests();
  EXPECT_TRUE(std::any_of(seen.begin(), seen.end(),
                          [](const auto& r) { return r.second == "/__admin/settle"; }));

  // An explicit timeout polls to it, settle or not.
  std::string timed = s;
  timed.replace(timed.find("eventually: true"), 16, "eventually: {timeout: 400ms, interval: 50ms}");
  const auto polled_run = run_suite(timed, target->target, time.run());
  const auto& polled = scenario(polled_run, "never-comes");  // the run outlives the reference
  EXPECT_EQ(polled.verdict, Verdict::kFail);
  EXPECT_GE(polled.steps[1].attempts, 3);
  EXPECT_NE(polled.steps[1].assertions[0].message.find("still failing after"), std::string::npos);

  // A target that cannot settle: the step polls until the scenario's deadline instead.
  never.stuck_settle = true;
  TestServer stuck(never);
  auto target2 = connect(stuck.url());
  ASSERT_TRUE(target2);
  std::string bounded = s;
  bounded.replace(bounded.find("    covers: [R-MUST]"), 0, "    timeout: 2s\n");
  const auto waited_run = run_suite(bounded, target2->target, time.run());
  const auto& waited = scenario(waited_run, "never-comes");
  EXPECT_EQ(waited.verdict, Verdict::kFail);
  EXPECT_GE(waited.steps[1].attempts, 3);
  EXPECT_NE(waited.steps[1].assertions[0].message.find("still failing after"), std::string::npos);
}

TEST(RunnerComponentTest, ConcurrentDuplicatesHoldOnACorrectTargetAndAreCaughtOnARacyOne) {
  const std::string s = suite(R"(
  - id: race
    covers: [R-MUST]
    steps:
      - request:
          endpoint: subscribe
          form: {a: "{{ target.key }}", email: "{{ unique_email }}", variant: "{{ target.variants.in_stock }}", platform: "{{ target.platform }}"}
        concurrent: 8
        expect: {status: 200, json: {email: "{{ unique_email }}", success: true}}
      - observe: {what: subscriptions, email: "{{ unique_email }}"}
        eventually: true
        expect: {count: 1}
)");
  TestServer correct;
  auto target = connect(correct.url());
  auto ok = run_suite(s, target->target);
  EXPECT_EQ(scenario(ok, "race").verdict, Verdict::kPass);
  EXPECT_EQ(scenario(ok, "race").steps[0].exchanges.size(), 8u);
  EXPECT_GE(correct.connections(), 8u);  // the copies really went at once, on their own connections

  TestServerOptions racy;
  racy.racy_duplicates = true;
  TestServer broken(racy);
  auto target2 = connect(broken.url());
  auto caught = run_suite(s, target2->target);
  const auto& sc = scenario(caught, "race");
  EXPECT_EQ(sc.verdict, Verdict::kFail);
  EXPECT_NE(sc.steps[1].assertions[0].message.find("expected count 1"), std::string::npos)
      << sc.steps[1].assertions[0].message;
}

runner::Millis end_of(const runner::ScenarioResult& r) { return r.started + r.duration; }

// Three flow changes, two of them on flow_1's account, and a scenario restocking the primary
// account; the first flow change and the restock take 1.5 s (/slow), the rest one exchange.
const std::string kFlowChanges = suite(R"(
  - id: bound-slow
    covers: [R-MUST]
    steps:
      - control: {action: set_inventory, variant: "100", inventory: 5}
      - request: {method: GET, path: /slow}
  - id: flow-1-slow
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: set_flow, account: "{{ target.accounts.flow_1.key }}", flow: {enabled: true}}
      - request: {method: GET, path: /slow}
  - id: flow-2
    covers: [R-MUST]
    exclusive: true
    vars:
      k: "{{ target.accounts.flow_2.key }}"
    steps:
      - control: {action: set_flow, account: "{{ k }}", flow: {enabled: true}}
  - id: flow-1-again
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: set_flow, account: "{{ target.accounts.flow_1.key }}", flow: {enabled: true}}
)");

// An exclusive scenario that only changes a flow runs beside scenarios that never restock,
// change a flow or read notifications, after those that do; one that resets runs alone, last.
TEST(RunnerComponentTest, AFlowOnlyExclusiveScenarioRunsBesideTheFlowFreeOnes) {
  TestServer server;
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: free-slow
    covers: [R-MUST]
    steps:
      - request: {method: GET, path: /slow}
        expect: {status: 200}
  - id: bound
    covers: [R-MUST]
    steps:
      - control: {action: set_inventory, account: "{{ target.key }}", variant: "100", inventory: 5}
  - id: flow-change
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: set_flow, account: "{{ target.key }}", flow: {enabled: true}}
  - id: resets
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: reset}
)"),
                          target->target);
  const auto end = [](const runner::ScenarioResult& r) { return r.started + r.duration; };
  const auto& free_slow = scenario(result, "free-slow");
  const auto& bound = scenario(result, "bound");
  const auto& flow = scenario(result, "flow-change");
  const auto& resets = scenario(result, "resets");
  for (const auto* r : {&free_slow, &bound, &flow, &resets})
    EXPECT_EQ(r->verdict, Verdict::kPass) << r->id << ": " << r->reason;
  EXPECT_LT(flow.started, end(free_slow)) << "the flow change waited for a flow-free scenario";
  EXPECT_GE(flow.started, end(bound)) << "the flow change overlapped a scenario that restocks";
  EXPECT_GE(resets.started, end(free_slow));
  EXPECT_GE(resets.started, end(flow));
}

// Flow-exclusive scenarios that change different accounts' flows run at once, and beside
// the scenarios restocking the primary account; two changing one account's flow do not overlap.
TEST(RunnerComponentTest, FlowChangesOnDifferentAccountsOverlapAndOnOneAccountDoNot) {
  TestServer server;
  auto target = connect(server.url());
  target->target.values["accounts"]["flow_1"]["key"] = "PkOwn1";
  target->target.values["accounts"]["flow_2"]["key"] = "PkOwn2";
  auto result = run_suite(kFlowChanges, target->target);
  const auto& bound = scenario(result, "bound-slow");
  const auto& first = scenario(result, "flow-1-slow");
  const auto& other = scenario(result, "flow-2");
  const auto& again = scenario(result, "flow-1-again");
  for (const auto* r : {&bound, &first, &other, &again})
    EXPECT_EQ(r->verdict, Verdict::kPass) << r->id << ": " << r->reason;
  EXPECT_LT(first.started, end_of(bound)) << "waited for a restock of another account";
  EXPECT_LT(other.started, end_of(first)) << "different accounts' flows did not overlap";
  EXPECT_GE(again.started, end_of(first)) << "one account's flow changed by two at once";
  EXPECT_NE(first.steps[0].exchanges[0].url.find("/accounts/PkOwn1/flow"), std::string::npos)
      << first.steps[0].exchanges[0].url;
}

// A target with only the primary account still runs them all, on it, one at a time and after
// the scenarios that restock it (today's order).
TEST(RunnerComponentTest, FlowChangesSharingThePrimaryAccountRunOneAtATimeAfterItsRestocks) {
  TestServer server;
  auto target = connect(server.url());
  auto result = run_suite(kFlowChanges, target->target);
  const auto& bound = scenario(result, "bound-slow");
  const auto& first = scenario(result, "flow-1-slow");
  const auto& other = scenario(result, "flow-2");
  const auto& again = scenario(result, "flow-1-again");
  for (const auto* r : {&bound, &first, &other, &again})
    EXPECT_EQ(r->verdict, Verdict::kPass) << r->id << ": " << r->reason;
  EXPECT_GE(first.started, end_of(bound));
  EXPECT_GE(other.started, end_of(first));
  EXPECT_GE(again.started, end_of(other));
  EXPECT_NE(other.steps[0].exchanges[0].url.find("/accounts/PkTest/flow"), std::string::npos)
      << other.steps[0].exchanges[0].url;
}

// A scenario moving the target's clock runs beside the scenarios that never restock, but only
// once no scenario restocks a batched flow (the clock decides when later batches go).
TEST(RunnerComponentTest, AClockScenarioRunsBesideTheFlowFreeOnesAfterTheRestocks) {
  TestServerOptions o;
  o.capabilities.push_back("clock");
  o.flow_batch_size = 1;  // the fixtures' flow is batched
  TestServer server(o);
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: free-slower
    covers: [R-MUST]
    steps:
      - request: {method: GET, path: /slow}
      - request: {method: GET, path: /slow}
  - id: bound-slow
    covers: [R-MUST]
    steps:
      - control: {action: set_inventory, variant: "100", inventory: 5}
      - request: {method: GET, path: /slow}
  - id: moves-clock
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: advance_clock, by: 1m}
)"),
                          target->target);
  const auto& free_slower = scenario(result, "free-slower");
  const auto& bound = scenario(result, "bound-slow");
  const auto& clock = scenario(result, "moves-clock");
  for (const auto* r : {&free_slower, &bound, &clock})
    EXPECT_EQ(r->verdict, Verdict::kPass) << r->id << ": " << r->reason;
  EXPECT_GE(clock.started, end_of(bound)) << "moved the clock while a restock was under way";
  EXPECT_LT(clock.started, end_of(free_slower)) << "waited for a scenario that never restocks";
  EXPECT_EQ(server.clock_moves().size(), 1u);
}

// A target whose health says it is synchronous is read at once by an absence check: no settle
// call first (against a far target, one round trip less per check).
TEST(RunnerComponentTest, ASynchronousTargetIsNotAskedToSettleBeforeAnAbsenceCheck) {
  const std::string s = suite(R"(
  - id: absent
    covers: [R-MUST]
    steps:
      - observe: {what: events, email: "{{ unique_email }}"}
        consistently: true
        expect: {count: 0}
)");
  const auto settles = [](const TestServer& server) {
    size_t n = 0;
    for (const auto& [port, path] : server.seen_requests()) n += path == "/__admin/settle";
    return n;
  };
  TestServerOptions o;
  o.synchronous = true;
  TestServer synchronous(o);
  auto target = connect(synchronous.url());
  EXPECT_TRUE(target->target.timing.synchronous);
  EXPECT_EQ(scenario(run_suite(s, target->target), "absent").verdict, Verdict::kPass);
  EXPECT_EQ(settles(synchronous), 0u);

  TestServer other;  // offers settle without saying it is synchronous: asked first
  auto target2 = connect(other.url());
  EXPECT_FALSE(target2->target.timing.synchronous);
  EXPECT_EQ(scenario(run_suite(s, target2->target), "absent").verdict, Verdict::kPass);
  EXPECT_EQ(settles(other), 1u);
}

// Against a target whose fixtures say the restocked account's flow sends at once, the clock
// cannot change what a restock sends: a clock scenario runs beside that restock, unless it
// changes that account's flow itself.
TEST(RunnerComponentTest, AClockScenarioRunsBesideRestocksOfAnUnbatchedFlow) {
  TestServerOptions o;
  o.capabilities.push_back("clock");
  TestServer server(o);  // flow batch_size 0
  auto target = connect(server.url());
  const std::string key = target->target.values["key"];
  ASSERT_EQ(target->target.unbatched_accounts.count(key), 1u);
  auto result = run_suite(suite(R"(
  - id: bound-slow
    covers: [R-MUST]
    steps:
      - control: {action: set_inventory, variant: "100", inventory: 5}
      - request: {method: GET, path: /slow}
      - request: {method: GET, path: /slow}
  - id: moves-clock
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: advance_clock, by: 1m}
  - id: moves-clock-and-flow
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: set_flow, flow: {enabled: true, threshold: 1, batch_size: 1, batch_interval_seconds: 60}}
      - control: {action: advance_clock, by: 1m}
)"),
                          target->target);
  const auto& bound = scenario(result, "bound-slow");
  const auto& clock = scenario(result, "moves-clock");
  const auto& clock_flow = scenario(result, "moves-clock-and-flow");
  for (const auto* r : {&bound, &clock, &clock_flow})
    EXPECT_EQ(r->verdict, Verdict::kPass) << r->id << ": " << r->reason;
  EXPECT_LT(clock.started, end_of(bound)) << "waited for a restock of an unbatched flow";
  EXPECT_GE(clock_flow.started, end_of(bound)) << "changed the flow of a restock under way";
  EXPECT_GE(clock_flow.started, end_of(clock)) << "two clock scenarios overlapped";
}

// A flow-exclusive scenario restocking under a batched flow runs beside the clock scenarios
// whose moves, added up while it runs, stay under its batch interval (they cannot send a later
// batch early), and not beside one that would pass it. Its flow put back from what it read is
// the fixture's (unbatched); a flow the runner cannot know before the run keeps the old wait.
TEST(RunnerComponentTest, AClockScenarioRunsBesideABatchedRestockWhileItsMovesStayUnderTheInterval) {
  TestServerOptions o;
  o.capabilities.push_back("clock");
  TestServer server(o);
  auto target = connect(server.url());
  target->target.values["accounts"]["flow_1"]["key"] = "PkOwn1";
  target->target.values["accounts"]["flow_2"]["key"] = "PkOwn2";
  target->target.unbatched_accounts = {"PkOwn1", "PkOwn2"};
  auto result = run_suite(suite(R"(
  - id: batched-slow
    covers: [R-MUST]
    exclusive: true
    vars: {k: "{{ target.accounts.flow_1.key }}"}
    steps:
      - control: {action: get_flow, account: "{{ k }}"}
        capture: {old_flow: $.flow}
      - control: {action: set_flow, account: "{{ k }}", flow: {enabled: true, threshold: 1, batch_size: 1, batch_interval_seconds: 3600}}
      - request: {method: GET, path: /slow}
      - request: {method: GET, path: /slow}
      - request: {method: GET, path: /slow}
    finally:
      - control: {action: set_flow, account: "{{ k }}", flow: "{{ old_flow }}"}
  - id: unknown-flow-slow
    covers: [R-MUST]
    exclusive: true
    vars: {k: "{{ target.accounts.flow_2.key }}"}
    steps:
      - name: a flow read from another account
        control: {action: get_flow, account: "{{ target.key }}"}
        capture: {other: $.flow}
      - control: {action: set_flow, account: "{{ k }}", flow: "{{ other }}"}
      - request: {method: GET, path: /slow}
  - id: short-moves
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: advance_clock, by: 30m}
      - request: {method: GET, path: /slow}
  - id: past-the-interval
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: advance_clock, by: 30m}
)"),
                          target->target);
  const auto& batched = scenario(result, "batched-slow");
  const auto& unknown = scenario(result, "unknown-flow-slow");
  const auto& short_moves = scenario(result, "short-moves");
  const auto& past = scenario(result, "past-the-interval");
  for (const auto* r : {&batched, &unknown, &short_moves, &past})
    EXPECT_EQ(r->verdict, Verdict::kPass) << r->id << ": " << r->reason;
  EXPECT_GE(short_moves.started, end_of(unknown)) << "moved the clock beside an unknown flow";
  EXPECT_LT(short_moves.started, end_of(batched)) << "waited for a batch the move cannot reach";
  EXPECT_GE(past.started, end_of(batched)) << "moved the clock past a batch under way";
  EXPECT_EQ(server.clock_moves().size(), 2u);
}

// What the clock lane counts before letting a move beside a batched restock: a repeated
// advance_clock moves the clock each time, and a flow put back from a name that something else
// may rebind (here a var the capture overwrites at run time) is not known before the run.
TEST(RunnerComponentTest, AClockScenarioIsNotBesideABatchItsRepeatsOrARebindableFlowMightReach) {
  TestServerOptions o;
  o.capabilities.push_back("clock");
  TestServer server(o);
  auto target = connect(server.url());
  target->target.values["accounts"]["flow_1"]["key"] = "PkOwn1";
  target->target.unbatched_accounts = {"PkOwn1"};
  const auto clock_waits = [&](const std::string& chain, const std::string& clock) {
    auto result = run_suite(suite(chain + clock), target->target);
    const auto& c = scenario(result, "chain");
    const auto& m = scenario(result, "moves");
    EXPECT_EQ(c.verdict, Verdict::kPass) << c.reason;
    EXPECT_EQ(m.verdict, Verdict::kPass) << m.reason;
    EXPECT_GE(m.started, end_of(c)) << chain << clock;
  };
  const std::string batched = R"(
  - id: chain
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: set_flow, account: "{{ target.accounts.flow_1.key }}", flow: {enabled: true, threshold: 1, batch_size: 1, batch_interval_seconds: 3600}}
      - request: {method: GET, path: /slow}
)";
  clock_waits(batched, R"(
  - id: moves
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: advance_clock, by: 40m}
        repeat: 2
)");
  clock_waits(R"(
  - id: chain
    covers: [R-MUST]
    exclusive: true
    vars:
      k: "{{ target.accounts.flow_1.key }}"
      f: {enabled: false}
    steps:
      - control: {action: get_flow, account: "{{ target.key }}"}
        capture: {f: $.flow}
      - control: {action: set_flow, account: "{{ k }}", flow: "{{ f }}"}
      - request: {method: GET, path: /slow}
)",
              R"(
  - id: moves
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: advance_clock, by: 1m}
)");
}

// `parallel`: the copies of a repeat go several at a time on their own connections, and are
// checked in index order; a failing copy stops the step after its wave.
TEST(RunnerComponentTest, ParallelCopiesGoInWavesAndAreCheckedInOrder) {
  TestServer server;
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: waves
    covers: [R-MUST]
    steps:
      - request:
          endpoint: subscribe
          form: {a: "{{ target.key }}", email: "n{{ index }}-{{ unique_email }}", variant: "{{ target.variants.in_stock }}", platform: "{{ target.platform }}"}
        repeat: 12
        parallel: 4
        expect: {status: 200, match: {$.email: {not: {contains: "n5-"}}}}
)"),
                          target->target);
  const auto& sc = scenario(result, "waves");
  EXPECT_EQ(sc.verdict, Verdict::kFail);
  const auto& step = sc.steps[0];
  ASSERT_EQ(step.exchanges.size(), 8u);  // two waves of 4; the third never went
  for (size_t i = 0; i < step.exchanges.size(); ++i) {
    EXPECT_NE(step.exchanges[i].request_body.find("n" + std::to_string(i) + "-"),
              std::string::npos)
        << i;
  }
  const auto failed = std::find_if(step.assertions.begin(), step.assertions.end(),
                                   [](const runner::Assertion& a) { return !a.passed; });
  ASSERT_NE(failed, step.assertions.end());
  EXPECT_EQ(failed->exchange, 5);
  EXPECT_NE(failed->message.find("copy 6 of 12"), std::string::npos) << failed->message;
  EXPECT_GE(server.connections(), 4u);  // each copy of a wave on its own connection
}

TEST(RunnerComponentTest, AFailureOfARepeatedStepPointsAtTheAnswerItWasCheckedOn) {
  TestServer server;
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: second-copy-fails
    covers: [R-MUST]
    steps:
      - request:
          endpoint: subscribe
          form: {a: "{{ target.key }}", email: "n{{ index }}-{{ unique_email }}", variant: "{{ target.variants.in_stock }}", platform: "{{ target.platform }}"}
        repeat: 3
        expect: {match: {$.email: {not: {contains: "n1-"}}}}
)"),
                          target->target);
  const auto& step = scenario(result, "second-copy-fails").steps[0];
  ASSERT_EQ(step.exchanges.size(), 2u);  // a repeat stops at its first failing copy
  const auto failed = std::find_if(step.assertions.begin(), step.assertions.end(),
                                   [](const runner::Assertion& a) { return !a.passed; });
  ASSERT_NE(failed, step.assertions.end());
  ASSERT_EQ(failed->exchange, 1);
  EXPECT_NE(step.exchanges[1].response_body.find("n1-"), std::string::npos);
}

// `finally` steps run after a failure, after a step that could not run and past the deadline;
// each runs even if an earlier one fails, and they are marked and counted in the verdict.
TEST(RunnerComponentTest, FinallyStepsRunWhateverHappenedToTheSteps) {
  TestServer server;
  auto target = connect(server.url());
  runner::RunOptions options;
  options.request_timeout = runner::Duration(300);
  auto result = run_suite(suite(R"(
  - id: fails-then-cleans-up
    covers: [R-MUST]
    exclusive: true
    steps:
      - control: {action: remove_flow, account: "{{ target.key }}"}
      - observe: {what: subscriptions}
        consistently: true
        expect: {count: 5}
      - observe: {what: events}
    finally:
      - request: {method: GET, path: /slow}
      - name: put the flow back
        control: {action: set_flow, account: "{{ target.key }}", flow: {enabled: true}}
  - id: out-of-time-then-cleans-up
    covers: [R-MUST-2]
    exclusive: true
    timeout: 200ms
    steps:
      - control: {action: remove_flow, account: "{{ target.key }}"}
      - request: {method: GET, path: /slow}
      - observe: {what: events}
    finally:
      - control: {action: set_flow, account: "{{ target.key }}", flow: {enabled: true}}
        expect: {match: {$.flow.enabled: true}}
)"),
                          target->target, options);
  const auto& failed = scenario(result, "fails-then-cleans-up");
  EXPECT_EQ(failed.verdict, Verdict::kFail);  // the failure, not the cleanup's error, decides
  EXPECT_EQ(failed.steps_not_run, 1u);
  ASSERT_EQ(failed.steps.size(), 4u);
  EXPECT_FALSE(failed.steps[1].cleanup);
  EXPECT_TRUE(failed.steps[2].cleanup);
  EXPECT_EQ(failed.steps[2].index, 3u);  // indices continue those of `steps`
  EXPECT_EQ(failed.steps[2].verdict, Verdict::kError);
  EXPECT_TRUE(failed.steps[3].cleanup);
  EXPECT_EQ(failed.steps[3].index, 4u);
  EXPECT_EQ(failed.steps[3].name, "put the flow back");
  EXPECT_EQ(failed.steps[3].verdict, Verdict::kPass);
  ASSERT_EQ(failed.steps[3].exchanges.size(), 1u);
  EXPECT_EQ(failed.steps[3].exchanges[0].status, 200);
  // The failure's report still says the cleanup did not all go through.
  EXPECT_NE(failed.reason.find("finally step 4 ("), std::string::npos) << failed.reason;
  EXPECT_NE(failed.reason.find("the target may be left changed"), std::string::npos);

  const auto& late = scenario(result, "out-of-time-then-cleans-up");
  EXPECT_EQ(late.verdict, Verdict::kError);
  EXPECT_EQ(late.steps_not_run, 1u);
  ASSERT_EQ(late.steps.size(), 3u);
  EXPECT_TRUE(late.steps[2].cleanup);
  EXPECT_EQ(late.steps[2].verdict, Verdict::kPass) << late.steps[2].error;
  EXPECT_EQ(late.reason.find("finally"), std::string::npos) << late.reason;

  // Both scenarios put the flow back last: the target's final request is the restoring PUT.
  const auto seen = server.seen_requests();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().second, "/__admin/accounts/PkTest/flow");
}

// A scenario whose own steps pass but whose cleanup does not hold is not a pass (the target
// may be left changed): an error, which breaks no requirement, since a cleanup checks none.
TEST(RunnerComponentTest, AFailingCleanupIsAnErrorNotABrokenRequirement) {
  TestServer server;
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: cleanup-breaks
    covers: [R-MUST]
    steps:
      - observe: {what: subscriptions}
        consistently: true
        expect: {count: 0}
    finally:
      - observe: {what: events}
        consistently: true
        expect: {count: 3}
)"),
                          target->target);
  const auto& sc = scenario(result, "cleanup-breaks");
  EXPECT_EQ(sc.verdict, Verdict::kError);
  EXPECT_NE(sc.reason.find("finally step 2 (observe events): did not hold: count"),
            std::string::npos)
      << sc.reason;
  ASSERT_EQ(sc.steps.size(), 2u);
  EXPECT_TRUE(sc.steps[1].cleanup);
  EXPECT_EQ(sc.steps[1].verdict, Verdict::kError);
  for (const auto& a : sc.steps[1].assertions) EXPECT_TRUE(a.requirements.empty());
  EXPECT_FALSE(result.conformant());
  ASSERT_EQ(result.requirements[0].id, "R-MUST");
  EXPECT_EQ(result.requirements[0].verdict, Verdict::kPass);  // fully checked, and it held
}

TEST(RunnerComponentTest, RetriesAfter429WithRetryAfterAndSaysSo) {
  VirtualTime time;
  TestServerOptions o = time.server();
  o.answer_429 = 1;
  TestServer server(o);
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: limited
    covers: [R-MUST]
    steps:)" + std::string(kSubscribe) +
                                R"(
        expect: {status: 200}
)"),
                          target->target, time.run());
  const auto& sc = scenario(result, "limited");
  EXPECT_EQ(sc.verdict, Verdict::kPass);
  ASSERT_EQ(sc.steps[0].notes.size(), 1u);
  EXPECT_EQ(sc.steps[0].notes[0], "429 Too Many Requests: waited 1s (Retry-After) and retried");
  // It waited the second asked, and sent the call exactly twice.
  EXPECT_EQ(time.env.slept(), runner::Duration(1000));
  EXPECT_GE(sc.steps[0].duration.count(), 1000);
  const auto seen = server.seen_requests();
  EXPECT_EQ(std::count_if(seen.begin(), seen.end(),
                          [](const auto& r) { return r.second == "/api/v1/catalog/subscribe"; }),
            2);
}

// A step that expects a 429 takes the first one as its answer: no wait, no second request.
TEST(RunnerComponentTest, AStepExpecting429TakesItWithoutRetrying) {
  VirtualTime vt;
  TestServerOptions o = vt.server();
  o.answer_429 = 5;
  TestServer server(o);
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: limited
    covers: [R-MUST]
    steps:
      - request:
          endpoint: subscribe
          form: {a: "{{ target.key }}", email: "{{ unique_email }}", variant: "{{ target.variants.in_stock }}", platform: "{{ target.platform }}"}
        expect:
          status: 429
          headers: {Retry-After: "1"}
)"),
                          target->target, vt.run());
  const auto& s = scenario(result, "limited");
  EXPECT_EQ(s.verdict, Verdict::kPass) << s.reason;
  EXPECT_TRUE(s.steps[0].notes.empty());
  EXPECT_EQ(vt.env.slept(), runner::Duration(0));
  const auto seen = server.seen_requests();
  EXPECT_EQ(std::count_if(seen.begin(), seen.end(),
                          [](const auto& r) { return r.second == "/api/v1/catalog/subscribe"; }),
            1);
}

TEST(RunnerComponentTest, SequentialRequestsReuseOneKeepAliveConnection) {
  TestServer server;
  auto target = connect(server.url());
  const size_t before = server.connections();
  runner::RunOptions options;
  options.jobs = 1;
  auto result = run_suite(suite(R"(
  - id: many
    covers: [R-MUST]
    steps:
      - request:
          endpoint: subscribe
          form: {a: "{{ target.key }}", email: "n{{ index }}-{{ unique_email }}", variant: "{{ target.variants.in_stock }}", platform: "{{ target.platform }}"}
        repeat: 30
        expect: {status: 200}
)"),
                          target->target, options);
  EXPECT_EQ(scenario(result, "many").verdict, Verdict::kPass);
  EXPECT_EQ(scenario(result, "many").steps[0].exchanges.size(), 30u);
  EXPECT_LE(server.connections() - before, 1u);
}

TEST(RunnerComponentTest, ScenariosNeverShareAConnectionAndObservationsUseTheirOwn) {
  // A scenario may leave its connection unusable (hostile input, a body the target left
  // unread); that must never show in another scenario, nor in an observation.
  TestServer server;
  auto target = connect(server.url());
  const size_t before = server.seen_requests().size();
  runner::RunOptions options;
  options.jobs = 1;
  std::string scenarios;
  for (const char* id : {"first", "second", "third"}) {
    scenarios += std::string("\n  - id: ") + id + "\n    covers: [R-MUST]\n    steps:" + kSubscribe +
                 "        repeat: 2\n      - observe: {what: subscriptions, email: \"{{ unique_email }}\"}\n";
  }
  auto result = run_suite(suite(scenarios), target->target, options);
  ASSERT_TRUE(result.conformant());
  const auto seen = server.seen_requests();
  std::vector<int> api_ports, admin_ports;
  for (size_t i = before; i < seen.size(); ++i) {
    (seen[i].second.rfind("/__admin", 0) == 0 ? admin_ports : api_ports).push_back(seen[i].first);
  }
  ASSERT_EQ(api_ports.size(), 6u);
  for (size_t s = 0; s < 3; ++s) {
    EXPECT_EQ(api_ports[2 * s], api_ports[2 * s + 1]) << "a scenario keeps its connection";
    for (size_t t = s + 1; t < 3; ++t) EXPECT_NE(api_ports[2 * s], api_ports[2 * t]) << s << " vs " << t;
  }
  ASSERT_FALSE(admin_ports.empty());
  for (int p : admin_ports) {
    EXPECT_EQ(std::count(api_ports.begin(), api_ports.end(), p), 0) << "observation on an API connection";
  }
}

TEST(RunnerComponentTest, SecretsNeverReachTheResultTree) {
  TestServer server;
  auto target = connect(server.url());
  auto result = run_suite(suite(R"(
  - id: leaks
    covers: [R-MUST]
    steps:
      - request:
          path: /echo
          headers: {api-key: "{{ target.private_key }}", Authorization: "Klaviyo-API-Key {{ target.private_key }}"}
          json: {api_key: "{{ target.private_key }}", other: "{{ target.private_key }}"}
        expect:
          json_subset: {body: "{{ target.private_key }}x"}
)"),
                          target->target);
  const auto& sc = scenario(result, "leaks");
  EXPECT_EQ(sc.verdict, Verdict::kFail);
  std::string everything;
  for (const auto& e : sc.steps[0].exchanges) {
    everything += e.url + e.curl + e.request_body + e.response_body;
    for (const auto& [k, v] : e.request_headers) everything += v;
  }
  for (const auto& a : sc.steps[0].assertions) everything += a.expected + a.actual + a.message;
  EXPECT_EQ(everything.find(TestServer::kPrivateKey), std::string::npos) << everything;
  EXPECT_NE(everything.find("Klaviyo-API-Key [REDACTED]"), std::string::npos);
}

// What the runner records hides what the mock's journal and the reports hide, the same way (one
// Redactor). The configured secret is the target's private key here.
TEST(RunnerComponentTest, RecordedExchangesRedactTheSharedCasesLikeTheMockAndTheReports) {
  using bis::testing::RedactionCase;
  const auto quote = [](const std::string& s) { return nlohmann::json(s).dump(); };
  std::string steps;
  for (const auto& c : bis::testing::redaction_cases()) {
    std::string input = c.input;
    const std::string secret = bis::testing::kConfiguredSecret;
    if (const size_t p = input.find(secret); p != std::string::npos)
      input.replace(p, secret.size(), "{{ target.private_key }}");
    steps += "      - request:\n          path: /echo\n";
    if (c.where == RedactionCase::kBody) steps += "          body: " + quote(input) + "\n";
    if (c.where == RedactionCase::kHeader)
      steps += "          headers: {" + quote(c.header) + ": " + quote(input) + "}\n";
    if (c.where == RedactionCase::kQuery) {  // "a=1&b=2" as [{"a": "1"}, {"b": "2"}], in order
      std::string list;
      for (size_t b = 0; b <= input.size();) {
        const size_t e = std::min(input.find('&', b), input.size());
        const std::string pair = input.substr(b, e - b);
        const size_t eq = pair.find('=');
        list += (list.empty() ? "[{" : ", {") + quote(pair.substr(0, eq)) + ": " +
                quote(pair.substr(eq + 1)) + "}";
        b = e + 1;
      }
      steps += "          query: " + list + "]\n";
    }
  }
  TestServer server;
  auto target = connect(server.url());
  auto result = run_suite(suite("  - id: shared\n    covers: [R-MUST]\n    steps:\n" + steps),
                          target->target);
  const auto& sc = scenario(result, "shared");
  ASSERT_EQ(sc.steps.size(), bis::testing::redaction_cases().size()) << sc.reason;
  for (size_t i = 0; i < sc.steps.size(); ++i) {
    const auto& c = bis::testing::redaction_cases()[i];
    SCOPED_TRACE(c.what);
    ASSERT_EQ(sc.steps[i].exchanges.size(), 1u) << sc.steps[i].error;
    const auto& x = sc.steps[i].exchanges[0];
    if (c.where == RedactionCase::kBody) { EXPECT_EQ(x.request_body, c.redacted); }
    if (c.where == RedactionCase::kQuery) { EXPECT_EQ(x.url, server.url() + "/echo?" + c.redacted); }
    if (c.where == RedactionCase::kHeader) {
      const auto h = runner::find_header(x.request_headers, c.header);
      ASSERT_NE(h, x.request_headers.end());
      EXPECT_EQ(h->second, c.redacted);
    }
    EXPECT_EQ(x.curl.find(TestServer::kPrivateKey), std::string::npos) << x.curl;
    EXPECT_EQ(x.curl.find("pk_abc"), std::string::npos) << x.curl;
  }
}

TEST(RunnerComponentTest, FiltersSelectScenariosAndFailFastStopsTheRest) {
  TestServer server;
  auto target = connect(server.url());
  const std::string s = suite(R"(
  - id: first
    covers: [R-MUST]
    tags: [a]
    steps: [{request: {method: GET, path: /text}, expect: {status: 500}}]
  - id: second
    covers: [R-MUST-2]
    tags: [b]
    steps: [{request: {method: GET, path: /text}, expect: {status: 200}}]
  - id: third
    covers: [R-SHOULD]
    tags: [b]
    steps: [{request: {method: GET, path: /text}, expect: {body: {contains: words}}}]
)");
  runner::Selection by_tag;
  by_tag.tags = {"b"};
  auto tagged = run_suite(s, target->target, {}, by_tag);
  ASSERT_EQ(tagged.suites[0].scenarios.size(), 2u);
  EXPECT_EQ(tagged.suites[0].scenarios[0].id, "second");
  EXPECT_EQ(tagged.suites[0].scenarios[1].id, "third");
  // A filtered run claims only what its selected scenarios cover: R-MUST is not in it.
  ASSERT_EQ(tagged.requirements.size(), 2u);
  EXPECT_EQ(tagged.requirements[0].id, "R-MUST-2");
  EXPECT_EQ(tagged.requirement_counts().total(), 2u);
  runner::Selection by_req;
  by_req.requirements = {"R-MUST*"};
  by_req.scenarios = {"comp/s*"};
  auto named = run_suite(s, target->target, {}, by_req);
  ASSERT_EQ(named.suites[0].scenarios.size(), 1u);
  EXPECT_EQ(named.suites[0].scenarios[0].id, "second");
  // --requirement claims exactly the requirements it names, covered or not.
  ASSERT_EQ(named.requirements.size(), 2u);
  EXPECT_EQ(named.requirements[0].id, "R-MUST");
  EXPECT_EQ(named.requirements[0].verdict, Verdict::kNotApplicable);
  EXPECT_EQ(named.requirements[0].reason, "no scenario of the run covers it");
  EXPECT_EQ(named.requirements[1].verdict, Verdict::kPass);
  auto all = run_suite(s, target->target);
  EXPECT_EQ(all.requirements.size(), 3u);  // unfiltered: the whole catalogue

  runner::RunOptions ff;
  ff.fail_fast = true;
  ff.jobs = 1;
  auto stopped = run_suite(s, target->target, ff);
  EXPECT_EQ(scenario(stopped, "first").verdict, Verdict::kFail);
  EXPECT_EQ(scenario(stopped, "second").verdict, Verdict::kNotApplicable);
  EXPECT_EQ(scenario(stopped, "second").reason, "not run: --fail-fast stopped the run");
  EXPECT_EQ(scenario(stopped, "third").verdict, Verdict::kNotApplicable);
}

TEST(RunnerComponentTest, VerdictsDoNotDependOnOrderParallelismOrSubset) {
  TestServer server;
  auto target = connect(server.url());
  std::string scenarios;
  for (int i = 0; i < 12; ++i) {
    scenarios += "  - id: s" + std::to_string(i) +
                 "\n    covers: [R-MUST]\n    steps:" + kSubscribe +
                 "        expect: {status: 200}\n"
                 "      - observe: {what: subscriptions, email: \"{{ unique_email }}\"}\n"
                 "        eventually: true\n"
                 "        expect: {count: 1}\n"
                 "      - observe: {what: events, email: \"{{ unique_email }}\"}\n"
                 "        eventually: true\n"
                 "        expect: {count: 1}\n";
  }
  RecordingListener listener;
  runner::RunOptions parallel;
  parallel.jobs = 6;
  parallel.run_id = "order1";
  auto wide = run_suite(suite(scenarios), target->target, parallel, {}, &listener);
  EXPECT_EQ(listener.header.scenario_count, 12u);
  EXPECT_EQ(listener.finished.size(), 12u);
  EXPECT_EQ(wide.scenario_counts().pass, 12u);
  // Declaration order in the tree, whatever the completion order.
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(wide.suites[0].scenarios[static_cast<size_t>(i)].id, "s" + std::to_string(i));
  runner::Selection one;
  one.scenarios = {"s7"};
  runner::RunOptions serial;
  serial.jobs = 1;
  serial.run_id = "order2";
  EXPECT_EQ(run_suite(suite(scenarios), target->target, serial, one).scenario_counts().pass, 1u);
}

TEST(RunnerComponentTest, UnreachableTargetIsExitCodeThreeAndAWrongTokenTwo) {
  runner::ConnectOptions o;
  {
    TestServer gone;
    o.target = gone.url();
  }
  o.timeout = runner::Duration(1000);
  auto refused = runner::connect_target(o);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().exit_code, 3);
  EXPECT_NE(refused.error().message.find("target unreachable"), std::string::npos)
      << refused.error().message;

  TestServerOptions guarded;
  guarded.admin_token = "s3cr3t-token";
  TestServer server(guarded);
  o.target = server.url();
  auto denied = runner::connect_target(o);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().exit_code, 2);
  EXPECT_NE(denied.error().message.find("answered 401"), std::string::npos)
      << denied.error().message;
  o.admin_token = "s3cr3t-token";
  EXPECT_TRUE(runner::connect_target(o));
}

}  // namespace
}  // namespace bis::testing
