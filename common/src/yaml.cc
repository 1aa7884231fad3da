#include "bis/common/yaml.h"

#include <cmath>
#include <limits>
#include <regex>
#include <vector>

#include "bis/common/file.h"

namespace bis::yaml {

Expected<YAML::Node, SourceError> parse(std::string_view text, std::string_view file) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {  // ParserException included
    return Unexpected{SourceError{SourcePos{std::string(file), e.mark.line + 1, e.mark.column + 1}, e.msg}};
  }
}

Expected<YAML::Node, SourceError> parse_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Unexpected{text.error()};
  return parse(*text, path);
}

SourcePos position(const YAML::Node& node, std::string_view file) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourcePos{std::string(file), 0, 0};
  return SourcePos{std::string(file), mark.line + 1, mark.column + 1};
}

SourceError error_at(const YAML::Node& node, std::string_view file, std::string message) {
  return SourceError{position(node, file), std::move(message)};
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
