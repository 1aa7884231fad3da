#include "bis/runner/assert.h"

#include "bis/common/text.h"
#include "bis/runner/json_diff.h"

namespace bis::runner {

using nlohmann::json;

const json* Answer::json_body() const {
  if (!parsed_) {
    parsed_ = true;
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded()) {
      json_error_ = body.empty() ? "the body is empty" : "the body is not JSON";
    } else {
      json_ = std::move(j);
    }
  }
  return json_ ? &*json_ : nullptr;
}

void Answer::set_json(nlohmann::json value) {
  body = dump_json(value);
  json_ = std::move(value);
  parsed_ = true;
}

std::optional<std::string> Answer::header(std::string_view name) const {
  const auto it = find_header(headers, name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

bool CheckResult::passed() const {
  if (error) return false;
  for (const auto& a : assertions) {
    if (!a.passed) return false;
  }
  return true;
}

namespace {

struct Checker {
  const Answer& answer;
  const Scope& scope;
  const std::vector<std::string>& requirements;
  CheckResult result;

  Assertion& add(std::string subject, const SourcePos& pos) {
    Assertion a;
    a.subject = std::move(subject);
    a.pos = pos;
    a.requirements = requirements;
    a.passed = true;
    result.assertions.push_back(std::move(a));
    return result.assertions.back();
  }

  // Runs a matcher; fills the assertion from its outcome.
  void matcher(Assertion& a, const Matcher& m, const json* actual, const std::string& path) {
    auto outcome = m.check(actual, scope, path);
    if (!outcome) {
      result.error = outcome.error();
      a.passed = false;
      a.message = outcome.error().message;
      return;
    }
    if (!outcome->has_value()) {
      a.expected = m.describe();
      a.actual = render_value(actual);
      return;
    }
    const MatchFailure& f = **outcome;
    a.passed = false;
    a.path = f.path == "$" ? "" : f.path;
    a.expected = f.expected;
    a.actual = f.actual;
    a.message = f.message;
  }

  // The body as JSON, or a failed assertion saying it is not.
  const json* body_json(Assertion& a) {
    const json* doc = answer.json_body();
    if (!doc) {
      a.passed = false;
      a.expected = "a JSON body";
      const json text(answer.body);
      a.actual = render_value(&text);
      a.message = answer.json_error() + ": " + a.actual;
    }
    return doc;
  }

  void run(const Expectation& e) {
    if (e.status) {
      Assertion& a = add("status", e.status->pos);
      const json actual = answer.status ? json(*answer.status) : json();
      matcher(a, e.status->matcher, answer.status ? &actual : nullptr, "$");
      a.path.clear();
      a.expected = e.status->description;
      if (!a.passed && a.message.find("expected") == 0)
        a.message = "expected status " + a.expected + ", got " + a.actual;
    }
    for (const auto& h : e.headers) {
      Assertion& a = add("header " + h.name, h.matcher.pos);
      const auto value = answer.header(h.name);
      const json actual = value ? json(*value) : json();
      matcher(a, h.matcher, value ? &actual : nullptr, "$");
      a.path.clear();
    }
    struct JsonCheck {
      const char* subject;
      const std::optional<Value>* value;
      bool subset;
    };
    for (const JsonCheck& c :
         {JsonCheck{"json", &e.json, false}, JsonCheck{"json_subset", &e.json_subset, true}}) {
      if (!c.value->has_value()) continue;
      const Value& v = **c.value;
      Assertion& a = add(c.subject, v.pos);
      auto expected = render_json(v.json, scope.vars, scope.ctx);
      if (!expected) {
        result.error = expected.error();
        a.passed = false;
        a.message = expected.error().message;
        continue;
      }
      a.expected = render_value(&*expected);
      const json* doc = body_json(a);
      if (!doc) continue;
      a.actual = render_value(doc);
      if (auto d = json_difference(*expected, *doc, c.subset)) {
        a.passed = false;
        a.path = d->path == "$" ? "" : d->path;
        a.message = d->message;  // the path is a.path, shown beside it
        if (!a.path.empty()) {
          a.expected = d->expected;
          a.actual = d->actual;
        }
      }
    }
    if (e.body) {
      Assertion& a = add("body", e.body->pos);
      const json text(answer.body);
      matcher(a, *e.body, &text, "$");
      a.path.clear();
    }
    for (const auto& m : e.match) {
      Assertion& a = add("match " + m.path.to_string(), m.matcher.pos);
      const json* doc = body_json(a);
      if (!doc) continue;
      matcher(a, m.matcher, m.path.find(*doc), m.path.to_string());
      if (a.passed) a.path.clear();
    }
    if (e.count) {
      Assertion& a = add("count", e.count->pos);
      const json* doc = body_json(a);
      if (doc && !doc->is_array()) {
        a.passed = false;
        a.message = "the observation is not a list";
      } else if (doc) {
        const json n(doc->size());
        matcher(a, *e.count, &n, "$");
        a.path.clear();
        if (!a.passed)
          a.message =
              "expected count " + a.expected + ", got " + a.actual + ": " + render_value(doc, 400);
      }
    }
    if (!e.any_of.empty()) any_of(e);
  }

  void any_of(const Expectation& e) {
    add("any_of", e.any_of.front().pos);
    const size_t index = result.assertions.size() - 1;
    std::string why;
    bool held = false;
    for (size_t i = 0; i < e.any_of.size() && !held; ++i) {
      Checker alt{answer, scope, requirements, {}};
      alt.run(e.any_of[i]);
      if (alt.result.error) {
        result.error = alt.result.error;
        break;
      }
      held = alt.result.passed();
      for (const auto& a : alt.result.assertions) {
        if (!a.passed) {
          why += (why.empty() ? "" : "; ") + std::string("alternative ") + std::to_string(i + 1) +
                 ": " + a.where() + ": " + a.message;
          break;
        }
      }
    }
    Assertion& a = result.assertions[index];
    a.passed = held;
    a.expected = "one of " + std::to_string(e.any_of.size()) + " alternatives to hold";
    a.actual = held ? "one held" : "none held";
    if (!held) a.message = "none of the alternatives held: " + why;
  }
};

}  // namespace

CheckResult check_expectation(const Expectation& expectation, const Answer& answer,
                              const Scope& scope, const std::vector<std::string>& requirements) {
  Checker c{answer, scope, requirements, {}};
  c.run(expectation);
  return std::move(c.result);
}

std::vector<Assertion> apply_captures(const std::vector<Capture>& captures, const Answer& answer,
                                      json& vars, const std::vector<std::string>& requirements) {
  std::vector<Assertion> failures;
  for (const Capture& c : captures) {
    std::optional<json> value;
    std::string wanted;
    switch (c.kind) {
      case Capture::Kind::kJsonPath:
        wanted = "a value at " + c.path.to_string();
        if (const json* doc = answer.json_body()) {
          if (const json* v = c.path.find(*doc)) value = *v;
        }
        break;
      case Capture::Kind::kHeader:
        wanted = "header " + c.header;
        if (auto h = answer.header(c.header)) value = *h;
        break;
      case Capture::Kind::kStatus:
        wanted = "a status";
        if (answer.status) value = *answer.status;
        break;
      case Capture::Kind::kBody:
        value = answer.body;
        break;
    }
    if (value) {
      vars[c.name] = std::move(*value);
      continue;
    }
    Assertion a;
    a.subject = "capture " + c.name;
    a.path = c.kind == Capture::Kind::kJsonPath ? c.path.to_string() : "";
    a.expected = wanted;
    a.actual = "(absent)";
    a.message = "cannot capture " + c.name + ": the answer has no " + wanted;
    a.pos = c.pos;
    a.requirements = requirements;
    failures.push_back(std::move(a));
  }
  return failures;
}

}  // namespace bis::runner
