// The step half of the suite loader: `request`, `control` and `observe`.
#include <algorithm>

#include "bis/common/protocol.h"
#include "bis/common/text.h"
#include "loader.h"

namespace bis::runner {

const std::vector<std::string>& endpoint_names() {
  static const std::vector<std::string> names = {"subscribe", "onsite_subscribe", "list_subscribe"};
  return names;
}

namespace load {

void add_unique(std::vector<std::string>& list, std::string_view value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.emplace_back(value);
}

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
  r.method = Text{"POST", r.pos};
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
    const auto& names = endpoint_names();
    if (std::find(names.begin(), names.end(), r.endpoint) == names.end()) {
      std::string m = "unknown endpoint '" + r.endpoint + "'";
      const std::string guess = closest_match(r.endpoint, names);
      m += guess.empty() ? " (known: subscribe, onsite_subscribe, list_subscribe)"
                         : " (did you mean '" + guess + "'?)";
      error(endpoint, m);
      return false;
    }
    if (r.endpoint == "subscribe") add_unique(sc.implied, protocol::capability::kSubscribe);
    if (r.endpoint == "onsite_subscribe")
      add_unique(sc.implied, protocol::capability::kOnsiteEndpoint);
    if (r.endpoint == "list_subscribe") add_unique(sc.implied, protocol::capability::kListApi);
  } else {
    r.path = text(path, "path");
    if (r.path && !r.path->text.empty() && r.path->text[0] != '/' && !is_templated(r.path->text)) {
      error(path, "path must start with '/'");
    }
  }
  if (const YAML::Node n = get(node, "list"); n.IsDefined()) r.list = text(n, "list");
  if (r.endpoint == "list_subscribe" && !r.list)
    error(node, "endpoint list_subscribe needs 'list'");
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
    if (!check_map(node, {"action", "account", "variant", "inventory", "flow"}, "a control step"))
      return false;
    const YAML::Node a = get(node, "action");
    if (!a.IsDefined()) {
      error(node, "a control step needs 'action'");
      return false;
    }
    c.action = scalar(a, "action").value_or("");
    args = node;
  }
  static const std::vector<std::string> kActions = {
      "reset",   "get_inventory", "set_inventory", "get_flow",
      "set_flow", "remove_flow",  "clear_requests"};
  if (std::find(kActions.begin(), kActions.end(), c.action) == kActions.end()) {
    std::string m = "unknown control action '" + c.action + "'";
    const std::string guess = closest_match(c.action, kActions);
    m += guess.empty() ? " (known: reset, get_inventory, set_inventory, get_flow, set_flow, "
                         "remove_flow, clear_requests)"
                       : " (did you mean '" + guess + "'?)";
    error(node, m);
    return false;
  }
  auto allow = [&](std::initializer_list<std::string_view> keys) {
    if (!args.IsDefined()) return;
    for (auto it = args.begin(); it != args.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (k == "action") continue;
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        error(it->first, "'" + k + "' does not apply to control action " + c.action);
      }
    }
  };
  // Reads and a variant's inventory touch only what the scenario names; the rest changes
  // state every scenario shares.
  const bool shared = c.action == "reset" || c.action == "clear_requests" ||
                      c.action == "set_flow" || c.action == "remove_flow";
  if (shared && !sc.exclusive) {
    error(node, "control action " + c.action +
                    " changes state other scenarios share: the scenario must be 'exclusive: true'");
  }
  if (c.action == "reset") {
    allow({});
    add_unique(sc.implied, protocol::capability::kReset);
  } else if (c.action == "clear_requests") {
    allow({});
    add_unique(sc.implied, protocol::capability::kRequests);
  } else if (c.action == "set_inventory" || c.action == "get_inventory") {
    const bool set = c.action == "set_inventory";
    if (set) {
      allow({"account", "variant", "inventory"});
    } else {
      allow({"account", "variant"});
    }
    add_unique(sc.implied, protocol::capability::kInventory);
    const YAML::Node v = get(args, "variant");
    const YAML::Node i = get(args, "inventory");
    if (!v.IsDefined() || (set && !i.IsDefined())) {
      error(node, set ? "set_inventory needs 'variant' and 'inventory'"
                      : "get_inventory needs 'variant'");
      return false;
    }
    c.variant = text(v, "variant");
    if (set) {
      c.inventory = value(i);
      if (c.inventory && !c.inventory->json.is_number_integer() &&
          !c.inventory->json.is_string()) {
        error(i, "inventory must be an integer");
      }
    }
  } else {
    allow(c.action == "set_flow" ? std::initializer_list<std::string_view>{"account", "flow"}
                                 : std::initializer_list<std::string_view>{"account"});
    add_unique(sc.implied, protocol::capability::kFlow);
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
  }
  if (const YAML::Node a = get(args, "account"); a.IsDefined()) {
    c.account = text(a, "account");
  } else if (c.action != "reset" && c.action != "clear_requests") {
    use_target_value("target.key");  // the default account
  }
  if (st.name.empty()) st.name = "control " + c.action;
  return true;
}

bool Loader::observe(const YAML::Node& node, Step& st, Scenario& sc) {
  st.kind = Step::Kind::kObserve;
  if (!check_map(node, {"what", "account", "email", "variant", "list", "path", "limit"},
                 "an observation")) {
    return false;
  }
  ObserveSpec& o = st.observe;
  o.pos = pos(node);
  const YAML::Node what = get(node, "what");
  if (!what.IsDefined()) {
    error(node, "an observation needs 'what'");
    return false;
  }
  o.what = scalar(what, "what").value_or("");
  static const std::vector<std::string> kWhat = {"subscriptions", "events", "notifications",
                                                 "list_members", "requests"};
  if (std::find(kWhat.begin(), kWhat.end(), o.what) == kWhat.end()) {
    std::string m = "unknown observation '" + o.what + "'";
    const std::string guess = closest_match(o.what, kWhat);
    m += guess.empty() ? " (known: subscriptions, events, notifications, list_members, requests)"
                       : " (did you mean '" + guess + "'?)";
    error(what, m);
    return false;
  }
  add_unique(sc.implied,
             o.what == "list_members" ? std::string(protocol::capability::kListMembers) : o.what);
  auto opt = [&](const char* key, std::optional<Text>& out) {
    if (const YAML::Node n = get(node, key); n.IsDefined()) out = text(n, key);
  };
  opt("account", o.account);
  opt("email", o.email);
  opt("variant", o.variant);
  opt("list", o.list);
  opt("path", o.path);
  if (const YAML::Node n = get(node, "limit"); n.IsDefined()) o.limit = value(n);
  if (o.what == "list_members" && !o.list) error(node, "observing list_members needs 'list'");
  if (o.what != "list_members" && o.list) error(node, "'list' applies to list_members only");
  if (o.what != "requests" && (o.path || o.limit))
    error(node, "'path' and 'limit' apply to requests only");
  if (st.name.empty()) st.name = "observe " + o.what;
  return true;
}

}  // namespace load
}  // namespace bis::runner
