#pragma once
// Comparing JSON documents the way expectations need: the first difference, with the path
// inside the document where it is, and both sides rendered for a report.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace bis::runner {

struct JsonDifference {
  std::string path;      // "$.errors[0]"
  std::string expected;  // rendered
  std::string actual;    // rendered, "(absent)" for a missing member
  std::string message;   // "expected \"x\", got \"y\"", "missing member", "3 elements, expected 2"
};

// Exact comparison when `subset` is false (object member order ignored; 1 equals 1.0).
// With `subset`, `actual` may hold members `expected` does not name; arrays must still have
// the same length and match element by element. nullopt when they agree.
std::optional<JsonDifference> json_difference(const nlohmann::json& expected,
                                              const nlohmann::json& actual, bool subset,
                                              const std::string& path = "$");

// A value for a report: JSON text cut to `limit` bytes ("..." appended), or "(absent)".
std::string render_value(const nlohmann::json* value, size_t limit = 300);
// JSON text that never throws on invalid UTF-8 (bytes become U+FFFD).
std::string dump_json(const nlohmann::json& value);

}  // namespace bis::runner
