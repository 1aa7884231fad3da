#include "redact.h"

namespace bis::reports {

runner::ScenarioResult redacted(const Redactor& redactor, const runner::ScenarioResult& scenario) {
  runner::ScenarioResult s = scenario;
  for (auto* f : {&s.name, &s.description, &s.reason, &s.pos.file}) redactor.in_place(*f);
  for (auto& step : s.steps) {
    for (auto* f : {&step.name, &step.error, &step.pos.file}) redactor.in_place(*f);
    for (auto& x : step.exchanges) {
      for (auto* f : {&x.url, &x.request_body, &x.curl, &x.response_body, &x.error}) {
        redactor.in_place(*f);
      }
      redactor.headers_in_place(x.request_headers);
      redactor.headers_in_place(x.response_headers);
    }
    for (auto& a : step.assertions) {
      for (auto* f : {&a.subject, &a.path, &a.expected, &a.actual, &a.message}) {
        redactor.in_place(*f);
      }
    }
  }
  return s;
}

runner::RunResult redacted(const Redactor& redactor, const runner::RunResult& result) {
  runner::RunResult r;
  r.tool_version = result.tool_version;
  r.run_id = redactor.text(result.run_id);
  r.target = result.target;
  for (auto* f : {&r.target.name, &r.target.base_url, &r.target.implementation}) redactor.in_place(*f);
  r.strict = result.strict;
  r.require_all = result.require_all;
  r.started_at = result.started_at;
  r.duration = result.duration;
  r.requirements = result.requirements;
  for (auto& req : r.requirements) redactor.in_place(req.reason);  // may quote what the target said
  r.suites.reserve(result.suites.size());
  for (const auto& suite : result.suites) {
    runner::SuiteResult s;
    s.id = suite.id;
    s.name = suite.name;
    s.description = suite.description;
    s.file = suite.file;
    s.duration = suite.duration;
    s.scenarios.reserve(suite.scenarios.size());
    for (const auto& scenario : suite.scenarios) s.scenarios.push_back(redacted(redactor, scenario));
    r.suites.push_back(std::move(s));
  }
  return r;
}

}  // namespace bis::reports
