#include "bis/runner/suite_loader.h"

#include <algorithm>
#include <set>

#include "bis/common/protocol.h"
#include "bis/common/text.h"
#include "bis/common/yaml.h"
#include "loader.h"

namespace bis::runner {

using load::Loader;

const std::vector<std::string>& endpoint_names() {
  static const std::vector<std::string> names = {"subscribe", "onsite_subscribe", "list_subscribe"};
  return names;
}

std::vector<std::string> Scenario::capabilities() const {
  std::vector<std::string> out;
  for (const auto* list : {&requires_, &implied}) {
    for (const auto& c : *list) {
      if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    }
  }
  return out;
}

namespace {

constexpr size_t kMaxCopies = 1000;

bool is_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && c == '-');
    if (!ok) return false;
  }
  return true;
}

bool is_requirement_id(std::string_view id) {
  if (id.empty()) return false;
  for (const char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

void add_unique(std::vector<std::string>& list, std::string_view value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.emplace_back(value);
}

class SuiteLoader {
 public:
  explicit SuiteLoader(Loader& l) : l_(l) {}

  std::optional<Suite> suite(const YAML::Node& root) {
    if (!l_.check_map(root, {"suite", "name", "description", "tags", "requires", "vars", "scenarios"},
                      "a suite")) {
      return std::nullopt;
    }
    Suite s;
    s.file = l_.file();
    s.pos = l_.pos(root);
    const YAML::Node id = Loader::get(root, "suite");
    if (!id.IsDefined()) {
      l_.error(root, "a suite needs 'suite: <id>'");
    } else if (auto v = l_.scalar(id, "suite"); v && !is_id(*v)) {
      l_.error(id, "suite id '" + *v + "' must match [a-z0-9][a-z0-9-]* (at most 64 characters)");
    } else if (v) {
      s.id = *v;
    }
    s.name = scalar_or(root, "name");
    s.description = scalar_or(root, "description");
    s.tags = l_.string_list(Loader::get(root, "tags"), "tags");
    s.requires_ = capabilities(Loader::get(root, "requires"));
    l_.begin_suite_scope();
    s.vars = vars(Loader::get(root, "vars"));
    l_.save_suite_scope();
    const YAML::Node scenarios = Loader::get(root, "scenarios");
    if (!scenarios.IsDefined() || !scenarios.IsSequence() || scenarios.size() == 0) {
      l_.error(scenarios.IsDefined() ? scenarios : root, "a suite needs a non-empty list 'scenarios'");
      return s;
    }
    std::set<std::string> ids;
    for (const auto& node : scenarios) {
      auto sc = scenario(node, s);
      if (!sc) continue;
      if (!sc->id.empty() && !ids.insert(sc->id).second) {
        l_.error(Loader::get(node, "id"), "duplicate scenario id '" + sc->id + "'");
      }
      s.scenarios.push_back(std::move(*sc));
    }
    return s;
  }

 private:
  std::string scalar_or(const YAML::Node& map, std::string_view key) {
    const YAML::Node n = Loader::get(map, key);
    if (!n.IsDefined()) return "";
    return l_.scalar(n, key).value_or("");
  }

  std::vector<std::string> capabilities(const YAML::Node& node) {
    std::vector<std::string> out;
    for (const auto& c : l_.string_list(node, "requires")) {
      bool known = false;
      for (auto k : protocol::capability::kAll) known = known || k == c;
      if (!known) {
        std::string m = "unknown capability '" + c + "'";
        const std::string guess = closest_match(c, protocol::capability::kAll);
        if (!guess.empty()) m += " (did you mean '" + guess + "'?)";
        l_.error(node, m);
        continue;
      }
      add_unique(out, c);
    }
    return out;
  }

  std::vector<Var> vars(const YAML::Node& node) {
    std::vector<Var> out;
    if (!node.IsDefined() || node.IsNull()) return out;
    if (!node.IsMap()) {
      l_.error(node, "vars must be a map of name: value");
      return out;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string name = it->first.Scalar();
      if (!load::is_variable_name(name)) {
        l_.error(it->first, "variable name '" + name + "' must match [A-Za-z_][A-Za-z0-9_]*");
        continue;
      }
      if (load::is_builtin_variable(name)) {
        l_.error(it->first, "'" + name + "' is a built-in variable; choose another name");
        continue;
      }
      std::vector<std::string> target_paths;
      auto v = l_.value(it->second, &target_paths);
      if (!v) continue;
      l_.define_var(name, target_paths);  // later vars may use it
      out.push_back(Var{name, std::move(*v)});
    }
    return out;
  }

  std::optional<Scenario> scenario(const YAML::Node& node, const Suite& suite) {
    if (!l_.check_map(node, {"id", "name", "description", "covers", "requires", "tags", "vars",
                             "exclusive", "timeout", "steps"},
                      "a scenario")) {
      return std::nullopt;
    }
    Scenario sc;
    sc.pos = l_.pos(node);
    const YAML::Node id = Loader::get(node, "id");
    if (!id.IsDefined()) {
      l_.error(node, "a scenario needs 'id'");
    } else if (auto v = l_.scalar(id, "id"); v && !is_id(*v)) {
      l_.error(id, "scenario id '" + *v + "' must match [a-z0-9][a-z0-9-]* (at most 64 characters)");
    } else if (v) {
      sc.id = *v;
    }
    sc.name = scalar_or(node, "name");
    sc.description = scalar_or(node, "description");
    const YAML::Node covers = Loader::get(node, "covers");
    sc.covers = l_.string_list(covers, "covers");
    sc.covers_pos = l_.pos(covers.IsDefined() ? covers : node);
    if (sc.covers.empty()) l_.error(covers.IsDefined() ? covers : node, "a scenario needs a non-empty 'covers' list of requirement IDs");
    check_requirement_ids(covers, sc.covers);
    sc.requires_ = suite.requires_;
    for (const auto& c : capabilities(Loader::get(node, "requires"))) add_unique(sc.requires_, c);
    sc.tags = suite.tags;
    for (const auto& t : l_.string_list(Loader::get(node, "tags"), "tags")) add_unique(sc.tags, t);
    if (const YAML::Node n = Loader::get(node, "exclusive"); n.IsDefined()) {
      sc.exclusive = l_.boolean(n, "exclusive").value_or(false);
    }
    if (const YAML::Node n = Loader::get(node, "timeout"); n.IsDefined()) sc.timeout = l_.duration(n, "timeout");
    l_.begin_scope();
    sc.vars = vars(Loader::get(node, "vars"));
    const YAML::Node steps = Loader::get(node, "steps");
    if (!steps.IsDefined() || !steps.IsSequence() || steps.size() == 0) {
      l_.error(steps.IsDefined() ? steps : node, "a scenario needs a non-empty list 'steps'");
    } else {
      for (const auto& s : steps) {
        if (auto st = step(s, sc)) {
          st->index = sc.steps.size();
          sc.steps.push_back(std::move(*st));
        }
      }
    }
    sc.target_values = l_.take_target_values();
    return sc;
  }

  void check_requirement_ids(const YAML::Node& node, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      if (!is_requirement_id(id)) l_.error(node, "requirement ID '" + id + "' must match [A-Z0-9-]+");
    }
  }

  std::optional<Step> step(const YAML::Node& node, Scenario& sc);
  bool request(const YAML::Node& node, Step& st, Scenario& sc);
  bool control(const YAML::Node& node, Step& st, Scenario& sc);
  bool observe(const YAML::Node& node, Step& st, Scenario& sc);
  std::optional<Poll> poll(const YAML::Node& node, bool eventually);

  Loader& l_;
};

std::optional<Step> SuiteLoader::step(const YAML::Node& node, Scenario& sc) {
  if (!l_.check_map(node, {"name", "covers", "request", "control", "observe", "expect", "capture",
                           "eventually", "consistently", "repeat", "concurrent"},
                    "a step")) {
    return std::nullopt;
  }
  Step st;
  st.pos = l_.pos(node);
  int actions = 0;
  for (const char* key : {"request", "control", "observe"}) actions += Loader::get(node, key).IsDefined();
  if (actions != 1) {
    l_.error(node, "a step needs exactly one of 'request', 'control' or 'observe'");
    return std::nullopt;
  }
  if (const YAML::Node n = Loader::get(node, "repeat"); n.IsDefined()) {
    st.repeat = static_cast<int>(l_.integer(n, "repeat", 1, kMaxCopies).value_or(1));
  }
  if (const YAML::Node n = Loader::get(node, "concurrent"); n.IsDefined()) {
    st.concurrent = static_cast<int>(l_.integer(n, "concurrent", 1, kMaxCopies).value_or(1));
    if (Loader::get(node, "repeat").IsDefined()) l_.error(n, "a step has either 'repeat' or 'concurrent', not both");
  }
  l_.set_index_in_scope(Loader::get(node, "repeat").IsDefined() || st.concurrent > 0);
  st.covers = l_.string_list(Loader::get(node, "covers"), "covers");
  st.covers_pos = l_.pos(Loader::get(node, "covers").IsDefined() ? Loader::get(node, "covers") : node);
  check_requirement_ids(Loader::get(node, "covers"), st.covers);
  bool ok;
  if (const YAML::Node r = Loader::get(node, "request"); r.IsDefined()) {
    ok = request(r, st, sc);
  } else if (const YAML::Node c = Loader::get(node, "control"); c.IsDefined()) {
    ok = control(c, st, sc);
  } else {
    ok = observe(Loader::get(node, "observe"), st, sc);
  }
  if (const YAML::Node n = Loader::get(node, "name"); n.IsDefined()) st.name = l_.scalar(n, "name").value_or("");
  if (const YAML::Node n = Loader::get(node, "expect"); n.IsDefined()) {
    st.expect = l_.expectation(n, st.kind == Step::Kind::kObserve);
  }
  if (st.concurrent > 0 && st.kind != Step::Kind::kRequest) {
    l_.error(Loader::get(node, "concurrent"), "concurrent applies to request steps");
  }
  const bool safe_request = st.kind == Step::Kind::kRequest &&
                            (st.request.method.text == "GET" || st.request.method.text == "HEAD");
  for (const char* key : {"eventually", "consistently"}) {
    const YAML::Node n = Loader::get(node, key);
    if (!n.IsDefined()) continue;
    if (st.kind != Step::Kind::kObserve && !safe_request) {
      l_.error(n, std::string(key) + " applies to observe steps and GET/HEAD requests (it would repeat side effects)");
      continue;
    }
    if (st.concurrent > 0) l_.error(n, std::string(key) + " cannot be combined with concurrent");
    if (!st.expect) l_.error(n, std::string(key) + " needs 'expect' (what should come to hold)");
    auto p = poll(n, key[0] == 'e');
    if (key[0] == 'e') {
      st.eventually = p;
    } else {
      st.consistently = p;
    }
  }
  if (const YAML::Node n = Loader::get(node, "capture"); n.IsDefined()) {
    if (st.concurrent > 0) l_.error(n, "a concurrent step cannot capture (which copy's answer?)");
    st.captures = l_.captures(n);
  }
  l_.set_index_in_scope(false);
  for (const auto& c : st.captures) l_.define(c.name);  // later steps may use them
  return ok ? std::optional<Step>(std::move(st)) : std::nullopt;
}

std::optional<Poll> SuiteLoader::poll(const YAML::Node& node, bool eventually) {
  if (node.IsScalar()) {
    auto b = l_.boolean(node, eventually ? "eventually" : "consistently");
    if (!b || !*b) return std::nullopt;
    return Poll{l_.pos(node), std::nullopt, std::nullopt, std::nullopt};
  }
  if (eventually ? !l_.check_map(node, {"timeout", "interval"}, "eventually")
                 : !l_.check_map(node, {"for", "interval"}, "consistently")) {
    return std::nullopt;
  }
  Poll p{l_.pos(node), std::nullopt, std::nullopt, std::nullopt};
  if (const YAML::Node n = Loader::get(node, "timeout"); n.IsDefined()) p.timeout = l_.duration(n, "timeout");
  if (const YAML::Node n = Loader::get(node, "for"); n.IsDefined()) p.duration = l_.duration(n, "for");
  if (const YAML::Node n = Loader::get(node, "interval"); n.IsDefined()) {
    p.interval = l_.duration(n, "interval");
    if (p.interval && p.interval->count() <= 0) l_.error(n, "interval must be positive");
  }
  return p;
}

bool SuiteLoader::request(const YAML::Node& node, Step& st, Scenario& sc) {
  st.kind = Step::Kind::kRequest;
  if (!l_.check_map(node, {"method", "endpoint", "path", "list", "query", "headers", "form",
                           "multipart", "json", "body", "content_type"},
                    "a request")) {
    return false;
  }
  RequestSpec& r = st.request;
  r.pos = l_.pos(node);
  r.method = Text{"POST", r.pos};
  if (const YAML::Node n = Loader::get(node, "method"); n.IsDefined()) {
    if (auto t = l_.text(n, "method")) r.method = *t;
    if (!is_templated(r.method.text)) {
      for (char& c : r.method.text) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
  }
  const YAML::Node endpoint = Loader::get(node, "endpoint");
  const YAML::Node path = Loader::get(node, "path");
  if (endpoint.IsDefined() == path.IsDefined()) {
    l_.error(node, "a request needs exactly one of 'endpoint' or 'path'");
    return false;
  }
  if (endpoint.IsDefined()) {
    r.endpoint = l_.scalar(endpoint, "endpoint").value_or("");
    const auto& names = endpoint_names();
    if (std::find(names.begin(), names.end(), r.endpoint) == names.end()) {
      std::string m = "unknown endpoint '" + r.endpoint + "'";
      const std::string guess = closest_match(r.endpoint, names);
      m += guess.empty() ? " (known: subscribe, onsite_subscribe, list_subscribe)" : " (did you mean '" + guess + "'?)";
      l_.error(endpoint, m);
      return false;
    }
    if (r.endpoint == "subscribe") add_unique(sc.implied, protocol::capability::kSubscribe);
    if (r.endpoint == "onsite_subscribe") add_unique(sc.implied, protocol::capability::kOnsiteEndpoint);
    if (r.endpoint == "list_subscribe") add_unique(sc.implied, protocol::capability::kListApi);
  } else {
    r.path = l_.text(path, "path");
    if (r.path && !r.path->text.empty() && r.path->text[0] != '/' && !is_templated(r.path->text)) {
      l_.error(path, "path must start with '/'");
    }
  }
  if (const YAML::Node n = Loader::get(node, "list"); n.IsDefined()) r.list = l_.text(n, "list");
  if (r.endpoint == "list_subscribe" && !r.list) l_.error(node, "endpoint list_subscribe needs 'list'");
  if (const YAML::Node n = Loader::get(node, "query"); n.IsDefined()) r.query = l_.named_texts(n, "query");
  if (const YAML::Node n = Loader::get(node, "headers"); n.IsDefined()) r.headers = l_.named_texts(n, "headers");
  int bodies = 0;
  for (const char* key : {"form", "multipart", "json", "body"}) bodies += Loader::get(node, key).IsDefined();
  if (bodies > 1) l_.error(node, "a request has at most one of 'form', 'multipart', 'json' or 'body'");
  if (const YAML::Node n = Loader::get(node, "form"); n.IsDefined()) {
    r.body_kind = BodyKind::kForm;
    r.fields = l_.named_texts(n, "form");
  } else if (const YAML::Node m = Loader::get(node, "multipart"); m.IsDefined()) {
    r.body_kind = BodyKind::kMultipart;
    r.fields = l_.named_texts(m, "multipart");
    add_unique(sc.implied, protocol::capability::kMultipart);
  } else if (const YAML::Node j = Loader::get(node, "json"); j.IsDefined()) {
    r.body_kind = BodyKind::kJson;
    if (auto v = l_.value(j)) r.json = *v;
  } else if (const YAML::Node b = Loader::get(node, "body"); b.IsDefined()) {
    r.body_kind = BodyKind::kRaw;
    if (auto t = l_.text(b, "body")) r.raw = *t;
  }
  if (const YAML::Node n = Loader::get(node, "content_type"); n.IsDefined()) {
    if (r.body_kind != BodyKind::kRaw) l_.error(n, "content_type goes with 'body' (form, multipart and json set their own)");
    r.content_type = l_.text(n, "content_type");
  }
  if (st.name.empty()) {
    st.name = r.method.text + " " + (r.endpoint.empty() ? (r.path ? r.path->text : "") : r.endpoint);
  }
  return true;
}

bool SuiteLoader::control(const YAML::Node& node, Step& st, Scenario& sc) {
  st.kind = Step::Kind::kControl;
  ControlSpec& c = st.control;
  c.pos = l_.pos(node);
  YAML::Node args;
  if (node.IsScalar()) {
    c.action = node.Scalar();
  } else {
    if (!l_.check_map(node, {"action", "account", "variant", "inventory", "flow"}, "a control step")) return false;
    const YAML::Node a = Loader::get(node, "action");
    if (!a.IsDefined()) {
      l_.error(node, "a control step needs 'action'");
      return false;
    }
    c.action = l_.scalar(a, "action").value_or("");
    args = node;
  }
  static const std::vector<std::string> kActions = {"reset", "set_inventory", "set_flow", "remove_flow",
                                                    "clear_requests"};
  if (std::find(kActions.begin(), kActions.end(), c.action) == kActions.end()) {
    std::string m = "unknown control action '" + c.action + "'";
    const std::string guess = closest_match(c.action, kActions);
    m += guess.empty() ? " (known: reset, set_inventory, set_flow, remove_flow, clear_requests)"
                       : " (did you mean '" + guess + "'?)";
    l_.error(node, m);
    return false;
  }
  auto allow = [&](std::initializer_list<std::string_view> keys) {
    if (!args.IsDefined()) return;
    for (auto it = args.begin(); it != args.end(); ++it) {
      const std::string k = it->first.Scalar();
      if (k == "action") continue;
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        l_.error(it->first, "'" + k + "' does not apply to control action " + c.action);
      }
    }
  };
  const bool shared = c.action != "set_inventory";
  if (shared && !sc.exclusive) {
    l_.error(node, "control action " + c.action + " changes state other scenarios share: the scenario must be 'exclusive: true'");
  }
  if (c.action == "reset") {
    allow({});
    add_unique(sc.implied, protocol::capability::kReset);
  } else if (c.action == "clear_requests") {
    allow({});
    add_unique(sc.implied, protocol::capability::kRequests);
  } else if (c.action == "set_inventory") {
    allow({"account", "variant", "inventory"});
    add_unique(sc.implied, protocol::capability::kInventory);
    const YAML::Node v = Loader::get(args, "variant");
    const YAML::Node i = Loader::get(args, "inventory");
    if (!v.IsDefined() || !i.IsDefined()) {
      l_.error(node, "set_inventory needs 'variant' and 'inventory'");
      return false;
    }
    c.variant = l_.text(v, "variant");
    c.inventory = l_.value(i);
    if (c.inventory && !c.inventory->json.is_number_integer() && !c.inventory->json.is_string()) {
      l_.error(i, "inventory must be an integer");
    }
  } else {
    allow(c.action == "set_flow" ? std::initializer_list<std::string_view>{"account", "flow"}
                                 : std::initializer_list<std::string_view>{"account"});
    add_unique(sc.implied, protocol::capability::kFlow);
    if (const YAML::Node f = Loader::get(args, "flow"); f.IsDefined()) {
      if (l_.check_map(f, {"enabled", "threshold", "batch_size", "batch_interval_seconds"}, "flow")) c.flow = l_.value(f);
    }
  }
  if (const YAML::Node a = Loader::get(args, "account"); a.IsDefined()) {
    c.account = l_.text(a, "account");
  } else if (c.action == "set_inventory" || c.action == "set_flow" || c.action == "remove_flow") {
    l_.use_target_value("target.key");  // the default account
  }
  if (st.name.empty()) st.name = "control " + c.action;
  return true;
}

bool SuiteLoader::observe(const YAML::Node& node, Step& st, Scenario& sc) {
  st.kind = Step::Kind::kObserve;
  if (!l_.check_map(node, {"what", "account", "email", "variant", "list", "path", "limit"}, "an observation")) {
    return false;
  }
  ObserveSpec& o = st.observe;
  o.pos = l_.pos(node);
  const YAML::Node what = Loader::get(node, "what");
  if (!what.IsDefined()) {
    l_.error(node, "an observation needs 'what'");
    return false;
  }
  o.what = l_.scalar(what, "what").value_or("");
  static const std::vector<std::string> kWhat = {"subscriptions", "events", "notifications",
                                                 "list_members", "requests"};
  if (std::find(kWhat.begin(), kWhat.end(), o.what) == kWhat.end()) {
    std::string m = "unknown observation '" + o.what + "'";
    const std::string guess = closest_match(o.what, kWhat);
    m += guess.empty() ? " (known: subscriptions, events, notifications, list_members, requests)"
                       : " (did you mean '" + guess + "'?)";
    l_.error(what, m);
    return false;
  }
  add_unique(sc.implied, o.what == "list_members" ? std::string(protocol::capability::kListMembers) : o.what);
  auto opt = [&](const char* key, std::optional<Text>& out) {
    if (const YAML::Node n = Loader::get(node, key); n.IsDefined()) out = l_.text(n, key);
  };
  opt("account", o.account);
  opt("email", o.email);
  opt("variant", o.variant);
  opt("list", o.list);
  opt("path", o.path);
  if (const YAML::Node n = Loader::get(node, "limit"); n.IsDefined()) o.limit = l_.value(n);
  if (o.what == "list_members" && !o.list) l_.error(node, "observing list_members needs 'list'");
  if (o.what != "list_members" && o.list) l_.error(node, "'list' applies to list_members only");
  if (o.what != "requests" && (o.path || o.limit)) l_.error(node, "'path' and 'limit' apply to requests only");
  if (st.name.empty()) st.name = "observe " + o.what;
  return true;
}

}  // namespace

namespace {

Expected<Suite, SourceErrors> load_root(Expected<YAML::Node, SourceError> root, const std::string& file) {
  if (!root) return Unexpected{SourceErrors{root.error()}};
  if (!root->IsDefined() || root->IsNull()) {
    return Unexpected{SourceErrors{SourceError{SourcePos{file, 1, 1}, "empty suite file"}}};
  }
  Loader loader{file};
  std::optional<Suite> suite;
  try {
    suite = SuiteLoader(loader).suite(*root);
  } catch (const YAML::Exception& e) {
    loader.errors().push_back(SourceError{SourcePos{file, e.mark.line + 1, e.mark.column + 1}, e.msg});
  }
  if (!loader.errors().empty() || !suite) return Unexpected{std::move(loader.errors())};
  return std::move(*suite);
}

}  // namespace

Expected<Suite, SourceErrors> load_suite(std::string_view text, std::string_view file) {
  return load_root(yaml::parse(text, file), std::string(file));
}

Expected<Suite, SourceErrors> load_suite_file(const std::string& path) {
  return load_root(yaml::parse_file(path), path);
}

}  // namespace bis::runner
