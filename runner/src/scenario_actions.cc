// What a step does on the wire (requests with rate limits and 429 retries, control calls,
// concurrent copies) and how its exchanges and assertions are recorded, redacted.
#include <latch>
#include <thread>

#include "bis/runner/curl.h"
#include "bis/runner/json_diff.h"
#include "bis/runner/request_builder.h"
#include "scenario_runner_impl.h"

namespace bis::runner::detail {

Exchange ScenarioRunner::exchange_of(const std::string& method, const std::string& url,
                                     const std::vector<Header>& headers,
                                     const std::string& body) const {
  Exchange e;
  e.method = method;
  e.url = redactor_.text(url);
  e.request_headers = redactor_.headers(headers);
  e.request_body = cut(redactor_.text(body), e.request_body_truncated);
  e.curl = curl_command(e.method, e.url, e.request_headers, e.request_body);
  return e;
}

void ScenarioRunner::redact(Assertion& a) const {
  a.expected = redactor_.text(a.expected);
  a.actual = redactor_.text(a.actual);
  a.message = redactor_.text(a.message);
}

Outcome ScenarioRunner::send(const HttpRequest& req, HttpClient::Lease* lease, bool retry_429) {
  Outcome o;
  o.exchange = exchange_of(req.method, ctx_.target.api->url(req.target), req.headers, req.body);
  HttpResult r;
  for (int attempt = 0;; ++attempt) {
    if (remaining().count() <= 0 || (ctx_.limiter && !ctx_.limiter->acquire(deadline_))) {
      o.error = deadline_error();
      return o;
    }
    r = ctx_.target.api->send(lease ? *lease : connection_, req, timeout());
    if (!r.response || r.response->status != 429 || !retry_429 || attempt == kMax429Retries)
      break;
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
    env().sleep_for(*wait);
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
      cut(redactor_.text(r.response->body), o.exchange.response_body_truncated);
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
  return control_call(*built);
}

Outcome ScenarioRunner::control_call(const ControlCall& call) {
  Outcome o;
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
        cut(redactor_.text(r.request_body), o.exchange.request_body_truncated);
  } else {
    o.exchange = exchange_of(r.method, r.url, r.request_headers, r.request_body);
  }
  o.exchange.duration = r.duration;
  o.exchange.status = r.status;
  o.exchange.response_headers = redactor_.headers(r.response_headers);
  o.exchange.response_body =
      cut(redactor_.text(r.response_body), o.exchange.response_body_truncated);
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
  return send(*req, nullptr, !expects_429(step));
}

bool ScenarioRunner::expects_429(const Step& step) const {
  if (!step.expect || !step.expect->status) return false;
  const nlohmann::json code = 429;
  auto failure = step.expect->status->matcher.check(&code, scope());
  return failure && !*failure;
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
    a.exchange = static_cast<int>(out.exchanges.size()) - 1;  // the answer just recorded
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
            send(requests[static_cast<size_t>(i)], &connections[static_cast<size_t>(i)],
                 !expects_429(step));
      });
    }
    for (auto& t : threads) t.join();
  }
  for (auto& c : connections) c.discard();
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

// `repeat` with `parallel: N`: the copies go N at a time, each wave on N connections (kept for
// the next wave), and are then checked in index order, as a plain repeat checks them; the
// first failing copy stops the step after its wave. Against a far target this turns N round
// trips into one (docs/runner.md, "A far target").
void ScenarioRunner::run_parallel(const Step& step, StepResult& out) {
  const int n = step.repeat, width = std::min(step.parallel, step.repeat);
  std::vector<HttpClient::Lease> connections;
  if (step.kind == Step::Kind::kRequest) {
    for (int i = 0; i < width; ++i) connections.push_back(ctx_.target.api->lease());
  }
  for (int first = 0; first < n; first += width) {
    const int count = std::min(width, n - first);
    std::vector<HttpRequest> requests;
    std::vector<ControlCall> calls;
    std::vector<Outcome> outcomes(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {  // rendered here: the variables are this thread's
      vars_["index"] = first + i;
      std::optional<RenderError> error;
      if (step.kind == Step::Kind::kRequest) {
        auto req = build_request(step.request, ctx_.target, scope());
        if (req) requests.push_back(std::move(*req));
        else error = req.error();
      } else {
        auto call = build_control_call(step, ctx_.target, scope());
        if (call) calls.push_back(std::move(*call));
        else error = call.error();
      }
      if (error) {
        if (error->kind == RenderError::Kind::kMissingTargetValue) missing_target_ = error;
        out.error = redactor_.text(error->message);
        return;
      }
    }
    {
      std::vector<std::thread> threads;
      for (int i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
          const auto k = static_cast<size_t>(i);
          outcomes[k] = step.kind == Step::Kind::kRequest ? send(requests[k], &connections[k])
                                                          : control_call(calls[k]);
        });
      }
      for (auto& t : threads) t.join();
    }
    bool stop = false;
    for (int i = 0; i < count; ++i) {
      Outcome& o = outcomes[static_cast<size_t>(i)];
      out.exchanges.push_back(o.exchange);
      out.notes.insert(out.notes.end(), o.notes.begin(), o.notes.end());
      ++out.attempts;
      if (!o.error.empty()) {
        if (out.error.empty()) out.error = o.error;
        stop = true;
        continue;
      }
      if (!step.expect) continue;
      vars_["index"] = first + i;
      CheckResult check = check_expectation(*step.expect, o.answer, scope(), requirements(step));
      if (check.error && out.error.empty()) out.error = redactor_.text(check.error->message);
      stop = stop || !check.passed();
      record(out, check, first + i, n);
    }
    if (stop || !out.error.empty()) {
      if (first + count < n)
        out.notes.push_back("stopped after copy " + std::to_string(first + count) + " of " +
                            std::to_string(n));
      break;
    }
  }
  for (auto& c : connections) c.discard();
}

}  // namespace bis::runner::detail
