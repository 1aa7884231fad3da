#pragma once
// YAML loading that keeps positions: every node can be turned into "file:line:col", unknown
// keys get "did you mean", and YAML converts to JSON with typed plain scalars. Used by every
// loader of user-written files (suites, fixtures, target profiles).
#include <yaml-cpp/yaml.h>

#include <initializer_list>
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

// Checks that every key of the map `node` is in `allowed`. The first unknown key gives
// "unknown key 'x' in <context> (did you mean 'y'?)" at the key's position.
std::optional<SourceError> check_keys(const YAML::Node& node,
                                      std::initializer_list<std::string_view> allowed,
                                      std::string_view file, std::string_view context);

// Converts YAML to JSON. Plain scalars resolve like YAML 1.2's core schema (null, booleans,
// integers, floats); quoted scalars always stay strings. Map keys are their text.
nlohmann::json to_json(const YAML::Node& node);

// The kind of a node for messages: "a map", "a list", "a scalar", "nothing".
std::string_view describe(const YAML::Node& node);

}  // namespace bis::yaml
