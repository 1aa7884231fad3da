// JUnit XML in the shape Jenkins, GitLab, GitHub test-report actions and Azure read
// (docs/reports.md; validated against tests/reports/data/junit.xsd).
#include "bis/reports/formats.h"
#include "escape.h"
#include "report_view.h"
#include "text_blocks.h"

namespace bis::reports {
namespace {

using runner::Verdict;

constexpr size_t kJunitMessageLength = 300;  // code points of a failure's one-line message

class XmlOut {
 public:
  explicit XmlOut(std::string& out) : out_(out) {}

  void open(std::string_view tag, int depth) {
    out_.append(static_cast<size_t>(depth) * 2, ' ');
    out_ += '<';
    out_ += tag;
  }
  void attr(std::string_view name, std::string_view value) {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    append_xml(out_, value, false);
    out_ += '"';
  }
  void end_open() { out_ += ">\n"; }
  void end_empty() { out_ += "/>\n"; }
  void close(std::string_view tag, int depth) {
    out_.append(static_cast<size_t>(depth) * 2, ' ');
    out_ += "</";
    out_ += tag;
    out_ += ">\n";
  }
  // <tag attrs...>text</tag> with the text escaped; `open` must have been called.
  void text_and_close(std::string_view text, std::string_view tag) {
    out_ += '>';
    append_xml(out_, text);
    out_ += "</";
    out_ += tag;
    out_ += ">\n";
  }
  void property(std::string_view name, std::string_view value, int depth) {
    open("property", depth);
    attr("name", name);
    attr("value", value);
    end_empty();
  }

