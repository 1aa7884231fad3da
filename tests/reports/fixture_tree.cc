#include "fixture_tree.h"

#include <optional>

namespace bis::reports::testing {
namespace {

using runner::Assertion;
using runner::Exchange;
using runner::Level;
using runner::Millis;
using runner::ScenarioResult;
using runner::StepResult;
using runner::Verdict;

constexpr char kBase[] = "http://127.0.0.1:41234";
constexpr char kError[] =
    R"({"errors": ["There was something wrong with your request. Please try again."], "data": {}, "success": false})";

SourcePos at(const std::string& file, int line, int column = 7) { return {file, line, column}; }

Exchange subscribe(const std::string& form, int status, const std::string& body, double ms) {
  Exchange x;
  x.method = "POST";
  x.url = std::string(kBase) + "/api/v1/catalog/subscribe";
  x.request_headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"User-Agent", "bis-conform/0.1.0"}};
  x.request_body = form;
  x.curl = "curl -X POST '" + x.url +
           "' -H 'Content-Type: application/x-www-form-urlencoded' --data '" + form + "'";
  x.status = status;
  x.response_headers = {{"Content-Type", "application/json"},
                        {"Content-Length", std::to_string(body.size())}};
  x.response_body = body;
  x.duration = Millis(ms);
  return x;
}

Exchange admin(const std::string& method, const std::string& path, int status,
               const std::string& body, double ms) {
  Exchange x;
  x.method = method;
  x.url = std::string(kBase) + path;
  x.curl = "curl -X " + method + " '" + x.url + "'";
  x.status = status;
  x.response_headers = {{"Content-Type", "application/json"}};
  x.response_body = body;
  x.duration = Millis(ms);
  return x;
}

Assertion check(const std::string& subject, const std::string& path, bool passed,
                const std::string& expected, const std::string& actual, const std::string& message,
                SourcePos pos, std::vector<std::string> requirements = {}) {
  Assertion a;
  a.subject = subject;
  a.path = path;
  a.passed = passed;
  a.expected = expected;
  a.actual = actual;
  a.message = message;
  a.pos = std::move(pos);
  a.requirements = std::move(requirements);
  return a;
}

StepResult step(size_t index, const std::string& kind, const std::string& name, SourcePos pos,
                Verdict verdict, double started, double duration) {
  StepResult s;
  s.index = index;
  s.kind = kind;
  s.name = name;
  s.pos = std::move(pos);
  s.verdict = verdict;
  s.started = Millis(started);
  s.duration = Millis(duration);
  return s;
}

ScenarioResult scenario(const std::string& id, const std::string& name, SourcePos pos,
                        std::vector<std::string> covers, Verdict verdict, double started,
                        double duration) {
  ScenarioResult s;
  s.id = id;
  s.name = name;
  s.pos = std::move(pos);
  s.covers = std::move(covers);
  s.verdict = verdict;
  s.started = Millis(started);
  s.duration = Millis(duration);
  s.capabilities = {"subscribe"};
  return s;
}

runner::RequirementResult requirement(const std::string& id, Level level, const std::string& text,
                                      Verdict verdict, std::vector<std::string> scenarios) {
  runner::RequirementResult r;
  r.id = id;
  r.level = level;
  r.text = text;
  r.source = "back-in-stock-for-developers.txt";
  r.verdict = verdict;
  r.scenarios = std::move(scenarios);
  return r;
}

