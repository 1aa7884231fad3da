#pragma once
// The result tree of a run. The runner builds it; once `run` returns it is immutable, and
// every reporter is a function of it (plus an injected clock for "generated at"). Nothing
// here knows how it is printed. Secrets are already redacted when the tree is built.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bis/common/source.h"

namespace bis::runner {

// pass; fail (a MUST broken); warn (only SHOULD/MAY broken); not applicable (a needed
// capability or target value is missing); error (could not run: network, bad control answer).
enum class Verdict { kPass, kFail, kWarn, kNotApplicable, kError };
// "pass", "fail", "warn", "not_applicable", "error"
std::string_view to_string(Verdict verdict);

enum class Level { kMust, kShould, kMay };
// "MUST", "SHOULD", "MAY"
std::string_view to_string(Level level);

using Header = std::pair<std::string, std::string>;
// The first header named `name` (compared case-insensitively, as HTTP does), or end().
std::vector<Header>::const_iterator find_header(const std::vector<Header>& headers,
                                               std::string_view name);
std::vector<Header>::iterator find_header(std::vector<Header>& headers, std::string_view name);
using Millis = std::chrono::duration<double, std::milli>;

// One HTTP request and its answer (or why there was none).
struct Exchange {
  std::string method;
  std::string url;
  std::vector<Header> request_headers;
  std::string request_body;       // as sent, cut to a display limit
  bool request_body_truncated = false;
  std::string curl;               // the request as a curl command line
  std::optional<int> status;      // nullopt: no answer, see `error`
  std::vector<Header> response_headers;
  std::string response_body;      // as received (raw bytes), cut to a display limit
  bool response_body_truncated = false;
  std::string error;              // transport error ("connection refused", "timeout after 5s")
  Millis duration{0};
};

// One checked expectation. A failed assertion is data, not an exception.
struct Assertion {
  std::string subject;   // what was checked: "status", "header Content-Type", "body", "json", "count"
  std::string path;      // JSON path of the difference inside the body ("$.errors[0]"), or ""
  bool passed = false;
  std::string expected;  // rendered: JSON text or a description ("one of [200, 201]")
  std::string actual;    // rendered: JSON text, or "(absent)"
  std::string message;   // one line: "expected 400, got 200"
  SourcePos pos;         // where the expectation is written in the suite file
  std::vector<std::string> requirements;  // requirement IDs this expectation checks
  // Index in the step's `exchanges` of the answer this expectation was checked on (repeat and
  // concurrent steps have several); -1: the step's last exchange, or none.
  int exchange = -1;

