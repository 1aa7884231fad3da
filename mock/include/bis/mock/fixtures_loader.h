#pragma once
// Loads fixtures (docs/fixtures.md) from YAML (JSON is YAML) into the shared model, with
// positions: every error reads "file:line:col: what is wrong", pointing at the offending
// key or value. The default fixtures (fixtures/default.yaml) are compiled into the binary.
#include <string>
#include <string_view>

#include "bis/common/expected.h"
#include "bis/common/fixtures.h"
#include "bis/common/source.h"

namespace bis::mock {

// The name errors in the built-in fixtures carry.
inline constexpr std::string_view kDefaultFixturesName = "<default fixtures>";

// The YAML text of the built-in default fixtures.
std::string_view default_fixtures_yaml();

// Parses and checks fixtures text; `file` names it in errors.
Expected<fixtures::Fixtures, SourceError> load_fixtures(std::string_view text,
                                                        std::string_view file);
Expected<fixtures::Fixtures, SourceError> load_fixtures_file(const std::string& path);
Expected<fixtures::Fixtures, SourceError> load_default_fixtures();

}  // namespace bis::mock
