#include "report_view.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

namespace bis::reports {

using runner::Verdict;

const runner::Exchange* exchange_for(const runner::StepResult& step, const runner::Assertion& a) {
  if (a.exchange >= 0 && static_cast<size_t>(a.exchange) < step.exchanges.size()) {
    return &step.exchanges[static_cast<size_t>(a.exchange)];
  }
  return step.exchanges.empty() ? nullptr : &step.exchanges.back();
}

std::vector<RequirementGroup> failures_by_requirement(const runner::RunResult& result) {
  std::vector<RequirementGroup> groups;
  std::unordered_map<std::string, size_t> index;
  for (const auto& r : result.requirements) {
    index.emplace(r.id, groups.size());
    groups.push_back({r.id, &r, {}});
  }
  const auto add = [&](const std::vector<std::string>& ids, const Failure& f) {
    static const std::vector<std::string> kNone = {""};
    for (const auto& id : ids.empty() ? kNone : ids) {
      auto [it, inserted] = index.emplace(id, groups.size());
      if (inserted) groups.push_back({id, nullptr, {}});
      groups[it->second].failures.push_back(f);
    }
  };
  for (const auto& suite : result.suites) {
    for (const auto& scenario : suite.scenarios) {
      if (scenario.verdict != Verdict::kFail && scenario.verdict != Verdict::kWarn) continue;
      bool any = false;
      for (const auto& step : scenario.steps) {
        if (step.verdict != Verdict::kFail && step.verdict != Verdict::kWarn) continue;
        for (const auto& a : step.assertions) {
          if (a.passed) continue;
          any = true;
          add(a.requirements.empty() ? scenario.covers : a.requirements,
              {&suite, &scenario, &step, &a, exchange_for(step, a)});
        }
      }
      if (!any) add(scenario.covers, {&suite, &scenario, nullptr, nullptr, nullptr});
    }
  }
  std::vector<RequirementGroup> out;
  for (auto& g : groups) {
    if (!g.failures.empty()) out.push_back(std::move(g));
  }
  return out;
}

RunError run_error(const runner::SuiteResult& suite, const runner::ScenarioResult& scenario) {
  RunError e{&suite, &scenario, nullptr, nullptr};
  for (const auto& step : scenario.steps) {
    if (step.verdict == Verdict::kError) {
      e.step = &step;
      if (!step.exchanges.empty()) e.exchange = &step.exchanges.back();
      break;
    }
  }
  return e;
}

std::vector<RunError> run_errors(const runner::RunResult& result) {
  std::vector<RunError> out;
  for (const auto& suite : result.suites) {
    for (const auto& scenario : suite.scenarios) {
      // A failing scenario whose `finally` step could not put the target back is listed too.
      const bool cleanup_error =
          std::any_of(scenario.steps.begin(), scenario.steps.end(), [](const auto& st) {
            return st.cleanup && st.verdict == Verdict::kError;
          });
      if (scenario.verdict == Verdict::kError ||
          (cleanup_error && scenario.verdict != Verdict::kNotApplicable)) {
        out.push_back(run_error(suite, scenario));
      }
    }
  }
  return out;
}

namespace {

bool names(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

std::vector<BrokenRequirement> broken_requirements(const runner::RunResult& result) {
  std::unordered_map<std::string, std::vector<BrokenScenario>> failed;
  std::vector<BrokenRequirement> unknown;  // IDs the catalogue lacks, and "" last
  for (const auto& g : failures_by_requirement(result)) {
    std::vector<BrokenScenario> scenarios;
    Verdict worst = Verdict::kWarn;
    for (const auto& f : g.failures) {
      if (!scenarios.empty() && scenarios.back().scenario == f.scenario) continue;
      scenarios.push_back({f.suite, f.scenario, f.step, f.assertion});
      if (f.scenario->verdict == Verdict::kFail) worst = Verdict::kFail;
    }
    if (g.requirement != nullptr) {
      failed[g.id] = std::move(scenarios);
    } else {
      unknown.push_back({g.id, nullptr, worst, std::move(scenarios)});
    }
  }
  std::stable_partition(unknown.begin(), unknown.end(), [](const auto& b) { return !b.id.empty(); });
  const auto errors = run_errors(result);
  std::vector<bool> listed(errors.size(), false);
  std::vector<BrokenRequirement> out;
  for (Verdict v : {Verdict::kFail, Verdict::kWarn, Verdict::kError}) {
    for (const auto& r : result.requirements) {
      if (r.verdict != v) continue;
      BrokenRequirement b{r.id, &r, v, {}};
      if (auto it = failed.find(r.id); it != failed.end()) b.scenarios = std::move(it->second);
      for (size_t i = 0; i < errors.size() && v == Verdict::kError; ++i) {
        const auto& e = errors[i];
        if (!names(e.scenario->covers, r.id) && !names(e.scenario->not_run_covers, r.id)) continue;
        b.scenarios.push_back({e.suite, e.scenario, e.step, nullptr});
        listed[i] = true;
      }
      out.push_back(std::move(b));
    }
  }
  for (auto& b : unknown) out.push_back(std::move(b));
  BrokenRequirement rest{"", nullptr, Verdict::kError, {}};
  for (size_t i = 0; i < errors.size(); ++i) {
    if (!listed[i]) rest.scenarios.push_back({errors[i].suite, errors[i].scenario, errors[i].step, nullptr});
  }
  if (!rest.scenarios.empty()) out.push_back(std::move(rest));
  return out;
}

size_t count_of(const runner::Counts& c, Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return c.pass;
    case Verdict::kFail:
      return c.fail;
    case Verdict::kWarn:
      return c.warn;
    case Verdict::kNotApplicable:
      return c.not_applicable;
    case Verdict::kError:
      return c.error;
  }
  return 0;
}

std::unordered_map<std::string, runner::Counts> coverage(const runner::RunResult& result) {
  std::unordered_map<std::string, runner::Counts> out;
  for (const auto& suite : result.suites) {
    for (const auto& scenario : suite.scenarios) {
      for (const auto& id : scenario.covers) out[id].add(scenario.verdict);
    }
  }
  return out;
}

std::string_view verdict_label(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kWarn:
      return "WARN";
    case Verdict::kNotApplicable:
      return "N/A";
    case Verdict::kError:
      return "ERROR";
  }
  return "ERROR";
}

std::string_view verdict_words(Verdict v) {
  return v == Verdict::kNotApplicable ? "not applicable" : runner::to_string(v);
}

std::string scenario_key(const runner::SuiteResult& suite, const runner::ScenarioResult& s) {
  return suite.id + "/" + s.id;
}

namespace {

std::tm utc(std::chrono::system_clock::time_point t, long& millis) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  long long secs = ms / 1000;
  millis = static_cast<long>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    --secs;
  }
  const std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

}  // namespace