runner::SuiteResult validation_suite() {
  const std::string file = "suites/validation.yaml";
  runner::SuiteResult suite{"validation",
                            "Subscribe request validation",
                            "Every required field, missing, empty and malformed.",
                            file,
                            {},
                            Millis(131.5)};

  ScenarioResult ok = scenario("valid-subscribe", "A valid request is accepted", at(file, 10, 5),
                               {"BIS-SUCCESS-1"}, Verdict::kPass, 0, 12.25);
  StepResult s0 =
      step(0, "request", "POST a valid subscription", at(file, 14), Verdict::kPass, 0.5, 11.5);
  s0.exchanges.push_back(
      subscribe("a=ABC123&email=bis.r1%40example.com&variant=1001&platform=shopify", 200,
                R"({"email": "bis.r1@example.com", "success": true})", 11.0));
  s0.assertions.push_back(check("status", "", true, "200", "200", "", at(file, 20, 9)));
  s0.assertions.push_back(check("json", "$.success", true, "true", "true", "", at(file, 21, 9)));
  ok.steps.push_back(s0);
  suite.scenarios.push_back(ok);

  ScenarioResult bad =
      scenario("invalid-email", "An address without a dotted domain is rejected", at(file, 24, 5),
               {"BIS-EMAIL-1", "BIS-ERROR-BODY-1"}, Verdict::kFail, 1.0, 25.75);
  StepResult s1 = step(0, "request", "POST test@klaviyo", at(file, 28), Verdict::kFail, 0.25, 20.0);
  s1.exchanges.push_back(subscribe("a=ABC123&email=test%40klaviyo&variant=1001&platform=shopify",
                                   200, R"({"email": "test@klaviyo", "success": true})", 19.5));
  s1.assertions.push_back(check("status", "", false, "400", "200", "expected 400, got 200",
                                at(file, 34, 9), {"BIS-EMAIL-1"}));
  s1.assertions.push_back(check("json", "$.success", false, "false", "true",
                                "expected false, got true", at(file, 35, 9),
                                {"BIS-EMAIL-1", "BIS-ERROR-BODY-1"}));
  s1.assertions.push_back(
      check("json", "$.errors", false,
            "[\n  \"There was something wrong with your request. Please try again.\"\n]",
            "(absent)", "member missing", at(file, 36, 9), {"BIS-ERROR-BODY-1"}));
  bad.steps.push_back(s1);
  StepResult s2 =
      step(1, "observe", "no subscription recorded", at(file, 38), Verdict::kPass, 21.0, 4.0);
  s2.exchanges.push_back(
      admin("GET", "/__admin/subscriptions?email=test%40klaviyo", 200, "[]", 3.5));
  s2.assertions.push_back(check("count", "", true, "0", "0", "", at(file, 40, 9)));
  bad.steps.push_back(s2);
  suite.scenarios.push_back(bad);

  ScenarioResult list = scenario("list-subscribe", "The List API call adds the profile",
                                 at(file, 44, 5), {"BIS-LIST-1"}, Verdict::kNotApplicable, 2.0, 0);
  list.capabilities = {"subscribe", "list-api"};
  list.reason = "the target does not offer capability 'list-api'";
  suite.scenarios.push_back(list);

  ScenarioResult magento =
      scenario("magento-store", "Magento 2 accepts the store field", at(file, 52, 5),
               {"BIS-PLATFORM-1"}, Verdict::kNotApplicable, 2.0, 0);
  magento.reason = "the target defines no target.accounts.magento_two";
  suite.scenarios.push_back(magento);
  return suite;
}

