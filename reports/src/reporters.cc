#include "bis/reports/reporters.h"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace bis::reports {
namespace {

// Prints each scenario's verdict as it ends, then the summary. A starting point; the full
// console reporter (failures grouped by requirement, colours, live progress) replaces it.
class ConsoleReporter : public runner::ResultListener {
 public:
  explicit ConsoleReporter(std::ostream& out) : out_(out) {}

  void scenario_finished(const runner::SuiteResult& suite, const runner::ScenarioResult& s) override {
    out_ << runner::to_string(s.verdict) << "  " << suite.id << "/" << s.id;
    if (!s.reason.empty()) out_ << "  (" << s.reason << ")";
    out_ << "\n";
  }

  bool run_finished(const runner::RunResult& result, std::string&) override {
    out_ << summary_lines(result);
    out_.flush();
    return true;
  }

 private:
  std::ostream& out_;
};

}  // namespace

const std::vector<std::string>& report_formats() {
  static const std::vector<std::string> formats = {"console"};
  return formats;
}

Expected<ReportSpec, std::string> parse_report_spec(std::string_view spec) {
  const size_t colon = spec.find(':');
  ReportSpec out{std::string(spec.substr(0, colon)), colon == std::string_view::npos ? "" : std::string(spec.substr(colon + 1))};
  if (out.path == "-") out.path.clear();
  for (const auto& f : report_formats()) {
    if (f == out.format) return out;
  }
  return Unexpected{"unknown report format '" + out.format + "'"};
}

Expected<ReporterList, std::string> make_reporters(const std::vector<ReportSpec>& specs,
                                                   const ReportOptions& options) {
  ReporterList list;
  std::ostream& console = options.console ? *options.console : std::cout;
  for (const auto& spec : specs) {
    if (spec.format == "console") list.push_back(std::make_unique<ConsoleReporter>(console));
  }
  return list;
}

std::string summary_lines(const runner::RunResult& result) {
  const runner::Counts c = result.scenario_counts();
  const size_t passed = c.pass + (result.strict ? 0 : c.warn);
  const size_t failed = c.fail + c.error + (result.strict ? c.warn : 0);
  std::string out;
  out += std::to_string(c.warn) + " warned" + (result.strict ? " (failing: --strict)" : "") + ", " +
         std::to_string(c.error) + " errors, " + std::to_string(c.not_applicable) + " not applicable\n";
  out += std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " +
         std::to_string(c.not_applicable) + " skipped\n";
  return out;
}

}  // namespace bis::reports
