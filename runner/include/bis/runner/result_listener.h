#pragma once
// Listeners receive a run as it happens (for progress) and then its whole result tree.
// Reporters implement this; the runner calls it and knows nothing else of them (Catch2's
// IEventListener). Calls are serialized by the runner: a listener needs no locking, but
// scenario_finished may come from any thread and in completion order.
#include <cstddef>

#include "bis/runner/result.h"

namespace bis::runner {

struct RunHeader {
  std::string run_id;
  TargetInfo target;
  size_t scenario_count = 0;  // selected scenarios, not applicable ones included
  bool strict = false;
};

class ResultListener {
 public:
  virtual ~ResultListener() = default;
  virtual void run_started(const RunHeader& header) { (void)header; }
  // `suite` carries the suite's metadata (id, name, description, file), not its scenarios.
  virtual void scenario_finished(const SuiteResult& suite, const ScenarioResult& scenario) {
    (void)suite;
    (void)scenario;
  }
  // The finished, immutable tree. A listener that writes a file reports failure through
  // its return value: false plus `error` set (the run's exit code then says so).
  virtual bool run_finished(const RunResult& result, std::string& error) = 0;
};

}  // namespace bis::runner
