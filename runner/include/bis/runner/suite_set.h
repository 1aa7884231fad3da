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

// The files a run or lint was given, split by kind.
struct SuiteFiles {
  std::vector<std::string> suites;
  // Requirement catalogues among the files named (`bis-conform lint suites/*.yaml` names
  // suites/requirements.yaml too): taken as the catalogue, never as a suite.
  std::vector<std::string> catalogues;
};

// Whether a file is a requirement catalogue rather than a suite: it is named
// requirements.yaml (or .yml), or its YAML has a top-level `requirements:` key and no
// top-level `suite:` key.
bool is_catalogue_file(const std::string& path);

// Expands suite arguments: a file as given (a catalogue goes to `catalogues`); a directory
// gives its *.yaml and *.yml files, recursively, sorted, except requirements.yaml. A missing
// path is an error.
Expected<SuiteFiles, std::string> suite_files(const std::vector<std::string>& args);

// The default suites directory: ./suites from the working directory, else
// <exe dir>/../share/bis-conformance/suites (installed), else the source tree's suites/
// (compiled in, for the build tree). nullopt if none exists.
std::optional<std::string> default_suites_dir();

// The catalogue to use: `explicit_path` if given; else the one catalogue among the files
// named; else requirements.yaml beside the first suite file (or in a parent directory up to 3
// levels); else the default suites directory's. nullopt if none is found; an error if the
// files name two different catalogues and no `explicit_path` says which.
Expected<std::optional<std::string>, std::string> find_catalogue(const std::string& explicit_path,
                                                                 const SuiteFiles& files);

struct SuiteSet {
  std::vector<Suite> suites;
  SourceErrors errors;  // every file's, in file order, then the cross-file checks
};

// Loads every file; with a catalogue, checks the requirement IDs the scenarios cite.
SuiteSet load_suites(const std::vector<std::string>& files, const Catalogue* catalogue);

}  // namespace bis::runner
