// The Markdown report: a compact summary, the requirement matrix and the first failures, sized
// for a CI job summary or a pull-request comment (GitHub Flavored Markdown).
#include "bis/reports/formats.h"
#include "escape.h"
#include "report_view.h"
#include "text_blocks.h"

namespace bis::reports {
namespace {

using runner::Verdict;

constexpr size_t kMaxFailures = 50;             // rows of the failure table; the rest are counted
constexpr size_t kScenariosPerRequirement = 3;  // scenario names shown per matrix row
constexpr size_t kMarkdownMessageLength = 160;          // code points of a failure message

std::string_view icon(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "\xE2\x9C\x85";  // check mark
    case Verdict::kFail:
      return "\xE2\x9D\x8C";  // cross
    case Verdict::kWarn:
      return "\xE2\x9A\xA0\xEF\xB8\x8F";  // warning sign
    case Verdict::kError:
      return "\xE2\x9B\x94";  // no entry
    case Verdict::kNotApplicable:
      return "\xE2\x9E\x96";  // minus
  }
  return "";
}

std::string cell(std::string_view s) {
  std::string out;
  append_markdown_cell(out, s);
  return out;
}

std::string verdict_cell(Verdict v) {
  return std::string(icon(v)) + " " + std::string(verdict_words(v));
}

void summary(std::string& out, const runner::RunResult& result) {
  const bool ok = result.conformant() && !result.unchecked_fails();
  const bool quiet = ok && result.unchecked_must().total == 0;
  out += "## ";
  out += quiet ? icon(Verdict::kPass) : ok ? icon(Verdict::kWarn) : icon(Verdict::kFail);
  out += " Back in Stock conformance: ";
  out += cell(result.verdict_line());
  out += "\n\n";
  for (const auto& line : result.not_applicable_lines()) out += "- " + cell(line) + "\n";
  if (!result.not_applicable_lines().empty()) out += "\n";
  out += "**Target:** " + cell(result.target.kind) + " " + cell(result.target.base_url);
  if (!result.target.implementation.empty()) out += " (" + cell(result.target.implementation) + ")";
  out += " \xC2\xB7 **Run:** " + cell(result.run_id);
  out += " \xC2\xB7 **Duration:** " + human_duration(result.duration);
  if (result.strict) out += " \xC2\xB7 **Strict:** warnings fail";
  out += "\n\n";
  const runner::Counts sc = result.scenario_counts(), rc = result.requirement_counts();
  out += "| Verdict | Scenarios | Requirements |\n|---|---:|---:|\n";
  for (Verdict v : kVerdicts) {
    out += "| " + verdict_cell(v) + " | " + std::to_string(count_of(sc, v)) + " | " +
           std::to_string(count_of(rc, v)) + " |\n";
  }
  out +=
      "| **total** | " + std::to_string(sc.total()) + " | " + std::to_string(rc.total()) + " |\n\n";
}

void matrix(std::string& out, const runner::RunResult& result) {
  out += "### Requirement matrix\n\n";
  if (result.requirements.empty()) {
    out += "No requirement catalogue in this run.\n\n";
    return;
  }
  const auto cover = coverage(result);
  out += "| Requirement | Level | Verdict | Scenarios (pass/fail/warn/error/n.a.) | Sentence |\n";
  out += "|---|---|---|---|---|\n";
  for (const auto& r : result.requirements) {
    const auto it = cover.find(r.id);
    const runner::Counts c = it == cover.end() ? runner::Counts{} : it->second;
    std::string counts;
    for (Verdict v : kVerdicts)
      counts += (counts.empty() ? "" : "/") + std::to_string(count_of(c, v));
    std::string names;
    for (size_t i = 0; i < r.scenarios.size() && i < kScenariosPerRequirement; ++i) {
      names += (i ? ", " : "") + r.scenarios[i];
    }
    if (r.scenarios.size() > kScenariosPerRequirement) {
      names += ", +" + std::to_string(r.scenarios.size() - kScenariosPerRequirement) + " more";
    }
    out += "| " + cell(r.id) + " | " + std::string(runner::to_string(r.level)) + " | " +
           verdict_cell(r.verdict) + (r.reason.empty() ? "" : "<br>" + cell(r.reason)) + " | " +
           counts + (names.empty() ? "" : "<br>" + cell(names)) + " | " + cell(r.text) + " |\n";
  }
  out += '\n';
}

void failures(std::string& out, const runner::RunResult& result) {
  const auto groups = failures_by_requirement(result);
  const auto errors = run_errors(result);
  if (groups.empty() && errors.empty()) return;
  out +=
      "### Failures\n\n| Requirement | Scenario | Step | What | Where |\n|---|---|---|---|---|\n";
  size_t shown = 0, total = errors.size();
  for (const auto& g : groups) total += g.failures.size();
  for (const auto& g : groups) {
    for (const auto& f : g.failures) {
      if (shown == kMaxFailures) break;
      ++shown;
      std::string what = f.assertion == nullptr ? "failed" : f.assertion->subject;
      if (f.assertion != nullptr && !f.assertion->path.empty()) what += " at " + f.assertion->path;
      if (f.assertion != nullptr && !f.assertion->message.empty())
        what += ": " + f.assertion->message;
      const std::string label =
          g.id.empty()
              ? "(none)"
              : g.id + (g.requirement
                            ? " (" + std::string(runner::to_string(g.requirement->level)) + ")"
                            : std::string());
      out += "| " + cell(label) + " | " + verdict_cell(f.scenario->verdict) + " " +
             cell(scenario_key(*f.suite, *f.scenario)) + " | " +
             (f.step ? cell(std::to_string(f.step->index + 1) + " " + f.step->name) : "") + " | " +
             cell(one_line(what, kMarkdownMessageLength)) + " | " +
             cell(f.assertion ? f.assertion->pos.to_string() : f.scenario->pos.to_string()) +
             " |\n";
    }
  }
  for (const auto& e : errors) {
    if (shown == kMaxFailures) break;
    ++shown;
    out += "| \xE2\x80\x94 | " + verdict_cell(Verdict::kError) + " " +
           cell(scenario_key(*e.suite, *e.scenario)) + " | " +
           (e.step ? cell(std::to_string(e.step->index + 1) + " " + e.step->name +
                          (e.step->cleanup ? " (finally)" : ""))
                   : "") +
           " | " +
           cell(one_line(e.scenario->verdict == Verdict::kError
                             ? "could not run: " + e.scenario->reason
                             : e.scenario->reason,
                         kMarkdownMessageLength)) +
           " | " +
           cell(e.scenario->pos.to_string()) + " |\n";
  }
  if (shown < total) {
    out += "\n" + std::to_string(total - shown) +
           " more not shown: see the HTML or JSON report for every failure.\n";
  }
  out += '\n';
}

}  // namespace

std::string render_markdown(const runner::RunResult& result, const RenderContext& context) {
  std::string out;
  summary(out, result);
  matrix(out, result);
  failures(out, result);
  const Totals t = totals(result);
  out += "<sub>bis-conform " + cell(result.tool_version) + ", generated " +
         iso8601(context.generated_at) + "</sub>\n\n";
  out += "**" + std::to_string(t.passed) + " passed, " + std::to_string(t.failed) + " failed, " +
         std::to_string(t.skipped) + " skipped**\n";
  return out;
}

}  // namespace bis::reports
