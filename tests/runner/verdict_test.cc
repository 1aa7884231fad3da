#include "bis/runner/verdict.h"

#include <gtest/gtest.h>

namespace bis::runner {
namespace {

Catalogue catalogue() {
  return *Catalogue::load(R"(requirements:
  - {id: M-1, level: MUST, text: t, source: s}
  - {id: M-2, level: MUST, text: t, source: s}
  - {id: S-1, level: SHOULD, text: t, source: s}
  - {id: Y-1, level: MAY, text: t, source: s}
  - {id: U-1, level: MUST, text: t, source: s}
)",
                          "r.yaml");
}

Assertion failed(std::vector<std::string> requirements) {
  Assertion a;
  a.passed = false;
  a.requirements = std::move(requirements);
  return a;
}

TEST(VerdictTest, AStepFailsOnABrokenMustAndWarnsOnlyOnShouldOrMay) {
  const Catalogue c = catalogue();
  StepResult s;
  s.assertions = {failed({"S-1", "Y-1"})};
  EXPECT_EQ(step_verdict(s, c), Verdict::kWarn);
  s.assertions.push_back(failed({"M-1"}));
  EXPECT_EQ(step_verdict(s, c), Verdict::kFail);
  s.assertions = {failed({"NOT-IN-CATALOGUE"})};
  EXPECT_EQ(step_verdict(s, c), Verdict::kFail);  // unknown levels count as MUST
}

TEST(VerdictTest, AStepThatCouldNotRunIsAnErrorUnlessItAlsoBrokeSomething) {
  const Catalogue c = catalogue();
  StepResult s;
  s.error = "connection refused";
  EXPECT_EQ(step_verdict(s, c), Verdict::kError);
  s.assertions = {failed({"M-1"})};
  EXPECT_EQ(step_verdict(s, c), Verdict::kFail);
  StepResult ok;
  Assertion passed;
  passed.passed = true;
  ok.assertions = {passed};
  EXPECT_EQ(step_verdict(ok, c), Verdict::kPass);
}

TEST(VerdictTest, AScenarioTakesTheWorstOfItsSteps) {
  auto steps = [](std::initializer_list<Verdict> vs) {
    std::vector<StepResult> out;
    for (Verdict v : vs) {
      StepResult s;
      s.verdict = v;
      out.push_back(s);
    }
    return out;
  };
  EXPECT_EQ(scenario_verdict(steps({Verdict::kPass, Verdict::kPass})), Verdict::kPass);
  EXPECT_EQ(scenario_verdict(steps({Verdict::kWarn, Verdict::kPass})), Verdict::kWarn);
  EXPECT_EQ(scenario_verdict(steps({Verdict::kWarn, Verdict::kError})), Verdict::kError);
  EXPECT_EQ(scenario_verdict(steps({Verdict::kError, Verdict::kFail})), Verdict::kFail);
}

TEST(VerdictTest, RequirementsAggregateTheScenariosCoveringThem) {
  const Catalogue c = catalogue();
  SuiteResult suite;
  suite.id = "s";
  ScenarioResult broke_must;  // breaks M-1, stops before checking M-2
  broke_must.id = "a";
  broke_must.covers = {"M-1", "M-2"};
  broke_must.verdict = Verdict::kFail;
  broke_must.steps_not_run = 1;
  broke_must.not_run_covers = {"M-2"};
  StepResult st;
  st.assertions = {failed({"M-1"})};
  st.assertions[0].subject = "status";
  st.assertions[0].message = "expected 200, got 400";
  st.covers = {"M-1"};
  st.verdict = Verdict::kFail;
  broke_must.steps = {st};
  ScenarioResult warned;  // breaks S-1, runs to the end: Y-1 was checked
  warned.id = "b";
  warned.covers = {"S-1", "Y-1"};
  warned.verdict = Verdict::kWarn;
  st.assertions = {failed({"S-1"})};
  st.covers = {"S-1", "Y-1"};
  st.verdict = Verdict::kWarn;
  warned.steps = {st};
  ScenarioResult not_applicable;
  not_applicable.id = "c";
  not_applicable.covers = {"U-1"};
  not_applicable.verdict = Verdict::kNotApplicable;
  suite.scenarios = {broke_must, warned, not_applicable};
  const auto results = requirement_results(c, {suite});
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].verdict, Verdict::kFail);   // M-1
  EXPECT_EQ(results[1].verdict, Verdict::kError);  // M-2: never checked
  EXPECT_EQ(results[2].verdict, Verdict::kWarn);   // S-1
  EXPECT_EQ(results[3].verdict, Verdict::kPass);   // Y-1
  EXPECT_EQ(results[4].verdict, Verdict::kNotApplicable);
  EXPECT_EQ(results[0].scenarios, (std::vector<std::string>{"s/a"}));
  EXPECT_TRUE(results[4].scenarios.empty());
  EXPECT_EQ(results[1].reason, "precondition failed at s/a step 1 (status: expected 200, got 400)");
  EXPECT_EQ(results[0].reason, "");
}

