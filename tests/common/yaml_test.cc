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

// Found by fuzz/fixtures_loader_fuzz: yaml-cpp builds an alias inside its own anchor as a
// cycle, and to_json (so every loader, and PUT /__admin/fixtures) recursed until the stack
// overflowed. parse() now refuses it.
TEST(YamlTest, AnAliasInsideItsOwnAnchorIsAnErrorNotACycle) {
  auto node = parse("a: 1\nb: &x [1, *x]\n", "f.yaml");
  ASSERT_FALSE(node);
  EXPECT_EQ(node.error().pos.file, "f.yaml");
  EXPECT_NE(node.error().message.find("alias used inside its own anchor"), std::string::npos)
      << node.error().message;
}

// Aliases of aliases stand for exponentially many nodes: 10 per level, 7 levels is 10^7 nodes
// (and as many JSON values in to_json) from 300 bytes.
TEST(YamlTest, AliasesExpandingBeyondTheLimitAreAnError) {
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 7; ++level) {
    const std::string prev = "*l" + std::to_string(level - 1);
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + prev;
    text += "]\n";
  }
  auto node = parse(text, "f.yaml");
  ASSERT_FALSE(node);
  EXPECT_NE(node.error().message.find("once its aliases are expanded"), std::string::npos)
      << node.error().message;
  // Shared anchors that stay small are fine.
  EXPECT_TRUE(parse("a: &a [1, 2]\nb: *a\nc: [*a, *a]\n", "f.yaml"));
}

// Plain scalars used to be typed with std::regex, which recurses once per character in
// libstdc++ and overflowed the stack on a long number; a number beyond a double threw.
TEST(YamlTest, LongOrHugeNumbersResolveWithoutCrashing) {
  const std::string digits(1'000'000, '7');
  auto node = parse("n: " + digits + "\nf: 1." + digits + "\ne: 1e400\nt: -2.5e-3\n", "f.yaml");
  ASSERT_TRUE(node);
  const auto j = to_json(*node);
  EXPECT_EQ(j["n"], digits);  // too large for an integer: the text
  EXPECT_TRUE(j["f"].is_number_float());
  EXPECT_EQ(j["e"], "1e400");
  EXPECT_DOUBLE_EQ(j["t"].get<double>(), -2.5e-3);
}

}  // namespace
}  // namespace bis::yaml
