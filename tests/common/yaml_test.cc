#include "bis/common/yaml.h"

#include <gtest/gtest.h>

namespace bis::yaml {
namespace {

TEST(YamlTest, SyntaxErrorHasFileLineAndColumn) {
  auto node = parse("a: 1\nb: [1, 2\n", "suite.yaml");
  ASSERT_FALSE(node);
  EXPECT_EQ(node.error().pos.file, "suite.yaml");
  EXPECT_GE(node.error().pos.line, 2);
  EXPECT_GT(node.error().pos.column, 0);
  EXPECT_EQ(node.error().to_string().rfind("suite.yaml:", 0), 0u);
}

TEST(YamlTest, PositionIsOneBased) {
  auto node = parse("list:\n  - item\n", "f.yaml");
  ASSERT_TRUE(node);
  auto pos = position((*node)["list"][0], "f.yaml");
  EXPECT_EQ(pos.line, 2);
  EXPECT_EQ(pos.column, 5);
}

TEST(YamlTest, ToJsonResolvesPlainScalarsAndKeepsQuotedOnesAsStrings) {
  auto node = parse("b: true\nq: \"true\"\ni: 42\nneg: -7\nf: 1.5\nn: null\nt: ~\ns: hello\nbig: 44221714950\n"
                    "id: \"44221714950\"\nhuge: 123456789012345678901234567890\nl: [1, \"2\"]\n",
                    "f.yaml");
  ASSERT_TRUE(node);
  auto j = to_json(*node);
  EXPECT_EQ(j["b"], true);
  EXPECT_EQ(j["q"], "true");
  EXPECT_EQ(j["i"], 42);
  EXPECT_EQ(j["neg"], -7);
  EXPECT_DOUBLE_EQ(j["f"].get<double>(), 1.5);
  EXPECT_TRUE(j["n"].is_null());
  EXPECT_TRUE(j["t"].is_null());
  EXPECT_EQ(j["s"], "hello");
  EXPECT_EQ(j["big"], 44221714950LL);
  EXPECT_EQ(j["id"], "44221714950");
  EXPECT_EQ(j["huge"], "123456789012345678901234567890");
  EXPECT_EQ(j["l"][1], "2");
}

TEST(YamlTest, UnreadableFileIsAnErrorNamingTheFile) {
  auto node = parse_file("/nonexistent/suite.yaml");
  ASSERT_FALSE(node);
  EXPECT_EQ(node.error().to_string(), "/nonexistent/suite.yaml: cannot read file: no such file");
}

}  // namespace
}  // namespace bis::yaml
