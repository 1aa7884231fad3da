#pragma once
// The one positioned reader of user-written YAML (suites, target profiles, the requirement
// catalogue, fixtures): every error is "file:line:col: message", collected rather than thrown,
// and the same rules hold for every file kind: unknown keys get "did you mean", a repeated
// key is an error (yaml-cpp would keep one silently), merge keys (<<) are refused.
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/duration.h"
#include "bis/common/source.h"

namespace bis::yaml {

// Every repeated key of every map under `root`, at the repeat, in document order. An aliased
// node is walked once, so a document of nested aliases costs its size, not its expansion.
std::vector<SourceError> duplicate_keys(const YAML::Node& root, std::string_view file);

// Not thread-safe; one per file being read.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  std::vector<SourceError>& errors() { return errors_; }
  bool ok() const { return errors_.empty(); }
  SourcePos pos(const YAML::Node& node) const;
  void error(const YAML::Node& node, std::string message);

  // Adds every duplicate key of the document (duplicate_keys); false if there was one.
  bool check_duplicates(const YAML::Node& root);

  // `node` must be a map whose keys are all in `allowed`; false if it is not a map. Merge keys
  // are refused; an unknown key gets "unknown key 'x' in <context> (did you mean 'y'?)".
  bool check_map(const YAML::Node& node, std::span<const std::string_view> allowed,
                 std::string_view context);
  bool check_map(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                 std::string_view context) {
    return check_map(node, std::span<const std::string_view>(allowed.begin(), allowed.size()),
                     context);
  }
  // The value at `key`, or an undefined node (also when `map` is not a map). Never inserts.
  static YAML::Node get(const YAML::Node& map, std::string_view key);

  // Typed scalars; each adds an error naming `what` and returns nullopt when the node is not
  // of the type. A null scalar is the empty string.
  std::optional<std::string> scalar(const YAML::Node& node, std::string_view what);
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what);
  std::optional<long long> integer(const YAML::Node& node, std::string_view what, long long min,
                                   long long max);
  std::optional<Duration> duration(const YAML::Node& node, std::string_view what);
  // A scalar or a list of scalars; absent or null is empty.
  std::vector<std::string> string_list(const YAML::Node& node, std::string_view what);

 private:
  std::string file_;
  std::vector<SourceError> errors_;
};

}  // namespace bis::yaml
