#include "text_blocks.h"

#include "escape.h"

namespace bis::reports {
namespace {

constexpr size_t kAnswerPreview = 200;  // code points of an answer body shown in text

// Appends `text` (possibly several lines) with every line after the first indented by `indent`.
void append_block(std::string& out, std::string_view text, std::string_view indent) {
  const std::string p = printable(text);
  size_t start = 0;
  while (true) {
    const size_t nl = p.find('\n', start);
    out.append(p, start, nl == std::string::npos ? std::string::npos : nl - start);
    if (nl == std::string::npos) break;
    out.push_back('\n');
    out += indent;
    start = nl + 1;
  }
}

void append_exchange(std::string& out, const runner::Exchange& x, std::string_view indent,
                     const Style& st) {
  if (!x.curl.empty()) {
    out += indent;
    out += st.paint(st.dim, "$ ");
    append_block(out, x.curl, std::string(indent) + "  ");
    out += '\n';
  } else if (!x.method.empty()) {
    out += indent;
    out += printable(x.method + " " + x.url, Keep::kNothing);
    out += '\n';
  }
  out += indent;
  if (x.status) {
    out += "answer: " + std::to_string(*x.status);
    if (!x.response_body.empty()) {
      out += ", ";
      out += one_line(x.response_body, kAnswerPreview);
    }
  } else {
    out += "no answer";
    if (!x.error.empty()) out += ": " + one_line(x.error, kAnswerPreview);
  }
  out += '\n';
}

std::string step_line(const runner::StepResult& step) {
  std::string s = "step " + std::to_string(step.index + 1) + " (" + step.kind +
                  (step.cleanup ? ", finally)" : ")");
  if (!step.name.empty()) s += " \"" + printable(step.name, Keep::kNothing) + "\"";
  if (step.attempts > 1) s += ", " + std::to_string(step.attempts) + " attempts";
  if (!step.pos.file.empty()) s += "  " + printable(step.pos.to_string(), Keep::kNothing);
  return s;
}

}  // namespace

std::string_view Style::verdict_color(runner::Verdict v) const {
  switch (v) {
    case runner::Verdict::kPass:
      return green;
    case runner::Verdict::kFail:
      return red;
    case runner::Verdict::kWarn:
      return yellow;
    case runner::Verdict::kError:
      return magenta;
    case runner::Verdict::kNotApplicable:
      return dim;
  }
  return {};
}

RequirementIndex index_requirements(const runner::RunResult& result) {
  RequirementIndex index;
  for (const auto& r : result.requirements) index.emplace(r.id, &r);
  return index;
}

std::string requirement_line(std::string_view id, const runner::RequirementResult* r) {
  if (id.empty()) return "(no requirement named)";
  std::string s = printable(id, Keep::kNothing);
  if (r == nullptr) return s + " (not in the catalogue)";
  s += " (" + std::string(runner::to_string(r->level)) + (r->inferred ? ", inferred)" : ")");
  if (r->text.empty()) return s;
  // A stated rule is a quote; an inferred one is our statement, never dressed as a quote.
  if (r->inferred) return s + ": " + printable(r->text, Keep::kNothing);
  s += ": \xE2\x80\x9C" + printable(r->text, Keep::kNothing) + "\xE2\x80\x9D";
  return s;
}

void append_scenario_line(std::string& out, const runner::SuiteResult& suite,
                          const runner::ScenarioResult& scenario, std::string_view indent,
                          const Style& st) {
  out += indent;
  out += st.bold;
  out += scenario_key(suite, scenario);
  if (!scenario.name.empty()) out += ": " + printable(scenario.name, Keep::kNothing);
  out += st.reset;
  out += "  ";
  out += st.paint(st.verdict_color(scenario.verdict), verdict_label(scenario.verdict));
  out += '\n';
}

void append_step_context(std::string& out, const runner::StepResult& step,
                         const runner::Exchange* exchange, std::string_view indent,
                         const Style& st) {
  out += indent;
  out += step_line(step);
  out += '\n';
  if (exchange != nullptr) append_exchange(out, *exchange, indent, st);
}

void append_assertion_detail(std::string& out, const runner::Assertion* assertion,
                             std::string_view indent, const Style& st) {
  if (assertion == nullptr) {
    out += indent;
    out += "failed without a failed expectation to show (see the JSON report)\n";
    return;
  }
  const runner::Assertion& a = *assertion;
  const std::string value_indent = std::string(indent) + "            ";
  out += indent;
  out += st.red;
  out += printable(a.where(), Keep::kNothing);
  if (!a.message.empty()) out += ": " + printable(a.message, Keep::kNothing);
  out += st.reset;
  out += '\n';
  out += indent;
  out += "  expected: ";
  append_block(out, a.expected, value_indent);
  out += '\n';
  out += indent;
  out += "  actual:   ";
  append_block(out, a.actual, value_indent);
  out += '\n';
  if (!a.pos.file.empty()) {
    out += indent;
    out += st.paint(st.dim, "at " + printable(a.pos.to_string(), Keep::kNothing));
    out += '\n';
  }
}

void append_error_detail(std::string& out, const RunError& e, std::string_view indent,
                         const Style& st) {
  const std::string deeper = std::string(indent) + "  ";
  append_scenario_line(out, *e.suite, *e.scenario, indent, st);
  if (!e.scenario->reason.empty()) {
    out += deeper + "why: " + one_line(e.scenario->reason, 500) + '\n';
  }
  if (e.step != nullptr) {
    out += deeper + step_line(*e.step) + '\n';
    if (!e.step->error.empty() && e.step->error != e.scenario->reason) {
      out += deeper + "error: " + one_line(e.step->error, 500) + '\n';
    }
  }
  if (e.exchange != nullptr) append_exchange(out, *e.exchange, deeper, st);
  out += deeper;
  out += st.paint(st.dim, "at " + printable(e.scenario->pos.to_string(), Keep::kNothing));
  out += '\n';
}

}  // namespace bis::reports
