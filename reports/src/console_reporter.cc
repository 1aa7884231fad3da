#include "console_reporter.h"

#include <map>
#include <set>

#include "bis/reports/reporters.h"
#include "escape.h"
#include "report_view.h"
#include "text_blocks.h"

namespace bis::reports {
namespace {

using runner::Verdict;

constexpr size_t kKeysPerReason = 3;  // scenario names shown per not-applicable reason

void failures_section(std::string& out, const runner::RunResult& result, const Style& st) {
  const auto groups = failures_by_requirement(result);
  if (groups.empty()) return;
  size_t total = 0;
  for (const auto& g : groups) total += g.failures.size();
  out += "\n";
  out += st.paint(st.bold, "Failures by requirement");
  const auto counted = [](size_t n, const char* noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
  };
  out += " (" + counted(groups.size(), "requirement") + ", " +
         counted(total, "broken expectation") + ")\n";
  std::set<const void*> shown;
  for (const auto& g : groups) {
    Verdict v = Verdict::kWarn;
    for (const auto& f : g.failures) {
      if (f.scenario->verdict == Verdict::kFail) v = Verdict::kFail;
    }
    if (g.requirement != nullptr) v = g.requirement->verdict;
    out += "\n";
    out += st.paint(st.verdict_color(v), verdict_label(v));
    out += "  ";
    out += st.paint(st.bold, requirement_line(g.id, g.requirement));
    out += "\n";
    // Dim detail lines under the requirement: why it is inferred, where it is quoted from.
    if (g.requirement != nullptr) {
      for (const auto& [label, text] : {std::pair{"inferred: ", &g.requirement->inference},
                                        std::pair{"source: ", &g.requirement->source}}) {
        if (text->empty()) continue;
        out += "      ";
        out += st.paint(st.dim, std::string(label) + printable(*text, Keep::kNothing));
        out += "\n";
      }
    }
    const runner::ScenarioResult* scenario = nullptr;
    const runner::StepResult* step = nullptr;
    const runner::Exchange* exchange = nullptr;
    for (const auto& f : g.failures) {
      const void* key = f.assertion ? static_cast<const void*>(f.assertion) : f.scenario;
      if (!shown.insert(key).second) {
        out += "\n    " + scenario_key(*f.suite, *f.scenario);
        if (f.step) out += " step " + std::to_string(f.step->index + 1);
        out += ": the same failure as shown above\n";
        scenario = nullptr;
        continue;
      }
      if (f.scenario != scenario) {
        out += "\n";
        append_scenario_line(out, *f.suite, *f.scenario, "    ", st);
        step = nullptr;
      }
      if (f.step != nullptr && (f.step != step || f.exchange != exchange)) {
        append_step_context(out, *f.step, f.exchange, "      ", st);
      }
      append_assertion_detail(out, f.assertion, "      ", st);
      scenario = f.scenario;
      step = f.step;
      exchange = f.exchange;
    }
  }
}

void errors_section(std::string& out, const runner::RunResult& result, const Style& st) {
  const auto errors = run_errors(result);
  if (errors.empty()) return;
  out += "\n";
  out += st.paint(st.bold, "Could not run");
  out += " (" + std::to_string(errors.size()) + ")\n";
  for (const auto& e : errors) {
    out += "\n";
    append_error_detail(out, e, "    ", st);
  }
}

// Requirements that no failing expectation broke but that could not be checked, each with why
// (contract A: a precondition failed, a covering step errored, the deadline passed).
void unchecked_section(std::string& out, const runner::RunResult& result, const Style& st) {
  std::vector<const runner::RequirementResult*> unchecked;
  for (const auto& r : result.requirements) {
    if (r.verdict == Verdict::kError) unchecked.push_back(&r);
  }
  if (unchecked.empty()) return;
  out += "\n";
  out += st.paint(st.bold, "Requirements not checked");
  out += " (" + std::to_string(unchecked.size()) + ")\n";
  for (const auto* r : unchecked) {
    out += st.paint(st.verdict_color(Verdict::kError), verdict_label(Verdict::kError));
    out += "  " + printable(r->id, Keep::kNothing) + " (" + std::string(runner::to_string(r->level)) +
           "): " + (r->reason.empty() ? std::string("(no reason given)") : one_line(r->reason, 300)) +
           "\n";
  }
}

void not_applicable_section(std::string& out, const runner::RunResult& result, const Style& st) {
  std::map<std::string, std::vector<std::string>> by_reason;
  for (const auto& suite : result.suites) {
    for (const auto& s : suite.scenarios) {
      if (s.verdict == Verdict::kNotApplicable)
        by_reason[s.reason].push_back(scenario_key(suite, s));
    }
  }
  if (by_reason.empty()) return;
  out += "\n";
  out += st.paint(st.bold, "Not applicable");
  out += " (by reason)\n";
  for (const auto& [reason, keys] : by_reason) {
    out += "    " + std::to_string(keys.size()) + "  " +
           (reason.empty() ? std::string("(no reason given)") : one_line(reason, 200)) + "\n      ";
    out += st.dim;
    for (size_t i = 0; i < keys.size() && i < kKeysPerReason; ++i) out += (i ? ", " : "") + keys[i];
    if (keys.size() > kKeysPerReason)
      out += ", +" + std::to_string(keys.size() - kKeysPerReason) + " more";
    out += st.reset;
    out += "\n";
  }
}

void summary_section(std::string& out, const runner::RunResult& result, const Style& st) {
  const auto& t = result.target;
  out += "\n";
  out += st.paint(st.bold, "Target");
  out += "        " + printable(t.kind + "  " + t.base_url, Keep::kNothing);
  if (!t.implementation.empty()) out += "  (" + one_line(t.implementation, 100) + ")";
  out += "\n";
  out += st.paint(st.bold, "Run");
  out += "           " + printable(result.run_id, Keep::kNothing) + "  " +
         human_duration(result.duration) + (result.strict ? "  --strict" : "") + "\n";
  const runner::Counts rc = result.requirement_counts();
  out += st.paint(st.bold, "Requirements");
  out += "  ";
  bool first = true;
  for (Verdict v : kVerdicts) {
    out += first ? "" : ", ";
    first = false;
    const size_t n = count_of(rc, v);
    if (n > 0 && v != Verdict::kPass && v != Verdict::kNotApplicable) out += st.verdict_color(v);
    out += std::to_string(n) + " " + std::string(verdict_words(v));
    if (n > 0 && v != Verdict::kPass && v != Verdict::kNotApplicable) out += st.reset;
  }
  out += "\n";
  const bool ok = result.conformant() && !result.unchecked_fails();
  const bool quiet = ok && result.unchecked_must().total == 0;
  for (const auto& line : result.not_applicable_lines()) {
    out += st.paint(st.dim, one_line(line, 300));
    out += "\n";
  }
  out += st.bold;
  out += quiet ? st.green : ok ? st.verdict_color(Verdict::kWarn) : st.red;
  out += result.verdict_line();
  out += st.reset;
  out += "\n";
  out += summary_lines(result);
}

}  // namespace

ConsoleReporter::ConsoleReporter(std::ostream& out, ConsoleConfig config,
                                 std::shared_ptr<RedactedTree> tree,
                                 std::unique_ptr<std::ostream> file)
    : file_(std::move(file)), out_(out), config_(config), tree_(std::move(tree)) {}

void ConsoleReporter::run_started(const runner::RunHeader& header) {
  expected_ = header.scenario_count;
  strict_ = header.strict;
  if (config_.progress && config_.terminal) draw_progress("");
}

void ConsoleReporter::draw_progress(const std::string& last) {
  const size_t done = seen_.total();
  const size_t passed = seen_.pass + (strict_ ? 0 : seen_.warn);
  const size_t failed = seen_.fail + seen_.error + (strict_ ? seen_.warn : 0);
  std::string line = "[" + std::to_string(done) + "/" + std::to_string(expected_) + "] " +
                     std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " +
                     std::to_string(seen_.not_applicable) + " skipped";
  if (!last.empty()) line += "  " + last;
  const size_t width = config_.width > 1 ? static_cast<size_t>(config_.width - 1) : 79;
  out_ << "\r\x1b[2K" << one_line(line, width);
  out_.flush();
  progress_drawn_ = true;
}

void ConsoleReporter::clear_progress() {
  if (!progress_drawn_) return;
  out_ << "\r\x1b[2K";
  progress_drawn_ = false;
}

void ConsoleReporter::scenario_finished(const runner::SuiteResult& suite,
                                        const runner::ScenarioResult& scenario) {
  seen_.add(scenario.verdict);
  if (!config_.progress) return;
  const Style st = config_.color ? Style::ansi() : Style::plain();
  const Redactor& redact = tree_->redactor();
  std::string line;
  line += st.verdict_color(scenario.verdict);
  std::string label(verdict_label(scenario.verdict));
  label.resize(6, ' ');
  line += label;
  line += st.reset;
  line += scenario_key(suite, scenario);
  if (!scenario.name.empty()) line += "  " + one_line(redact.text(scenario.name), 120);
  if (!scenario.reason.empty()) line += "  (" + one_line(redact.text(scenario.reason), 200) + ")";
  line += "  " + human_duration(scenario.duration);
  if (config_.terminal) {
    const Verdict v = scenario.verdict;
    if (v == Verdict::kFail || v == Verdict::kWarn || v == Verdict::kError) {
      clear_progress();
      out_ << line << "\n";
    }
    draw_progress(scenario_key(suite, scenario));
  } else {
    out_ << line << "\n";
  }
}

bool ConsoleReporter::run_finished(const runner::RunResult& raw, std::string& error) {
  clear_progress();
  const runner::RunResult& result = tree_->get(raw);
  const Style st = config_.color ? Style::ansi() : Style::plain();
  std::string out;
  failures_section(out, result, st);
  errors_section(out, result, st);
  unchecked_section(out, result, st);
  not_applicable_section(out, result, st);
  summary_section(out, result, st);
  out_ << out;
  out_.flush();
  if (!out_) {
    error = "cannot write the console report";
    return false;
  }
  return true;
}

}  // namespace bis::reports