runner::SuiteResult lifecycle_suite() {
  const std::string file = "suites/lifecycle.yaml";
  runner::SuiteResult suite{"lifecycle",   "Duplicates, restock and notification", "", file, {},
                            Millis(2250.0)};

  ScenarioResult dup =
      scenario("duplicate-once", "Duplicate requests create one event", at(file, 8, 5),
               {"BIS-DUP-1", "BIS-DUP-ANSWER-1"}, Verdict::kWarn, 5.0, 140.0);
  dup.tags = {"duplicates"};
  StepResult r = step(0, "request", "POST the same subscription twice", at(file, 12),
                      Verdict::kWarn, 0.5, 30.0);
  r.attempts = 1;
  r.exchanges.push_back(
      subscribe("a=ABC123&email=bis.r1.dup%40example.com&variant=1001&platform=shopify", 200,
                R"({"email": "bis.r1.dup@example.com", "success": true})", 14.0));
  r.exchanges.push_back(subscribe(
      "a=ABC123&email=bis.r1.dup%40example.com&variant=1001&platform=shopify", 200,
      R"({"email": "bis.r1.dup@example.com", "success": true, "duplicate": true})", 15.0));
  r.assertions.push_back(check("status", "", true, "200", "200", "", at(file, 16, 9)));
  Assertion extra = check("json", "$.duplicate", false, "(absent)", "true", "unexpected member",
                          at(file, 17, 9), {"BIS-DUP-ANSWER-1"});
  extra.exchange = 1;
  r.assertions.push_back(extra);
  dup.steps.push_back(r);
  StepResult w = step(1, "wait", "let events settle", at(file, 19), Verdict::kPass, 31.0, 50.0);
  dup.steps.push_back(w);
  StepResult o = step(2, "observe", "one event", at(file, 21), Verdict::kPass, 81.0, 55.0);
  o.attempts = 3;
  o.exchanges.push_back(admin("GET", "/__admin/events?email=bis.r1.dup%40example.com", 200,
                              R"([{"metric": "Subscribed to Back in Stock", "variant": "1001"}])",
                              2.0));
  o.assertions.push_back(check("count", "", true, "1", "1", "", at(file, 24, 9)));
  dup.steps.push_back(o);
  suite.scenarios.push_back(dup);

  ScenarioResult restock =
      scenario("restock-notifies", "A restock notifies and clears the subscriber", at(file, 30, 5),
               {"BIS-CLEAR-1"}, Verdict::kError, 150.0, 2000.0);
  restock.reason = "step 2 (control): the control surface refused set_inventory: 503";
  StepResult c0 = step(0, "request", "subscribe", at(file, 34), Verdict::kPass, 0.0, 10.0);
  c0.exchanges.push_back(
      subscribe("a=ABC123&email=bis.r1.rs%40example.com&variant=v-r1-1&platform=shopify", 200,
                R"({"email": "bis.r1.rs@example.com", "success": true})", 9.0));
  c0.assertions.push_back(check("status", "", true, "200", "200", "", at(file, 38, 9)));
  restock.steps.push_back(c0);
  StepResult c1 =
      step(1, "control", "set_inventory 10", at(file, 40), Verdict::kError, 10.0, 1990.0);
  c1.error = "control call answered 503";
  c1.exchanges.push_back(admin("PUT", "/__admin/accounts/ABC123/variants/v-r1-1", 503,
                               R"({"error": "inventory store unavailable"})", 1990.0));
  c1.exchanges.back().request_headers = {{"Content-Type", "application/json"}};
  c1.exchanges.back().request_body = R"({"inventory": 10})";
  restock.steps.push_back(c1);
  suite.scenarios.push_back(restock);

  ScenarioResult unreachable =
      scenario("unlimited-variants", "A profile may subscribe to many variants", at(file, 50, 5),
               {"BIS-MANY-1"}, Verdict::kError, 150.0, 5000.0);
  unreachable.reason = "no answer from the target: timeout after 5s";
  StepResult t =
      step(0, "request", "POST 100 variants", at(file, 54), Verdict::kError, 0.0, 5000.0);
  t.error = "timeout after 5s";
  Exchange lost = subscribe("a=ABC123&email=bis.r1.many%40example.com&variant=v-0&platform=shopify",
                            0, "", 5000.0);
  lost.status.reset();
  lost.response_headers.clear();
  lost.error = "timeout after 5s";
  t.exchanges.push_back(lost);
  unreachable.steps.push_back(t);
  suite.scenarios.push_back(unreachable);

  ScenarioResult flow =
      scenario("no-flow-no-notify", "Without a flow nobody is notified", at(file, 60, 5),
               {"BIS-FLOW-1", "BIS-UNKNOWN-9"}, Verdict::kFail, 2200.0, 48.0);
  StepResult f0 = step(0, "observe", "no notification", at(file, 64), Verdict::kFail, 0.0, 48.0);
  f0.exchanges.push_back(admin("GET", "/__admin/notifications?email=bis.r1.nf%40example.com", 200,
                               R"([{"variant": "1002", "channel": "email"}])", 3.0));
  f0.exchanges.back().response_body_truncated = true;
  f0.assertions.push_back(check("count", "", false, "0", "1", "expected 0, got 1", at(file, 68, 9),
                                {"BIS-FLOW-1", "BIS-UNKNOWN-9"}));
  flow.steps.push_back(f0);
  // A `finally` step still runs after the failure: it puts the flow back.
  StepResult f1 = step(1, "control", "remove the flow again", at(file, 70), Verdict::kPass, 48.0, 4.0);
  f1.cleanup = true;
  f1.exchanges.push_back(
      admin("DELETE", "/__admin/accounts/PkShop/flow", 200, R"({"account": "PkShop", "flow": null})", 3.0));
  flow.steps.push_back(f1);
  suite.scenarios.push_back(flow);
  return suite;
}

}  // namespace

std::chrono::system_clock::time_point fixed_start() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1714564800));
}
std::chrono::system_clock::time_point fixed_now() {
  return fixed_start() + std::chrono::seconds(90);
}

