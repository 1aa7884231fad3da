#include "bis/common/yaml.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <vector>

#include "bis/common/text.h"

namespace bis::yaml {

Expected<YAML::Node, SourceError> parse(std::string_view text, std::string_view file) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {  // ParserException included
    return Unexpected{SourceError{SourcePos{std::string(file), e.mark.line + 1, e.mark.column + 1}, e.msg}};
  }
}

Expected<YAML::Node, SourceError> parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected{SourceError{SourcePos{path, 0, 0}, "cannot read file"}};
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse(buf.str(), path);
}

SourcePos position(const YAML::Node& node, std::string_view file) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourcePos{std::string(file), 0, 0};
  return SourcePos{std::string(file), mark.line + 1, mark.column + 1};
}

SourceError error_at(const YAML::Node& node, std::string_view file, std::string message) {
  return SourceError{position(node, file), std::move(message)};
}

std::optional<SourceError> check_keys(const YAML::Node& node,
                                      std::initializer_list<std::string_view> allowed,
                                      std::string_view file, std::string_view context) {
  if (!node.IsMap()) return std::nullopt;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (known) continue;
    std::string message = "unknown key '" + key + "' in " + std::string(context);
    std::vector<std::string_view> candidates(allowed.begin(), allowed.end());
    message += did_you_mean(key, std::span<const std::string_view>(candidates));
    return error_at(it->first, file, std::move(message));
  }
  return std::nullopt;
}

namespace {

nlohmann::json resolve_plain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (std::regex_match(s, kInt)) {
    try {
      if (s[0] == '-') return std::stoll(s);
      return std::stoull(s[0] == '+' ? s.substr(1) : s);
    } catch (const std::out_of_range&) {
      return s;  // too large for an integer: keep the text rather than lose digits
    }
  }
  if (std::regex_match(s, kFloat)) return std::stod(s);
  if (s == ".inf" || s == "+.inf" || s == ".Inf" || s == "+.Inf") return std::numeric_limits<double>::infinity();
  if (s == "-.inf" || s == "-.Inf") return -std::numeric_limits<double>::infinity();
  return s;
}

}  // namespace

nlohmann::json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted ones "!".
      if (node.Tag() == "?") return resolve_plain(node.Scalar());
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (auto it = node.begin(); it != node.end(); ++it) out[it->first.Scalar()] = to_json(it->second);
      return out;
    }
  }
  return nullptr;
}

std::string_view describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "a scalar";
    default: return "nothing";
  }
}

}  // namespace bis::yaml
