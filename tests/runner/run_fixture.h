#pragma once
// Helpers for the runner's component tests: suites written to a temporary directory, a
// catalogue, and a run against a target, with the listener calls recorded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "bis/runner/run.h"
#include "bis/runner/suite_set.h"
#include "bis/runner/target_connect.h"

namespace bis::testing {

inline constexpr const char* kCatalogue = R"(requirements:
  - {id: R-MUST, level: MUST, text: "a must", source: test}
  - {id: R-MUST-2, level: MUST, text: "another must", source: test}
  - {id: R-SHOULD, level: SHOULD, text: "a should", source: test, inferred: true, why: test, level_reason: test}
)";

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/bis-runner-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string p = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p) << text;
    return p;
  }

 private:
  std::string path_;
};

class RecordingListener : public runner::ResultListener {
 public:
  void run_started(const runner::RunHeader& h) override { header = h; }
  void scenario_finished(const runner::SuiteResult& s, const runner::ScenarioResult& sc) override {
    std::lock_guard<std::mutex> lock(mutex);
    finished.push_back(s.id + "/" + sc.id);
  }
  bool run_finished(const runner::RunResult&, std::string&) override { return true; }
  runner::RunHeader header;
  std::mutex mutex;
  std::vector<std::string> finished;
};

// Loads `suite_yaml` (one suite) and runs it against `target`.
inline runner::RunResult run_suite(const std::string& suite_yaml, const runner::Target& target,
                                   runner::RunOptions options = {},
                                   runner::Selection selection = {},
                                   RecordingListener* listener = nullptr) {
  TempDir dir;
  const std::string file = dir.write("suite.yaml", suite_yaml);
  auto catalogue = runner::Catalogue::load(kCatalogue, "requirements.yaml");
  auto set = runner::load_suites({file}, &*catalogue);
  std::string errors;
  for (const auto& e : set.errors) errors += e.to_string() + "\n";
  EXPECT_TRUE(set.errors.empty()) << errors;
  RecordingListener own;
  if (options.request_timeout == runner::Duration(10000))
    options.request_timeout = runner::Duration(3000);
  if (options.run_id.empty()) options.run_id = "testrun1";
  return runner::run(set.suites, selection, *catalogue, target, options,
                     listener ? *listener : own);
}

inline std::unique_ptr<runner::ConnectedTarget> connect(const std::string& url) {
  runner::ConnectOptions o;
  o.target = url;
  o.run_id = "testrun1";
  auto c = runner::connect_target(o);
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  return c ? std::move(*c) : nullptr;
}

inline const runner::ScenarioResult& scenario(const runner::RunResult& r, const std::string& id) {
  for (const auto& s : r.suites) {
    for (const auto& sc : s.scenarios) {
      if (sc.id == id) return sc;
    }
  }
  ADD_FAILURE() << "no scenario " << id;
  static runner::ScenarioResult none;
  return none;
}

}  // namespace bis::testing
