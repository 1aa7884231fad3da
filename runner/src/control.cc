#include "bis/runner/control.h"

#include <algorithm>

#include "bis/common/control_surface.h"
#include "bis/common/protocol.h"
#include "bis/common/text.h"
#include "bis/runner/json_diff.h"
#include "bis/runner/process.h"
#include "bis/runner/template.h"

namespace bis::runner {

using nlohmann::json;

namespace {

void add_query(std::string& target, std::string_view name, const std::string& value) {
  if (value.empty()) return;
  target += target.find('?') == std::string::npos ? '?' : '&';
  target += std::string(name) + "=" + protocol::encode_segment(value);
}

// Observations answer {"count": N, "items": [...]}; hooks may print a bare array.
std::optional<json> records_of(const json& answer) {
  if (answer.is_array()) return answer;
  if (answer.is_object()) {
    auto it = answer.find("items");
    if (it != answer.end() && it->is_array()) return *it;
  }
  return std::nullopt;
}

void finish(ControlResult& r, const ControlCall& call, std::string_view body) {
  if (!r.error.empty()) return;
  json answer;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    answer = nullptr;
  } else {
    answer = json::parse(body, nullptr, false);
    if (answer.is_discarded()) {
      const json text(std::string(body.substr(0, 200)));
      r.error = "the control answer is not JSON: " + render_value(&text);
      return;
    }
  }
  if (call.is_observation()) {
    auto records = records_of(answer);
    if (!records) {
      r.error = "the " + call.action + " observation answered " + render_value(&answer, 200) +
                ", not a list of records";
      return;
    }
    r.answer = filter_records(*records, call);
  } else {
    r.answer = std::move(answer);
  }
}

// The route of a control action or observation in the control-surface table.
const protocol::Route* control_route(std::string_view action) {
  return protocol::find_route(action,
                              {protocol::RouteKind::kAction, protocol::RouteKind::kObservation});
}

// The JSON body of a call, as the table's row says ("" for none).
std::string body_of(const protocol::Route& route, const ControlCall& call) {
  switch (route.body) {
    case protocol::Body::kInventory: return json{{"inventory", call.inventory.value_or(0)}}.dump();
    case protocol::Body::kFlow: return (call.flow.is_null() ? json::object() : call.flow).dump();
    case protocol::Body::kNull: return "null";
    case protocol::Body::kSettle:
      return call.timeout_ms ? json{{"timeout_ms", *call.timeout_ms}}.dump() : "";
    case protocol::Body::kClock: return json{{"advance_ms", call.advance_ms.value_or(0)}}.dump();
    case protocol::Body::kNone:
    case protocol::Body::kFixtures: return "";
  }
  return "";
}

class HttpControl : public ControlSurface {
 public:
  HttpControl(std::shared_ptr<HttpClient> client, std::string token)
      : client_(std::move(client)), token_(std::move(token)) {}

  bool supports(const std::string&) const override { return true; }

  ControlResult call(const ControlCall& call, Duration timeout) override {
    ControlResult r;
    const protocol::Route* route = control_route(call.action);
    if (!route) {
      r.error = "unknown control action " + call.action;
      return r;
    }
    HttpRequest req;
    req.method = std::string(route->method);
    req.target = protocol::expand_path(
        route->path, {{"account", call.account}, {"variant", call.variant}, {"list", call.list}});
    req.body = body_of(*route, call);
    if (route->kind == protocol::RouteKind::kObservation) {
      // The filters that are not in the path go in the query.
      for (const auto& [name, value] : std::initializer_list<std::pair<const char*, std::string>>{
               {"account", call.account},
               {"email", call.email},
               {"variant", call.variant},
               {"path", call.path},
               {"limit", call.limit ? std::to_string(*call.limit) : ""}}) {
        if (protocol::has_word(route->args, name) &&
            route->path.find(std::string("{") + name + "}") == std::string_view::npos) {
          add_query(req.target, name, value);
        }
      }
    }
    req.headers.emplace_back("Accept", "application/json");
    if (!req.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    if (!token_.empty()) req.headers.emplace_back(std::string(protocol::kAdminTokenHeader), token_);

    r.method = req.method;
    r.url = client_->url(req.target);
    r.request_headers = req.headers;
    r.request_body = req.body;
    HttpResult http = client_->send(req, timeout);
    // Every control action is idempotent (GETs, absolute PUTs, reset, clear): when a kept-alive
    // connection turns out closed under the request, one retry on a fresh one is safe
    // (RFC 9110 9.2.2). A timeout or a refused connection is the answer.
    if (!http.response && http.error_kind == TransportError::kOther) http = client_->send(req, timeout);
    r.duration = http.duration;
    if (!http.response) {
      r.error = http.error;
      r.transport = http.error_kind;
      return r;
    }
    r.status = http.response->status;
    r.response_headers = http.response->headers;
    r.response_body = http.response->body;
    if (r.status < 200 || r.status > 299) {
      const json text(r.response_body.substr(0, 300));
      r.error = "control call " + req.method + " " + r.url + " answered " +
                std::to_string(*r.status) + ": " + render_value(&text);
      return r;
    }
    finish(r, call, r.response_body);
    return r;
  }

 private:
  std::shared_ptr<HttpClient> client_;
  std::string token_;
};

class ShellControl : public ControlSurface {
 public:
  ShellControl(std::map<std::string, std::string> commands, std::string cwd,
               std::vector<std::pair<std::string, std::string>> env)
      : commands_(std::move(commands)), cwd_(std::move(cwd)), env_(std::move(env)) {}

