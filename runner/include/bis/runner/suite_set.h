#pragma once
// Finding and loading the suites of a run, and the checks that need all of them: suite ids
// unique across files, every requirement a scenario cites known to the catalogue, no two
// scenarios restocking the same listed variant (target.*.restockable[N]).
// `bis-conform lint` is exactly load_suites + these checks.
#include <optional>
#include <string>
#include <vector>

#include "bis/common/expected.h"
#include "bis/runner/requirements.h"
#include "bis/runner/suite.h"
#include "bis/runner/suite_loader.h"

namespace bis::runner {

// Expands suite arguments: a file as given; a directory gives its *.yaml and *.yml files,
// recursively, sorted, except requirements.yaml. A missing path is an error.
Expected<std::vector<std::string>, std::string> suite_files(const std::vector<std::string>& args);

// The default suites directory: ./suites from the working directory, else
// <exe dir>/../share/bis-conformance/suites (installed), else the source tree's suites/
// (compiled in, for the build tree). nullopt if none exists.
std::optional<std::string> default_suites_dir();

// The catalogue to use: `explicit_path` if given; else requirements.yaml beside the first
// suite file (or in a parent directory up to 3 levels); else the default suites directory's.
std::optional<std::string> find_catalogue(const std::string& explicit_path,
                                          const std::vector<std::string>& suite_files);

struct SuiteSet {
  std::vector<Suite> suites;
  SourceErrors errors;  // every file's, in file order, then the cross-file checks
};

// Loads every file; with a catalogue, checks the requirement IDs the scenarios cite.
SuiteSet load_suites(const std::vector<std::string>& files, const Catalogue* catalogue);

}  // namespace bis::runner
