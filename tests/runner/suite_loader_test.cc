#include "bis/runner/suite_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bis/common/control_surface.h"
#include "bis/runner/scenario_runner.h"

namespace bis::runner {
namespace {

using ::testing::HasSubstr;

constexpr const char* kGood = R"(suite: validation
name: Subscribe request validation
tags: [validation]
requires: [subscribe]
vars:
  v: "{{ target.variants.in_stock }}"
scenarios:
  - id: missing-email
    name: A request without email is rejected
    covers: [BIS-EMAIL-1]
    tags: [negative]
    steps:
      - name: POST without email
        request:
          endpoint: subscribe
          form:
            a: "{{ target.key }}"
            variant: "{{ v }}"
            platform: shopify
        expect:
          status: "4xx"
          json: {errors: ["There was something wrong with your request. Please try again."], data: {}, success: false}
          headers: {Content-Type: {matches: "^application/json"}}
          match:
            $.success: false
            $.errors: {length: 1}
        capture:
          code: {status: true}
      - observe: {what: events, email: "{{ unique_email }}"}
        eventually: {timeout: 2s, interval: 50ms}
        expect: {count: 0}
)";

std::string errors_of(const std::string& text) {
  auto s = load_suite(text, "s.yaml");
  if (s) return "";
  std::string out;
  for (const auto& e : s.error()) out += e.to_string() + "\n";
  return out;
}

TEST(SuiteLoaderTest, LoadsEveryPartWithPositions) {
  auto s = load_suite(kGood, "s.yaml");
  ASSERT_TRUE(s) << errors_of(kGood);
  EXPECT_EQ(s->id, "validation");
  ASSERT_EQ(s->scenarios.size(), 1u);
  const Scenario& sc = s->scenarios[0];
  EXPECT_EQ(sc.tags, (std::vector<std::string>{"validation", "negative"}));
  EXPECT_EQ(sc.pos.line, 8);
  ASSERT_EQ(sc.steps.size(), 2u);
  const Step& post = sc.steps[0];
  EXPECT_EQ(post.kind, Step::Kind::kRequest);
  EXPECT_EQ(post.request.endpoint, "subscribe");
  EXPECT_EQ(post.request.method.text, "POST");
  ASSERT_EQ(post.request.fields.size(), 3u);
  EXPECT_EQ(post.request.fields[2].name, "platform");
  ASSERT_TRUE(post.expect);
  EXPECT_EQ(post.expect->status->description, "4xx");
  EXPECT_EQ(post.expect->status->pos.line, 21);
  EXPECT_EQ(post.expect->match.size(), 2u);
  EXPECT_EQ(post.captures[0].kind, Capture::Kind::kStatus);
  const Step& observe = sc.steps[1];
  EXPECT_EQ(observe.kind, Step::Kind::kObserve);
  EXPECT_EQ(observe.name, "observe events");
  EXPECT_EQ(observe.eventually->timeout, Duration(2000));
  // Implied capabilities and the target values read, through the suite variable too.
  EXPECT_EQ(sc.capabilities(), (std::vector<std::string>{"subscribe", "events"}));
  EXPECT_EQ(sc.target_values, (std::vector<std::string>{"target.key", "target.variants.in_stock"}));
}

TEST(SuiteLoaderTest, UnknownKeysGetDidYouMeanWithFileLineColumn) {
  std::string text = kGood;
  text.replace(text.find("expect:\n          status"), 6, "expcet");
  EXPECT_THAT(errors_of(text),
              HasSubstr("s.yaml:20:9: unknown key 'expcet' in a step (did you mean 'expect'?)"));
}

TEST(SuiteLoaderTest, MisspeltMatcherIsAnErrorNotAnObjectToCompare) {
  std::string text = kGood;
  text.replace(text.find("$.errors: {length: 1}"), 21, "$.errors: {lenght: 1}");
  EXPECT_THAT(errors_of(text), HasSubstr("unknown matcher 'lenght' (did you mean 'length'?)"));
}

TEST(SuiteLoaderTest, UndefinedVariablesAndUnknownTargetValuesAreCaught) {
  std::string text = kGood;
  text.replace(text.find("{{ v }}"), 7, "{{ w }}");
  EXPECT_THAT(errors_of(text), HasSubstr("undefined variable 'w' (did you mean 'v'?)"));
  text = kGood;
  text.replace(text.find("target.key"), 10, "target.kye");
  EXPECT_THAT(errors_of(text),
              HasSubstr("unknown target value 'target.kye' (did you mean 'target.key'?)"));
}

TEST(SuiteLoaderTest, CapturesDefineVariablesForLaterStepsOnly) {
  const char* text = R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    steps:
      - request: {path: /x, method: GET}
        expect: {body: "{{ token }}"}
        capture: {token: $.token}
      - request: {path: "/y/{{ token }}", method: GET}
)";
  EXPECT_THAT(errors_of(text), HasSubstr("s.yaml:7:24: undefined variable 'token'"));
}

