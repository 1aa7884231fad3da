// End-to-end: a target that cannot create variants, with flows that are not the mock's
// defaults. bis-conform drives a bis-mock started here (port 0, fixtures of this test: the
// primary account with threshold 3 and batching, the no-flow account with a disabled flow of
// its own, out-of-stock variants some of which hold stock below the threshold) through a
// target profile whose capabilities leave out `catalog` and `reset`. A full run must run the
// restock scenarios on the variants the fixtures list, and leave `GET /__admin/fixtures`
// exactly as it found it: every scenario puts back what it read, not the mock's defaults.
// Also under the variations that touch restocks and records (asynchronous recording, batches
// in any order, opaque ids, and async with batches together).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../mock/child_process.h"
#include "process_runner.h"

namespace bis::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSourceDir = BIS_SOURCE_DIR;

// Non-default settings everywhere the restock suite writes: a threshold of 3 and batches on
// the primary account, a disabled flow (threshold 2) on the account without a live one, and
// restockable variants at 0 and at stock below the threshold.
constexpr const char* kFixtures = R"(accounts:
  - key: StShop
    private_key: pk_staging_shop_00000000000000000001
    integration: shopify
    flow: {enabled: true, threshold: 3, batch_size: 10, batch_interval_seconds: 60}
    variants:
      - {id: "8100", inventory: 7}
      - {id: "8101", inventory: 0}
      - {id: "8102", inventory: 2}
      - {id: "8103", inventory: 0}
      - {id: "8104", inventory: 1}
      - {id: "8105", inventory: 0}
      - {id: "8106", inventory: 0}
    lists:
      - {id: StDbl, name: News, opt_in: double}
      - {id: StSgl, name: VIP, opt_in: single}
  - key: StBigC
    integration: bigcommerce
    flow: {enabled: true, threshold: 1, batch_size: 0, batch_interval_seconds: 0}
    variants: [{id: "77", inventory: 12}]
  - key: StMag2
    integration: magento_two
    flow: {}
    variants: [{id: "1002", inventory: 8}]
  - key: StCust
    integration: custom_catalog
    flow: {}
    variants: [{id: SKU-1, inventory: 4}]
  - key: StNoIn
    integration: custom_catalog_without_inventory
    variants: [{id: SKU-2, inventory: 0}]
  - key: StNone
    integration: none
  - key: StOff1
    integration: shopify
    flow: {enabled: false, threshold: 2, batch_size: 3, batch_interval_seconds: 30}
    variants:
      - {id: "9100", inventory: 1}
      - {id: "9101", inventory: 0}
      - {id: "9102", inventory: 5}
)";

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("bis-catalogless-" + std::to_string(getpid()) + "-" +
                                         std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

json read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return json::parse(buf.str(), nullptr, false);
}

// A control route's answer (curl: the test links no HTTP client).
json admin_get(const std::string& url, const std::string& route) {
  ProcessResult r = run_process({"/usr/bin/curl", "-sf", url + "/__admin/" + route}, kSourceDir,
                                std::chrono::seconds(10));
  return r.exit_code == 0 ? json::parse(r.out, nullptr, false) : json("curl failed: " + r.err);
}

// The fixtures as the control protocol lists them now.
json fixtures_of(const std::string& url) { return admin_get(url, "fixtures"); }

// The capabilities of the profile: everything the mock offers except creating variants, and
// except reset, which would hide a scenario that does not put back what it changed.
std::string profile_capabilities(const std::string& url) {
  std::string list;
  for (const auto& c : admin_get(url, "health").value("capabilities", json::array())) {
    if (c == "catalog" || c == "reset") continue;
    list += (list.empty() ? "" : ", ") + c.get<std::string>();
  }
  return "[" + list + "]";
}

struct Mock {
  std::unique_ptr<mock::testing::ChildProcess> process;
  std::string url;
  std::string said;  // what it wrote instead of announcing itself
};

