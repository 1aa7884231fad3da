#pragma once
// Reporter construction from `--report FORMAT[:PATH]` specs (docs/reports.md). Every
// reporter is a runner::ResultListener; several run at once, each to its own destination.
#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"
#include "bis/runner/result_listener.h"

namespace bis::reports {

struct ReportSpec {
  std::string format;  // console, junit, json, html, markdown
  std::string path;    // empty: standard output
};

// Parses "junit:out/report.xml", "console", "json:-" ("-" is standard output).
Expected<ReportSpec, std::string> parse_report_spec(std::string_view spec);

// The formats parse_report_spec accepts.
const std::vector<std::string>& report_formats();

enum class ColorMode { kAuto, kAlways, kNever };

struct ReportOptions {
  std::ostream* console = nullptr;  // where console output and "-" paths go (default std::cout)
  ColorMode color = ColorMode::kAuto;  // auto: a terminal and NO_COLOR unset
  bool progress = true;                // live progress on the console
  // "Generated at" for the formats that show it; injected so golden files are stable.
  std::function<std::chrono::system_clock::time_point()> clock;
};

using ReporterList = std::vector<std::unique_ptr<runner::ResultListener>>;

// One reporter per spec. Fails (without creating anything) on an unknown format or a path
// whose directory does not exist.
Expected<ReporterList, std::string> make_reporters(const std::vector<ReportSpec>& specs,
                                                   const ReportOptions& options);

// The final summary lines every console shows: the line of warn / not applicable / error
// counts, then "N passed, N failed, N skipped" alone on the last line.
// passed = pass (+ warn unless strict); failed = fail + error (+ warn if strict);
// skipped = not applicable.
std::string summary_lines(const runner::RunResult& result);

}  // namespace bis::reports
