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
  StepResult st;
  st.assertions = {failed({"M-1"})};
  broke_must.steps = {st};
  ScenarioResult warned;  // breaks S-1, runs to the end: Y-1 was checked
  warned.id = "b";
  warned.covers = {"S-1", "Y-1"};
  warned.verdict = Verdict::kWarn;
  st.assertions = {failed({"S-1"})};
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
}

}  // namespace
}  // namespace bis::runner
