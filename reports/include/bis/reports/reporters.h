#pragma once
// Reporter construction from `--report FORMAT[:PATH]` specs (docs/reports.md). Every
// reporter is a runner::ResultListener; several run at once, each to its own destination.
// Every reporter redacts secrets before it writes (see ReportOptions::secrets), and renders
// only from the tree it is given plus the injected clock.
#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"
#include "bis/runner/result_listener.h"

namespace bis::reports {

struct ReportSpec {
  std::string format;  // console, junit, json, html, markdown
  std::string path;    // empty: standard output
  // console only, with an empty path: standard error instead (the summary bis-conform shows
  // when another report has standard output).
  bool standard_error = false;
};

// Parses "junit:out/report.xml", "console", "json:-" ("-" is standard output). The path is
// everything after the first ':'. console takes an optional path; the other formats need one.
// An unknown format gets "did you mean".
Expected<ReportSpec, std::string> parse_report_spec(std::string_view spec);

// The formats parse_report_spec accepts.
const std::vector<std::string>& report_formats();

enum class ColorMode { kAuto, kAlways, kNever };

struct ReportOptions {
  std::ostream* console = nullptr;     // where console output and "-" paths go (default std::cout)
  ColorMode color = ColorMode::kAuto;  // auto: a terminal, NO_COLOR unset or empty, TERM not dumb
  bool progress = true;                // live progress on the console
  // Whether `console` is a terminal (progress redrawn in place); nullopt: detected with isatty
  // when it is std::cout or std::cerr, false otherwise.
  std::optional<bool> terminal;
  int width = 0;  // terminal columns for the progress line; 0: detected (80 if unknown)
  // Literal values never to print (the target profile's keys and tokens); replaced by
  // "[REDACTED]" wherever they occur, on top of the header and field rules (docs/reports.md).
  std::vector<std::string> secrets;
  // "Generated at" for the formats that show it; injected so golden files are stable.
  // Default: the system clock.
  std::function<std::chrono::system_clock::time_point()> clock;
};

using ReporterList = std::vector<std::unique_ptr<runner::ResultListener>>;

// One reporter per spec. Fails (without creating anything) on an unknown format, a path whose
// directory does not exist or that is a directory, two reports to the same path, or more than
// one report to standard output. File formats are written when the run finishes, through a
// temporary file renamed into place, so a reader never sees half a report; run_finished
// returns false with the reason when a file cannot be written. console:PATH is a log: its file
// is created here and written as the run goes, like the console.
Expected<ReporterList, std::string> make_reporters(const std::vector<ReportSpec>& specs,
                                                   const ReportOptions& options);

// The final summary lines every console shows: the line of warn / not applicable / error
// counts, then "N passed, N failed, N skipped" alone on the last line.
// passed = pass (+ warn unless strict); failed = fail + error (+ warn if strict);
// skipped = not applicable.
std::string summary_lines(const runner::RunResult& result);

}  // namespace bis::reports
