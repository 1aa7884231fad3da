#pragma once
// Plain-text descriptions of a failure and of a scenario that could not run, shared by the
// console (with colours) and the JUnit failure text (without). Target text goes through
// printable(), so the result holds no control characters but '\n'.
#include <string>
#include <string_view>
#include <unordered_map>

#include "report_view.h"

namespace bis::reports {

// ANSI sequences to wrap text in; all empty for plain text.
struct Style {
  std::string_view bold, dim, red, green, yellow, magenta, cyan, reset;
  static Style plain() { return {}; }
  static Style ansi() {
    return {"\x1b[1m",  "\x1b[2m",  "\x1b[31m", "\x1b[32m",
            "\x1b[33m", "\x1b[35m", "\x1b[36m", "\x1b[0m"};
  }
  std::string_view verdict_color(runner::Verdict v) const;
  // `text` in `style` (one of the above), reset after it.
  std::string paint(std::string_view style, std::string_view text) const {
    std::string out;
    out.reserve(style.size() + text.size() + reset.size());
    return out.append(style).append(text).append(reset);
  }
};

using RequirementIndex = std::unordered_map<std::string, const runner::RequirementResult*>;
RequirementIndex index_requirements(const runner::RunResult& result);

// "BIS-X-1 (MUST): “sentence”" or "BIS-X-1 (not in the catalogue)"; one line, no newline.
std::string requirement_line(std::string_view id, const runner::RequirementResult* r);

// A failure in parts, so that several broken expectations of one step share its context.
// Each line starts with `indent` and ends with '\n'.
// "suite/scenario: name  FAIL"
void append_scenario_line(std::string& out, const runner::SuiteResult& suite,
                          const runner::ScenarioResult& scenario, std::string_view indent,
                          const Style& style);
// The step, its request as curl and the answer (or why there was none).
void append_step_context(std::string& out, const runner::StepResult& step,
                         const runner::Exchange* exchange, std::string_view indent,
                         const Style& style);
// What was checked, expected vs actual with the JSON path, and the suite file position.
// A null assertion says the scenario failed without one to show.
void append_assertion_detail(std::string& out, const runner::Assertion* assertion,
                             std::string_view indent, const Style& style);

// The scenario, why it could not run, the step and its request; same layout.
void append_error_detail(std::string& out, const RunError& e, std::string_view indent,
                         const Style& style);

}  // namespace bis::reports
