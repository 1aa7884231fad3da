#include "bis/runner/scenario_runner.h"

#include <algorithm>

#include "bis/common/protocol.h"
#include "bis/runner/control.h"
#include "bis/runner/json_diff.h"
#include "bis/runner/verdict.h"
#include "scenario_runner_impl.h"

namespace bis::runner {
namespace detail {

ScenarioRunner::Attempt ScenarioRunner::poll(const Step& step, StepResult& out) {
  const auto start = env().now();
  const auto until = step.eventually
                         ? start + step.eventually->timeout.value_or(ctx_.target.timing.eventually)
                         : start;
  const Duration interval = step.eventually && step.eventually->interval
                                ? *step.eventually->interval
                                : kDefaultEventuallyInterval;
  // A target that can say when it has finished its pending work decides a default
  // `eventually` at once: once it has settled, a read that still fails will not pass later.
  // An explicit timeout waits on time itself (a batch due later), so it keeps polling.
  bool settle_first = step.eventually && !step.eventually->timeout && offers_settle();
  bool settled = false;
  Attempt a;
  for (;;) {
    a.outcome = act(step);
    ++out.attempts;
    out.notes.insert(out.notes.end(), a.outcome.notes.begin(), a.outcome.notes.end());
    if (!a.ran()) return a;
    if (step.expect) {
      a.check = check_expectation(*step.expect, a.outcome.answer, scope(), requirements(step));
    }
    if (a.check.passed() || a.check.error || settled ||
        env().now() + interval >= std::min(until, deadline_)) {
      break;
    }
    if (settle_first) {
      settle_first = false;
      // Not settled (or no answer): keep polling to the deadline, as without settle.
      if (StepResult probe; settle(probe).empty()) {
        settled = true;
        continue;
      }
    }
    env().sleep_for(interval);
  }
  if (step.eventually && !a.check.passed() && !a.check.error) {
    const std::string when =
        settled
            ? "once the target had settled"
            : "after " + format_duration(std::chrono::duration_cast<Duration>(env().now() - start));
    const std::string why =
        " (still failing " + when + ", " + std::to_string(out.attempts) + " attempts)";
    for (auto& assertion : a.check.assertions) {
      if (!assertion.passed) assertion.message += why;
    }
  }
  return a;
}

// Once expect holds, checks every interval that it keeps holding for the `consistently` span.
void ScenarioRunner::watch(const Step& step, StepResult& out, Attempt& a) {
  const Duration span = step.consistently->duration.value_or(ctx_.target.timing.settle);
  const Duration every = step.consistently->interval.value_or(kDefaultConsistentlyInterval);
  const auto start = env().now();
  const auto until = std::min(start + span, deadline_);
  while (env().now() + every <= until) {
    env().sleep_for(every);
    a.outcome = act(step);
    ++out.attempts;
    out.notes.insert(out.notes.end(), a.outcome.notes.begin(), a.outcome.notes.end());
    if (!a.ran()) return;
    a.check = check_expectation(*step.expect, a.outcome.answer, scope(), requirements(step));
    if (!a.check.passed()) {
      const std::string when =
          format_duration(std::chrono::duration_cast<Duration>(env().now() - start));
      for (auto& assertion : a.check.assertions) {
        if (!assertion.passed)
          assertion.message += " (held at first, then failed after " + when + ")";
      }
      return;
    }
  }
}

// docs/control-protocol.md, POST /__admin/settle: a target that can say when the effects of
// everything it answered are visible is asked before an absence or exact-count check first
// reads, so that read is sound at once and the watch only has to last the settle window.
// Returns why the step cannot be checked ("" when it can, or the target does not offer it).
std::string ScenarioRunner::settle(StepResult& out) {
  if (!offers_settle()) return "";
  const Duration budget = remaining();
  if (budget.count() <= 0) return deadline_error();
  ControlCall call;
  call.action = "settle";
  const Duration wait = std::min(kSettleWait, budget * 3 / 4);
  call.timeout_ms = wait.count();
  ControlResult r = ctx_.target.control->call(call, std::min(budget, wait + ctx_.request_timeout));
  if (!r.error.empty()) return redactor_.text("settle before the first read failed: " + r.error);
  const json& a = *r.answer;
  const auto settled = a.is_object() ? a.find("settled") : a.end();
  if (!a.is_object() || settled == a.end() || !settled->is_boolean()) {
    return redactor_.text("settle answered " + render_value(&a, 200) +
                          ", not {\"settled\": true|false, ...}");
  }
  if (!settled->get<bool>()) {
    const auto pending = a.find("pending");
    return "the target did not settle within " + format_duration(wait) +
           (pending != a.end() ? " (pending: " + pending->dump() + ")" : "") +
           ": an absence check would not be sound";
  }
  out.notes.push_back("settled in " +
                      format_duration(std::chrono::duration_cast<Duration>(r.duration)) +
                      " before the first read");
  return "";
}

StepResult ScenarioRunner::run_step(const Step& step) {
  StepResult out;
  out.index = step.index;
  out.kind = step.kind == Step::Kind::kRequest   ? "request"
             : step.kind == Step::Kind::kControl ? "control"
                                                 : "observe";
  out.name = redactor_.text(step.name);
  out.pos = step.pos;
  out.attempts = 0;
  const auto step_start = env().now();
  out.started = step_start - start_;
  if (step.concurrent > 0) {
    out.attempts = 1;
    run_concurrent(step, out);
  }
  const bool parallel = step.parallel > 1 && step.repeat > 1;
  if (parallel) run_parallel(step, out);
  for (int r = 0; step.concurrent == 0 && !parallel && r < step.repeat; ++r) {
    vars_["index"] = r;
    if (step.consistently && !ctx_.target.timing.synchronous) {
      if (std::string e = settle(out); !e.empty()) {
        out.error = e;
        break;
      }
    }
    Attempt a = poll(step, out);
    if (step.consistently && a.ran() && a.check.passed()) watch(step, out, a);
    const Outcome& o = a.outcome;
    out.exchanges.push_back(o.exchange);
    if (o.render) {
      if (o.render->kind == RenderError::Kind::kMissingTargetValue) missing_target_ = o.render;
      out.error = redactor_.text(o.render->message);
      break;
    }
    if (!o.error.empty()) {
      out.error = o.error;
      break;
    }
    if (a.check.error) out.error = redactor_.text(a.check.error->message);
    record(out, a.check, r, step.repeat);
    if (!step.captures.empty()) {
      for (Assertion& c : apply_captures(step.captures, o.answer, vars_, requirements(step))) {
        redact(c);
        out.assertions.push_back(std::move(c));
      }
    }
    if (!a.check.passed() && r + 1 < step.repeat) {
      out.notes.push_back("stopped at copy " + std::to_string(r + 1) + " of " +
                          std::to_string(step.repeat));
      break;
    }
  }
  vars_.erase("index");
  out.duration = env().now() - step_start;
  out.covers = requirements(step);
  out.verdict = step_verdict(out, ctx_.catalogue);
  if (out.verdict == Verdict::kError && out.error.empty()) {
    // A precondition that did not hold: it breaks nothing, and stops what depends on it.
    for (const Assertion& a : out.assertions) {
      if (a.passed) continue;
      out.error = redactor_.text("did not hold: " + a.where() + ": " + a.message);
      break;
    }
  }
  return out;
}

// The `finally` steps: every one runs, whatever happened before. Each gets at least the request
// timeout even when the scenario's deadline has passed: putting the target back matters more
// than the deadline, and the request timeout still bounds it.
// A cleanup checks no requirement: an expectation of it that does not hold means the target
// could not be put back, an error (the assertions stay, for the details, but break nothing).
// Returns what went wrong first, empty if every cleanup step passed.
std::string ScenarioRunner::run_cleanup(ScenarioResult& result) {
  std::string problem;
  for (const Step& step : sc_.cleanup) {
    deadline_ = std::max(deadline_, env().now() + ctx_.request_timeout);
    StepResult out = run_step(step);
    out.cleanup = true;
    out.covers.clear();
    if (out.verdict == Verdict::kFail || out.verdict == Verdict::kWarn) {
      for (Assertion& a : out.assertions) {
        a.requirements.clear();
        if (!a.passed && out.error.empty()) {
          out.error = redactor_.text("did not hold: " + a.where() + ": " + a.message);
        }
      }
      out.verdict = Verdict::kError;
    }
    if (out.verdict == Verdict::kError && problem.empty()) {
      problem = "finally step " + std::to_string(out.index + 1) + " (" + out.name +
                "): " + out.error + "; the target may be left changed";
    }
    result.steps.push_back(std::move(out));
  }
  return problem;
}

bool ScenarioRunner::render_vars(ScenarioResult& result) {
  vars_["run_id"] = ctx_.run_id;
  vars_["unique_email"] = scenario_email(tctx_, "");
  vars_["suite"] = json{{"id", suite_.id}, {"name", suite_.name}};
  vars_["scenario"] = json{{"id", sc_.id}, {"name", sc_.name}};
  vars_["target"] = ctx_.target.values;
  for (const auto* list : {&suite_.vars, &sc_.vars}) {
    for (const Var& v : *list) {
      auto value = render_json(v.value.json, vars_, tctx_);
      if (value) {
        vars_[v.name] = std::move(*value);
      } else if (value.error().kind != RenderError::Kind::kMissingTargetValue) {
        // A variable that needs a target value nobody uses stays undefined; anything else is a bug.
        result.verdict = Verdict::kError;
        result.reason = redactor_.text("variable " + v.name + " (" + v.value.pos.to_string() +
                                       "): " + value.error().message);
        return false;
      }
    }
  }
  return true;
}

ScenarioResult ScenarioRunner::run() {
  ScenarioResult result = scenario_header(sc_);
  result.started = start_ - ctx_.run_start;
  result.reason = not_applicable_reason(sc_, ctx_.target);
  if (!result.reason.empty()) {
    result.verdict = Verdict::kNotApplicable;
    return result;
  }
  if (render_vars(result)) {
    for (size_t i = 0; i < sc_.steps.size(); ++i) {
      const Step& step = sc_.steps[i];
      if (remaining().count() <= 0) {
        StepResult late;
        late.index = step.index;
        late.name = step.name;
        late.pos = step.pos;
        late.error = deadline_error();
        late.covers = requirements(step);
        late.verdict = Verdict::kError;
        result.steps.push_back(std::move(late));
      } else {
        result.steps.push_back(run_step(step));
      }
      if (missing_target_) break;
      const Verdict v = result.steps.back().verdict;
      if (v == Verdict::kFail || v == Verdict::kError) {
        result.steps_not_run = sc_.steps.size() - i - 1;
        for (size_t j = i + 1; j < sc_.steps.size(); ++j) {
          for (const auto& id : requirements(sc_.steps[j])) {
            if (std::find(result.not_run_covers.begin(), result.not_run_covers.end(), id) ==
                result.not_run_covers.end())
              result.not_run_covers.push_back(id);
          }
        }
        break;
      }
    }
    const std::string cleanup_problem = run_cleanup(result);
    result.verdict = scenario_verdict(result.steps);
    if (missing_target_) {
      result.verdict = Verdict::kNotApplicable;
      result.reason = missing_target_->message;
    } else if (result.verdict == Verdict::kError) {
      for (const auto& s : result.steps) {
        if (!s.error.empty() && !s.cleanup) {
          result.reason = "step " + std::to_string(s.index + 1) + " (" + s.name + "): " + s.error;
          break;
        }
      }
    }
    // A failed cleanup shows whatever the verdict: a failing scenario's report must still say
    // that the target was not put back.
    if (!cleanup_problem.empty() && result.verdict != Verdict::kNotApplicable) {
      result.reason += (result.reason.empty() ? "" : "; ") + cleanup_problem;
    }
  }
  result.duration = env().now() - start_;
  return result;
}

}  // namespace detail

ScenarioResult scenario_header(const Scenario& sc) {
  ScenarioResult r;
  r.id = sc.id;
  r.name = sc.name;
  r.description = sc.description;
  r.tags = sc.tags;
  r.covers = sc.covers;
  for (const Step& s : sc.steps) {  // `finally` steps cover nothing (the loader enforces it)
    for (const auto& c : s.covers) {
      if (std::find(r.covers.begin(), r.covers.end(), c) == r.covers.end()) r.covers.push_back(c);
    }
  }
  r.capabilities = sc.capabilities();
  r.pos = sc.pos;
  return r;
}

namespace {

// "needs 5 out-of-stock variants on the primary account, the target lists 2" for a missing
// element of a restockable list, so that a target's owner knows what to add; "" otherwise.
std::string too_few_variants(const std::string& path, const Target& target) {
  const size_t open = path.find(".restockable[");
  if (open == std::string::npos) return "";
  std::string list = path.substr(0, open + 12);
  long long needed = std::stoll(path.substr(open + 13)) + 1;
  std::string where = "the primary account";
  if (const std::string prefix = "target.accounts."; list.rfind(prefix, 0) == 0) {
    const std::string name = list.substr(prefix.size(), list.size() - prefix.size() - 12);
    where = "account " + name;
    // A flow account the target does not give shares the primary's variants from an offset.
    const nlohmann::json* key = target.value(prefix + name + ".key");
    for (const FlowAccount& f : kFlowAccounts) {
      if (f.name != name || !key || !target.value("target.key") ||
          *key != *target.value("target.key"))
        continue;
      list = "target.variants.restockable";
      needed += static_cast<long long>(f.primary_restockable_from);
      where = "the primary account, which " + name + " shares,";
    }
  }
  const nlohmann::json* have = target.value(list);
  const size_t listed = have && have->is_array() ? have->size() : 0;
  return "needs " + std::to_string(needed) + " out-of-stock variants on " + where + " (" + list +
         "), the target lists " + std::to_string(listed);
}

}  // namespace

std::string not_applicable_reason(const Scenario& sc, const Target& target) {
  for (const auto& c : sc.capabilities()) {
    if (!target.has_capability(c)) return "the target lacks capability '" + c + "'";
  }
  // A profile's shell hooks may offer a capability without every action of it (get_flow
  // beside set_flow): a scenario that needs the missing one cannot run there.
  for (const auto* steps : {&sc.steps, &sc.cleanup}) {
    for (const Step& st : *steps) {
      if (st.kind == Step::Kind::kControl && target.control &&
          !target.control->supports(st.control.action)) {
        return "the target has no command for control action " + st.control.action;
      }
    }
  }
  for (const auto& path : sc.target_values) {
    if (target.value(path)) continue;
    if (auto reason = too_few_variants(path, target); !reason.empty()) return reason;
    return "the target does not define '" + path + "'";
  }
  return "";
}

ScenarioResult run_scenario(const Suite& suite, const Scenario& scenario, RunContext& context) {
  return detail::ScenarioRunner(suite, scenario, context).run();
}

}  // namespace bis::runner