TEST(SuiteLoaderTest, FinallyStepsFollowTheStepsAndSeeTheirVariables) {
  const char* text = R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    exclusive: true
    steps:
      - request: {path: /x, method: GET}
        capture: {token: $.token}
      - request: {path: /y, method: GET}
    finally:
      - control: {action: remove_flow}
      - request: {path: "/undo/{{ token }}", method: DELETE}
)";
  auto s = load_suite(text, "s.yaml");
  ASSERT_TRUE(s) << errors_of(text);
  const Scenario& sc = s->scenarios[0];
  ASSERT_EQ(sc.steps.size(), 2u);
  ASSERT_EQ(sc.cleanup.size(), 2u);
  EXPECT_EQ(sc.cleanup[0].index, 2u);
  EXPECT_EQ(sc.cleanup[0].kind, Step::Kind::kControl);
  EXPECT_EQ(sc.cleanup[1].index, 3u);
  EXPECT_EQ(sc.cleanup[1].pos.line, 12);
  EXPECT_EQ(scenario_header(sc).covers, (std::vector<std::string>{"R-1"}));
}

TEST(SuiteLoaderTest, FinallyMustBeAListOfValidSteps) {
  const std::string scenario = R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    steps:
      - request: {path: /x, method: GET}
)";
  const std::pair<const char*, const char*> cases[] = {
      {"    finally: []\n", "s.yaml:7:14: 'finally' needs a non-empty list of steps"},
      {"    finaly:\n      - control: {action: reset}\n",
       "s.yaml:7:5: unknown key 'finaly' in a scenario (did you mean 'finally'?)"},
      {"    finally:\n      - request: {path: /y, method: GET}\n        covers: [R-2]\n",
       "s.yaml:9:17: a finally step covers no requirement"},
      {"    finally:\n      - control: {action: reset}\n", "exclusive"},
  };
  for (const auto& [finally, error] : cases) {
    const std::string text = scenario + finally;
    EXPECT_NE(errors_of(text).find(error), std::string::npos) << text << errors_of(text);
  }
}

// Contract A: once a step names covers, the others are preconditions, so a scenario ID no step
// names would be claimed without a check.
TEST(SuiteLoaderTest, AScenarioCoverThatNoStepProvesIsAnErrorWithItsPosition) {
  const std::string head = R"(suite: s
scenarios:
  - id: a
    covers: [R-1, R-2]
    steps:
      - request: {path: /x, method: GET}
)";
  const std::string unproven = head + "      - request: {path: /y, method: GET}\n        covers: [R-1]\n";
  EXPECT_THAT(errors_of(unproven),
              HasSubstr("s.yaml:4:13: the scenario covers R-2 but no step proves it"));
  EXPECT_EQ(errors_of(unproven).find("R-1 but"), std::string::npos);
  const std::string proven = unproven + "      - request: {path: /z, method: GET}\n        covers: [R-2]\n";
  EXPECT_TRUE(load_suite(proven, "s.yaml")) << errors_of(proven);
  // No step names covers: every step proves the scenario's list (a one-check scenario).
  EXPECT_TRUE(load_suite(head, "s.yaml")) << errors_of(head);
}

TEST(SuiteLoaderTest, IndexExistsOnlyInRepeatedOrConcurrentSteps) {
  const char* ok = R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    steps:
      - request: {path: "/x/{{ index }}"}
        concurrent: 5
)";
  EXPECT_EQ(errors_of(ok), "");
  std::string bad = ok;
  bad.replace(bad.find("        concurrent: 5\n"), 22, "");
  EXPECT_THAT(errors_of(bad),
              HasSubstr("'index' is defined only in steps with repeat or concurrent"));
}

