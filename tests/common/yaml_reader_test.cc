#include "bis/common/yaml_reader.h"

#include <gtest/gtest.h>

#include "bis/common/yaml.h"

namespace bis::yaml {
namespace {

std::vector<std::string> duplicates_of(const std::string& text) {
  auto node = parse(text, "f.yaml");
  EXPECT_TRUE(node);
  std::vector<std::string> out;
  for (const auto& e : duplicate_keys(*node, "f.yaml")) out.push_back(e.to_string());
  return out;
}

TEST(YamlReaderTest, EveryRepeatedKeyAtAnyDepthIsFoundAtTheRepeat) {
  EXPECT_EQ(duplicates_of("a: 1\nb:\n  - {x: 1, x: 2}\n  - c: {y: 1}\na: 2\n"),
            (std::vector<std::string>{"f.yaml:3:12: duplicate key 'x'",
                                      "f.yaml:5:1: duplicate key 'a'"}));
  EXPECT_TRUE(duplicates_of("a: {x: 1}\nb: {x: 1}\n").empty());
}

// Nested aliases expand to 10^6 nodes; each node is walked once.
TEST(YamlReaderTest, AliasesAreWalkedOnce) {
  std::string text = "l0: &l0 {k: v, k: w}\n";
  for (int i = 1; i <= 6; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 10; ++k) text += ", " + prev;
    text += "]\n";
  }
  // parse() refuses a document this large once expanded (YamlTest), so the walker gets
  // yaml-cpp's nodes directly: it must still cost the text's size, not the expansion's.
  std::vector<std::string> found;
  for (const auto& e : duplicate_keys(YAML::Load(text), "f.yaml")) found.push_back(e.to_string());
  EXPECT_EQ(found, std::vector<std::string>{"f.yaml:1:16: duplicate key 'k'"});
  EXPECT_FALSE(parse(text, "f.yaml"));
}

TEST(YamlReaderTest, UnknownKeysMergeKeysAndTypedScalarsArePositioned) {
  auto node = parse("timout: 5s\nn: 12\nd: soon\nb: maybe\n<<: {x: 1}\n", "f.yaml");
  ASSERT_TRUE(node);
  Reader r("f.yaml");
  EXPECT_TRUE(r.check_map(*node, {"timeout", "n", "d", "b"}, "a step"));
  EXPECT_EQ(r.integer(Reader::get(*node, "n"), "n", 0, 10), std::nullopt);
  EXPECT_EQ(r.duration(Reader::get(*node, "d"), "d"), std::nullopt);
  EXPECT_EQ(r.boolean(Reader::get(*node, "b"), "b"), std::nullopt);
  EXPECT_EQ(r.duration(Reader::get(*node, "timout"), "t"), Duration(5000));
  std::vector<std::string> all;
  for (const auto& e : r.errors()) all.push_back(e.to_string());
  EXPECT_EQ(all, (std::vector<std::string>{
                     "f.yaml:5:1: YAML merge keys (<<) are not supported; alias the whole value "
                     "instead (key: *anchor)",
                     "f.yaml:2:4: n must be an integer from 0 to 10",
                     "f.yaml:3:4: d: expected a duration like 250ms, 5s or 2m, got 'soon'",
                     "f.yaml:4:4: b must be true or false"}));
  Reader typo("f.yaml");
  typo.check_map(*parse("timout: 5s\n", "f.yaml"), {"timeout"}, "a step");
  ASSERT_EQ(typo.errors().size(), 1u);
  EXPECT_EQ(typo.errors()[0].to_string(),
            "f.yaml:1:1: unknown key 'timout' in a step (did you mean 'timeout'?)");
}

}  // namespace
}  // namespace bis::yaml
