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
    return {"\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[35m", "\x1b[36m",
            "\x1b[0m"};
  }
  std::string_view verdict_color(runner::Verdict v) const;
};

using RequirementIndex = std::unordered_map<std::string, const runner::RequirementResult*>;
RequirementIndex index_requirements(const runner::RunResult& result);

// "BIS-X-1 (MUST): “sentence”" or "BIS-X-1 (not in the catalogue)"; one line, no newline.
std::string requirement_line(std::string_view id, const runner::RequirementResult* r);

// The scenario, step, request as curl, answer, expected vs actual with the JSON path, and the
// suite file position; each line starts with `indent` and ends with '\n'.
void append_failure_detail(std::string& out, const Failure& f, std::string_view indent,
                           const Style& style, bool with_scenario = true);

// The scenario, why it could not run, the step and its request; same layout.
void append_error_detail(std::string& out, const RunError& e, std::string_view indent,
                         const Style& style);

}  // namespace bis::reports
