// End-to-end gates of the permitted variations (docs/variations.md), run by CI through ctest:
//  - every suite passes against `bis-mock --variation NAME` for every variation the binary
//    lists, and against the pairs that interact: exit 0, no scenario or requirement failed or
//    in error (a failure here is a false failure: the suite is wrong, not the target);
//  - with async-recording, every defect about what is recorded is still caught, and fails
//    exactly the requirements it fails on the synchronous mock.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "process_runner.h"

namespace bis::e2e {
namespace {

using nlohmann::json;

const std::string kSourceDir = BIS_SOURCE_DIR;
const std::string kOutDir = std::string(BIS_BINARY_DIR) + "/tests/e2e";

// Every variation the mock binary lists (first word of each line of --list-variations).
std::vector<std::string> listed_variations() {
  const ProcessResult r = run_process({BIS_MOCK_EXE, "--list-variations"}, kSourceDir);
  std::vector<std::string> out;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (const size_t end = line.find(' '); end != 0 && !line.empty())
      out.push_back(line.substr(0, end));
  }
  return out;
}

// One run of every suite against the bundled mock started with `mock_args`.
struct SuiteRun {
  int exit_code = -1;
  std::string output;
  json report;
  // Requirements whose verdict is fail or warn (broken), fail alone, and error.
  std::set<std::string> broken, failed, errors;
  std::vector<std::string> bad_scenarios;  // suite/scenario: verdict
};

// `strict`: warnings fail the run, so a defect that breaks only an inferred (SHOULD) rule
// counts as caught, as in the kill matrix.
SuiteRun run_suites(const std::string& name, const std::vector<std::string>& mock_args,
                    bool strict = false) {
  const std::string report = kOutDir + "/variation-" + name + ".json";
  std::vector<std::string> args = {BIS_CONFORM_EXE, "run",    "--no-progress", "--mock-exe",
                                   BIS_MOCK_EXE,    "--report", "json:" + report};
  if (strict) args.push_back("--strict");
  // The runner mostly waits on the asynchronous variation's delays: more scenarios at once
  // (2 cores or not) cut the run from ~36s to ~13s.
  args.insert(args.end(), {"--jobs", "16"});
  for (const std::string& a : mock_args) args.push_back("--mock-arg=" + a);
  const ProcessResult p = run_process(args, kSourceDir);
  SuiteRun r;
  r.exit_code = p.exit_code;
  r.output = p.out + p.err;
  std::ifstream in(report);
  r.report = json::parse(in, nullptr, false);
  if (!r.report.is_object()) return r;
  for (const json& req : r.report.value("requirements", json::array())) {
    const std::string verdict = req.value("verdict", "");
    if (verdict == "fail" || verdict == "warn") r.broken.insert(req.value("id", ""));
    if (verdict == "fail") r.failed.insert(req.value("id", ""));
    if (verdict == "error") r.errors.insert(req.value("id", ""));
  }
  for (const json& suite : r.report.value("suites", json::array())) {
    for (const json& s : suite.value("scenarios", json::array())) {
      const std::string verdict = s.value("verdict", "");
      if (verdict == "fail" || verdict == "error")
        r.bad_scenarios.push_back(suite.value("id", "") + "/" + s.value("id", "") + ": " + verdict);
    }
  }
  return r;
}

std::string joined(const std::vector<std::string>& v, const char* sep = "+") {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Each variation alone, then the pairs whose effects meet: a late record and a late batch,
// refusal statuses and the duplicate answer, ids and extra keys, CORS with CORS, bodies with
// statuses, both email rules.
std::vector<std::vector<std::string>> matrix() {
  std::vector<std::vector<std::string>> out;
  for (const std::string& v : listed_variations()) out.push_back({v});
  const std::vector<std::vector<std::string>> pairs = {
      {"async-recording", "batches-any-order"},
      {"async-recording", "opaque-ids"},
      {"refusal-200", "duplicate-error"},
      {"refusal-422", "duplicate-error"},
      {"refusal-per-account", "duplicate-error"},
      {"refusal-200", "text-plain-form"},
      {"extra-keys", "opaque-ids"},
      {"extra-keys", "json-charset"},
      {"cors-echo-origin", "preflight-without-methods"},
      {"cors-echo-origin", "no-expose-headers"},
      {"email-unicode-domain", "email-quoted-local"},
  };
  out.insert(out.end(), pairs.begin(), pairs.end());
  return out;
}

class VariationPasses : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(VariationPasses, EverySuiteWithoutFailureOrError) {
  std::vector<std::string> args;
  for (const std::string& v : GetParam()) args.push_back("--variation=" + v);
  const SuiteRun r = run_suites(joined(GetParam()), args);
  ASSERT_TRUE(r.report.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.bad_scenarios.empty()) << joined(r.bad_scenarios, "\n") << "\n" << r.output;
  EXPECT_TRUE(r.errors.empty()) << r.output;
  EXPECT_TRUE(r.failed.empty()) << r.output;
}

std::string param_name(const ::testing::TestParamInfo<std::vector<std::string>>& info) {
  std::string out;
  for (char c : joined(info.param, "_and_")) out += (c == '-') ? '_' : c;
  return out;
}

INSTANTIATE_TEST_SUITE_P(Matrix, VariationPasses, ::testing::ValuesIn(matrix()), param_name);

TEST(VariationsMatrix, CoversAtLeastThirteenVariations) {
  EXPECT_GE(listed_variations().size(), 13u);
}

// Defects about what a subscription, a restock or a list call records: an asynchronous target
// must not hide them.
const std::vector<std::string> kRecordingDefects = {
    "event-for-unknown-variant", "duplicate-event",       "duplicate-subscription",
    "notify-twice",              "notify-without-flow",   "no-clear-after-notify",
    "subscribe-adds-to-list",    "double-opt-in-ignored", "restock-ignores-threshold",
};

class RecordingDefectUnderAsync : public ::testing::TestWithParam<std::string> {};

TEST_P(RecordingDefectUnderAsync, IsCaughtAndBlamedOnTheSameRequirements) {
  const std::string defect = GetParam();
  const SuiteRun sync = run_suites("sync-" + defect, {"--defect=" + defect}, /*strict=*/true);
  const SuiteRun async = run_suites(
      "async-" + defect, {"--defect=" + defect, "--variation=async-recording"}, /*strict=*/true);
  ASSERT_TRUE(async.report.is_object()) << async.output;
  EXPECT_EQ(async.exit_code, 1) << "not caught under async-recording:\n" << async.output;
  EXPECT_FALSE(async.broken.empty()) << async.output;
  EXPECT_EQ(async.broken, sync.broken) << async.output;
}

INSTANTIATE_TEST_SUITE_P(Async, RecordingDefectUnderAsync,
                         ::testing::ValuesIn(kRecordingDefects),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string out;
                           for (char c : info.param) out += (c == '-') ? '_' : c;
                           return out;
                         });

}  // namespace
}  // namespace bis::e2e
