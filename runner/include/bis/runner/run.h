#pragma once
// A whole run: selects scenarios, runs them on a pool of workers (scenarios marked
// `exclusive` afterwards, one at a time), tells the listener as each ends, and builds the
// immutable result tree with verdicts per scenario and per requirement.
//
// Results come in declaration order whatever the completion order; listener calls are
// serialized (scenario_finished comes from worker threads, in completion order).
#include <string>
#include <string_view>
#include <vector>

#include "bis/runner/duration.h"
#include "bis/runner/env.h"
#include "bis/runner/requirements.h"
#include "bis/runner/result.h"
#include "bis/runner/result_listener.h"
#include "bis/runner/suite.h"
#include "bis/runner/target.h"

namespace bis::runner {

std::string_view tool_version();

// Generates a run id: 8 lower-case hex characters, different on every call.
std::string new_run_id();

struct Selection {
  std::vector<std::string> tags;          // any of them (empty: all)
  std::vector<std::string> skip_tags;     // none of them
  std::vector<std::string> requirements;  // covering any of them (globs: BIS-EMAIL-*)
  std::vector<std::string> scenarios;     // globs on "suite/scenario", the scenario id or its name

  bool selects(const Suite& suite, const Scenario& scenario) const;
  // Whether any filter is set: a filtered run claims only the requirements it selected.
  bool filtered() const;
  // Whether a --requirement glob names this requirement ID.
  bool names_requirement(const std::string& id) const;
};

// Why a selection that matches no scenario matches nothing, one line per filter that
// selects nothing on its own, with a hint where one helps: globs are case-sensitive, so
// 'bis-clear-*' gets "did you mean 'BIS-CLEAR-*'?"; an unknown tag gets the closest one.
std::vector<std::string> empty_selection_hints(const std::vector<Suite>& suites,
                                               const Selection& selection);

// Scenarios run at once by default: a scenario mostly waits on the target (each step is a
// round trip), so far more than the cores, and at least the cores (docs/runner.md).
inline constexpr size_t kDefaultJobs = 32;
size_t default_jobs();

struct RunOptions {
  size_t jobs = 0;  // 0: default_jobs()
  bool fail_fast = false;
  bool strict = false;
  bool require_all = false;  // an unchecked MUST requirement fails the run (exit 4)
  Duration request_timeout{10000};
  Duration scenario_timeout{60000};
  double max_rps = 0;  // 0: no cap
  std::string run_id;  // empty: new_run_id()
  Env* env = nullptr;  // time and waits; null: Env::real()
};

// Runs the selected scenarios. The result's requirements are those of the run: the ones a
// --requirement glob names; else, with other filters, those the selected scenarios cover; else
// the whole catalogue (one that no scenario of the run covers is not applicable). Calls listener.run_started and scenario_finished, not
// run_finished (the caller does, for every listener, with the returned tree).
RunResult run(const std::vector<Suite>& suites, const Selection& selection,
              const Catalogue& catalogue, const Target& target, const RunOptions& options,
              ResultListener& listener);

// Forwards every call to several listeners; run_finished collects their errors.
class ListenerList : public ResultListener {
 public:
  void add(ResultListener* listener) { listeners_.push_back(listener); }
  void run_started(const RunHeader& header) override;
  void scenario_finished(const SuiteResult& suite, const ScenarioResult& scenario) override;
  bool run_finished(const RunResult& result, std::string& error) override;

 private:
  std::vector<ResultListener*> listeners_;
};

}  // namespace bis::runner
