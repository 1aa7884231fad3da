#include "bis/runner/verdict.h"

#include <algorithm>
#include <map>
#include <set>

namespace bis::runner {

Verdict step_verdict(const StepResult& step, const Catalogue& catalogue) {
  bool broken = false, must = false, unmet = false;
  for (const Assertion& a : step.assertions) {
    if (a.passed) continue;
    // An expectation that proves nothing (a precondition, a cleanup) breaks no requirement:
    // it did not hold, so what depends on it cannot be checked.
    if (a.requirements.empty()) unmet = true;
    for (const auto& id : a.requirements) {
      broken = true;
      const Requirement* r = catalogue.find(id);
      if (!r || r->level == Level::kMust) must = true;
    }
  }
  if (broken) return must ? Verdict::kFail : Verdict::kWarn;
  if (!step.error.empty() || unmet) return Verdict::kError;
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

namespace {

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Why `id` was not checked by scenario `s`, or "" if it was (contract A): a covering step that
// could not check it, else the step that stopped the scenario before a covering step ran, else
// the scenario's own error (it stopped before any step).
std::string unchecked_reason(const std::string& where, const ScenarioResult& s,
                             const std::string& id) {
  const StepResult* stopper = nullptr;
  for (const StepResult& st : s.steps) {
    if (st.cleanup) continue;
    if (st.verdict == Verdict::kError && contains(st.covers, id)) {
      return "check could not run at " + where + " step " + std::to_string(st.index + 1) + " (" +
             st.error + ")";
    }
    if (!stopper && (st.verdict == Verdict::kError || st.verdict == Verdict::kFail)) stopper = &st;
  }
  const bool main_steps = std::any_of(s.steps.begin(), s.steps.end(),
                                      [](const StepResult& st) { return !st.cleanup; });
  if (contains(s.not_run_covers, id) && stopper) {
    std::string why = stopper->error;
    if (stopper->verdict == Verdict::kFail || why.empty()) {
      for (const Assertion& a : stopper->assertions) {
        if (a.passed) continue;
        why = a.where() + ": " + a.message;
        break;
      }
    }
    return "precondition failed at " + where + " step " + std::to_string(stopper->index + 1) +
           " (" + why + ")";
  }
  if (!main_steps && s.verdict == Verdict::kError) {
    return "scenario error at " + where + " (" + s.reason + ")";
  }
  return "";
}

}  // namespace

std::vector<RequirementResult> requirement_results(const Catalogue& catalogue,
                                                   const std::vector<SuiteResult>& suites) {
  struct Tally {
    bool broken = false, checked = false;
    std::vector<std::string> reasons;
    std::string not_applicable;  // why the first covering scenario that did not apply did not
    std::vector<std::string> scenarios;
  };
  std::map<std::string, Tally, std::less<>> tally;
  for (const SuiteResult& suite : suites) {
    for (const ScenarioResult& s : suite.scenarios) {
      if (s.verdict == Verdict::kNotApplicable) {
        for (const std::string& id : s.covers) {
          Tally& t = tally[id];
          if (t.not_applicable.empty()) t.not_applicable = s.reason;
        }
        continue;
      }
      std::set<std::string> broken;
      for (const StepResult& step : s.steps) {
        for (const Assertion& a : step.assertions) {
          if (!a.passed) broken.insert(a.requirements.begin(), a.requirements.end());
        }
      }
      const std::string where = suite.id + "/" + s.id;
      for (const std::string& id : s.covers) {
        Tally& t = tally[id];
        t.scenarios.push_back(where);
        t.checked = true;
        if (broken.count(id)) {
          t.broken = true;
        } else if (std::string why = unchecked_reason(where, s, id); !why.empty()) {
          t.reasons.push_back(std::move(why));
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
    rr.inferred = r.inferred;
    if (r.inferred) rr.inference = r.level_reason;
    auto it = tally.find(r.id);
    rr.in_run = it != tally.end();
    if (it == tally.end() || !it->second.checked) {
      rr.verdict = Verdict::kNotApplicable;
      if (it != tally.end()) rr.reason = it->second.not_applicable;
    } else if (it->second.broken) {
      rr.verdict = r.level == Level::kMust ? Verdict::kFail : Verdict::kWarn;
    } else if (!it->second.reasons.empty()) {
      rr.verdict = Verdict::kError;
      const auto& reasons = it->second.reasons;
      rr.reason = reasons.front();
      if (reasons.size() > 1) rr.reason += " (and " + std::to_string(reasons.size() - 1) + " more)";
    } else {
      rr.verdict = Verdict::kPass;
    }
    if (it != tally.end()) rr.scenarios = it->second.scenarios;
    out.push_back(std::move(rr));
  }
  return out;
}

}  // namespace bis::runner
