// The JSON report: docs/report-schema.json describes every member written here.
#include "bis/common/text.h"
#include "bis/reports/formats.h"
#include "escape.h"
#include "json_writer.h"
#include "report_view.h"

namespace bis::reports {
namespace {

using runner::Verdict;

void write_ms(JsonWriter& w, std::string_view name, runner::Millis d) {
  w.key(name).raw_number(millis_number(d));
}

void write_pos(JsonWriter& w, const SourcePos& pos) {
  w.key("pos").begin_object();
  w.field("file", pos.file);
  w.field("line", pos.line);
  w.field("column", pos.column);
  w.end_object();
}

void write_counts(JsonWriter& w, std::string_view name, const runner::Counts& c) {
  w.key(name).begin_object();
  for (Verdict v : kVerdicts) w.field(runner::to_string(v), count_of(c, v));
  w.field("total", c.total());
  w.end_object();
}

void write_headers(JsonWriter& w, const std::vector<runner::Header>& headers) {
  w.key("headers").begin_array();
  for (const auto& [name, value] : headers) {
    w.begin_object();
    w.field("name", name);
    w.field("value", value);
    w.end_object();
  }
  w.end_array();
}

// A body as text (U+FFFD for bytes that are not UTF-8) and, when it is not UTF-8, its exact
// bytes in base64.
void write_body(JsonWriter& w, const std::string& body, bool truncated) {
  w.field("body", body);
  if (!is_valid_utf8(body)) w.field("body_base64", base64(body));
  w.field("body_truncated", truncated);
}

void write_exchange(JsonWriter& w, const runner::Exchange& x) {
  w.begin_object();
  w.key("request").begin_object();
  w.field("method", x.method);
  w.field("url", x.url);
  write_headers(w, x.request_headers);
  write_body(w, x.request_body, x.request_body_truncated);
  w.field("curl", x.curl);
  w.end_object();
  w.key("response");
  if (x.status) {
    w.begin_object();
    w.field("status", *x.status);
    write_headers(w, x.response_headers);
    write_body(w, x.response_body, x.response_body_truncated);
    w.end_object();
  } else {
    w.null();
  }
  w.field("error", x.error);
  write_ms(w, "duration_ms", x.duration);
  w.end_object();
}

void write_assertion(JsonWriter& w, const runner::Assertion& a) {
  w.begin_object();
  w.field("subject", a.subject);
  w.field("path", a.path);
  w.field("passed", a.passed);
  w.field("expected", a.expected);
  w.field("actual", a.actual);
  w.field("message", a.message);
  write_pos(w, a.pos);
  w.key("requirements").string_array(a.requirements);
  w.key("exchange");
  if (a.exchange >= 0) {
    w.integer(a.exchange);
  } else {
    w.null();
  }
  w.end_object();
}

void write_step(JsonWriter& w, const runner::StepResult& step) {
  w.begin_object();
  w.field("index", step.index);
  w.field("kind", step.kind);
  w.field("name", step.name);
  write_pos(w, step.pos);
  w.field("verdict", runner::to_string(step.verdict));
  w.field("error", step.error);
  w.field("attempts", step.attempts);
  w.field("cleanup", step.cleanup);
  w.key("covers").string_array(step.covers);
  write_ms(w, "started_ms", step.started);
  write_ms(w, "duration_ms", step.duration);
  w.key("exchanges").begin_array();
  for (const auto& x : step.exchanges) write_exchange(w, x);
  w.end_array();
  w.key("assertions").begin_array();
  for (const auto& a : step.assertions) write_assertion(w, a);
  w.end_array();
  w.end_object();
}

void write_scenario(JsonWriter& w, const runner::ScenarioResult& s) {
  w.begin_object();
  w.field("id", s.id);
  w.field("name", s.name);
  w.field("description", s.description);
  w.key("tags").string_array(s.tags);
  w.key("covers").string_array(s.covers);
  w.key("requires").string_array(s.capabilities);
  write_pos(w, s.pos);
  w.field("verdict", runner::to_string(s.verdict));
  w.field("reason", s.reason);
  write_ms(w, "started_ms", s.started);
  write_ms(w, "duration_ms", s.duration);
  w.key("steps").begin_array();
  for (const auto& step : s.steps) write_step(w, step);
  w.end_array();
  w.end_object();
}

void write_requirements(JsonWriter& w, const runner::RunResult& result) {
  const auto cover = coverage(result);
  w.key("requirements").begin_array();
  for (const auto& r : result.requirements) {
    w.begin_object();
    w.field("id", r.id);
    w.field("level", runner::to_string(r.level));
    w.field("text", r.text);
    w.field("source", r.source);
    w.field("inferred", r.inferred);
    if (r.inferred) w.field("inference", r.inference);
    w.field("verdict", runner::to_string(r.verdict));
    w.field("reason", r.reason);
    w.key("scenarios").string_array(r.scenarios);
    const auto it = cover.find(r.id);
    write_counts(w, "scenario_verdicts", it == cover.end() ? runner::Counts{} : it->second);
    w.end_object();
  }
  w.end_array();
}

// A generous guess of the document's size, so the string grows once instead of doubling
// through tens of megabytes.
size_t estimate_size(const runner::RunResult& result) {
  size_t bytes = 4096 + result.requirements.size() * 1024;
  for (const auto& suite : result.suites) {
    for (const auto& s : suite.scenarios) {
      bytes += 1024;
      for (const auto& step : s.steps) {
        bytes += 1024 + step.assertions.size() * 512;
        for (const auto& x : step.exchanges) {
          bytes += 1024 + x.curl.size() + x.request_body.size() * 2 + x.response_body.size() * 2;
        }
      }
    }
  }
  return bytes;
}

}  // namespace

std::string render_json(const runner::RunResult& result, const RenderContext& context) {
  std::string out;
  out.reserve(estimate_size(result));
  JsonWriter w(out);
  w.begin_object();
  w.field("format", kReportFormatName);
  w.field("schema_version", kReportSchemaVersion);
  w.key("tool").begin_object();
  w.field("name", "bis-conform");
  w.field("version", result.tool_version);
  w.end_object();
  w.field("run_id", result.run_id);
  w.field("generated_at", iso8601(context.generated_at, true));
  w.field("started_at", iso8601(result.started_at, true));
  write_ms(w, "duration_ms", result.duration);
  w.field("strict", result.strict);
  w.field("conformant", result.conformant() && !result.unchecked_fails());
  w.field("require_all", result.require_all);
  w.field("verdict_line", result.verdict_line());
  const runner::UncheckedMust unchecked = result.unchecked_must();
  w.key("unchecked_must").begin_object();
  w.field("total", unchecked.total);
  w.key("reasons").begin_array();
  for (const auto& [why, n] : unchecked.reasons) {
    w.begin_object();
    w.field("reason", why);
    w.field("count", n);
    w.end_object();
  }
  w.end_array();
  w.end_object();

  const auto& t = result.target;
  w.key("target").begin_object();
  w.field("kind", t.kind);
  w.field("name", t.name);
  w.field("base_url", t.base_url);
  w.field("implementation", t.implementation);
  w.field("protocol_version", t.protocol_version);
  w.key("capabilities").string_array(t.capabilities);
  w.end_object();

  const Totals tot = totals(result);
  w.key("summary").begin_object();
  w.field("passed", tot.passed);
  w.field("failed", tot.failed);
  w.field("skipped", tot.skipped);
  write_counts(w, "scenarios", result.scenario_counts());
  write_counts(w, "requirements", result.requirement_counts());
  w.end_object();

  write_requirements(w, result);

  w.key("suites").begin_array();
  for (const auto& suite : result.suites) {
    w.begin_object();
    w.field("id", suite.id);
    w.field("name", suite.name);
    w.field("description", suite.description);
    w.field("file", suite.file);
    write_ms(w, "duration_ms", suite.duration);
    w.key("scenarios").begin_array();
    for (const auto& s : suite.scenarios) write_scenario(w, s);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out.push_back('\n');
  return out;
}

}  // namespace bis::reports
