#pragma once
// The console reporter: live progress while the run goes (one updating line on a terminal,
// one plain line per scenario otherwise), then failures grouped by the requirement they break,
// the scenarios that could not run, the not applicable ones grouped by reason, and the summary,
// whose last line is "N passed, N failed, N skipped". Calls must be serialized (the runner
// does); nothing here is thread-safe.
#include <memory>
#include <ostream>
#include <string>

#include "bis/runner/result_listener.h"
#include "redacted_tree.h"

namespace bis::reports {

struct ConsoleConfig {
  bool terminal = false;  // redraw one progress line in place
  bool color = false;     // ANSI colours
  bool progress = true;   // anything before the final report
  int width = 80;         // the progress line is cut to width - 1 columns
};

class ConsoleReporter : public runner::ResultListener {
 public:
  // Writes to `out`, which must outlive the reporter; `file`, if given, is owned (and is `out`).
  ConsoleReporter(std::ostream& out, ConsoleConfig config, std::shared_ptr<RedactedTree> tree,
                  std::unique_ptr<std::ostream> file = nullptr);

  void run_started(const runner::RunHeader& header) override;
  void scenario_finished(const runner::SuiteResult& suite,
                         const runner::ScenarioResult& scenario) override;
  bool run_finished(const runner::RunResult& result, std::string& error) override;

 private:
  void draw_progress(const std::string& last);
  void clear_progress();

  std::unique_ptr<std::ostream> file_;
  std::ostream& out_;
  ConsoleConfig config_;
  std::shared_ptr<RedactedTree> tree_;
  size_t expected_ = 0;
  runner::Counts seen_;
  bool strict_ = false;
  bool progress_drawn_ = false;
};

}  // namespace bis::reports
