#pragma once
// A checker for the subset of JSON Schema (draft 2020-12) that docs/report-schema.json uses:
// type (a name or a list), const, enum, required, properties, additionalProperties (false or a
// schema), items, minimum, pattern (ECMAScript regex via std::regex), and local $ref
// ("#/$defs/NAME"). Annotations (description, title, $id, $schema) are ignored; any other
// keyword is reported as unsupported, so the schema cannot silently outgrow the checker.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace bis::reports::testing {

// Every violation, as "<json path>: message"; empty when `doc` is valid.
std::vector<std::string> check_schema(const nlohmann::json& schema, const nlohmann::json& doc);

}  // namespace bis::reports::testing