 private:
  std::string& out_;
};

struct SuiteCounts {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
};

bool counts_as_failure(Verdict v, bool strict) {
  return v == Verdict::kFail || (strict && v == Verdict::kWarn);
}

SuiteCounts count(const runner::SuiteResult& suite, bool strict) {
  SuiteCounts c;
  for (const auto& s : suite.scenarios) {
    ++c.tests;
    if (counts_as_failure(s.verdict, strict)) ++c.failures;
    if (s.verdict == Verdict::kError) ++c.errors;
    if (s.verdict == Verdict::kNotApplicable) ++c.skipped;
  }
  return c;
}

// The failed expectations of one scenario, each with the requirements it breaks.
std::string failure_text(const runner::ScenarioResult& s, const RequirementIndex& reqs,
                         std::string& message) {
  std::string text;
  for (const auto& step : s.steps) {
    if (step.verdict != Verdict::kFail && step.verdict != Verdict::kWarn) continue;
    const runner::Exchange* shown = nullptr;
    bool first = true;
    for (const auto& a : step.assertions) {
      if (a.passed) continue;
      const runner::Exchange* exchange = exchange_for(step, a);
      if (first || exchange != shown) {
        if (!text.empty()) text += '\n';
        append_step_context(text, step, exchange, "", Style::plain());
        shown = exchange;
        first = false;
      }
      const auto& ids = a.requirements.empty() ? s.covers : a.requirements;
      for (const auto& id : ids) {
        const auto it = reqs.find(id);
        text += "breaks " + requirement_line(id, it == reqs.end() ? nullptr : it->second) + "\n";
      }
      if (message.empty()) {
        message = (ids.empty() ? std::string() : ids.front() + ": ") +
                  (a.message.empty() ? a.subject : a.message);
      }
      append_assertion_detail(text, &a, "  ", Style::plain());
    }
  }
  if (message.empty()) message = std::string(verdict_words(s.verdict));
  message = one_line(message, kJunitMessageLength);
  return text;
}

void write_testcase(XmlOut& x, const runner::SuiteResult& suite, const runner::ScenarioResult& s,
                    const RequirementIndex& reqs, bool strict) {
  x.open("testcase", 2);
  x.attr("name", s.id);
  x.attr("classname", suite.id);
  x.attr("time", seconds(s.duration));
  x.attr("file", s.pos.file.empty() ? suite.file : s.pos.file);
  if (s.pos.line > 0) x.attr("line", std::to_string(s.pos.line));
  x.end_open();

  x.open("properties", 3);
  x.end_open();
  if (!s.name.empty()) x.property("scenario", s.name, 4);
  x.property("verdict", runner::to_string(s.verdict), 4);
  std::string joined;
  for (const auto& id : s.covers) joined += (joined.empty() ? "" : ",") + id;
  x.property("requirements", joined, 4);
  for (const auto& id : s.covers) {
    const auto it = reqs.find(id);
    if (it != reqs.end()) x.property("requirement." + id, runner::to_string(it->second->level), 4);
  }
  x.close("properties", 3);

  if (s.verdict == Verdict::kFail || s.verdict == Verdict::kWarn) {
    std::string message;
    std::string text = failure_text(s, reqs, message);
    if (!s.reason.empty()) text += "\n" + s.reason + "\n";  // a `finally` step that did not pass
    if (counts_as_failure(s.verdict, strict)) {
      x.open("failure", 3);
      x.attr("message", message);
      x.attr("type", runner::to_string(s.verdict));
      x.text_and_close(text, "failure");
    } else {
      x.open("system-out", 3);
      x.text_and_close("warning (a SHOULD or MAY broken; fails with --strict)\n" + text,
                       "system-out");
    }
  } else if (s.verdict == Verdict::kError) {
    std::string text;
    const RunError e = run_error(suite, s);
    append_error_detail(text, e, "", Style::plain());
    x.open("error", 3);
    x.attr("message", one_line(s.reason.empty() ? "could not run" : s.reason, kJunitMessageLength));
    x.attr("type", "error");
    x.text_and_close(text, "error");
  } else if (s.verdict == Verdict::kNotApplicable) {
    x.open("skipped", 3);
    x.attr("message", one_line("not applicable: " + s.reason, kJunitMessageLength));
    x.end_empty();
  }
  x.close("testcase", 2);
}

}  // namespace

std::string render_junit(const runner::RunResult& result, const RenderContext& context) {
  (void)context;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  XmlOut x(out);
  const RequirementIndex reqs = index_requirements(result);
  SuiteCounts all;
  for (const auto& suite : result.suites) {
    const SuiteCounts c = count(suite, result.strict);
    all.tests += c.tests;
    all.failures += c.failures;
    all.errors += c.errors;
    all.skipped += c.skipped;
  }
  x.open("testsuites", 0);
  x.attr("name", "bis-conformance");
  x.attr("tests", std::to_string(all.tests));
  x.attr("failures", std::to_string(all.failures));
  x.attr("errors", std::to_string(all.errors));
  x.attr("time", seconds(result.duration));
  x.end_open();
  int id = 0;
  for (const auto& suite : result.suites) {
    const SuiteCounts c = count(suite, result.strict);
    x.open("testsuite", 1);
    x.attr("name", suite.id);
    x.attr("tests", std::to_string(c.tests));
    x.attr("failures", std::to_string(c.failures));
    x.attr("errors", std::to_string(c.errors));
    x.attr("skipped", std::to_string(c.skipped));
    x.attr("time", seconds(suite.duration));
    x.attr("timestamp", junit_timestamp(result.started_at));
    x.attr("id", std::to_string(id++));
    x.attr("package", "bis-conformance");
    x.attr("file", suite.file);
    x.end_open();
    x.open("properties", 2);
    x.end_open();
    x.property("suite.name", suite.name, 3);
    x.property("run_id", result.run_id, 3);
    x.property("target", result.target.kind + " " + result.target.base_url, 3);
    if (!result.target.implementation.empty()) {
      x.property("target.implementation", result.target.implementation, 3);
    }
    x.property("strict", result.strict ? "true" : "false", 3);
    x.property("verdict", result.verdict_line(), 3);
    for (const auto& r : result.requirements) {
      if (!r.reason.empty() && r.verdict == runner::Verdict::kError)
        x.property("requirement." + r.id + ".error", r.reason, 3);
    }
    x.close("properties", 2);
    for (const auto& s : suite.scenarios) write_testcase(x, suite, s, reqs, result.strict);
    x.close("testsuite", 1);
  }
  x.close("testsuites", 0);
  return out;
}

}  // namespace bis::reports