  // "match $.errors at $.errors[0]": the subject, and where inside the body when that says
  // more than the subject does ("match $.email", never "match $.email at $.email").
  std::string where() const;
};

struct StepResult {
  size_t index = 0;      // 0-based position in the scenario
  std::string kind;      // "request", "control", "observe", "wait"
  std::string name;      // the step's name, or a generated summary ("POST subscribe")
  SourcePos pos;
  Verdict verdict = Verdict::kPass;  // pass, fail, warn, error; not_applicable if skipped
  std::string error;                 // why it could not run (verdict error)
  std::vector<Exchange> exchanges;   // all of them for repeat/concurrent; the last try for eventually
  std::vector<Assertion> assertions;
  // The requirements this step proves (docs/suite-format.md, "Attribution"); empty for a
  // precondition (a step without covers where other steps name theirs) and a `finally` step.
  std::vector<std::string> covers;
  std::vector<std::string> notes;    // what the runner did on the way ("429 ...: waited 1s ...")
  int attempts = 1;                  // > 1 when `eventually` polled
  bool cleanup = false;              // one of the scenario's `finally` steps
  Millis started{0};                 // offset from the scenario's start
  Millis duration{0};
};

struct ScenarioResult {
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  std::vector<std::string> covers;    // requirement IDs: the scenario's and its steps'
  std::vector<std::string> capabilities;  // required: `requires` and what the steps imply
  SourcePos pos;
  Verdict verdict = Verdict::kPass;
  std::string reason;                 // for not_applicable and error: why
  std::vector<StepResult> steps;      // the steps that ran, in order
  size_t steps_not_run = 0;           // steps skipped because an earlier one failed or errored
                                      // (`finally` steps always run)
  std::vector<std::string> not_run_covers;  // what the steps that did not run would have proven
  Millis started{0};                  // offset from the run's start
  Millis duration{0};
};

struct SuiteResult {
  std::string id;
  std::string name;
  std::string description;
  std::string file;  // as given on the command line or found in suites/
  std::vector<ScenarioResult> scenarios;
  Millis duration{0};
};

// One requirement of the catalogue and what the run says of it.
struct RequirementResult {
  std::string id;
  Level level = Level::kMust;
  std::string text;    // the rule: the quoted sentence, or for an inferred rule our statement
  std::string source;  // where it is quoted from
  bool inferred = false;  // no source states the rule (shown with `inference`, never quoted)
  std::string inference;  // inferred only: why it is inferred and warns (catalogue level_reason)
  // fail: a failing expectation covering it (MUST); warn: the same for SHOULD/MAY; error: a
  // covering step did not run or could not check, and none failed (see `reason`); pass: every applicable covering scenario passed;
  // not_applicable: no covering scenario applied to this target (or none selected).
  Verdict verdict = Verdict::kNotApplicable;
  // Whether a selected scenario covers it: a filtered run (--requirement, --suite, tags) leaves
  // the others out of the run, and they count nowhere.
  bool in_run = false;
  // For not_applicable: why its covering scenarios did not apply (the first reason).
  // For error: why it could not be checked ("precondition failed at restock/basic step 2
  // (status: expected 200, got 400)"); with several, the first and how many more.
  std::string reason;
  std::vector<std::string> scenarios;  // "suite-id/scenario-id" of the covering scenarios that ran
};

struct TargetInfo {
  std::string kind;            // "mock", "url" or "profile"
  std::string name;            // profile name, or the URL
  std::string base_url;
  std::string implementation;  // from GET /__admin/health, if known
  std::string protocol_version;
  std::vector<std::string> capabilities;
};

struct Counts {
  size_t pass = 0, fail = 0, warn = 0, not_applicable = 0, error = 0;
  size_t total() const { return pass + fail + warn + not_applicable + error; }
  void add(Verdict v);  // one more of that verdict
};

// The MUST requirements a run selected but did not check, grouped by why ("not applicable
// (the target lacks capability 'catalog')", "error"), in that order of first appearance.
struct UncheckedMust {
  size_t total = 0;
  std::vector<std::pair<std::string, size_t>> reasons;
};

struct RunResult {
  std::string tool_version;
  std::string run_id;
  TargetInfo target;
  bool strict = false;  // --strict: warn counts as fail
  bool require_all = false;  // --require-all: an unchecked MUST requirement fails the run
  std::chrono::system_clock::time_point started_at;
  Millis duration{0};
  std::vector<SuiteResult> suites;
  std::vector<RequirementResult> requirements;

  Counts scenario_counts() const;
  Counts requirement_counts() const;
  // No fail, no error, and no warn under --strict.
  bool conformant() const;
  UncheckedMust unchecked_must() const;
  // Conformant, but --require-all and a MUST requirement of the run was not checked (exit 4).
  bool unchecked_fails() const;
  // The verdict in one line, never a plain "CONFORMANT" while a MUST went unchecked:
  // "CONFORMANT, but 12 MUST requirements not checked: 12 not applicable (...)".
  std::string verdict_line() const;
  // One line per reason scenarios did not apply: "capability 'catalog' not offered: 12
  // scenarios not applicable (restock/full-cycle, restock/threshold, +10 more)".
  std::vector<std::string> not_applicable_lines() const;
};

}  // namespace bis::runner
