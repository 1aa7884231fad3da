#include "bis/runner/suite_loader.h"

#include <algorithm>
#include <set>

#include "bis/common/protocol.h"
#include "bis/common/text.h"
#include "bis/common/yaml.h"
#include "loader.h"

namespace bis::runner {

using load::add_unique;
using load::Loader;
using load::is_requirement_id;

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

class SuiteLoader {
 public:
  explicit SuiteLoader(Loader& l) : l_(l) {}

  std::optional<Suite> suite(const YAML::Node& root) {
    if (!l_.check_map(root,
                      {"suite", "name", "description", "tags", "requires", "vars", "scenarios"},
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
      l_.error(scenarios.IsDefined() ? scenarios : root,
               "a suite needs a non-empty list 'scenarios'");
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
      if (!protocol::capability::known(c)) {
        std::string m = "unknown capability '" + c + "'";
        m += did_you_mean(c, protocol::capability::kAll);
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
    if (!l_.check_map(node,
                      {"id", "name", "description", "covers", "requires", "tags", "vars",
                       "exclusive", "timeout", "steps", "finally"},
                      "a scenario")) {
      return std::nullopt;
    }
    Scenario sc;
    sc.pos = l_.pos(node);
    const YAML::Node id = Loader::get(node, "id");
    if (!id.IsDefined()) {
      l_.error(node, "a scenario needs 'id'");
    } else if (auto v = l_.scalar(id, "id"); v && !is_id(*v)) {
      l_.error(id,
               "scenario id '" + *v + "' must match [a-z0-9][a-z0-9-]* (at most 64 characters)");
    } else if (v) {
      sc.id = *v;
    }
    sc.name = scalar_or(node, "name");
    sc.description = scalar_or(node, "description");
    const YAML::Node covers = Loader::get(node, "covers");
    sc.covers = l_.string_list(covers, "covers");
    sc.covers_pos = l_.pos(covers.IsDefined() ? covers : node);
    if (sc.covers.empty())
      l_.error(covers.IsDefined() ? covers : node,
               "a scenario needs a non-empty 'covers' list of requirement IDs");
    check_requirement_ids(covers, sc.covers);
    sc.requires_ = suite.requires_;
    for (const auto& c : capabilities(Loader::get(node, "requires"))) add_unique(sc.requires_, c);
    sc.tags = suite.tags;
    for (const auto& t : l_.string_list(Loader::get(node, "tags"), "tags")) add_unique(sc.tags, t);
    if (const YAML::Node n = Loader::get(node, "exclusive"); n.IsDefined()) {
      sc.exclusive = l_.boolean(n, "exclusive").value_or(false);
    }
    if (const YAML::Node n = Loader::get(node, "timeout"); n.IsDefined())
      sc.timeout = l_.duration(n, "timeout");
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
    check_steps_prove_covers(covers, sc);
    if (const YAML::Node fin = Loader::get(node, "finally"); fin.IsDefined()) {
      if (!fin.IsSequence() || fin.size() == 0) {
        l_.error(fin, "'finally' needs a non-empty list of steps");
      } else {
        for (const auto& s : fin) {
          if (const YAML::Node c = Loader::get(s, "covers"); c.IsDefined()) {
            l_.error(c, "a finally step covers no requirement: it puts the target back (check "
                        "requirements in 'steps')");
          }
          if (auto st = step(s, sc)) sc.cleanup.push_back(std::move(*st));
        }
      }
    }
    for (size_t i = 0; i < sc.cleanup.size(); ++i) sc.cleanup[i].index = sc.steps.size() + i;
    sc.target_values = l_.take_target_values();
    return sc;
  }

  // Once a step names its own covers, the steps without are preconditions (they prove
  // nothing), so a scenario ID that no step names would be claimed without any check.
  void check_steps_prove_covers(const YAML::Node& covers, const Scenario& sc) {
    auto named = [&](const std::string& id) {
      return std::any_of(sc.steps.begin(), sc.steps.end(), [&](const Step& st) {
        return std::find(st.covers.begin(), st.covers.end(), id) != st.covers.end();
      });
    };
    const bool steps_name_covers = std::any_of(sc.steps.begin(), sc.steps.end(),
                                               [](const Step& st) { return !st.covers.empty(); });
    if (!steps_name_covers) return;
    for (const auto& id : sc.covers) {
      if (!named(id))
        l_.error(covers, "the scenario covers " + id +
                             " but no step proves it: once steps name their 'covers', a step "
                             "without is a precondition (name " + id +
                             " in the step that checks it, or drop it)");
    }
  }

  void check_requirement_ids(const YAML::Node& node, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      if (!is_requirement_id(id))
        l_.error(node, "requirement ID '" + id + "' must match [A-Z0-9-]+");
    }
  }

  std::optional<Step> step(const YAML::Node& node, Scenario& sc);
  std::optional<Poll> poll(const YAML::Node& node, bool eventually);

  Loader& l_;
};

std::optional<Step> SuiteLoader::step(const YAML::Node& node, Scenario& sc) {
  if (!l_.check_map(node,
                    {"name", "covers", "request", "control", "observe", "expect", "capture",
                     "eventually", "consistently", "repeat", "concurrent", "parallel"},
                    "a step")) {
    return std::nullopt;
  }
  Step st;
  st.pos = l_.pos(node);
  int actions = 0;
  for (const char* key : {"request", "control", "observe"})
    actions += Loader::get(node, key).IsDefined();
  if (actions != 1) {
    l_.error(node, "a step needs exactly one of 'request', 'control' or 'observe'");
    return std::nullopt;
  }
  if (const YAML::Node n = Loader::get(node, "repeat"); n.IsDefined()) {
    st.repeat = static_cast<int>(l_.integer(n, "repeat", 1, kMaxCopies).value_or(1));
  }
  if (const YAML::Node n = Loader::get(node, "concurrent"); n.IsDefined()) {
    st.concurrent = static_cast<int>(l_.integer(n, "concurrent", 1, kMaxCopies).value_or(1));
    if (Loader::get(node, "repeat").IsDefined())
      l_.error(n, "a step has either 'repeat' or 'concurrent', not both");
  }
  if (const YAML::Node n = Loader::get(node, "parallel"); n.IsDefined()) {
    st.parallel = static_cast<int>(l_.integer(n, "parallel", 1, kMaxCopies).value_or(1));
    if (!Loader::get(node, "repeat").IsDefined())
      l_.error(n, "'parallel' sends the copies of a 'repeat' step several at a time: add 'repeat'");
    for (const char* key : {"eventually", "consistently", "capture"}) {
      if (Loader::get(node, key).IsDefined())
        l_.error(n, std::string("'parallel' cannot be combined with '") + key + "'");
    }
  }
  l_.set_index_in_scope(Loader::get(node, "repeat").IsDefined() || st.concurrent > 0);
  st.covers = l_.string_list(Loader::get(node, "covers"), "covers");
  st.covers_pos =
      l_.pos(Loader::get(node, "covers").IsDefined() ? Loader::get(node, "covers") : node);
  check_requirement_ids(Loader::get(node, "covers"), st.covers);
  bool ok;
  if (const YAML::Node r = Loader::get(node, "request"); r.IsDefined()) {
    ok = l_.request(r, st, sc);
  } else if (const YAML::Node c = Loader::get(node, "control"); c.IsDefined()) {
    ok = l_.control(c, st, sc);
  } else {
    ok = l_.observe(Loader::get(node, "observe"), st, sc);
  }
  if (const YAML::Node n = Loader::get(node, "name"); n.IsDefined())
    st.name = l_.scalar(n, "name").value_or("");
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
      l_.error(
          n, std::string(key) +
                 " applies to observe steps and GET/HEAD requests (it would repeat side effects)");
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
  // A target may record asynchronously: one read proves presence only when it happens to come
  // late enough, and absence not at all (docs/suite-format.md, "Observations").
  if (st.kind == Step::Kind::kObserve && st.expect && !st.eventually && !st.consistently) {
    l_.error(Loader::get(node, "expect"),
             "an observe step that checks must say how to read: 'eventually: true' for what "
             "should appear (polls until it does), 'consistently: true' for an absence or an "
             "exact count (watches for the settle window); one read is not sound on a target "
             "that records asynchronously");
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
  if (const YAML::Node n = Loader::get(node, "timeout"); n.IsDefined())
    p.timeout = l_.duration(n, "timeout");
  if (const YAML::Node n = Loader::get(node, "for"); n.IsDefined())
    p.duration = l_.duration(n, "for");
  if (const YAML::Node n = Loader::get(node, "interval"); n.IsDefined()) {
    p.interval = l_.duration(n, "interval");
    if (p.interval && p.interval->count() <= 0) l_.error(n, "interval must be positive");
  }
  return p;
}

}  // namespace

namespace {

Expected<Suite, SourceErrors> load_root(Expected<YAML::Node, SourceError> root,
                                        const std::string& file) {
  if (!root) return Unexpected{SourceErrors{root.error()}};
  if (!root->IsDefined() || root->IsNull()) {
    return Unexpected{SourceErrors{SourceError{SourcePos{file, 1, 1}, "empty suite file"}}};
  }
  Loader loader{file};
  std::optional<Suite> suite;
  try {
    loader.check_duplicates(*root);
    suite = SuiteLoader(loader).suite(*root);
  } catch (const YAML::Exception& e) {
    loader.errors().push_back(
        SourceError{SourcePos{file, e.mark.line + 1, e.mark.column + 1}, e.msg});
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
