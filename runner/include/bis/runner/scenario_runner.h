#pragma once
// The run stage for one scenario: checks it applies to the target, renders its variables,
// runs its steps in order (request, control, observe; repeat, concurrent, eventually,
// consistently), checks expectations and captures, and returns its result (redacted).
// Every wait is bounded by the scenario's deadline and the request timeout.
#include <atomic>
#include <chrono>
#include <string>

#include "bis/runner/env.h"
#include "bis/runner/rate_limiter.h"
#include "bis/runner/requirements.h"
#include "bis/runner/result.h"
#include "bis/runner/suite.h"
#include "bis/runner/target.h"

namespace bis::runner {

// Shared by every scenario of a run. Thread-safe: read-only but for the counter.
struct RunContext {
  const Target& target;
  const Catalogue& catalogue;
  std::string run_id;
  Duration request_timeout{10000};
  Duration scenario_timeout{60000};
  RateLimiter* limiter = nullptr;  // null: no cap
  Env* env = &Env::real();         // time and waits (tests: a VirtualEnv)
  Env::TimePoint run_start = env->now();
  std::atomic<uint64_t> unique_counter{0};
};

ScenarioResult run_scenario(const Suite& suite, const Scenario& scenario, RunContext& context);

// The base of a scenario's result: metadata only, verdict pass, no steps.
ScenarioResult scenario_header(const Scenario& scenario);

// Why the scenario cannot apply to the target ("target lacks capability 'events'"), or "".
std::string not_applicable_reason(const Scenario& scenario, const Target& target);

}  // namespace bis::runner
