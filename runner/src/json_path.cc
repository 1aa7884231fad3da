#include "bis/runner/json_path.h"

namespace bis::runner {
namespace {

bool is_identifier_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
         (!first && ((c >= '0' && c <= '9') || c == '-'));
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!is_identifier_char(s[i], i == 0)) return false;
  }
  return true;
}

std::string at(size_t offset, std::string_view message) {
  return "bad JSON path at offset " + std::to_string(offset) + ": " + std::string(message);
}

}  // namespace

Expected<JsonPath, std::string> JsonPath::parse(std::string_view text) {
  if (text.empty() || text[0] != '$') return Unexpected{at(0, "a path starts with '$'")};
  JsonPath path;
  size_t i = 1;
  while (i < text.size()) {
    if (text[i] == '.') {
      const size_t start = ++i;
      while (i < text.size() && is_identifier_char(text[i], i == start)) ++i;
      if (i == start) return Unexpected{at(start, "expected a member name after '.'")};
      path.segments_.emplace_back(std::string(text.substr(start, i - start)));
    } else if (text[i] == '[') {
      ++i;
      if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
        const char quote = text[i++];
        std::string name;
        while (i < text.size() && text[i] != quote) {
          if (text[i] == '\\' && i + 1 < text.size()) ++i;
          name.push_back(text[i++]);
        }
        if (i >= text.size()) return Unexpected{at(i, "unterminated quoted member name")};
        ++i;
        if (i >= text.size() || text[i] != ']') return Unexpected{at(i, "expected ']'")};
        ++i;
        path.segments_.emplace_back(std::move(name));
      } else {
        const size_t start = i;
        if (i < text.size() && text[i] == '-') ++i;
        const size_t digits = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        if (i == digits || i - digits > 12) return Unexpected{at(start, "expected an index")};
        if (i >= text.size() || text[i] != ']') return Unexpected{at(i, "expected ']'")};
        path.segments_.emplace_back(std::stoll(std::string(text.substr(start, i - start))));
        ++i;
      }
    } else {
      return Unexpected{at(i, "expected '.' or '['")};
    }
  }
  return path;
}

const nlohmann::json* JsonPath::find(const nlohmann::json& document) const {
  const nlohmann::json* cur = &document;
  for (const Segment& s : segments_) {
    if (const auto* name = std::get_if<std::string>(&s)) {
      if (!cur->is_object()) return nullptr;
      auto it = cur->find(*name);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else {
      if (!cur->is_array()) return nullptr;
      long long index = std::get<long long>(s);
      const long long size = static_cast<long long>(cur->size());
      if (index < 0) index += size;
      if (index < 0 || index >= size) return nullptr;
      cur = &(*cur)[static_cast<size_t>(index)];
    }
  }
  return cur;
}

JsonPath JsonPath::child(std::string name) const {
  JsonPath p = *this;
  p.segments_.emplace_back(std::move(name));
  return p;
}

JsonPath JsonPath::child(long long index) const {
  JsonPath p = *this;
  p.segments_.emplace_back(index);
  return p;
}

std::string JsonPath::to_string() const {
  std::string out = "$";
  for (const Segment& s : segments_) {
    if (const auto* name = std::get_if<std::string>(&s)) {
      out = append_member(out, *name);
    } else {
      out = append_index(out, std::get<long long>(s));
    }
  }
  return out;
}

std::string append_member(const std::string& path, std::string_view name) {
  if (is_identifier(name)) return path + "." + std::string(name);
  std::string out = path + "['";
  for (const char c : name) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "']";
}

std::string append_index(const std::string& path, long long index) {
  return path + "[" + std::to_string(index) + "]";
}

}  // namespace bis::runner
