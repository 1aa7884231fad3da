#pragma once
// Starting the bis-mock binary in tests, as the runner and app teams start it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <regex>
#include <string>

#include "child_process.h"

namespace bis::mock::testing {

// Reads the first stderr line of a bis-mock started with `--port 0`; returns its port (0 if it
// did not come up, with a test failure naming the line).
inline int start(ChildProcess& p) {
  static const std::regex kListening("bis-mock listening on http://127\\.0\\.0\\.1:([0-9]+)");
  const std::optional<std::string> line = p.read_line();
  std::smatch m;
  if (!line || !std::regex_match(*line, m, kListening)) {
    ADD_FAILURE() << "first stderr line: " << line.value_or("<none>");
    return 0;
  }
  return std::stoi(m[1]);
}

// A path in the temporary directory that no other test process uses.
inline std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("bis-mock-test-" + std::to_string(getpid()) + "-" + name))
      .string();
}

// Removes a SQLite state file with its WAL and shared-memory files.
inline void remove_state(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace bis::mock::testing
