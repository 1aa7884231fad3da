#pragma once
// Helpers for the reporter tests: drive reporters as the runner would, read and write files,
// run xmllint, and find golden files.
#include <filesystem>
#include <string>
#include <vector>

#include "bis/reports/reporters.h"
#include "bis/runner/result.h"

namespace bis::reports::testing {

// A fresh directory under the build tree, removed when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

// Calls run_started, scenario_finished for every scenario in tree order, then run_finished on
// every reporter; returns the errors run_finished reported (empty when all succeeded).
std::vector<std::string> drive(ReporterList& reporters, const runner::RunResult& result);

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& data);

// Compares `actual` with tests/reports/golden/<name>; with BIS_UPDATE_GOLDEN=1 in the
// environment it rewrites the golden file instead. Returns "" on a match, else a message.
std::string compare_golden(const std::string& name, const std::string& actual);

struct CommandResult {
  int status = -1;     // exit status, -1 if it could not run
  std::string output;  // stdout and stderr
};
CommandResult run_command(const std::string& command);
bool have_command(const std::string& name);

// xmllint's verdict on `doc` (--noout --nonet plus `flags`), validated against `xsd` if given,
// else only parsed. Without xmllint the status is 127 with a message: scripts/deps.sh installs
// it, so its absence fails the test instead of skipping the check.
CommandResult xmllint(const std::string& doc, const std::string& flags = "",
                      const std::string& xsd = "");

}  // namespace bis::reports::testing
