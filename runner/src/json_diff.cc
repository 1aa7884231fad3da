#include "bis/runner/json_diff.h"

#include "bis/runner/json_path.h"

namespace bis::runner {

using nlohmann::json;

std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string render_value(const json* value, size_t limit) {
  if (!value) return "(absent)";
  std::string s = dump_json(*value);
  if (s.size() > limit) {
    s.resize(limit);
    // Do not cut a UTF-8 sequence in half.
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
    s += "...";
  }
  return s;
}

namespace {

std::string_view kind(const json& j) {
  switch (j.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

JsonDifference differ(const std::string& path, const json* expected, const json* actual,
                      std::string message) {
  return JsonDifference{path, render_value(expected), render_value(actual), std::move(message)};
}

}  // namespace

std::optional<JsonDifference> json_difference(const json& expected, const json& actual, bool subset,
                                              const std::string& path) {
  if (expected.is_object() && actual.is_object()) {
    for (auto it = expected.begin(); it != expected.end(); ++it) {
      const std::string child = append_member(path, it.key());
      auto found = actual.find(it.key());
      if (found == actual.end()) return differ(child, &it.value(), nullptr, "missing member");
      if (auto d = json_difference(it.value(), *found, subset, child)) return d;
    }
    if (!subset) {
      for (auto it = actual.begin(); it != actual.end(); ++it) {
        if (!expected.contains(it.key())) {
          return differ(append_member(path, it.key()), nullptr, &it.value(), "unexpected member");
        }
      }
    }
    return std::nullopt;
  }
  if (expected.is_array() && actual.is_array()) {
    if (expected.size() != actual.size()) {
      return differ(
          path, &expected, &actual,
          std::to_string(actual.size()) + " elements, expected " + std::to_string(expected.size()));
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      if (auto d = json_difference(expected[i], actual[i], subset,
                                   append_index(path, static_cast<long long>(i)))) {
        return d;
      }
    }
    return std::nullopt;
  }
  const bool both_numbers = expected.is_number() && actual.is_number();
  if (expected.type() != actual.type() && !both_numbers) {
    return differ(path, &expected, &actual,
                  "expected " + std::string(kind(expected)) + ", got " + std::string(kind(actual)));
  }
  if (expected != actual) {
    return differ(path, &expected, &actual,
                  "expected " + render_value(&expected) + ", got " + render_value(&actual));
  }
  return std::nullopt;
}

}  // namespace bis::runner