  bool supports(const std::string& action) const override { return commands_.count(action) > 0; }

  ControlResult call(const ControlCall& call, Duration timeout) override {
    ControlResult r;
    auto it = commands_.find(call.action);
    if (it == commands_.end()) {
      r.error = "the target profile has no command for control action " + call.action;
      return r;
    }
    r.command = it->second;
    auto env = env_;
    const json args = call.args();
    env.emplace_back("BIS_ACTION", call.action);
    for (auto a = args.begin(); a != args.end(); ++a) {
      std::string name = "BIS_" + a.key();
      for (char& c : name) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
      env.emplace_back(name, value_text(*a));
    }
    env.emplace_back("BIS_ARGS", args.dump());
    const protocol::Route* route = control_route(call.action);
    // A hook removing a flow knows it from BIS_ACTION; its stdin stays empty, as it always was.
    const std::string input =
        route && route->body != protocol::Body::kNull ? body_of(*route, call) : "";
    r.request_body = input;
    const auto start = std::chrono::steady_clock::now();
    CommandResult out = run_shell(r.command, env, input, timeout, cwd_);
    r.duration = std::chrono::steady_clock::now() - start;
    r.response_body = out.out;
    if (!out.error.empty()) {
      r.error = "control command for " + call.action + " could not start: " + out.error;
    } else if (out.timed_out) {
      r.error = "control command for " + call.action + " did not finish within " +
                format_duration(timeout);
    } else if (out.exit_code != 0) {
      r.error = "control command for " + call.action + " failed (exit " +
                std::to_string(out.exit_code) + ")" +
                (out.err.empty() ? "" : ": " + out.err.substr(0, 500));
    }
    finish(r, call, out.out);
    return r;
  }

 private:
  std::map<std::string, std::string> commands_;
  std::string cwd_;
  std::vector<std::pair<std::string, std::string>> env_;
};

}  // namespace

bool ControlCall::is_observation() const {
  return protocol::find_route(action, {protocol::RouteKind::kObservation}) != nullptr;
}

json ControlCall::args() const {
  json a = json::object();
  for (const auto& [k, v] : {std::pair<const char*, const std::string*>{"account", &account},
                             {"variant", &variant},
                             {"email", &email},
                             {"list", &list},
                             {"path", &path}}) {
    if (!v->empty()) a[k] = *v;
  }
  if (inventory) a["inventory"] = *inventory;
  if (limit) a["limit"] = *limit;
  if (timeout_ms) a["timeout_ms"] = *timeout_ms;
  if (advance_ms) a["advance_ms"] = *advance_ms;
  if (action == "set_flow") a["flow"] = flow.is_null() ? json::object() : flow;
  return a;
}

const std::vector<std::string>& control_actions() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n = protocol::route_names(protocol::RouteKind::kAction);
    for (auto& o : protocol::route_names(protocol::RouteKind::kObservation)) n.push_back(o);
    return n;
  }();
  return names;
}

json filter_records(const json& records, const ControlCall& call) {
  json out = json::array();
  auto field = [](const json& r, const char* key) -> std::string {
    auto it = r.find(key);
    if (it == r.end() || it->is_null()) return "";
    return value_text(*it);
  };
  for (const json& r : records) {
    if (!r.is_object()) {
      out.push_back(r);
      continue;
    }
    if (!call.account.empty() && r.contains("account") && field(r, "account") != call.account)
      continue;
    if (!call.variant.empty() && r.contains("variant") && field(r, "variant") != call.variant)
      continue;
    if (!call.list.empty() && r.contains("list") && field(r, "list") != call.list) continue;
    if (!call.email.empty() && (r.contains("email") || r.contains("profile")) &&
        !iequals(field(r, "email"), call.email) && !iequals(field(r, "profile"), call.email)) {
      continue;
    }
    out.push_back(r);
  }
  return out;
}

std::unique_ptr<ControlSurface> make_http_control(std::shared_ptr<HttpClient> client,
                                                  std::string token) {
  return std::make_unique<HttpControl>(std::move(client), std::move(token));
}

std::unique_ptr<ControlSurface> make_shell_control(
    std::map<std::string, std::string> commands, std::string cwd,
    std::vector<std::pair<std::string, std::string>> env) {
  return std::make_unique<ShellControl>(std::move(commands), std::move(cwd), std::move(env));
}

}  // namespace bis::runner
