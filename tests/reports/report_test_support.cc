#include "report_test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace bis::reports::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  dir_ = fs::path(BIS_BINARY_DIR) / "test-tmp" /
         ("reports-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(dir_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::vector<std::string> drive(ReporterList& reporters, const runner::RunResult& result) {
  runner::RunHeader header{result.run_id, result.target, 0, result.strict};
  for (const auto& suite : result.suites) header.scenario_count += suite.scenarios.size();
  for (auto& r : reporters) r->run_started(header);
  for (const auto& suite : result.suites) {
    for (const auto& s : suite.scenarios) {
      for (auto& r : reporters) r->scenario_finished(suite, s);
    }
  }
  std::vector<std::string> errors;
  for (auto& r : reporters) {
    std::string error;
    if (!r->run_finished(result, error)) errors.push_back(error);
  }
  return errors;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
}

std::string compare_golden(const std::string& name, const std::string& actual) {
  const fs::path golden = fs::path(BIS_SOURCE_DIR) / "tests/reports/golden" / name;
  const char* update = std::getenv("BIS_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(golden.parent_path());
    write_file(golden.string(), actual);
    return "";
  }
  if (!fs::exists(golden)) {
    return golden.string() + " is missing (run the test with BIS_UPDATE_GOLDEN=1 to create it)";
  }
  const std::string expected = read_file(golden.string());
  if (expected == actual) return "";
  size_t at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) ++at;
  const size_t line =
      1 + static_cast<size_t>(std::count(expected.begin(), expected.begin() + at, '\n'));
  return name + " differs from its golden file at byte " + std::to_string(at) + " (line " +
         std::to_string(line) + "): expected ..." + expected.substr(at, 80) + "... got ..." +
         actual.substr(at, 80) + "... (BIS_UPDATE_GOLDEN=1 rewrites it, if the change is meant)";
}

CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool have_command(const std::string& name) {
  return run_command("command -v " + name + " >/dev/null").status == 0;
}

CommandResult xmllint(const std::string& doc, const std::string& flags, const std::string& xsd) {
  if (!have_command("xmllint"))
    return {127, "xmllint is not installed (libxml2-utils; scripts/deps.sh installs it)"};
  TempDir dir;
  const std::string path = dir.path("doc.xml");
  write_file(path, doc);
  std::string cmd = "xmllint --noout --nonet " + flags;
  if (!xsd.empty()) cmd += " --schema '" + xsd + "'";
  return run_command(cmd + " '" + path + "'");
}

}  // namespace bis::reports::testing
