#pragma once
// The file formats as pure functions of a result tree (docs/reports.md). Each returns the whole
// document. They render the tree as given: the reporters of make_reporters (reporters.h) redact
// secrets first, and so must any other caller that renders a tree holding target data.
// Output depends only on the tree and `generated_at`: equal inputs give equal bytes.
// Thread-safe (no shared state); they do not fail.
#include <chrono>
#include <string>
#include <string_view>

#include "bis/runner/result.h"

namespace bis::reports {

// Version of the JSON report's schema (docs/report-schema.json): the minor number grows when
// fields are added, the major one when a field changes meaning or goes away.
inline constexpr std::string_view kReportSchemaVersion = "1.3";
inline constexpr std::string_view kReportFormatName = "bis-conformance-report";

struct RenderContext {
  std::chrono::system_clock::time_point generated_at;
};

// Everything the run knows, as JSON valid against docs/report-schema.json.
std::string render_json(const runner::RunResult& result, const RenderContext& context);
// JUnit XML: a testsuite per suite file, a testcase per scenario (tests/reports/data/junit.xsd).
std::string render_junit(const runner::RunResult& result, const RenderContext& context);
// One self-contained HTML page (no network, no external assets).
std::string render_html(const runner::RunResult& result, const RenderContext& context);
// A compact summary and the requirement matrix in GitHub Flavored Markdown.
std::string render_markdown(const runner::RunResult& result, const RenderContext& context);

}  // namespace bis::reports
