// The step half of the suite loader: `request`, `control` and `observe`.
#include <algorithm>

#include "bis/common/control_surface.h"
#include "bis/common/protocol.h"
#include "bis/common/text.h"
#include "loader.h"

namespace bis::runner {

const std::vector<std::string>& endpoint_names() {
  static const std::vector<std::string> names = protocol::route_names(protocol::RouteKind::kEndpoint);
  return names;
}

namespace load {

void add_unique(std::vector<std::string>& list, std::string_view value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.emplace_back(value);
}

namespace {

// "' and '"-joined quoted words: 'variant' and 'inventory'.
std::string quoted_words(std::string_view list) {
  std::string out;
  for (std::string_view w : protocol::words(list))
    out += (out.empty() ? "'" : " and '") + std::string(w) + "'";
  return out;
}

// The route a step names, or an error "unknown <what> 'x' (did you mean/known: ...)" at `at`.
const protocol::Route* named_route(Loader& l, const YAML::Node& at, const std::string& name,
                                   protocol::RouteKind kind, std::string_view what) {
  const auto in_steps = [](const protocol::Route& r) { return r.in_steps; };
  const protocol::Route* r = protocol::find_route(name, {kind});
  if (r && r->in_steps) return r;
  l.error(at, "unknown " + std::string(what) + " '" + name + "'" +
                  known_or_did_you_mean(name, protocol::route_names(kind, in_steps)));
  return nullptr;
}

// The keys a control or observe step may have: `first` (action, what) and every argument of
// the table's routes of `kind`.
std::vector<std::string_view> step_keys(protocol::RouteKind kind, std::string_view first) {
  std::vector<std::string_view> keys = {first};
  for (const protocol::Route& r : protocol::routes()) {
    if (r.kind != kind || !r.in_steps) continue;
    for (std::string_view w : protocol::words(r.args)) {
      if (std::find(keys.begin(), keys.end(), w) == keys.end()) keys.push_back(w);
    }
  }
  return keys;
}

}  // namespace

bool Loader::request(const YAML::Node& node, Step& st, Scenario& sc) {
  st.kind = Step::Kind::kRequest;
  if (!check_map(node,
                 {"method", "endpoint", "path", "list", "query", "headers", "form", "multipart",
                  "json", "body", "content_type"},
                 "a request")) {
    return false;
  }
  RequestSpec& r = st.request;
  r.pos = pos(node);
  r.method = Text{"POST", r.pos, nullptr};
  if (const YAML::Node n = get(node, "method"); n.IsDefined()) {
    if (auto t = text(n, "method")) r.method = *t;
    if (!is_templated(r.method.text)) {
      for (char& c : r.method.text) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
  }
  const YAML::Node endpoint = get(node, "endpoint");
  const YAML::Node path = get(node, "path");
  if (endpoint.IsDefined() == path.IsDefined()) {
    error(node, "a request needs exactly one of 'endpoint' or 'path'");
    return false;
  }
  if (endpoint.IsDefined()) {
    r.endpoint = scalar(endpoint, "endpoint").value_or("");
    const protocol::Route* route =
        named_route(*this, endpoint, r.endpoint, protocol::RouteKind::kEndpoint, "endpoint");
    if (!route) return false;
    add_unique(sc.implied, route->capability);
  } else {
    r.path = text(path, "path");
    if (r.path && !r.path->text.empty() && r.path->text[0] != '/' && !is_templated(r.path->text)) {
      error(path, "path must start with '/'");
    }
  }
  if (const YAML::Node n = get(node, "list"); n.IsDefined()) r.list = text(n, "list");
  if (const protocol::Route* route = protocol::find_route(r.endpoint, {protocol::RouteKind::kEndpoint});
      route && protocol::has_word(route->required, "list") && !r.list) {
    error(node, "endpoint " + r.endpoint + " needs 'list'");
  }
  if (const YAML::Node n = get(node, "query"); n.IsDefined()) r.query = named_texts(n, "query");
  if (const YAML::Node n = get(node, "headers"); n.IsDefined())
    r.headers = named_texts(n, "headers");
  int bodies = 0;
  for (const char* key : {"form", "multipart", "json", "body"})
    bodies += get(node, key).IsDefined();
  if (bodies > 1) error(node, "a request has at most one of 'form', 'multipart', 'json' or 'body'");
  if (const YAML::Node n = get(node, "form"); n.IsDefined()) {
    r.body_kind = BodyKind::kForm;
    r.fields = named_texts(n, "form");
  } else if (const YAML::Node m = get(node, "multipart"); m.IsDefined()) {
    r.body_kind = BodyKind::kMultipart;
    r.fields = named_texts(m, "multipart");
    add_unique(sc.implied, protocol::capability::kMultipart);
  } else if (const YAML::Node j = get(node, "json"); j.IsDefined()) {
    r.body_kind = BodyKind::kJson;
    if (auto v = value(j)) r.json = *v;
  } else if (const YAML::Node b = get(node, "body"); b.IsDefined()) {
    r.body_kind = BodyKind::kRaw;
    if (auto t = text(b, "body")) r.raw = *t;
  }
  if (const YAML::Node n = get(node, "content_type"); n.IsDefined()) {
    if (r.body_kind != BodyKind::kRaw)
      error(n, "content_type goes with 'body' (form, multipart and json set their own)");
    r.content_type = text(n, "content_type");
  }
  if (st.name.empty()) {
    st.name =
        r.method.text + " " + (r.endpoint.empty() ? (r.path ? r.path->text : "") : r.endpoint);
  }
  return true;
}

bool Loader::control(const YAML::Node& node, Step& st, Scenario& sc) {
  st.kind = Step::Kind::kControl;
  ControlSpec& c = st.control;
  c.pos = pos(node);
  YAML::Node args;
  if (node.IsScalar()) {
    c.action = node.Scalar();
  } else {
    static const std::vector<std::string_view> kKeys =
        step_keys(protocol::RouteKind::kAction, "action");
    if (!check_map(node, kKeys, "a control step")) return false;
    const YAML::Node a = get(node, "action");
    if (!a.IsDefined()) {
      error(node, "a control step needs 'action'");
      return false;
    }
    c.action = scalar(a, "action").value_or("");
    args = node;
  }
  const protocol::Route* route =
      named_route(*this, node, c.action, protocol::RouteKind::kAction, "control action");
  if (!route) return false;
  if (args.IsDefined()) {
    for (auto it = args.begin(); it != args.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (k != "action" && !protocol::has_word(route->args, k))
        error(it->first, "'" + k + "' does not apply to control action " + c.action);
    }
  }
  // Reads and a variant's inventory touch only what the scenario names; the rest changes
  // state every scenario shares.
  if (route->shared_state && !sc.exclusive) {
    error(node, "control action " + c.action +
                    " changes state other scenarios share: the scenario must be 'exclusive: true'");
  }
  add_unique(sc.implied, route->capability);
  for (std::string_view k : protocol::words(route->required)) {
    if (!get(args, k).IsDefined()) {
      error(node, c.action + " needs " + quoted_words(route->required));
      return false;
    }
  }
  if (const YAML::Node v = get(args, "variant"); v.IsDefined()) c.variant = text(v, "variant");
  if (const YAML::Node i = get(args, "inventory"); i.IsDefined()) {
    c.inventory = value(i);
    if (c.inventory && !c.inventory->json.is_number_integer() && !c.inventory->json.is_string())
      error(i, "inventory must be an integer");
  }
  // The settings as a map, or one template giving what a get_flow captured (its null: no
  // flow, which set_flow then removes).
  if (const YAML::Node f = get(args, "flow"); f.IsDefined()) {
    if (f.IsScalar() && is_templated(f.Scalar())) {
      c.flow = value(f);
    } else if (check_map(f, {"enabled", "threshold", "batch_size", "batch_interval_seconds"},
                         "flow")) {
      c.flow = value(f);
    }
  }
  if (const YAML::Node b = get(args, "by"); b.IsDefined()) {
    c.by = duration(b, "by");
    if (c.by && c.by->count() <= 0) error(b, "by must be a positive duration (the clock only advances)");
  }
  if (const YAML::Node a = get(args, "account"); a.IsDefined()) {
    c.account = text(a, "account");
  } else if (route->default_account) {
    use_target_value("target.key");
  }
  if (st.name.empty()) st.name = "control " + c.action;
  return true;
}

bool Loader::observe(const YAML::Node& node, Step& st, Scenario& sc) {
  st.kind = Step::Kind::kObserve;
  static const std::vector<std::string_view> kKeys =
      step_keys(protocol::RouteKind::kObservation, "what");
  if (!check_map(node, kKeys, "an observation")) return false;
  ObserveSpec& o = st.observe;
  o.pos = pos(node);
  const YAML::Node what = get(node, "what");
  if (!what.IsDefined()) {
    error(node, "an observation needs 'what'");
    return false;
  }
  o.what = scalar(what, "what").value_or("");
  const protocol::Route* route =
      named_route(*this, what, o.what, protocol::RouteKind::kObservation, "observation");
  if (!route) return false;
  add_unique(sc.implied, route->capability);
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (k != "what" && !protocol::has_word(route->args, k)) {
      error(it->first, "'" + k + "' does not apply to observation " + o.what + " (it takes " +
                           std::string(route->args) + ")");
    }
  }
  for (std::string_view k : protocol::words(route->required)) {
    if (!get(node, k).IsDefined()) error(node, "observing " + o.what + " needs '" + std::string(k) + "'");
  }
  auto opt = [&](const char* key, std::optional<Text>& out) {
    if (const YAML::Node n = get(node, key); n.IsDefined()) out = text(n, key);
  };
  opt("account", o.account);
  opt("email", o.email);
  opt("variant", o.variant);
  opt("list", o.list);
  opt("path", o.path);
  if (const YAML::Node n = get(node, "limit"); n.IsDefined()) o.limit = value(n);
  if (st.name.empty()) st.name = "observe " + o.what;
  return true;
}

}  // namespace load
}  // namespace bis::runner
