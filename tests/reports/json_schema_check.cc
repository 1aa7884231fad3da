#include "json_schema_check.h"

#include <regex>
#include <set>

namespace bis::reports::testing {
namespace {

using nlohmann::json;

class Checker {
 public:
  explicit Checker(const json& root) : root_(root) {}

  void check(const json& schema, const json& doc, const std::string& path) {
    for (const auto& [keyword, value] : schema.items()) {
      if (!kKnown.count(keyword)) error(path, "schema keyword '" + keyword + "' is not supported");
    }
    if (schema.contains("$ref")) {
      const std::string ref = schema["$ref"];
      const std::string prefix = "#/$defs/";
      if (ref.rfind(prefix, 0) != 0 || !root_["$defs"].contains(ref.substr(prefix.size()))) {
        error(path, "unresolvable $ref " + ref);
        return;
      }
      check(root_["$defs"][ref.substr(prefix.size())], doc, path);
    }
    if (schema.contains("type") && !type_matches(schema["type"], doc)) {
      error(path, "expected type " + schema["type"].dump() + ", got " + doc.type_name());
      return;
    }
    if (schema.contains("const") && doc != schema["const"]) {
      error(path, "expected " + schema["const"].dump() + ", got " + doc.dump());
    }
    if (schema.contains("enum")) {
      bool found = false;
      for (const auto& v : schema["enum"]) found = found || v == doc;
      if (!found) error(path, doc.dump() + " is not one of " + schema["enum"].dump());
    }
    if (schema.contains("minimum") && doc.is_number() &&
        doc.get<double>() < schema["minimum"].get<double>()) {
      error(path, doc.dump() + " is below the minimum " + schema["minimum"].dump());
    }
    if (schema.contains("pattern") && doc.is_string() &&
        !std::regex_search(doc.get<std::string>(),
                           std::regex(schema["pattern"].get<std::string>()))) {
      error(path, doc.dump() + " does not match " + schema["pattern"].get<std::string>());
    }
    if (doc.is_object()) check_object(schema, doc, path);
    if (doc.is_array() && schema.contains("items")) {
      for (size_t i = 0; i < doc.size(); ++i) {
        check(schema["items"], doc[i], path + "[" + std::to_string(i) + "]");
      }
    }
  }

  std::vector<std::string> errors;

 private:
  static inline const std::set<std::string> kKnown = {
      "$schema", "$id",     "$defs",  "$ref",     "title",      "description",
      "type",    "const",   "enum",   "required", "properties", "additionalProperties",
      "items",   "minimum", "pattern"};

  void check_object(const json& schema, const json& doc, const std::string& path) {
    if (schema.contains("required")) {
      for (const auto& name : schema["required"]) {
        if (!doc.contains(name.get<std::string>())) error(path, "missing member " + name.dump());
      }
    }
    const json props = schema.value("properties", json::object());
    for (const auto& [name, value] : doc.items()) {
      if (props.contains(name)) {
        check(props[name], value, path + "." + name);
      } else if (schema.contains("additionalProperties")) {
        const json& extra = schema["additionalProperties"];
        if (extra.is_boolean() && !extra.get<bool>()) {
          error(path, "member '" + name + "' is not allowed");
        } else if (extra.is_object()) {
          check(extra, value, path + "." + name);
        }
      }
    }
  }

  static bool type_matches(const json& type, const json& doc) {
    if (type.is_array()) {
      for (const auto& t : type) {
        if (type_matches(t, doc)) return true;
      }
      return false;
    }
    const std::string t = type;
    if (t == "object") return doc.is_object();
    if (t == "array") return doc.is_array();
    if (t == "string") return doc.is_string();
    if (t == "boolean") return doc.is_boolean();
    if (t == "null") return doc.is_null();
    if (t == "integer") return doc.is_number_integer();
    if (t == "number") return doc.is_number();
    return false;
  }

  void error(const std::string& path, const std::string& message) {
    errors.push_back(path + ": " + message);
  }

  const json& root_;
};

}  // namespace

std::vector<std::string> check_schema(const nlohmann::json& schema, const nlohmann::json& doc) {
  Checker c(schema);
  c.check(schema, doc, "$");
  return c.errors;
}

}  // namespace bis::reports::testing