TEST(SuiteLoaderTest, StructuralMistakesAreReported) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  const Case cases[] = {
      {"suite: Bad_Id\nscenarios: []\n", "suite id 'Bad_Id' must match"},
      {"suite: s\nscenarios:\n  - id: a\n    steps: [{request: {path: /x}}]\n",
       "non-empty 'covers'"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{request: {path: /x}, "
       "control: reset}]\n",
       "exactly one of 'request', 'control' or 'observe'"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{request: {endpoint: "
       "subscrbe}}]\n",
       "unknown endpoint 'subscrbe' (did you mean 'subscribe'?)"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{control: reset}]\n",
       "must be 'exclusive: true'"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{request: {path: /x}, "
       "eventually: true, expect: {status: 200}}]\n",
       "eventually applies to observe steps and GET/HEAD requests"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{request: {path: /x}, "
       "concurrent: 3, capture: {a: $.a}}]\n",
       "a concurrent step cannot capture"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{request: {path: /x}, "
       "parallel: 3}]\n",
       "'parallel' sends the copies of a 'repeat' step several at a time: add 'repeat'"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{request: {path: /x}, "
       "repeat: 4, parallel: 2, capture: {a: $.a}}]\n",
       "'parallel' cannot be combined with 'capture'"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{observe: {what: events}, "
       "expect: {count: {min: x}}}]\n",
       "min must be a number"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{observe: {what: events}, "
       "expect: {body: {matches: \"(\"}}}]\n",
       "bad regular expression"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    timeout: 5\n    steps: [{observe: "
       "{what: evnts}}]\n",
       "expected a duration like 250ms"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{request: {path: /x}, "
       "expect: {count: 1}}]\n",
       "count applies to observe steps"},
      {"suite: s\nrequires: [event]\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: "
       "[{request: {path: /x}}]\n",
       "unknown capability 'event' (did you mean 'events'?)"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{request: {path: /x}}]\n  "
       "- id: a\n    covers: [R-1]\n    steps: [{request: {path: /x}}]\n",
       "duplicate scenario id 'a'"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [r-1]\n    steps: [{request: {path: /x}}]\n",
       "requirement ID 'r-1' must match"},
      {"suite: s\nscenarios: [\n", "s.yaml:3:1"},
      {"", "empty suite file"},
      // A check read once proves nothing on a target that records asynchronously; the message
      // points at the `expect` (line 5, column 47) and says what to write.
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{observe: {what: events}, "
       "expect: {count: 0}}]\n",
       "s.yaml:5:47: an observe step that checks must say how to read: 'eventually: true'"},
      {"suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps: [{observe: {what: events}, "
       "eventually: false, expect: {count: 1}}]\n",
       "'consistently: true' for an absence or an exact count"},
  };
  for (const Case& c : cases) {
    EXPECT_NE(errors_of(c.yaml).find(c.message), std::string::npos)
        << c.yaml << "\n=> " << errors_of(c.yaml);
  }
}

TEST(SuiteLoaderTest, SeveralMistakesAreReportedInOnePass) {
  const char* text = R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    steps:
      - request: {path: /x, methd: GET}
      - observe: {what: evnts}
)";
  auto s = load_suite(text, "s.yaml");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().size(), 2u) << errors_of(text);
}

TEST(SuiteLoaderTest, ScalarsKeepTheirTextInFormsAndHeaders) {
  const char* text = R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    steps:
      - request:
          path: /x
          form: [{variant: 007}, {variant: 1.50}, {empty: }]
        expect:
          headers: {X-Count: 5}
)";
  auto s = load_suite(text, "s.yaml");
  ASSERT_TRUE(s) << errors_of(text);
  const auto& fields = s->scenarios[0].steps[0].request.fields;
  EXPECT_EQ(fields[0].value.text, "007");
  EXPECT_EQ(fields[1].value.text, "1.50");
  EXPECT_EQ(fields[2].value.text, "");
  EXPECT_EQ(s->scenarios[0].steps[0].expect->headers[0].matcher.equals, nlohmann::json("5"));
}

TEST(SuiteLoaderTest, AliasesWorkAndMergeKeysAreExplained) {
  const char* text = R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    steps:
      - request: {path: /x, form: &f {a: "1", b: "2"}}
      - request: {path: /y, form: *f}
)";
  auto s = load_suite(text, "s.yaml");
  ASSERT_TRUE(s) << errors_of(text);
  EXPECT_EQ(s->scenarios[0].steps[1].request.fields.size(), 2u);
  const char* merge = R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    steps:
      - request: {<<: {path: /x}}
)";
  EXPECT_THAT(errors_of(merge), HasSubstr("s.yaml:6:19: YAML merge keys (<<) are not supported"));
}

TEST(SuiteLoaderTest, ControlStepsDefaultToThePrimaryAccount) {
  const char* text = R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    vars: {v: "{{ unique('v') }}"}
    steps:
      - control: {action: set_inventory, variant: "{{ v }}", inventory: 0}
)";
  auto s = load_suite(text, "s.yaml");
  ASSERT_TRUE(s) << errors_of(text);
  EXPECT_EQ(s->scenarios[0].target_values, (std::vector<std::string>{"target.key"}));
  EXPECT_EQ(s->scenarios[0].implied, (std::vector<std::string>{"inventory"}));
}

// The reads a scenario makes before changing something, and the write-back of what they read.
TEST(SuiteLoaderTest, ReadsCaptureWhatFinallyPutsBack) {
  const char* text = R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    exclusive: true
    steps:
      - control: {action: get_flow}
        capture: {old_flow: $.flow}
      - control: {action: get_inventory, account: "{{ target.accounts.no_flow.key }}", variant: "9"}
        capture: {old_inventory: $.inventory}
      - control: {action: set_flow, flow: {threshold: 5}}
    finally:
      - control: {action: set_flow, flow: "{{ old_flow }}"}
      - control: {action: set_inventory, variant: "9", inventory: "{{ old_inventory }}"}
)";
  auto s = load_suite(text, "s.yaml");
  ASSERT_TRUE(s) << errors_of(text);
  const Scenario& sc = s->scenarios[0];
  EXPECT_EQ(sc.steps[0].control.action, "get_flow");
  EXPECT_EQ(sc.steps[1].control.action, "get_inventory");
  EXPECT_EQ(sc.cleanup[0].control.flow->json, "{{ old_flow }}");
  EXPECT_EQ(sc.implied, (std::vector<std::string>{"flow", "inventory"}));
  // Reads change nothing: a scenario that only reads need not be exclusive.
  EXPECT_EQ(errors_of(R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    steps:
      - control: {action: get_flow}
      - control: {action: get_inventory, variant: "1"}
)"),
            "");
  const std::string bad = errors_of(R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    steps:
      - control: {action: get_inventory}
      - control: {action: get_flow, flow: {threshold: 1}}
      - control: {action: get_flwo}
)");
  EXPECT_NE(bad.find("s.yaml:6:18: get_inventory needs 'variant'"), std::string::npos) << bad;
  EXPECT_NE(bad.find("'flow' does not apply to control action get_flow"), std::string::npos)
      << bad;
  EXPECT_NE(bad.find("unknown control action 'get_flwo' (did you mean 'get_flow'?)"),
            std::string::npos)
      << bad;
}

// advance_clock takes a literal duration (never a bare number), moves time every scenario
// shares (so the scenario must be exclusive) and implies the capability `clock`.
TEST(SuiteLoaderTest, AdvanceClockTakesADurationAndNeedsAnExclusiveScenario) {
  auto s = load_suite(R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    exclusive: true
    steps:
      - control: {action: advance_clock, by: 1h30m}
      - control: get_clock
)",
                      "s.yaml");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->scenarios[0].steps[0].control.by, std::chrono::minutes(90));
  EXPECT_EQ(s->scenarios[0].implied, (std::vector<std::string>{"clock"}));
  const std::string bad = errors_of(R"(suite: s
scenarios:
  - id: a
    covers: [R-1]
    steps:
      - control: {action: advance_clock, by: 1h}
  - id: b
    covers: [R-1]
    exclusive: true
    steps:
      - control: {action: advance_clock, by: "5"}
      - control: {action: advance_clock, by: 0s}
      - control: {action: advance_clock}
      - control: {action: advance_clock, by: 1m, account: A}
)");
  EXPECT_NE(bad.find("s.yaml:6:18: control action advance_clock changes state other scenarios share"),
            std::string::npos)
      << bad;
  EXPECT_NE(bad.find("s.yaml:11:46: by: expected a duration like 250ms, 5s or 2m, got '5'"),
            std::string::npos)
      << bad;
  EXPECT_NE(bad.find("by must be a positive duration"), std::string::npos) << bad;
  EXPECT_NE(bad.find("advance_clock needs 'by'"), std::string::npos) << bad;
  EXPECT_NE(bad.find("'account' does not apply to control action advance_clock"),
            std::string::npos)
      << bad;
}

