#include "bis/common/yaml_reader.h"

#include <algorithm>
#include <set>
#include <utility>

#include "bis/common/text.h"
#include "bis/common/yaml.h"

namespace bis::yaml {
namespace {

void find_duplicates(const YAML::Node& node, std::string_view file,
                     std::set<std::pair<int, int>>& walked, std::vector<SourceError>& out) {
  if (!node.IsMap() && !node.IsSequence()) return;
  const YAML::Mark mark = node.Mark();
  if (!mark.is_null() && !walked.insert({mark.line, mark.column}).second) return;
  if (node.IsSequence()) {
    for (const auto& item : node) find_duplicates(item, file, walked, out);
    return;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.IsScalar() && !seen.insert(it->first.Scalar()).second)
      out.push_back(error_at(it->first, file, "duplicate key '" + it->first.Scalar() + "'"));
    find_duplicates(it->second, file, walked, out);
  }
}

}  // namespace

std::vector<SourceError> duplicate_keys(const YAML::Node& root, std::string_view file) {
  std::vector<SourceError> out;
  std::set<std::pair<int, int>> walked;
  find_duplicates(root, file, walked, out);
  return out;
}

SourcePos Reader::pos(const YAML::Node& node) const { return position(node, file_); }

void Reader::error(const YAML::Node& node, std::string message) {
  errors_.push_back(SourceError{pos(node), std::move(message)});
}

bool Reader::check_duplicates(const YAML::Node& root) {
  auto found = duplicate_keys(root, file_);
  errors_.insert(errors_.end(), found.begin(), found.end());
  return found.empty();
}

YAML::Node Reader::get(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool Reader::check_map(const YAML::Node& node, std::span<const std::string_view> allowed,
                       std::string_view context) {
  if (!node.IsMap()) {
    error(node, std::string(context) + " must be a map, got " + std::string(describe(node)));
    return false;
  }
  bool merge_key = false;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it->first.Scalar() != "<<") continue;
    merge_key = true;
    error(it->first,
          "YAML merge keys (<<) are not supported; alias the whole value instead (key: *anchor)");
  }
  if (!merge_key) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      error(it->first,
            "unknown key '" + key + "' in " + std::string(context) + did_you_mean(key, allowed));
      break;
    }
  }
  return true;
}

std::optional<std::string> Reader::scalar(const YAML::Node& node, std::string_view what) {
  if (node.IsNull()) return std::string();
  if (!node.IsScalar()) {
    error(node, std::string(what) + " must be a scalar, got " + std::string(describe(node)));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<bool> Reader::boolean(const YAML::Node& node, std::string_view what) {
  const auto j = to_json(node);
  if (!j.is_boolean()) {
    error(node, std::string(what) + " must be true or false");
    return std::nullopt;
  }
  return j.get<bool>();
}

std::optional<long long> Reader::integer(const YAML::Node& node, std::string_view what,
                                         long long min, long long max) {
  const auto j = to_json(node);
  if (!j.is_number_integer() || j.get<long long>() < min || j.get<long long>() > max) {
    error(node, std::string(what) + " must be an integer from " + std::to_string(min) + " to " +
                    std::to_string(max));
    return std::nullopt;
  }
  return j.get<long long>();
}

std::optional<Duration> Reader::duration(const YAML::Node& node, std::string_view what) {
  auto s = scalar(node, what);
  if (!s) return std::nullopt;
  auto d = parse_duration(*s);
  if (!d) {
    error(node, std::string(what) + ": " + d.error());
    return std::nullopt;
  }
  return *d;
}

std::vector<std::string> Reader::string_list(const YAML::Node& node, std::string_view what) {
  std::vector<std::string> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) {
    error(node, std::string(what) + " must be a list");
    return out;
  }
  for (const auto& item : node) {
    if (auto s = scalar(item, what)) out.push_back(*s);
  }
  return out;
}

}  // namespace bis::yaml
