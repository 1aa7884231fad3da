#pragma once
// Loads suite files (docs/suite-format.md) into the syntax tree of suite.h, checking all that
// one file can tell: keys (with "did you mean"), types, ids, templates and the variables they
// read, target values, capability names, durations, JSON paths, regular expressions.
// What needs more than one file (unknown requirement IDs, duplicate suite ids) is lint.h's.
//
// Errors come back as a list, each "file:line:col: message"; loading goes on after an error
// where it can, so one pass shows most mistakes. Thread-compatible (no shared state).
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"
#include "bis/common/source.h"
#include "bis/runner/suite.h"

namespace bis::runner {

using SourceErrors = std::vector<SourceError>;

Expected<Suite, SourceErrors> load_suite(std::string_view text, std::string_view file);
Expected<Suite, SourceErrors> load_suite_file(const std::string& path);

// Named endpoints a request may use, and the target.* paths a template may read.
const std::vector<std::string>& endpoint_names();
const std::vector<std::string>& target_value_paths();
// Names of the accounts under target.accounts.
const std::vector<std::string>& target_account_names();

}  // namespace bis::runner
