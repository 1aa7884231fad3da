#include "loader.h"

#include "bis/common/text.h"
#include "bis/common/yaml.h"

namespace bis::runner {

const std::vector<std::string>& target_account_names() {
  static const std::vector<std::string> names = {"shopify",
                                                 "bigcommerce",
                                                 "magento_two",
                                                 "custom_catalog",
                                                 "custom_catalog_without_inventory",
                                                 "unsupported",
                                                 "no_flow",
                                                 "rate_limited",
                                                 "flow_1",
                                                 "flow_2",
                                                 "flow_3"};
  return names;
}

const std::vector<std::string>& target_value_paths() {
  static const std::vector<std::string> paths = [] {
    std::vector<std::string> p = {"target.key",
                                  "target.platform",
                                  "target.private_key",
                                  "target.variant_prefix",
                                  "target.variants.in_stock",
                                  "target.variants.out_of_stock",
                                  "target.variants.unknown",
                                  "target.variants.restockable",
                                  "target.lists.double_opt_in",
                                  "target.lists.single_opt_in"};
    for (const auto& name : target_account_names()) {
      for (const char* field : {"key", "platform", "private_key", "variant_prefix", "restockable"}) {
        p.push_back("target.accounts." + name + "." + field);
      }
    }
    return p;
  }();
  return paths;
}

namespace load {

namespace {

constexpr std::string_view kBuiltins[] = {"run_id",   "unique_email", "suite",
                                          "scenario", "target",       "index"};

std::string root_of(const std::string& path) {
  const size_t end = path.find_first_of(".[");
  return path.substr(0, end);
}

// A target path is valid when it is one of target_value_paths() or a prefix of one
// (`target.variants` reads the whole object).
bool known_target_path(std::string path) {
  // A list of variants is read one element at a time: restockable[2].
  if (const size_t open = path.find('['); open != std::string::npos) {
    const std::string_view list = ".restockable";
    const bool indexed = path.back() == ']' && open >= list.size() &&
                         path.compare(open - list.size(), list.size(), list) == 0 &&
                         path.find_first_not_of("0123456789", open + 1) == path.size() - 1;
    if (!indexed) return false;
    path.resize(open);
  }
  for (const auto& p : target_value_paths()) {
    if (p == path ||
        (p.size() > path.size() && p.compare(0, path.size(), path) == 0 && p[path.size()] == '.')) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool is_variable_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (i > 0 && c >= '0' && c <= '9');
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

bool is_builtin_variable(std::string_view name) {
  for (std::string_view b : kBuiltins) {
    if (b == name) return true;
  }
  return false;
}

std::optional<Text> Loader::text(const YAML::Node& node, std::string_view what) {
  auto s = scalar(node, what);
  if (!s) return std::nullopt;
  std::shared_ptr<const Template> parsed;
  if (is_templated(*s)) {
    auto t = Template::parse(*s);
    if (!t) {
      error(node, t.error());
      return std::nullopt;
    }
    check_variables(node, t->variables());
    parsed = std::make_shared<const Template>(std::move(*t));
  }
  return Text{*s, pos(node), std::move(parsed)};
}

std::optional<Value> Loader::value(const YAML::Node& node, std::vector<std::string>* target_paths) {
  Value v{yaml::to_json(node), pos(node)};
  std::vector<std::string> vars;
  auto ok = collect_variables(v.json, vars);
  if (!ok) {
    error(node, ok.error());
    return std::nullopt;
  }
  check_variables(node, vars, target_paths);
  return v;
}

std::vector<NamedText> Loader::named_texts(const YAML::Node& node, std::string_view what) {
  std::vector<NamedText> out;
  auto add = [&](const YAML::Node& key, const YAML::Node& val) {
    if (auto t = text(val, std::string(what) + " value"))
      out.push_back(NamedText{key.Scalar(), *t});
  };
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) add(it->first, it->second);
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!item.IsMap() || item.size() != 1) {
        error(item,
              std::string(what) + ": each list item must be a map of one entry (name: value)");
        continue;
      }
      add(item.begin()->first, item.begin()->second);
    }
  } else {
    error(node, std::string(what) + " must be a map, or a list of one-entry maps");
  }
  return out;
}

void Loader::begin_suite_scope() {
  defined_.clear();
  for (std::string_view b : kBuiltins) {
    if (b != "index") defined_.insert(std::string(b));
  }
  var_targets_.clear();
  index_in_scope_ = false;
  target_values_.clear();
}

void Loader::save_suite_scope() {
  suite_defined_ = defined_;
  suite_var_targets_ = var_targets_;
}

void Loader::begin_scope() {
  defined_ = suite_defined_;
  var_targets_ = suite_var_targets_;
  index_in_scope_ = false;
  target_values_.clear();
}

void Loader::define_var(const std::string& name, const std::vector<std::string>& target_paths) {
  var_targets_[name] = target_paths;
  defined_.insert(name);
}

std::vector<std::string> Loader::take_target_values() {
  std::vector<std::string> out(target_values_.begin(), target_values_.end());
  target_values_.clear();
  return out;
}

void Loader::check_variables(const YAML::Node& node, const std::vector<std::string>& variables,
                             std::vector<std::string>* target_paths) {
  for (const std::string& path : variables) {
    const std::string root = root_of(path);
    if (root == "target") {
      if (!known_target_path(path)) {
        std::string m = "unknown target value '" + path + "'";
        m += did_you_mean(path, target_value_paths());
        error(node, m);
        continue;
      }
      if (target_paths) {
        target_paths->push_back(path);
      } else {
        target_values_.insert(path);
      }
      continue;
    }
    if (root == "index") {
      if (!index_in_scope_)
        error(node, "'index' is defined only in steps with repeat or concurrent");
      continue;
    }
    if (!defined_.count(root)) {
      std::string m = "undefined variable '" + root + "'";
      m += did_you_mean(root, std::vector<std::string>(defined_.begin(), defined_.end()));
      error(node, m);
      continue;
    }
    // A variable carries the target values it was built from.
    if (auto it = var_targets_.find(root); it != var_targets_.end()) {
      for (const auto& t : it->second) {
        if (target_paths) {
          target_paths->push_back(t);
        } else {
          target_values_.insert(t);
        }
      }
    }
  }
}

}  // namespace load
}  // namespace bis::runner
