#include "bis/mock/fixtures_loader.h"

#include <gtest/gtest.h>

#include <set>

namespace bis::mock {
namespace {

using fixtures::Integration;

std::string error_of(std::string_view yaml) {
  auto f = load_fixtures(yaml, "f.yaml");
  return f ? "loaded" : f.error().to_string();
}

TEST(FixturesLoaderTest, TheDefaultFixturesCoverWhatTheRunnerNeeds) {
  auto f = load_default_fixtures();
  ASSERT_TRUE(f) << f.error().to_string();
  std::set<Integration> integrations;
  bool unsupported = false, without_flow = false, flow_off = false, double_list = false,
       single_list = false;
  for (const auto& a : f->accounts) {
    integrations.insert(a.integration);
    unsupported = unsupported || !a.supports_back_in_stock();
    without_flow = without_flow || (a.supports_back_in_stock() && !a.flow);
    flow_off = flow_off || (a.flow && !a.flow->enabled);
    for (const auto& l : a.lists) (l.double_opt_in ? double_list : single_list) = true;
  }
  for (Integration i : {Integration::kShopify, Integration::kBigCommerce, Integration::kMagentoTwo,
                        Integration::kCustomCatalog, Integration::kCustomCatalogWithoutInventory,
                        Integration::kNone}) {
    EXPECT_TRUE(integrations.count(i)) << to_string(i);
  }
  EXPECT_TRUE(unsupported && without_flow && flow_off && double_list && single_list);
  // The primary account: supported, flow on, an in-stock and an out-of-stock variant, both lists.
  const auto& primary = f->accounts.front();
  ASSERT_TRUE(primary.supports_back_in_stock() && primary.flow && primary.flow->enabled);
  bool in_stock = false, out_of_stock = false;
  for (const auto& v : primary.variants)
    (v.inventory >= primary.flow->threshold ? in_stock : out_of_stock) = true;
  EXPECT_TRUE(in_stock && out_of_stock);
  ASSERT_EQ(primary.lists.size(), 2u);
}

TEST(FixturesLoaderTest, ErrorsPointAtTheOffendingNode) {
  EXPECT_EQ(error_of("accounts:\n  - key: Abc123\n    flow: {treshold: 2}\n"),
            "f.yaml:3:12: accounts[0].flow: unknown key 'treshold' (did you mean 'threshold'?)");
  EXPECT_EQ(error_of("accounts:\n  - key: Abc123\n    flow:\n      threshold: 0\n"),
            "f.yaml:4:18: accounts[0].flow.threshold: must be at least 1");
  EXPECT_EQ(error_of("accounts:\n  - key: Abc123\n    integration: shopfy\n"),
            "f.yaml:3:18: accounts[0].integration: unknown integration 'shopfy' (did you mean "
            "'shopify'?)");
  EXPECT_EQ(error_of("accounts:\n  - key: Abc12\n"),
            "f.yaml:2:10: accounts[0].key: a public key has 6 characters ('Abc12' has 5)");
  EXPECT_EQ(
      error_of("accounts:\n  - key: Abc123\n    variants:\n      - {id: 1}\n      - {id: 1}\n"),
      "f.yaml:5:14: accounts[0].variants[1].id: duplicate variant '1'");
}

TEST(FixturesLoaderTest, YamlProblemsHavePositionsToo) {
  EXPECT_EQ(error_of("accounts: [\n"), "f.yaml:2:1: end of sequence flow not found");
  EXPECT_EQ(error_of("accounts:\n  - key: Abc123\n    key: Abc124\n"),
            "f.yaml:3:5: duplicate key 'key'");
  EXPECT_EQ(error_of("- 1\n"), "f.yaml:1:1: expected a map with 'accounts', got a list");
  EXPECT_EQ(error_of(""), "f.yaml:1:1: expected a map with 'accounts', got nothing");
}

TEST(FixturesLoaderTest, JsonIsAcceptedAsYaml) {
  auto f = load_fixtures(
      R"({"accounts": [{"key": "Abc123", "integration": "bigcommerce", "error_status": 200}]})",
      "body");
  ASSERT_TRUE(f) << f.error().to_string();
  EXPECT_EQ(f->accounts[0].integration, Integration::kBigCommerce);
  EXPECT_EQ(f->accounts[0].error_status, 200);
}

TEST(FixturesLoaderTest, ErrorStatusMustBeTwoHundredOrAnError) {
  EXPECT_NE(error_of("accounts:\n  - {key: Abc123, error_status: 302}\n")
                .find("error_status: must be 200"),
            std::string::npos);
}

TEST(FixturesLoaderTest, AnUnreadableFileIsAnErrorAtTheFile) {
  auto f = load_fixtures_file("/nonexistent/fixtures.yaml");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().to_string(), "/nonexistent/fixtures.yaml: cannot read file: no such file");
}

}  // namespace
}  // namespace bis::mock