Mock start_mock(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {BIS_MOCK_EXE, "--port", "0", "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  Mock m;
  m.process = std::make_unique<mock::testing::ChildProcess>(args);
  constexpr std::string_view kListening = "bis-mock listening on ";
  auto line = m.process->read_line();
  if (line && line->rfind(kListening, 0) == 0) {
    m.url = line->substr(kListening.size());
    m.url.resize(std::min(m.url.size(), m.url.find_first_of(" \t\r")));
  } else {
    m.said = line.value_or("") + "\n" + m.process->read_rest(std::chrono::seconds(2));
  }
  return m;
}

const json* find_suite(const json& report, const std::string& id) {
  for (const auto& s : report["suites"]) {
    if (s.value("id", "") == id) return &s;
  }
  return nullptr;
}

class CatalogLessTarget : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(CatalogLessTarget, RunsTheRestockScenariosAndLeavesTheFixturesAsTheyWere) {
  TempDir dir;
  std::vector<std::string> mock_args = {"--fixtures", dir.write("fixtures.yaml", kFixtures)};
  for (const std::string& v : GetParam()) mock_args.insert(mock_args.end(), {"--variation", v});
  Mock mock = start_mock(mock_args);
  ASSERT_FALSE(mock.url.empty()) << "bis-mock did not start: " << mock.said;
  const json before = fixtures_of(mock.url);
  ASSERT_TRUE(before.is_object() && before.contains("accounts")) << before.dump();

  // Every target value comes from the fixtures the control URL lists.
  const std::string profile =
      dir.write("staging.yaml", "name: staging-without-catalog\nbase_url: " + mock.url +
                                    "\ncontrol: {url: " + mock.url + "/__admin}\ncapabilities: " +
                                    profile_capabilities(mock.url) + "\n");
  const std::string report = dir.path("report.json");
  ProcessResult run = run_process({BIS_CONFORM_EXE, "run", "--no-progress", "--jobs", "16",
                                   "--target", profile, "--report", "json:" + report},
                                  kSourceDir, std::chrono::seconds(300));
  const json result = read_json(report);
  ASSERT_TRUE(result.is_object()) << "exit " << run.exit_code << "\n" << run.out << run.err;

  const json* restock = find_suite(result, "restock");
  ASSERT_NE(restock, nullptr);
  int ran = 0;
  for (const auto& sc : (*restock)["scenarios"]) {
    const std::string id = sc.value("id", "");
    const std::string verdict = sc.value("verdict", "");
    // They create a variant of their own: only these need catalog.
    if (id == "unknown-then-restocked" || id == "batch-every") {
      EXPECT_EQ(verdict, "not_applicable") << id;
      EXPECT_NE(sc.value("reason", "").find("catalog"), std::string::npos) << sc.dump();
      continue;
    }
    EXPECT_EQ(verdict, "pass") << "restock/" << id << ": " << sc.value("reason", "") << "\n"
                               << sc.dump().substr(0, 4000);
    ++ran;
  }
  EXPECT_EQ(ran, 7);
  // The whole run, not only the restock suite, leaves the target as it was: flows, thresholds,
  // batching and every variant's inventory, and no variant created.
  const json after = fixtures_of(mock.url);
  EXPECT_EQ(after, before) << "before: " << before.dump() << "\nafter:  " << after.dump()
                           << "\ndiff: " << json::diff(before, after).dump();
}

INSTANTIATE_TEST_SUITE_P(
    Variations, CatalogLessTarget,
    ::testing::Values(std::vector<std::string>{}, std::vector<std::string>{"async-recording"},
                      std::vector<std::string>{"batches-any-order"},
                      std::vector<std::string>{"opaque-ids"},
                      std::vector<std::string>{"extra-keys"},
                      std::vector<std::string>{"async-recording", "batches-any-order"}),
    [](const auto& info) {
      std::string name;
      for (const std::string& v : info.param) {
        for (const char c : v) name += c == '-' ? '_' : c;
        name += '_';
      }
      return name.empty() ? std::string("none") : name.substr(0, name.size() - 1);
    });

// With a catalog, the scenarios that create their own variants change the catalog (new
// variants), but nothing else: every flow they set (notify's threshold-boundary, restock's) is
// put back to what they read, not to the mock's defaults.
TEST(TargetWithCatalog, EveryFlowIsPutBackAsItWasRead) {
  TempDir dir;
  Mock mock = start_mock({"--fixtures", dir.write("fixtures.yaml", kFixtures)});
  ASSERT_FALSE(mock.url.empty()) << "bis-mock did not start: " << mock.said;
  const auto flows = [&] {
    json f = json::object();
    const json fixtures = fixtures_of(mock.url);
    for (const json& a : fixtures.value("accounts", json::array())) f[a.value("key", "")] = a["flow"];
    return f;
  };
  const json before = flows();
  ASSERT_EQ(before["StShop"]["threshold"], 3) << before.dump();
  const std::string report = dir.path("report.json");
  ProcessResult run = run_process({BIS_CONFORM_EXE, "run", "--no-progress", "--jobs", "16",
                                   "--target", mock.url, "--report", "json:" + report},
                                  kSourceDir, std::chrono::seconds(300));
  const json result = read_json(report);
  ASSERT_TRUE(result.is_object()) << "exit " << run.exit_code << "\n" << run.out << run.err;
  const json* notify = find_suite(result, "notify");
  ASSERT_NE(notify, nullptr);
  bool ran = false;
  for (const auto& sc : (*notify)["scenarios"]) {
    if (sc.value("id", "") != "threshold-boundary") continue;
    ran = true;
    EXPECT_EQ(sc.value("verdict", ""), "pass") << sc.dump().substr(0, 4000);
  }
  EXPECT_TRUE(ran);
  const json after = flows();
  EXPECT_EQ(after, before) << "diff: " << json::diff(before, after).dump();
}

// Too few out-of-stock variants: the scenarios that need more are not applicable, and say how
// many the target lacks, so that its owner knows what to add.
TEST(CatalogLessTargetTooFew, SaysHowManyVariantsAreMissing) {
  TempDir dir;
  Mock mock = start_mock({"--fixtures", dir.write("fixtures.yaml", R"(accounts:
  - key: StShop
    integration: shopify
    flow: {}
    variants:
      - {id: "1", inventory: 5}
      - {id: "2", inventory: 0}
      - {id: "3", inventory: 0}
      - {id: "4", inventory: 0}
)")});
  ASSERT_FALSE(mock.url.empty()) << "bis-mock did not start: " << mock.said;
  const std::string profile = dir.write(
      "p.yaml", "base_url: " + mock.url + "\ncontrol: {url: " + mock.url +
                    "/__admin}\ncapabilities: [subscribe, fixtures, inventory, flow, "
                    "subscriptions, events, notifications]\n");
  const std::string report = dir.path("report.json");
  run_process({BIS_CONFORM_EXE, "run", "--no-progress", "--target", profile, "--scenario",
               "restock/*", "--report", "json:" + report},
              kSourceDir, std::chrono::seconds(120));
  const json result = read_json(report);
  ASSERT_TRUE(result.is_object());
  const json* restock = find_suite(result, "restock");
  ASSERT_NE(restock, nullptr);
  std::map<std::string, std::string> verdicts, reasons;
  for (const auto& sc : (*restock)["scenarios"]) {
    verdicts[sc["id"]] = sc.value("verdict", "");
    reasons[sc["id"]] = sc.value("reason", "");
  }
  // Variants 3 and 4 are restockable ("2" is out_of_stock): indices 0 and 1 exist.
  EXPECT_EQ(verdicts["full-cycle"], "pass") << reasons["full-cycle"];
  EXPECT_EQ(verdicts["in-stock-change"], "not_applicable");
  EXPECT_EQ(reasons["in-stock-change"],
            "needs 3 out-of-stock variants on the primary account "
            "(target.variants.restockable), the target lists 2");
  EXPECT_EQ(verdicts["no-flow"], "not_applicable");  // no account without a live flow
}

}  // namespace
}  // namespace bis::e2e