runner::RunResult fixture_tree() {
  runner::RunResult r;
  r.tool_version = "0.1.0";
  r.run_id = "r20240501-1200-ab12";
  r.target = {"mock",
              "bundled mock",
              kBase,
              "bis-mock 0.1.0",
              "1",
              {"subscribe", "reset", "fixtures", "inventory", "flow", "subscriptions", "events",
               "notifications"}};
  r.started_at = fixed_start();
  r.duration = Millis(2381.5);
  r.suites = {validation_suite(), lifecycle_suite()};
  r.requirements = {
      requirement("BIS-SUCCESS-1", Level::kMust,
                  "The correct Account ID and a valid email address must be included to receive a "
                  "successful response.",
                  Verdict::kPass, {"validation/valid-subscribe"}),
      requirement("BIS-EMAIL-1", Level::kMust,
                  "email: The email address entered by the subscriber (must be correctly formatted "
                  "& valid)",
                  Verdict::kFail, {"validation/invalid-email"}),
      requirement("BIS-ERROR-BODY-1", Level::kMust,
                  "{\"errors\": [\"There was something wrong with your request. Please try "
                  "again.\"], \"data\": {}, \"success\": false}",
                  Verdict::kFail, {"validation/invalid-email"}),
      requirement("BIS-DUP-1", Level::kMust,
                  "If multiple requests are submitted for the same email address on the same "
                  "variant, only the first will be accepted.",
                  Verdict::kPass, {"lifecycle/duplicate-once"}),
      requirement("BIS-DUP-ANSWER-1", Level::kShould,
                  "A duplicate request should get the standard success response.", Verdict::kWarn,
                  {"lifecycle/duplicate-once"}),
      requirement("BIS-CLEAR-1", Level::kMust,
                  "After an individual receives an email notifying them that a specific variant is "
                  "back in stock, their existing subscription is cleared.",
                  Verdict::kError, {"lifecycle/restock-notifies"}),
      requirement("BIS-MANY-1", Level::kMay,
                  "A single person can sign up to be notified for hundreds or thousands of unique "
                  "variants.",
                  Verdict::kError, {"lifecycle/unlimited-variants"}),
      requirement("BIS-FLOW-1", Level::kMust,
                  "Please note that no subscribers will be notified when an item is restocked if "
                  "you do not first set up a back in stock flow.",
                  Verdict::kFail, {"lifecycle/no-flow-no-notify"}),
      requirement("BIS-LIST-1", Level::kMay,
                  "To subscribe a customer to a list as part of the Back In Stock workflow, you "
                  "will need to make a separate, additional call to our existing List API.",
                  Verdict::kNotApplicable, {}),
      requirement("BIS-PLATFORM-1", Level::kMust, "platform: bigcommerce", Verdict::kNotApplicable,
                  {}),
  };
  // An inferred rule is stated, not quoted, and carries why it is inferred.
  r.requirements[4].inferred = true;
  r.requirements[4].inference =
      "What a duplicate is answered is not documented; inferred, so it warns.";
  // Every requirement but BIS-LIST-1 is in the run (a selected scenario covers it); the MUST
  // ones left unchecked are counted in the verdict line.
  for (auto& req : r.requirements) req.in_run = req.id != "BIS-LIST-1";
  r.requirements[9].reason = "the target defines no target.accounts.magento_two";  // PLATFORM-1
  // Contract A: an error says why the requirement could not be checked.
  r.requirements[5].reason =
      "precondition failed at lifecycle/restock-notifies step 2 (control call answered 503)";
  r.requirements[6].reason =
      "check could not run at lifecycle/unlimited-variants step 1 (timeout after 5s)";
  return r;
}

std::string hostile_payload() {
  return std::string(
             "]]><!-- </script><script>alert(1)</script> <img src=x onerror=alert(2)> "
             "| pipe | `tick` **bold** [link](http://evil.example/) &amp; \x1b[31mRED\x1b[0m "
             "\x1b]0;pwned\x07 \x1b[2J\r\x08\x9b nul:") +
         std::string(1, '\0') + " bad:\xff\xfe\xc3 surrogate:\xed\xa0\x80 bidi:\xe2\x80\xae" +
         "gnp.exe end \"quote' \xef\xbf\xbf";
}

runner::RunResult hostile_tree() {
  runner::RunResult r = fixture_tree();
  const std::string evil = hostile_payload();
  r.target.implementation = evil;
  for (auto& suite : r.suites) {
    for (auto& s : suite.scenarios) {
      if (!s.reason.empty()) s.reason += evil;
      for (auto& step : s.steps) {
        if (!step.error.empty()) step.error += evil;
        for (auto& x : step.exchanges) {
          x.response_body = evil + x.response_body + evil;
          x.response_headers.push_back({"X-Evil", evil});
          if (!x.error.empty()) x.error += evil;
        }
        for (auto& a : step.assertions) {
          if (!a.passed) {
            a.actual = evil;
            a.message = "expected 400, got " + evil;
          }
        }
      }
    }
  }
  return r;
}

const std::vector<std::string>& secrets() {
  static const std::vector<std::string> values = {"pk_0123456789abcdef0123456789abcdef01",
                                                  "admin-token-s3cr3t", "hunter2-password",
                                                  "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"};
  return values;
}

