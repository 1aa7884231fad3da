#pragma once
// Internal to the scenario runner: the state of one scenario's run. scenario_runner.cc holds
// the flow (applicability, variables, steps, polling, verdicts); scenario_actions.cc what a
// step does on the wire (requests, control calls, concurrent copies) and how it is recorded.
// One ScenarioRunner per scenario, on one worker; only send() runs on several threads (the
// copies of a concurrent step), and it touches nothing mutable.
#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "bis/common/protocol.h"
#include "bis/runner/assert.h"
#include "bis/runner/scenario_runner.h"

namespace bis::runner::detail {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

inline constexpr size_t kBodyLimit = 16 * 1024;
inline constexpr size_t kMaxFailedAssertions = 50;
inline constexpr int kMax429Retries = 5;
inline constexpr Duration kDefaultEventuallyInterval{100};
inline constexpr Duration kDefaultConsistentlyInterval{200};
// How long a target offering `settle` may take to finish its pending work before a
// `consistently` step reads (the protocol's own default; the scenario's deadline still bounds it).
inline constexpr Duration kSettleWait{10000};

inline std::string cut(std::string_view s, bool& truncated) {
  truncated = s.size() > kBodyLimit;
  return std::string(s.substr(0, kBodyLimit));
}

// What one action of a step got: an answer, or why there was none.
struct Outcome {
  Answer answer;
  Exchange exchange;
  std::string error;                  // could not run
  std::optional<RenderError> render;  // a template failed
  std::vector<std::string> notes;
};

class ScenarioRunner {
 public:
  ScenarioRunner(const Suite& suite, const Scenario& sc, RunContext& ctx)
      : suite_(suite),
        sc_(sc),
        ctx_(ctx),
        redactor_(ctx.target.redactor),
        start_(env().now()),
        deadline_(start_ + sc.timeout.value_or(ctx.scenario_timeout)) {
    tctx_.run_id = ctx.run_id;
    tctx_.suite_id = suite.id;
    tctx_.scenario_id = sc.id;
    tctx_.email_domain = ctx.target.email_domain;
    tctx_.unique_counter = &ctx.unique_counter;
  }

  ~ScenarioRunner() { connection_.discard(); }

  ScenarioResult run();

 private:
  Duration remaining() const {
    return std::max(Duration(0), std::chrono::duration_cast<Duration>(deadline_ - env().now()));
  }
  Duration timeout() const { return std::min(ctx_.request_timeout, remaining()); }
  Env& env() const { return ctx_.env ? *ctx_.env : Env::real(); }
  std::string deadline_error() const {
    return "the scenario's deadline (" +
           format_duration(sc_.timeout.value_or(ctx_.scenario_timeout)) + ") passed";
  }
  Scope scope() const { return Scope{vars_, tctx_}; }
  bool offers_settle() const {
    return ctx_.target.control && ctx_.target.has_capability(protocol::capability::kSettle);
  }
  // What a step proves (contract A of docs/suite-format.md, "Attribution"): its own covers;
  // without them, nothing when another step names covers (a precondition), else the
  // scenario's (a one-check scenario).
  std::vector<std::string> requirements(const Step& step) const {
    if (!step.covers.empty()) return step.covers;
    const bool preconditions = std::any_of(sc_.steps.begin(), sc_.steps.end(),
                                           [](const Step& s) { return !s.covers.empty(); });
    return preconditions ? std::vector<std::string>{} : sc_.covers;
  }

  // One action of a step with its checks.
  struct Attempt {
    Outcome outcome;
    CheckResult check;
    bool ran() const { return outcome.error.empty() && !outcome.render; }
  };

  bool render_vars(ScenarioResult& result);
  std::string run_cleanup(ScenarioResult& result);
  StepResult run_step(const Step& step);
  Attempt poll(const Step& step, StepResult& out);
  void watch(const Step& step, StepResult& out, Attempt& a);
  std::string settle(StepResult& out);
  void run_concurrent(const Step& step, StepResult& out);
  void run_parallel(const Step& step, StepResult& out);
  Outcome act(const Step& step);
  // `retry_429`: a 429 with Retry-After is waited out and the request sent again (false: a
  // step that expects a 429 takes the first one as its answer).
  Outcome send(const HttpRequest& req, HttpClient::Lease* lease = nullptr, bool retry_429 = true);
  // Whether the step's status expectation accepts 429.
  bool expects_429(const Step& step) const;
  Outcome control(const Step& step);
  Outcome control_call(const ControlCall& call);
  void record(StepResult& out, const CheckResult& check, int copy, int copies);
  void redact(Assertion& a) const;
  Exchange exchange_of(const std::string& method, const std::string& url,
                       const std::vector<Header>& headers, const std::string& body) const;

  const Suite& suite_;
  const Scenario& sc_;
  RunContext& ctx_;
  const Redactor& redactor_;
  Clock::time_point start_, deadline_;
  TemplateContext tctx_;
  json vars_ = json::object();
  std::optional<RenderError> missing_target_;
  // The scenario's own connection for its sequential requests, discarded when it ends: what a
  // scenario sends can leave a connection unusable, and that must show in this scenario only.
  HttpClient::Lease connection_ = ctx_.target.api->lease();
};

}  // namespace bis::runner::detail
