#pragma once
// Internal to the suite loader: the state of loading one file (errors so far, the variables
// in scope) and the helpers both halves of the loader use (suite_loader.cc for suites,
// scenarios and steps; expect_loader.cc for expectations, matchers and captures).
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/yaml_reader.h"
#include "bis/runner/suite.h"
#include "bis/runner/suite_loader.h"

namespace bis::runner::load {

// The common positioned reader (bis/common/yaml_reader.h) plus what only suites have:
// templates, variables in scope and target values.
class Loader : public yaml::Reader {
 public:
  explicit Loader(std::string file) : yaml::Reader(std::move(file)) {}

  // Template-aware values: templates are parsed and the variables they read checked.
  std::optional<Text> text(const YAML::Node& node, std::string_view what);
  std::optional<Value> value(const YAML::Node& node,
                             std::vector<std::string>* target_paths = nullptr);
  std::vector<NamedText> named_texts(const YAML::Node& node, std::string_view what);

  // Variables in scope: the built-ins, then the suite's (save_suite_scope), then per
  // scenario (begin_scope restores the suite's) its vars and captures.
  void begin_suite_scope();
  void save_suite_scope();
  void begin_scope();
  void define(const std::string& name) { defined_.insert(name); }
  void set_index_in_scope(bool on) { index_in_scope_ = on; }
  // Records the target paths `vars` read for a variable being defined.
  void define_var(const std::string& name, const std::vector<std::string>& target_paths);
  std::vector<std::string> take_target_values();
  void use_target_value(const std::string& path) { target_values_.insert(path); }
  // Checks each variable path at `node`. The target paths read go to `target_paths` when
  // given (a variable being defined), else to the scenario's target values.
  void check_variables(const YAML::Node& node, const std::vector<std::string>& variables,
                       std::vector<std::string>* target_paths = nullptr);

  // step_loader.cc
  bool request(const YAML::Node& node, Step& st, Scenario& sc);
  bool control(const YAML::Node& node, Step& st, Scenario& sc);
  bool observe(const YAML::Node& node, Step& st, Scenario& sc);

  // expect_loader.cc
  std::optional<Expectation> expectation(const YAML::Node& node, bool observe);
  std::optional<Matcher> matcher_or_value(const YAML::Node& node);
  std::optional<Matcher> matcher(const YAML::Node& node);
  std::vector<Capture> captures(const YAML::Node& node);

 private:
  std::set<std::string> defined_;
  bool index_in_scope_ = false;
  std::map<std::string, std::vector<std::string>> var_targets_;
  std::set<std::string> suite_defined_;
  std::map<std::string, std::vector<std::string>> suite_var_targets_;
  std::set<std::string> target_values_;
};

void add_unique(std::vector<std::string>& list, std::string_view value);
// A name for a variable or capture: [A-Za-z_][A-Za-z0-9_]*.
bool is_variable_name(std::string_view name);
// Built-in variables a suite may not redefine.
bool is_builtin_variable(std::string_view name);
// A requirement ID as the catalogue and the suites write it: [A-Z0-9-]+.
bool is_requirement_id(std::string_view id);

}  // namespace bis::runner::load