runner::RunResult secret_tree() {
  runner::RunResult r = fixture_tree();
  const auto& s = secrets();
  r.target.base_url = "https://ops:" + s[2] + "@staging.example.com";
  auto& x = r.suites[0].scenarios[1].steps[0].exchanges[0];
  x.request_headers.push_back({"Authorization", "Klaviyo-API-Key " + s[0]});
  x.request_headers.push_back({"api-key", s[0]});
  x.request_headers.push_back({"X-Admin-Token", s[1]});
  x.request_body += "&api_key=" + s[0];
  x.curl += " -H 'Authorization: " + s[3] + "' -H 'api-key: " + s[0] +
            "' -H 'X-Admin-Token: " + s[1] + "'";
  x.url += "?private_key=" + s[0];
  x.response_body = R"({"echo": {"api_key": ")" + s[0] + R"(", "token": ")" + s[1] + R"("}})";
  x.response_headers.push_back({"Set-Cookie", "session=" + s[2]});
  auto& a = r.suites[0].scenarios[1].steps[0].assertions[0];
  a.actual = "header Authorization: " + s[3];
  auto& admin = r.suites[1].scenarios[1].steps[1].exchanges[0];
  admin.request_headers.push_back({"X-Admin-Token", s[1]});
  admin.curl += " -H 'X-Admin-Token: " + s[1] + "'";
  r.suites[1].scenarios[1].reason += " (token " + s[1] + ")";
  return r;
}

runner::RunResult large_tree(size_t scenarios, size_t suites) {
  runner::RunResult r = fixture_tree();
  std::vector<ScenarioResult> pool;
  for (const auto& suite : r.suites) {
    for (const auto& s : suite.scenarios) pool.push_back(s);
  }
  // A typical passing scenario: subscribe, then read subscriptions and events.
  ScenarioResult pass = pool[0];
  const std::string file = pass.pos.file;
  StepResult subs = step(1, "observe", "one subscription", at(file, 22), Verdict::kPass, 12, 3);
  subs.exchanges.push_back(admin("GET", "/__admin/subscriptions?email=bis.r1%40example.com", 200,
                                 R"([{"email": "bis.r1@example.com", "variant": "1001"}])", 2.5));
  subs.assertions.push_back(check("count", "", true, "1", "1", "", at(file, 24, 9)));
  StepResult events = subs;
  events.index = 2;
  events.name = "one event";
  events.exchanges[0] =
      admin("GET", "/__admin/events?email=bis.r1%40example.com", 200,
            R"([{"metric": "Subscribed to Back in Stock", "variant": "1001"}])", 2.5);
  pass.steps.push_back(subs);
  pass.steps.push_back(events);

  r.suites.clear();
  for (size_t i = 0; i < suites; ++i) {
    runner::SuiteResult suite;
    suite.id = "suite-" + std::to_string(i);
    suite.name = "Generated suite " + std::to_string(i);
    suite.file = "suites/" + suite.id + ".yaml";
    r.suites.push_back(std::move(suite));
  }
  // Three in four pass; the fourth cycles through the fixture's verdicts.
  for (size_t i = 0; i < scenarios; ++i) {
    ScenarioResult s = (i % 4 == 0) ? pool[(i / 4) % pool.size()] : pass;
    s.id += "-" + std::to_string(i);
    r.suites[i % suites].scenarios.push_back(std::move(s));
  }
  return r;
}

runner::RunResult failing_tree(size_t scenarios, size_t requirements) {
  runner::RunResult r = large_tree(0, 10);
  std::optional<ScenarioResult> model;  // the fixture's first failing scenario
  for (const auto& suite : fixture_tree().suites) {
    for (const auto& s : suite.scenarios) {
      if (!model && s.verdict == Verdict::kFail) model = s;
    }
  }
  r.requirements.clear();
  for (size_t k = 0; k < requirements; ++k) {
    r.requirements.push_back(requirement(
        "BIS-GEN-" + std::to_string(k + 1), Level::kMust,
        "email: The email address entered by the subscriber. The request must carry it as a form "
        "field, and the answer says whether it was accepted (requirement " +
            std::to_string(k + 1) + ").",
        Verdict::kFail, {}));
  }
  for (size_t i = 0; i < scenarios; ++i) {
    ScenarioResult s = *model;
    s.id = "generated-failure-" + std::to_string(i);
    const std::string id = r.requirements[i % requirements].id;
    s.covers = {id};
    for (auto& step : s.steps) {
      for (auto& a : step.assertions) a.requirements = {id};
    }
    auto& suite = r.suites[i % r.suites.size()];
    r.requirements[i % requirements].scenarios.push_back(suite.id + "/" + s.id);
    suite.scenarios.push_back(std::move(s));
  }
  return r;
}

}  // namespace bis::reports::testing
