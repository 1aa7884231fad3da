#pragma once
// What several formats derive from the result tree the same way: failures grouped by the
// requirement they break, the scenarios that could not run, coverage counts per requirement,
// and the formatting of times and verdicts. Pure functions of the tree; pointers returned
// point into it and live as long as it does.
#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bis/runner/result.h"

namespace bis::reports {

// One broken expectation, with where it sits in the tree. `assertion` is null for a scenario
// that failed without a failed assertion to show; `exchange` is the answer it was checked on.
struct Failure {
  const runner::SuiteResult* suite = nullptr;
  const runner::ScenarioResult* scenario = nullptr;
  const runner::StepResult* step = nullptr;
  const runner::Assertion* assertion = nullptr;
  const runner::Exchange* exchange = nullptr;
};

struct RequirementGroup {
  std::string id;                                          // "" when nothing names a requirement
  const runner::RequirementResult* requirement = nullptr;  // null: not in the catalogue
  std::vector<Failure> failures;
};

// Failed and warned scenarios' broken expectations, grouped by requirement: catalogue order
// first, then IDs the catalogue lacks in order of appearance. An expectation that breaks two
// requirements is listed under both. Within a group, tree order.
std::vector<RequirementGroup> failures_by_requirement(const runner::RunResult& result);

// A scenario that could not run, and the first step that says why (null if none does).
struct RunError {
  const runner::SuiteResult* suite = nullptr;
  const runner::ScenarioResult* scenario = nullptr;
  const runner::StepResult* step = nullptr;
  const runner::Exchange* exchange = nullptr;  // the step's last exchange, if any
};
std::vector<RunError> run_errors(const runner::RunResult& result);
RunError run_error(const runner::SuiteResult& suite, const runner::ScenarioResult& scenario);

// A requirement the run broke and the scenarios that broke it, for the reports that open with
// what is wrong. One entry per scenario (its first broken expectation; `assertion` is null for
// a scenario that could not run or failed without one), in tree order.
struct BrokenScenario {
  const runner::SuiteResult* suite = nullptr;
  const runner::ScenarioResult* scenario = nullptr;
  const runner::StepResult* step = nullptr;
  const runner::Assertion* assertion = nullptr;
};
struct BrokenRequirement {
  std::string id;                                          // "" when nothing names one
  const runner::RequirementResult* requirement = nullptr;  // null: not in the catalogue
  runner::Verdict verdict = runner::Verdict::kFail;
  std::vector<BrokenScenario> scenarios;
};
// Catalogue requirements that fail, then those that warn, then those in error (catalogue order
// within each), then failures naming IDs the catalogue lacks or none, then scenarios that could
// not run and cover none of the above.
std::vector<BrokenRequirement> broken_requirements(const runner::RunResult& result);

// The exchange an assertion was checked on: its index if valid, else the step's last one.
const runner::Exchange* exchange_for(const runner::StepResult& step, const runner::Assertion& a);

// Scenario verdicts per covered requirement ID, over every scenario of the tree.
std::unordered_map<std::string, runner::Counts> coverage(const runner::RunResult& result);
size_t count_of(const runner::Counts& counts, runner::Verdict verdict);

inline constexpr runner::Verdict kVerdicts[] = {runner::Verdict::kPass, runner::Verdict::kFail,
                                                runner::Verdict::kWarn, runner::Verdict::kError,
                                                runner::Verdict::kNotApplicable};

// "PASS", "FAIL", "WARN", "ERROR", "N/A"
std::string_view verdict_label(runner::Verdict verdict);
// "pass", "fail", "warn", "error", "not applicable"
std::string_view verdict_words(runner::Verdict verdict);

// "suite/scenario"
std::string scenario_key(const runner::SuiteResult& suite, const runner::ScenarioResult& s);

// "2024-05-01T12:00:00Z" (UTC, seconds), or with `millis` "2024-05-01T12:00:00.250Z".
std::string iso8601(std::chrono::system_clock::time_point t, bool millis = false);
// JUnit's timestamp: "2024-05-01T12:00:00" (UTC, no zone, as Ant writes it).
std::string junit_timestamp(std::chrono::system_clock::time_point t);
// Human durations: "850 ms", "12.3 s", "2 min 5 s".
std::string human_duration(runner::Millis d);
// Seconds with 3 decimals: "0.012" (JUnit `time`).
std::string seconds(runner::Millis d);
// Milliseconds with at most 3 decimals, no trailing zeros: "12.5", "0" (JSON numbers).
std::string millis_number(runner::Millis d);

// The counts of the last summary line, "N passed, N failed, N skipped" (reporters.h).
struct Totals {
  size_t passed = 0, failed = 0, skipped = 0;
};
Totals totals(const runner::RunResult& result);

}  // namespace bis::reports
