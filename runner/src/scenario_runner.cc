#include "bis/runner/scenario_runner.h"

#include <algorithm>
#include <latch>
#include <thread>

#include "bis/runner/assert.h"
#include "bis/runner/curl.h"
#include "bis/runner/json_diff.h"
#include "bis/runner/request_builder.h"
#include "bis/runner/verdict.h"

namespace bis::runner {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kBodyLimit = 16 * 1024;
constexpr size_t kMaxFailedAssertions = 50;
constexpr int kMax429Retries = 5;
constexpr Duration kDefaultEventuallyInterval{100};
constexpr Duration kDefaultConsistentlyInterval{200};

std::string cut(std::string_view s, bool& truncated) {
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
        start_(Clock::now()),
        deadline_(start_ + sc.timeout.value_or(ctx.scenario_timeout)) {
    tctx_.run_id = ctx.run_id;
    tctx_.suite_id = suite.id;
    tctx_.scenario_id = sc.id;
    tctx_.email_domain = ctx.target.email_domain;
    tctx_.unique_counter = &ctx.unique_counter;
  }

  ScenarioResult run();

 private:
  Duration remaining() const {
    return std::max(Duration(0), std::chrono::duration_cast<Duration>(deadline_ - Clock::now()));
  }
  Duration timeout() const { return std::min(ctx_.request_timeout, remaining()); }
  std::string deadline_error() const {
    return "the scenario's deadline (" +
           format_duration(sc_.timeout.value_or(ctx_.scenario_timeout)) + ") passed";
  }
  Scope scope() const { return Scope{vars_, tctx_}; }
  std::vector<std::string> requirements(const Step& step) const {
    return step.covers.empty() ? sc_.covers : step.covers;
  }

  bool render_vars(ScenarioResult& result);
  StepResult run_step(const Step& step);
  void run_concurrent(const Step& step, StepResult& out);
  Outcome act(const Step& step);
  Outcome send(const HttpRequest& req, HttpClient::Lease* lease = nullptr);
  Outcome control(const Step& step);
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
};

Exchange ScenarioRunner::exchange_of(const std::string& method, const std::string& url,
                                     const std::vector<Header>& headers,
                                     const std::string& body) const {
  Exchange e;
  e.method = method;
  e.url = redactor_.url(url);
  e.request_headers = redactor_.headers(headers);
  e.request_body = cut(redactor_.body(body), e.request_body_truncated);
  e.curl = curl_command(e.method, e.url, e.request_headers, e.request_body);
  return e;
}

void ScenarioRunner::redact(Assertion& a) const {
  a.expected = redactor_.body(a.expected);
  a.actual = redactor_.body(a.actual);
  a.message = redactor_.body(a.message);
}

Outcome ScenarioRunner::send(const HttpRequest& req, HttpClient::Lease* lease) {
  Outcome o;
  o.exchange = exchange_of(req.method, ctx_.target.api->url(req.target), req.headers, req.body);
  HttpResult r;
  for (int attempt = 0;; ++attempt) {
    if (remaining().count() <= 0 || (ctx_.limiter && !ctx_.limiter->acquire(deadline_))) {
      o.error = deadline_error();
      return o;
    }
    r = lease ? ctx_.target.api->send(*lease, req, timeout())
              : ctx_.target.api->send(req, timeout());
    if (!r.response || r.response->status != 429 || attempt == kMax429Retries) break;
    const auto header = r.response->header("Retry-After");
    const auto wait = header ? parse_retry_after(*header) : std::nullopt;
    if (!wait) break;  // a 429 without Retry-After is the answer
    if (*wait >= remaining()) {
      o.notes.push_back("429 Too Many Requests: Retry-After " + format_duration(*wait) +
                        " is past the scenario's deadline; not retried");
      break;
    }
    o.notes.push_back("429 Too Many Requests: waited " + format_duration(*wait) +
                      " (Retry-After) and retried");
    std::this_thread::sleep_for(*wait);
  }
  o.exchange.duration = r.duration;
  if (!r.response) {
    o.error = redactor_.text(r.error);
    o.exchange.error = o.error;
    return o;
  }
  o.exchange.status = r.response->status;
  o.exchange.response_headers = redactor_.headers(r.response->headers);
  o.exchange.response_body =
      cut(redactor_.body(r.response->body), o.exchange.response_body_truncated);
  o.answer.status = r.response->status;
  o.answer.headers = std::move(r.response->headers);
  o.answer.body = std::move(r.response->body);
  return o;
}

Outcome ScenarioRunner::control(const Step& step) {
  Outcome o;
  auto built = build_control_call(step, ctx_.target, scope());
  if (!built) {
    o.render = built.error();
    return o;
  }
  const ControlCall& call = *built;
  if (!ctx_.target.control) {
    o.error = "the target has no control surface";
    return o;
  }
  if (remaining().count() <= 0) {
    o.error = deadline_error();
    return o;
  }
  ControlResult r = ctx_.target.control->call(call, timeout());
  if (!r.command.empty()) {
    o.exchange.method = "SHELL";
    o.exchange.url = redactor_.text(r.command);
    o.exchange.curl = redactor_.text(r.command) + "  # BIS_ACTION=" + call.action +
                      " BIS_ARGS=" + shell_quote(redactor_.text(call.args().dump()));
    o.exchange.request_body =
        cut(redactor_.body(r.request_body), o.exchange.request_body_truncated);
  } else {
    o.exchange = exchange_of(r.method, r.url, r.request_headers, r.request_body);
  }
  o.exchange.duration = r.duration;
  o.exchange.status = r.status;
  o.exchange.response_headers = redactor_.headers(r.response_headers);
  o.exchange.response_body =
      cut(redactor_.body(r.response_body), o.exchange.response_body_truncated);
  if (!r.error.empty()) {
    o.error = redactor_.text(r.error);
    o.exchange.error = o.error;
    return o;
  }
  o.answer.status = r.status;
  o.answer.headers = r.response_headers;
  o.answer.observation = call.is_observation();
  o.answer.set_json(*r.answer);
  return o;
}

Outcome ScenarioRunner::act(const Step& step) {
  if (step.kind != Step::Kind::kRequest) return control(step);
  auto req = build_request(step.request, ctx_.target, scope());
  if (!req) {
    Outcome o;
    o.render = req.error();
    return o;
  }
  return send(*req);
}

void ScenarioRunner::record(StepResult& out, const CheckResult& check, int copy, int copies) {
  size_t failed = 0;
  for (const auto& a : out.assertions) failed += !a.passed;
  for (Assertion a : check.assertions) {
    if (a.passed && copy > 0) continue;  // passing checks are shown once, failures per copy
    if (!a.passed && failed++ >= kMaxFailedAssertions) {
      if (failed == kMaxFailedAssertions + 1)
        out.notes.push_back("further failed assertions are not shown");
      continue;
    }
    if (!a.passed && copies > 1)
      a.message =
          "copy " + std::to_string(copy + 1) + " of " + std::to_string(copies) + ": " + a.message;
    redact(a);
    out.assertions.push_back(std::move(a));
  }
}

void ScenarioRunner::run_concurrent(const Step& step, StepResult& out) {
  const int n = step.concurrent;
  std::vector<HttpRequest> requests;
  for (int i = 0; i < n; ++i) {
    vars_["index"] = i;
    auto req = build_request(step.request, ctx_.target, scope());
    if (!req) {
      if (req.error().kind == RenderError::Kind::kMissingTargetValue) missing_target_ = req.error();
      out.error = redactor_.text(req.error().message);
      return;
    }
    requests.push_back(std::move(*req));
  }
  std::vector<Outcome> outcomes(static_cast<size_t>(n));
  std::vector<HttpClient::Lease>
      connections;  // one each, so no copy waits for another's connection
  for (int i = 0; i < n; ++i) connections.push_back(ctx_.target.api->lease());
  {
    std::latch start(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();  // all copies leave together
        outcomes[static_cast<size_t>(i)] =
            send(requests[static_cast<size_t>(i)], &connections[static_cast<size_t>(i)]);
      });
    }
    for (auto& t : threads) t.join();
  }
  for (int i = 0; i < n; ++i) {
    Outcome& o = outcomes[static_cast<size_t>(i)];
    out.exchanges.push_back(o.exchange);
    out.notes.insert(out.notes.end(), o.notes.begin(), o.notes.end());
    if (!o.error.empty()) {
      if (out.error.empty())
        out.error = "copy " + std::to_string(i + 1) + " of " + std::to_string(n) + ": " + o.error;
      continue;
    }
    if (!step.expect) continue;
    vars_["index"] = i;
    CheckResult check = check_expectation(*step.expect, o.answer, scope(), requirements(step));
    if (check.error && out.error.empty()) out.error = redactor_.text(check.error->message);
    record(out, check, i, n);
  }
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
  const auto step_start = Clock::now();
  out.started = step_start - start_;
  if (step.concurrent > 0) {
    out.attempts = 1;
    run_concurrent(step, out);
  }
  for (int r = 0; step.concurrent == 0 && r < step.repeat; ++r) {
    vars_["index"] = r;
    const auto poll_deadline =
        step.eventually
            ? Clock::now() + step.eventually->timeout.value_or(ctx_.target.timing.eventually)
            : Clock::now();
    const Duration interval = step.eventually && step.eventually->interval
                                  ? *step.eventually->interval
                                  : kDefaultEventuallyInterval;
    Outcome o;
    CheckResult check;
    for (;;) {
      o = act(step);
      ++out.attempts;
      out.notes.insert(out.notes.end(), o.notes.begin(), o.notes.end());
      if (!o.error.empty() || o.render) break;
      if (step.expect)
        check = check_expectation(*step.expect, o.answer, scope(), requirements(step));
      if (check.passed() || check.error ||
          Clock::now() + interval >= std::min(poll_deadline, deadline_))
        break;
      std::this_thread::sleep_for(interval);
    }
    if (step.eventually && !check.passed() && !check.error && o.error.empty() && !o.render) {
      const std::string why =
          " (still failing after " +
          format_duration(std::chrono::duration_cast<Duration>(Clock::now() - step_start)) + ", " +
          std::to_string(out.attempts) + " attempts)";
      for (auto& a : check.assertions) {
        if (!a.passed) a.message += why;
      }
    }
    if (step.consistently && check.passed() && o.error.empty() && !o.render) {
      const Duration span = step.consistently->duration.value_or(ctx_.target.timing.settle);
      const Duration every = step.consistently->interval.value_or(kDefaultConsistentlyInterval);
      const auto watch_start = Clock::now();
      const auto until = std::min(watch_start + span, deadline_);
      while (Clock::now() + every <= until) {
        std::this_thread::sleep_for(every);
        Outcome again = act(step);
        ++out.attempts;
        if (!again.error.empty() || again.render) {
          o = std::move(again);
          break;
        }
        CheckResult c = check_expectation(*step.expect, again.answer, scope(), requirements(step));
        o = std::move(again);
        if (!c.passed()) {
          const std::string when =
              format_duration(std::chrono::duration_cast<Duration>(Clock::now() - watch_start));
          for (auto& a : c.assertions) {
            if (!a.passed) a.message += " (held at first, then failed after " + when + ")";
          }
          check = std::move(c);
          break;
        }
        check = std::move(c);
      }
    }
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
    if (check.error) out.error = redactor_.text(check.error->message);
    record(out, check, r, step.repeat);
    if (!step.captures.empty()) {
      for (Assertion& a : apply_captures(step.captures, o.answer, vars_, requirements(step))) {
        redact(a);
        out.assertions.push_back(std::move(a));
      }
    }
    if (!check.passed() && r + 1 < step.repeat) {
      out.notes.push_back("stopped at copy " + std::to_string(r + 1) + " of " +
                          std::to_string(step.repeat));
      break;
    }
  }
  vars_.erase("index");
  out.duration = Clock::now() - step_start;
  out.verdict = step_verdict(out, ctx_.catalogue);
  return out;
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
        late.verdict = Verdict::kError;
        result.steps.push_back(std::move(late));
      } else {
        result.steps.push_back(run_step(step));
      }
      if (missing_target_) break;
      const Verdict v = result.steps.back().verdict;
      if (v == Verdict::kFail || v == Verdict::kError) {
        result.steps_not_run = sc_.steps.size() - i - 1;
        break;
      }
    }
    result.verdict = scenario_verdict(result.steps);
    if (missing_target_) {
      result.verdict = Verdict::kNotApplicable;
      result.reason = missing_target_->message;
    } else if (result.verdict == Verdict::kError) {
      for (const auto& s : result.steps) {
        if (!s.error.empty()) {
          result.reason = "step " + std::to_string(s.index + 1) + " (" + s.name + "): " + s.error;
          break;
        }
      }
    }
  }
  result.duration = Clock::now() - start_;
  return result;
}

}  // namespace

ScenarioResult scenario_header(const Scenario& sc) {
  ScenarioResult r;
  r.id = sc.id;
  r.name = sc.name;
  r.description = sc.description;
  r.tags = sc.tags;
  r.covers = sc.covers;
  for (const Step& s : sc.steps) {
    for (const auto& c : s.covers) {
      if (std::find(r.covers.begin(), r.covers.end(), c) == r.covers.end()) r.covers.push_back(c);
    }
  }
  r.capabilities = sc.capabilities();
  r.pos = sc.pos;
  return r;
}

std::string not_applicable_reason(const Scenario& sc, const Target& target) {
  for (const auto& c : sc.capabilities()) {
    if (!target.has_capability(c)) return "the target lacks capability '" + c + "'";
  }
  for (const auto& path : sc.target_values) {
    if (!target.value(path)) return "the target does not define '" + path + "'";
  }
  return "";
}

ScenarioResult run_scenario(const Suite& suite, const Scenario& scenario, RunContext& context) {
  return ScenarioRunner(suite, scenario, context).run();
}

}  // namespace bis::runner
