// The Markdown report, sized for a CI job summary or a pull-request comment (GitHub Flavored
// Markdown): the verdict, the broken requirements (fail, warn, error) with their first failing
// scenarios, then the other requirements folded in a <details>.
#include "bis/reports/formats.h"
#include "escape.h"
#include "report_view.h"
#include "text_blocks.h"

namespace bis::reports {
namespace {

using runner::Verdict;

constexpr size_t kMaxFailures = 50;             // failing-scenario rows in all; the rest are counted
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

// The requirements that are not broken (pass, not applicable, not in the run), folded away:
// a reader opens the report for what is wrong.
void matrix(std::string& out, const runner::RunResult& result) {
  if (result.requirements.empty()) {
    out += "No requirement catalogue in this run.\n\n";
    return;
  }
  std::vector<const runner::RequirementResult*> rest;
  runner::Counts counts;
  for (const auto& r : result.requirements) {
    if (r.verdict == Verdict::kPass || r.verdict == Verdict::kNotApplicable) {
      rest.push_back(&r);
      counts.add(r.verdict);
    }
  }
  if (rest.empty()) return;
  out += "<details><summary>" + std::string(icon(Verdict::kPass)) + " " +
         std::to_string(rest.size()) + (rest.size() == 1 ? " requirement" : " requirements") +
         " not broken: " +
         std::to_string(counts.pass) + " pass, " + std::to_string(counts.not_applicable) +
         " not applicable</summary>\n\n";
  const auto cover = coverage(result);
  out += "| Requirement | Level | Verdict | Scenarios (pass/fail/warn/error/n.a.) | Sentence |\n";
  out += "|---|---|---|---|---|\n";
  for (const runner::RequirementResult* rp : rest) {
    const auto& r = *rp;
    const auto it = cover.find(r.id);
    const runner::Counts c = it == cover.end() ? runner::Counts{} : it->second;
    std::string numbers;
    for (Verdict v : kVerdicts)
      numbers += (numbers.empty() ? "" : "/") + std::to_string(count_of(c, v));
    std::string names;
    for (size_t i = 0; i < r.scenarios.size() && i < kScenariosPerRequirement; ++i) {
      names += (i ? ", " : "") + r.scenarios[i];
    }
    if (r.scenarios.size() > kScenariosPerRequirement) {
      names += ", +" + std::to_string(r.scenarios.size() - kScenariosPerRequirement) + " more";
    }
    out += "| " + cell(r.id) + " | " + std::string(runner::to_string(r.level)) + " | " +
           verdict_cell(r.verdict) + (r.reason.empty() ? "" : "<br>" + cell(r.reason)) + " | " +
           numbers + (names.empty() ? "" : "<br>" + cell(names)) + " | " +
           (r.inferred ? cell(r.text) + "<br>*inferred:* " + cell(r.inference)
                       : "“" + cell(r.text) + "”") +
           " |\n";
  }
  out += "\n</details>\n\n";
}

// A PR comment must stay under GitHub's 65,536 characters whatever the run: a few scenarios per
// broken requirement, a budget of rows in all, and a size past which requirements are only
// counted. Everything is in the HTML and JSON reports.
constexpr size_t kFailingScenariosShown = 3;  // per broken requirement
constexpr size_t kCommentBudget = 60000;  // bytes of the whole report, under GitHub's 65,536
constexpr size_t kSentenceLength = 240;       // code points of a requirement's sentence

std::string requirement_heading(const BrokenRequirement& b) {
  std::string h = "#### " + std::string(icon(b.verdict)) + " ";
  if (b.requirement != nullptr) {
    h += cell(b.id) + " (" + std::string(runner::to_string(b.requirement->level)) + "): " +
         std::string(verdict_words(b.verdict));
  } else if (!b.id.empty()) {
    h += cell(b.id) + " (not in the catalogue): " + std::string(verdict_words(b.verdict));
  } else {
    h += b.verdict == Verdict::kError ? "Scenarios that could not run"
                                      : "Failures that name no requirement";
  }
  return h + "\n\n";
}

std::string scenario_row(const BrokenScenario& s) {
  std::string what;
  if (s.assertion != nullptr) {
    what = s.assertion->where();
    if (!s.assertion->message.empty()) what += ": " + s.assertion->message;
  } else if (s.scenario->verdict == Verdict::kError) {
    what = "could not run: " + s.scenario->reason;
  } else {
    what = s.scenario->reason.empty() ? "failed" : s.scenario->reason;
  }
  const std::string step =
      s.step == nullptr ? ""
                        : std::to_string(s.step->index + 1) + " " + s.step->name +
                              (s.step->cleanup ? " (finally)" : "");
  return "| " + verdict_cell(s.scenario->verdict) + " " +
         cell(scenario_key(*s.suite, *s.scenario)) + " | " + cell(step) + " | " +
         cell(one_line(what, kMarkdownMessageLength)) + " | " +
         cell(s.assertion ? s.assertion->pos.to_string() : s.scenario->pos.to_string()) + " |\n";
}

// `budget`: the bytes the section may take; past it, broken requirements are only counted.
void broken(std::string& out, const runner::RunResult& result, size_t budget) {
  const auto list = broken_requirements(result);
  if (list.empty()) return;
  out += "### Broken requirements\n\n";
  const size_t start = out.size();
  size_t rows = 0, requirement = 0;
  for (; requirement < list.size(); ++requirement) {
    const BrokenRequirement& b = list[requirement];
    if (out.size() - start > budget) break;
    out += requirement_heading(b);
    if (b.requirement != nullptr) {
      if (!b.requirement->text.empty())
        out += "> " + cell(one_line(b.requirement->text, kSentenceLength)) + "\n\n";
      if (!b.requirement->reason.empty()) out += cell(b.requirement->reason) + "\n\n";
    }
    size_t shown = 0;
    for (const auto& s : b.scenarios) {
      if (shown == kFailingScenariosShown || rows == kMaxFailures) break;
      if (shown++ == 0) out += "| Scenario | Step | What | Where |\n|---|---|---|---|\n";
      out += scenario_row(s);
      ++rows;
    }
    if (shown > 0) out += '\n';
    if (shown < b.scenarios.size()) {
      const size_t more = b.scenarios.size() - shown;
      out += (shown ? "\xE2\x80\xA6" "and " + std::to_string(more) + " more"
                    : std::to_string(more)) +
             (more == 1 ? " scenario" : " scenarios") +
             ": see the HTML or JSON report for every one.\n\n";
    }
  }
  if (requirement < list.size()) {
    const size_t more = list.size() - requirement;
    out += std::to_string(more) + (more == 1 ? " more broken requirement" : " more broken requirements") +
           " not shown: see the HTML or JSON report.\n\n";
  }
}

}  // namespace

std::string render_markdown(const runner::RunResult& result, const RenderContext& context) {
  std::string out;
  summary(out, result);
  std::string rest;  // written first so the broken requirements can use what it leaves
  matrix(rest, result);
  const size_t used = out.size() + rest.size() + 4000;  // 4000: the last broken block, the end
  broken(out, result, used < kCommentBudget ? kCommentBudget - used : 0);
  out += rest;
  const Totals t = totals(result);
  out += "<sub>bis-conform " + cell(result.tool_version) + ", generated " +
         iso8601(context.generated_at) + "</sub>\n\n";
  out += "**" + std::to_string(t.passed) + " passed, " + std::to_string(t.failed) + " failed, " +
         std::to_string(t.skipped) + " skipped**\n";
  return out;
}

}  // namespace bis::reports
