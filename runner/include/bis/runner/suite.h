#pragma once
// The syntax tree of a suite file (docs/suite-format.md), as the loader builds it. Every node
// keeps where it was written, so results and errors can point at "file:line:col". Strings may
// hold templates (template.h); they are parsed and checked at load time and rendered per run.
// Immutable after loading; shared read-only by every worker of a run.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bis/common/source.h"
#include "bis/runner/duration.h"
#include "bis/runner/json_path.h"
#include "bis/runner/matcher.h"
#include "bis/runner/template.h"

namespace bis::runner {

// A JSON value written in the suite; its strings may hold templates.
struct Value {
  nlohmann::json json;
  SourcePos pos;
};

// A string written in the suite (scalars keep their text exactly: `007` stays "007"), with
// its template parsed once at load (null when the text has no `{{`).
struct Text {
  std::string text;
  SourcePos pos;
  std::shared_ptr<const Template> parsed;
};

struct NamedText {
  std::string name;
  Text value;
};

enum class BodyKind { kNone, kForm, kMultipart, kJson, kRaw };

struct RequestSpec {
  SourcePos pos;
  Text method;               // default "POST"
  std::string endpoint;      // "subscribe", "onsite_subscribe", "list_subscribe", or ""
  std::optional<Text> path;  // a literal path instead of an endpoint
  std::optional<Text> list;  // for list_subscribe
  std::vector<NamedText> query;
  std::vector<NamedText> headers;
  BodyKind body_kind = BodyKind::kNone;
  std::vector<NamedText> fields;  // form / multipart, in order
  Value json;                     // kJson
  Text raw;                       // kRaw
  std::optional<Text> content_type;
};

struct ControlSpec {
  SourcePos pos;
  std::string action;  // reset, set_inventory, set_flow, remove_flow, clear_requests, ...
  std::optional<Text> account;
  std::optional<Text> variant;
  std::optional<Value> inventory;
  std::optional<Value> flow;
  std::optional<Duration> by;  // advance_clock: how far (a literal duration)
};

struct ObserveSpec {
  SourcePos pos;
  std::string what;  // subscriptions, events, notifications, list_members, requests
  std::optional<Text> account, email, variant, list, path;
  std::optional<Value> limit;
};

struct StatusExpectation {
  SourcePos pos;
  Matcher matcher;          // an integer, a list of codes and a class all become matchers
  std::string description;  // as written: "200", "one of [200, 400]", "4xx"
};

struct HeaderExpectation {
  std::string name;
  Matcher matcher;
};

struct PathExpectation {
  JsonPath path;
  Matcher matcher;
};

struct Expectation {
  SourcePos pos;
  std::optional<StatusExpectation> status;
  std::vector<HeaderExpectation> headers;
  std::optional<Value> json;
  std::optional<Value> json_subset;
  std::optional<Matcher> body;
  std::vector<PathExpectation> match;
  std::optional<Matcher> count;
  std::vector<Expectation> any_of;

  bool empty() const {
    return !status && headers.empty() && !json && !json_subset && !body && match.empty() &&
           !count && any_of.empty();
  }
};

struct Capture {
  enum class Kind { kJsonPath, kHeader, kStatus, kBody };
  std::string name;
  SourcePos pos;
  Kind kind = Kind::kJsonPath;
  JsonPath path;
  std::string header;
};

struct Poll {
  SourcePos pos;
  std::optional<Duration> timeout;   // eventually: nullopt = the target's default
  std::optional<Duration> interval;  // nullopt = 100ms (eventually), 200ms (consistently)
  std::optional<Duration> duration;  // consistently `for`: nullopt = the target's settle time
};

struct Step {
  enum class Kind { kRequest, kControl, kObserve };
  SourcePos pos;
  size_t index = 0;
  Kind kind = Kind::kRequest;
  std::string name;                 // as written, or a generated summary
  std::vector<std::string> covers;  // empty: the scenario's
  SourcePos covers_pos;
  RequestSpec request;
  ControlSpec control;
  ObserveSpec observe;
  std::optional<Expectation> expect;
  std::vector<Capture> captures;
  std::optional<Poll> eventually;
  std::optional<Poll> consistently;
  int repeat = 1;
  int concurrent = 0;  // 0: not concurrent
  // With repeat: copies sent this many at a time, each on its own connection, in waves in
  // index order (the copies do not depend on each other). 0: one after the other.
  int parallel = 0;
};

struct Var {
  std::string name;
  Value value;
};

struct Scenario {
  SourcePos pos;
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> covers;
  SourcePos covers_pos;
  std::vector<std::string> requires_;  // as written (suite's + scenario's)
  std::vector<std::string> implied;    // capabilities the steps need (observe events -> events)
  std::vector<std::string> tags;       // suite's + scenario's
  std::vector<Var> vars;
  bool exclusive = false;
  std::optional<Duration> timeout;
  std::vector<Step> steps;
  // `finally`: run after the steps whatever happened to them (a failure, an error, the
  // deadline), each one even if another fails; they put back what the scenario changed.
  // Their indices continue those of `steps`.
  std::vector<Step> cleanup;
  // Every target.* path the scenario reads, directly or through a variable.
  std::vector<std::string> target_values;

  // requires_ and implied, without duplicates.
  std::vector<std::string> capabilities() const;
};

struct Suite {
  std::string file;
  SourcePos pos;
  std::string id;
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  std::vector<std::string> requires_;
  std::vector<Var> vars;
  std::vector<Scenario> scenarios;
};

}  // namespace bis::runner
