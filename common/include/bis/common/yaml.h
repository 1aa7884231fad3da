#pragma once
// YAML loading that keeps positions: every node can be turned into "file:line:col", and YAML
// converts to JSON with typed plain scalars. Checking maps, keys and typed scalars with those
// positions is yaml_reader.h's Reader.
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "bis/common/expected.h"
#include "bis/common/source.h"

namespace bis::yaml {

// Parses one YAML document from text. A syntax error comes back with its position in `file`.
Expected<YAML::Node, SourceError> parse(std::string_view text, std::string_view file);

// Reads and parses a file; an unreadable file is an error positioned at the file itself.
Expected<YAML::Node, SourceError> parse_file(const std::string& path);

// Where `node` starts in `file` (1-based line and column).
SourcePos position(const YAML::Node& node, std::string_view file);

SourceError error_at(const YAML::Node& node, std::string_view file, std::string message);

// Converts YAML to JSON. Plain scalars resolve like YAML 1.2's core schema (null, booleans,
// integers, floats); quoted scalars always stay strings. Map keys are their text.
nlohmann::json to_json(const YAML::Node& node);

// The kind of a node for messages: "a map", "a list", "a scalar", "nothing".
std::string_view describe(const YAML::Node& node);

}  // namespace bis::yaml
