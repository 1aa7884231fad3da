#include "bis/runner/result.h"

#include <algorithm>

#include "bis/common/text.h"

namespace bis::runner {

std::vector<Header>::const_iterator find_header(const std::vector<Header>& headers,
                                               std::string_view name) {
  return std::find_if(headers.begin(), headers.end(),
                      [name](const Header& h) { return iequals(h.first, name); });
}

std::vector<Header>::iterator find_header(std::vector<Header>& headers, std::string_view name) {
  return std::find_if(headers.begin(), headers.end(),
                      [name](const Header& h) { return iequals(h.first, name); });
}

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

void Counts::add(Verdict v) {
  switch (v) {
    case Verdict::kPass: ++pass; break;
    case Verdict::kFail: ++fail; break;
    case Verdict::kWarn: ++warn; break;
    case Verdict::kNotApplicable: ++not_applicable; break;
    case Verdict::kError: ++error; break;
  }
}

Counts RunResult::scenario_counts() const {
  Counts c;
  for (const auto& suite : suites) {
    for (const auto& scenario : suite.scenarios) c.add(scenario.verdict);
  }
  return c;
}

Counts RunResult::requirement_counts() const {
  Counts c;
  for (const auto& r : requirements) c.add(r.verdict);
  return c;
}

bool RunResult::conformant() const {
  const Counts c = scenario_counts();
  return c.fail == 0 && c.error == 0 && (!strict || c.warn == 0);
}

}  // namespace bis::runner
