#include "bis/runner/verdict.h"

#include <algorithm>
#include <map>
#include <set>

namespace bis::runner {

Verdict step_verdict(const StepResult& step, const Catalogue& catalogue) {
  bool broken = false, must = false;
  for (const Assertion& a : step.assertions) {
    if (a.passed) continue;
    broken = true;
    if (a.requirements.empty()) must = true;
    for (const auto& id : a.requirements) {
      const Requirement* r = catalogue.find(id);
      if (!r || r->level == Level::kMust) must = true;
    }
  }
  if (broken) return must ? Verdict::kFail : Verdict::kWarn;
  if (!step.error.empty()) return Verdict::kError;
  return step.verdict == Verdict::kNotApplicable ? Verdict::kNotApplicable : Verdict::kPass;
}

Verdict scenario_verdict(const std::vector<StepResult>& steps) {
  auto has = [&](Verdict v) {
    return std::any_of(steps.begin(), steps.end(),
                       [v](const StepResult& s) { return s.verdict == v; });
  };
  if (has(Verdict::kFail)) return Verdict::kFail;
  if (has(Verdict::kError)) return Verdict::kError;
  if (has(Verdict::kWarn)) return Verdict::kWarn;
  return Verdict::kPass;
}

std::vector<RequirementResult> requirement_results(const Catalogue& catalogue,
                                                   const std::vector<SuiteResult>& suites) {
  struct Tally {
    bool broken = false, incomplete = false, checked = false;
    std::vector<std::string> scenarios;
  };
  std::map<std::string, Tally, std::less<>> tally;
  for (const SuiteResult& suite : suites) {
    for (const ScenarioResult& s : suite.scenarios) {
      if (s.verdict == Verdict::kNotApplicable) continue;
      std::set<std::string> broken;
      for (const StepResult& step : s.steps) {
        for (const Assertion& a : step.assertions) {
          if (!a.passed) broken.insert(a.requirements.begin(), a.requirements.end());
        }
      }
      // An error in a `finally` step leaves the scenario's checks complete (it is reported on
      // the scenario, which makes the run non-conformant, but breaks no requirement).
      const bool main_error = std::any_of(s.steps.begin(), s.steps.end(), [](const StepResult& st) {
        return !st.cleanup && st.verdict == Verdict::kError;
      });
      const bool cleanup_error = std::any_of(s.steps.begin(), s.steps.end(), [](const StepResult& st) {
        return st.cleanup && st.verdict == Verdict::kError;
      });
      const bool incomplete = s.steps_not_run > 0 || main_error ||
                              (s.verdict == Verdict::kError && !cleanup_error);
      for (const std::string& id : s.covers) {
        Tally& t = tally[id];
        t.scenarios.push_back(suite.id + "/" + s.id);
        t.checked = true;
        if (broken.count(id)) {
          t.broken = true;
        } else if (incomplete) {
          t.incomplete = true;
        }
      }
    }
  }
  std::vector<RequirementResult> out;
  for (const Requirement& r : catalogue.requirements()) {
    RequirementResult rr;
    rr.id = r.id;
    rr.level = r.level;
    rr.text = r.text;
    rr.source = r.source;
    auto it = tally.find(r.id);
    if (it == tally.end() || !it->second.checked) {
      rr.verdict = Verdict::kNotApplicable;
    } else if (it->second.broken) {
      rr.verdict = r.level == Level::kMust ? Verdict::kFail : Verdict::kWarn;
    } else if (it->second.incomplete) {
      rr.verdict = Verdict::kError;
    } else {
      rr.verdict = Verdict::kPass;
    }
    if (it != tally.end()) rr.scenarios = it->second.scenarios;
    out.push_back(std::move(rr));
  }
  return out;
}

}  // namespace bis::runner
