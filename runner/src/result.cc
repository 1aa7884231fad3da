#include "bis/runner/result.h"

namespace bis::runner {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kWarn: return "warn";
    case Verdict::kNotApplicable: return "not_applicable";
    case Verdict::kError: return "error";
  }
  return "error";
}

std::string_view to_string(Level level) {
  switch (level) {
    case Level::kMust: return "MUST";
    case Level::kShould: return "SHOULD";
    case Level::kMay: return "MAY";
  }
  return "MUST";
}

namespace {
void count(Counts& c, Verdict v) {
  switch (v) {
    case Verdict::kPass: ++c.pass; break;
    case Verdict::kFail: ++c.fail; break;
    case Verdict::kWarn: ++c.warn; break;
    case Verdict::kNotApplicable: ++c.not_applicable; break;
    case Verdict::kError: ++c.error; break;
  }
}
}  // namespace

Counts RunResult::scenario_counts() const {
  Counts c;
  for (const auto& suite : suites) {
    for (const auto& scenario : suite.scenarios) count(c, scenario.verdict);
  }
  return c;
}

Counts RunResult::requirement_counts() const {
  Counts c;
  for (const auto& r : requirements) count(c, r.verdict);
  return c;
}

bool RunResult::conformant() const {
  const Counts c = scenario_counts();
  return c.fail == 0 && c.error == 0 && (!strict || c.warn == 0);
}

}  // namespace bis::runner