TEST(VerdictTest, AFailedPreconditionBreaksNothingAndLeavesWhatItGuardedAnError) {
  const Catalogue c = catalogue();
  StepResult pre;  // a step without covers in a scenario whose other steps name theirs
  pre.assertions = {failed({})};
  pre.assertions[0].subject = "status";
  pre.assertions[0].message = "expected 200, got 503";
  EXPECT_EQ(step_verdict(pre, c), Verdict::kError);
  pre.verdict = Verdict::kError;
  pre.error = "status: expected 200, got 503";
  StepResult proved;  // proves M-1 before the precondition of M-2
  proved.covers = {"M-1"};
  ScenarioResult sc;
  sc.id = "x";
  sc.covers = {"M-1", "M-2"};
  sc.steps = {proved, pre};
  sc.steps[1].index = 1;
  sc.steps_not_run = 1;
  sc.not_run_covers = {"M-2"};
  sc.verdict = Verdict::kError;
  SuiteResult suite;
  suite.id = "s";
  suite.scenarios = {sc};
  const auto results = requirement_results(c, {suite});
  EXPECT_EQ(results[0].verdict, Verdict::kPass);   // proven before the precondition failed
  EXPECT_EQ(results[1].verdict, Verdict::kError);  // its check never ran
  EXPECT_EQ(results[1].reason,
            "precondition failed at s/x step 2 (status: expected 200, got 503)");
}

TEST(VerdictTest, ACoveringStepThatCouldNotRunSaysWhyAndSeveralReasonsAreCounted) {
  const Catalogue c = catalogue();
  StepResult late;
  late.covers = {"M-1"};
  late.verdict = Verdict::kError;
  late.error = "the scenario's deadline (30s) passed";
  ScenarioResult a;
  a.id = "a";
  a.covers = {"M-1"};
  a.steps = {late};
  a.verdict = Verdict::kError;
  ScenarioResult b = a;
  b.id = "b";
  ScenarioResult finally_only = a;  // an error in a finally step proves M-1 all the same
  finally_only.id = "f";
  finally_only.steps[0].cleanup = true;
  finally_only.steps.insert(finally_only.steps.begin(), StepResult{});
  finally_only.steps[0].covers = {"M-1"};
  SuiteResult suite;
  suite.id = "s";
  suite.scenarios = {a, b};
  auto results = requirement_results(c, {suite});
  EXPECT_EQ(results[0].verdict, Verdict::kError);
  EXPECT_EQ(results[0].reason,
            "check could not run at s/a step 1 (the scenario's deadline (30s) passed) (and 1 more)");
  suite.scenarios = {finally_only};
  results = requirement_results(c, {suite});
  EXPECT_EQ(results[0].verdict, Verdict::kPass);
}

}  // namespace
}  // namespace bis::runner

namespace bis::runner {
namespace {

TEST(AssertionTest, WhereNamesThePathOnceAndOnlyWhenItSaysMore) {
  struct Case {
    const char* subject;
    const char* path;
    const char* where;
  };
  for (const Case& c : {Case{"match $.email", "$.email", "match $.email"},
                        Case{"match $.email", "$.email.x", "match $.email at $.email.x"},
                        Case{"json", "$.email", "json at $.email"},
                        Case{"match $.errors[0]", "$.errors[0]", "match $.errors[0]"},
                        Case{"match x$.a", "$.a", "match x$.a at $.a"},
                        Case{"match x$.a", "", "match x$.a"}}) {
    Assertion a;
    a.subject = c.subject;
    a.path = c.path;
    EXPECT_EQ(a.where(), c.where) << c.subject << " / " << c.path;
  }
}

}  // namespace
}  // namespace bis::runner
