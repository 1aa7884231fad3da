#pragma once
// Runs a command to completion for the end-to-end tests: argv (no shell), working directory,
// captured stdout/stderr and exit code. A run that outlives `timeout` is killed (SIGKILL) and
// reported with exit_code -1, so no test can hang on a child.
#include <chrono>
#include <string>
#include <vector>

namespace bis::e2e {

struct ProcessResult {
  int exit_code = -1;  // -1: killed on timeout or by a signal
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd,
                          std::chrono::seconds timeout = std::chrono::seconds(120));

}  // namespace bis::e2e
