#include "bis/common/yaml.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "bis/common/file.h"

namespace bis::yaml {

namespace {

// yaml-cpp builds aliases as shared nodes: an alias inside its own anchor (`a: &x [*x]`) is a
// cycle, and nested aliases can stand for exponentially many nodes ("billion laughs"). Every
// reader of a document (to_json, the loaders) walks it expanded, so parse() refuses one that
// is cyclic or too large expanded, walking it once within these bounds (yaml-cpp's parser
// itself stops at 2,000 levels of nesting).
constexpr int kMaxDepth = 256;
constexpr size_t kMaxExpandedNodes = 1'000'000;

// Empty when `node` stays within the bounds; else why not, counting down `budget`.
std::string expansion_problem(const YAML::Node& node, int depth, size_t& budget,
                              YAML::Mark& where) {
  where = node.Mark();
  if (depth > kMaxDepth) {
    return "nested more than " + std::to_string(kMaxDepth) +
           " levels deep (is an alias used inside its own anchor?)";
  }
  if (budget == 0) {
    return "the document stands for more than " + std::to_string(kMaxExpandedNodes) +
           " nodes once its aliases are expanded";
  }
  --budget;
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (auto p = expansion_problem(item, depth + 1, budget, where); !p.empty()) return p;
    }
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (auto p = expansion_problem(it->first, depth + 1, budget, where); !p.empty()) return p;
      if (auto p = expansion_problem(it->second, depth + 1, budget, where); !p.empty()) return p;
    }
  }
  return {};
}

}  // namespace

Expected<YAML::Node, SourceError> parse(std::string_view text, std::string_view file) {
  YAML::Mark at;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    size_t budget = kMaxExpandedNodes;
    if (auto problem = expansion_problem(root, 0, budget, at); !problem.empty()) {
      return Unexpected{
          SourceError{SourcePos{std::string(file), at.line + 1, at.column + 1}, problem}};
    }
    return root;
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

// YAML 1.2 core schema numbers, scanned by hand: std::regex (libstdc++) recurses once per
// character and overflows the stack on a long scalar (GCC bug 86164).
size_t skip_digits(std::string_view s, size_t i) {
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i;
}

// [-+]?[0-9]+
bool is_integer(std::string_view s) {
  const size_t start = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  const size_t end = skip_digits(s, start);
  return end > start && end == s.size();
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  const size_t int_start = i;
  i = skip_digits(s, i);
  const bool int_digits = i > int_start;
  if (i < s.size() && s[i] == '.') {
    const size_t frac_start = ++i;
    i = skip_digits(s, i);
    if (!int_digits && i == frac_start) return false;
  } else if (!int_digits) {
    return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    const size_t exp_start = i;
    i = skip_digits(s, i);
    if (i == exp_start) return false;
  }
  return i == s.size();
}

nlohmann::json resolve_plain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (is_integer(s)) {
    try {
      if (s[0] == '-') return std::stoll(s);
      return std::stoull(s[0] == '+' ? s.substr(1) : s);
    } catch (const std::out_of_range&) {
      return s;  // too large for an integer: keep the text rather than lose digits
    }
  }
  if (is_float(s)) {
    try {
      return std::stod(s);
    } catch (const std::out_of_range&) {
      return s;  // beyond a double (1e400, 1e-400): the text, as for integers
    }
  }
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
