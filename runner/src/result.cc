#include "bis/runner/result.h"

#include <algorithm>
#include <map>

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

std::string Assertion::where() const {
  if (path.empty()) return subject;
  const bool said = subject.size() > path.size() &&
                    subject.compare(subject.size() - path.size(), path.size(), path) == 0 &&
                    subject[subject.size() - path.size() - 1] == ' ';
  return said ? subject : subject + " at " + path;
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

UncheckedMust RunResult::unchecked_must() const {
  UncheckedMust u;
  auto add = [&](const std::string& why) {
    ++u.total;
    auto it = std::find_if(u.reasons.begin(), u.reasons.end(),
                           [&](const auto& r) { return r.first == why; });
    if (it == u.reasons.end()) {
      u.reasons.emplace_back(why, 1);
    } else {
      ++it->second;
    }
  };
  for (const auto& r : requirements) {
    if (r.level != Level::kMust || !r.in_run) continue;
    if (r.verdict == Verdict::kNotApplicable) {
      add("not applicable" + (r.reason.empty() ? std::string() : " (" + r.reason + ")"));
    } else if (r.verdict == Verdict::kError) {
      add("error");
    }
  }
  return u;
}

bool RunResult::unchecked_fails() const {
  return require_all && conformant() && unchecked_must().total > 0;
}

std::string RunResult::verdict_line() const {
  const UncheckedMust u = unchecked_must();
  std::string line = conformant() && !unchecked_fails() ? "CONFORMANT" : "NOT CONFORMANT";
  if (u.total == 0) return line;
  line += unchecked_fails() ? ": " : (conformant() ? ", but " : "; ");
  line += std::to_string(u.total) + " MUST requirement" + (u.total == 1 ? "" : "s") +
          " not checked";
  line += unchecked_fails() ? " (--require-all): " : ": ";
  for (size_t i = 0; i < u.reasons.size(); ++i) {
    line += (i ? ", " : "") + std::to_string(u.reasons[i].second) + " " + u.reasons[i].first;
  }
  return line;
}

std::vector<std::string> RunResult::not_applicable_lines() const {
  constexpr size_t kShown = 3;
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& suite : suites) {
    for (const auto& s : suite.scenarios) {
      if (s.verdict != Verdict::kNotApplicable) continue;
      std::string why = s.reason;
      const std::string lacks = "the target lacks capability ";
      if (why.rfind(lacks, 0) == 0) why = "capability " + why.substr(lacks.size()) + " not offered";
      auto it = std::find_if(groups.begin(), groups.end(),
                             [&](const auto& g) { return g.first == why; });
      if (it == groups.end()) it = groups.insert(groups.end(), {why, {}});
      it->second.push_back(suite.id + "/" + s.id);
    }
  }
  std::vector<std::string> lines;
  for (const auto& [why, keys] : groups) {
    std::string line = (why.empty() ? std::string("(no reason given)") : why) + ": " +
                       std::to_string(keys.size()) + " scenario" + (keys.size() == 1 ? "" : "s") +
                       " not applicable (";
    for (size_t i = 0; i < keys.size() && i < kShown; ++i) line += (i ? ", " : "") + keys[i];
    if (keys.size() > kShown) line += ", +" + std::to_string(keys.size() - kShown) + " more";
    lines.push_back(line + ")");
  }
  return lines;
}

}  // namespace bis::runner