// The step loader accepts every action, observation and endpoint of the control-surface
// table that a step may name, with its required arguments, and implies its capability.
TEST(SuiteLoaderTest, EveryRouteOfTheControlSurfaceTableIsAcceptedInAStep) {
  for (const protocol::Route& r : protocol::routes()) {
    if (!r.in_steps) continue;
    std::string step;
    std::string args;
    for (std::string_view a : protocol::words(r.required)) {
      args += ", " + std::string(a) + (a == "by" ? ": 1s" : ": \"1\"");
    }
    if (r.kind == protocol::RouteKind::kAction) step = "control: {action: " + std::string(r.name) + args + "}";
    if (r.kind == protocol::RouteKind::kObservation) step = "observe: {what: " + std::string(r.name) + args + "}";
    if (r.kind == protocol::RouteKind::kEndpoint)
      step = "request: {endpoint: " + std::string(r.name) + args + "}";
    const std::string text = "suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n"
                             "    exclusive: true\n    steps:\n      - " + step + "\n";
    auto s = load_suite(text, "s.yaml");
    ASSERT_TRUE(s) << r.name << ":\n" << errors_of(text);
    const auto& implied = s->scenarios[0].implied;
    EXPECT_NE(std::find(implied.begin(), implied.end(), std::string(r.capability)), implied.end())
        << r.name << " implies " << r.capability;
  }
  EXPECT_NE(errors_of("suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps:\n"
                      "      - observe: {what: subscriptons}\n")
                .find("unknown observation 'subscriptons' (did you mean 'subscriptions'?)"),
            std::string::npos);
  EXPECT_NE(errors_of("suite: s\nscenarios:\n  - id: a\n    covers: [R-1]\n    steps:\n"
                      "      - request: {endpoint: zzz}\n")
                .find("unknown endpoint 'zzz' (known: subscribe, onsite_subscribe, list_subscribe, "
                      "client_bis_subscribe, server_bis_subscribe, client_list_subscribe)"),
            std::string::npos);
}

