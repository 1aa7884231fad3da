#pragma once
// Result trees built by hand for the reporter tests and the benchmark: the runner is not
// involved. Timings and the clock are fixed so golden files pin every byte.
#include <chrono>
#include <string>

#include "bis/runner/result.h"

namespace bis::reports::testing {

// 2024-05-01T12:00:00Z, the run's start and the reports' "generated at" (+ 90 s).
std::chrono::system_clock::time_point fixed_start();
std::chrono::system_clock::time_point fixed_now();

// Every verdict kind for scenarios and requirements (pass, fail, warn, not applicable, error),
// every step kind (request, control, observe, wait), failures with JSON paths, an expectation
// breaking two requirements, one naming a requirement the catalogue lacks, a repeat step
// checked on its second answer, an eventually step, a transport error, truncated bodies, and
// not applicable scenarios with reasons.
runner::RunResult fixture_tree();

// A target that answers with hostile bytes: invalid UTF-8, NUL, ESC/CSI and OSC sequences,
// "]]>", "</script>", "<!--", Markdown pipes and backticks, bidi overrides, in bodies, headers,
// error texts, actual values and the implementation name.
runner::RunResult hostile_tree();
// The hostile payload itself, for tests that look for it.
std::string hostile_payload();

// A tree whose exchanges still carry secrets (as if the runner had failed to redact them):
// Authorization, api-key and X-Admin-Token headers, api_key in a body, a private key in a
// curl line and in a URL's user info. Every secret is one of secrets().
runner::RunResult secret_tree();
const std::vector<std::string>& secrets();

// A run of `scenarios` scenarios over `suites` suites, shaped like a real one (3 steps each,
// a request with its answer, a few failures), for the benchmark.
runner::RunResult large_tree(size_t scenarios, size_t suites = 10);

// The worst case for a summary: `scenarios` scenarios that all fail, spread over `requirements`
// MUST requirements (61 like the real catalogue), each with a sentence of a real one's length.
runner::RunResult failing_tree(size_t scenarios, size_t requirements = 61);

}  // namespace bis::reports::testing