std::string iso8601(std::chrono::system_clock::time_point t, bool millis) {
  long ms = 0;
  const std::tm tm = utc(t, ms);
  char buf[96];
  if (millis) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  return buf;
}

std::string junit_timestamp(std::chrono::system_clock::time_point t) {
  std::string s = iso8601(t);
  s.pop_back();  // the 'Z'
  return s;
}

std::string human_duration(runner::Millis d) {
  const double ms = d.count();
  char buf[40];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  } else if (ms < 60000) {
    std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000);
  } else {
    const long long s = std::llround(ms / 1000);
    std::snprintf(buf, sizeof buf, "%lld min %lld s", s / 60, s % 60);
  }
  return buf;
}

std::string seconds(runner::Millis d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.3f", std::max(0.0, d.count()) / 1000);
  return buf;
}

std::string millis_number(runner::Millis d) {
  const double ms = std::isfinite(d.count()) ? std::max(0.0, d.count()) : 0.0;
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ms, std::chars_format::fixed, 3);
  std::string s(buf, ec == std::errc() ? end : buf);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s.empty() ? "0" : s;
}

Totals totals(const runner::RunResult& result) {
  const runner::Counts c = result.scenario_counts();
  return {c.pass + (result.strict ? 0 : c.warn), c.fail + c.error + (result.strict ? c.warn : 0),
          c.not_applicable};
}

}  // namespace bis::reports