// The JSON Schema editors validate suites with names the same steps as the table.
TEST(SuiteLoaderTest, TheSchemaNamesTheStepsOfTheControlSurfaceTable) {
  std::ifstream in(BIS_SUITE_SCHEMA);
  const nlohmann::json schema = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(schema.is_object()) << BIS_SUITE_SCHEMA;
  const nlohmann::json& defs = schema["definitions"];
  const auto names = [](protocol::RouteKind kind, bool (*keep)(const protocol::Route&)) {
    return nlohmann::json(protocol::route_names(kind, keep));
  };
  const auto in_steps = [](const protocol::Route& r) { return r.in_steps; };
  const auto bare = [](const protocol::Route& r) { return r.in_steps && r.args.empty(); };
  EXPECT_EQ(defs["request"]["properties"]["endpoint"]["enum"],
            names(protocol::RouteKind::kEndpoint, in_steps));
  EXPECT_EQ(defs["control"]["oneOf"][1]["properties"]["action"]["enum"],
            names(protocol::RouteKind::kAction, in_steps));
  EXPECT_EQ(defs["control"]["oneOf"][0]["enum"], names(protocol::RouteKind::kAction, bare));
  EXPECT_EQ(defs["observe"]["properties"]["what"]["enum"],
            names(protocol::RouteKind::kObservation, in_steps));
}

}  // namespace
}  // namespace bis::runner
