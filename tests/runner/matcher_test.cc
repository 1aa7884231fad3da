#include "bis/runner/matcher.h"

#include <gtest/gtest.h>

#include "bis/runner/json_diff.h"

namespace bis::runner {
namespace {

using nlohmann::json;

class MatcherTest : public ::testing::Test {
 protected:
  // nullopt when the matcher holds.
  std::optional<MatchFailure> check(const Matcher& m, const json* actual,
                                    const std::string& path = "$") {
    auto r = m.check(actual, Scope{vars_, ctx_}, path);
    EXPECT_TRUE(r);
    return r ? *r : std::nullopt;
  }
  std::optional<MatchFailure> check(const Matcher& m, const json& actual) {
    return check(m, &actual);
  }

  json vars_ = json{{"expected", "x@example.com"}};
  TemplateContext ctx_;
};

TEST_F(MatcherTest, TypeDistinguishesIntegersFromNumbers) {
  Matcher m;
  m.type = "integer";
  EXPECT_FALSE(check(m, json(3)));
  EXPECT_FALSE(check(m, json(3.0)));
  EXPECT_TRUE(check(m, json(3.5)));
  m.type = "string";
  auto f = check(m, json(5));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->message, "expected type string, got 5");
}

TEST_F(MatcherTest, MatchesUsesRe2PartialMatch) {
  Matcher m;
  m.matches = "^[a-z]+@";
  m.regex = *compile_regex(*m.matches);
  EXPECT_FALSE(check(m, json("abc@x")));
  EXPECT_TRUE(check(m, json("ABC@x")));
  EXPECT_TRUE(check(m, json(5)));
  EXPECT_FALSE(compile_regex("(unclosed"));
}

TEST_F(MatcherTest, TemplatedRegexIsCompiledAtCheckTime) {
  Matcher m;
  m.matches = "^{{ expected }}$";
  EXPECT_FALSE(check(m, json("x@example.com")));
  EXPECT_TRUE(check(m, json("y@example.com")));
}

TEST_F(MatcherTest, AbsentAndPresent) {
  Matcher absent;
  absent.absent = true;
  EXPECT_FALSE(check(absent, nullptr));
  EXPECT_TRUE(check(absent, json(nullptr)));  // null is there
  Matcher present;
  present.present = true;
  auto f = check(present, nullptr);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->actual, "(absent)");
}

TEST_F(MatcherTest, LengthCountsCodePointsElementsAndMembers) {
  Matcher m;
  m.length = 3;
  EXPECT_FALSE(check(m, json("h\xc3\xa9y")));  // 3 code points, 4 bytes
  EXPECT_FALSE(check(m, json::array({1, 2, 3})));
  EXPECT_FALSE(check(m, json{{"a", 1}, {"b", 2}, {"c", 3}}));
  EXPECT_TRUE(check(m, json("abcd")));
  Matcher range;
  range.length_min = 1;
  range.length_max = 2;
  EXPECT_TRUE(check(range, json("")));
  EXPECT_FALSE(check(range, json("ab")));
}

TEST_F(MatcherTest, NumberRangesAreInclusive) {
  Matcher m;
  m.min = 400;
  m.max = 499;
  EXPECT_FALSE(check(m, json(400)));
  EXPECT_FALSE(check(m, json(499)));
  EXPECT_TRUE(check(m, json(500)));
  EXPECT_TRUE(check(m, json("450")));
}

TEST_F(MatcherTest, OneOfContainsSubsetAndNot) {
  Matcher one;
  one.one_of = json::array({200, 400});
  EXPECT_FALSE(check(one, json(400)));
  EXPECT_TRUE(check(one, json(500)));
  Matcher contains;
  contains.contains = "wrong";
  EXPECT_FALSE(check(contains, json("something wrong here")));
  contains.contains = 2;
  EXPECT_FALSE(check(contains, json::array({1, 2})));
  EXPECT_TRUE(check(contains, json::array({1, 3})));
  Matcher subset;
  subset.subset = json{{"success", false}};
  EXPECT_FALSE(check(subset, json{{"success", false}, {"data", json::object()}}));
  const json wrong{{"success", true}};
  auto f = check(subset, &wrong, "$.body");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->path, "$.body.success");
  Matcher n;
  n.negated = std::make_shared<Matcher>(Matcher::equal_to(json("a")));
  EXPECT_FALSE(check(n, json("b")));
  EXPECT_TRUE(check(n, json("a")));
}

TEST_F(MatcherTest, EqualsRendersTemplatesAndReportsTheDifferingPath) {
  auto m = Matcher::equal_to(json{{"email", "{{ expected }}"}, {"success", true}});
  EXPECT_FALSE(check(m, json{{"email", "x@example.com"}, {"success", true}}));
  auto f = check(m, json{{"email", "other@example.com"}, {"success", true}});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->path, "$.email");
  EXPECT_EQ(f->expected, "\"x@example.com\"");
  EXPECT_EQ(f->actual, "\"other@example.com\"");
}

TEST_F(MatcherTest, DescribeNamesEveryCheck) {
  Matcher m;
  m.type = "string";
  m.length_min = 1;
  EXPECT_EQ(m.describe(), "type string and length >= 1");
}

TEST(JsonDiffTest, ExactComparisonFindsExtraMissingAndChangedMembers) {
  const json expected = json::parse(R"({"errors": ["x"], "data": {}, "success": false})");
  EXPECT_FALSE(json_difference(
      expected, json::parse(R"({"success": false, "data": {}, "errors": ["x"]})"), false));
  auto extra = json_difference(
      expected, json::parse(R"({"errors": ["x"], "data": {}, "success": false, "more": 1})"),
      false);
  ASSERT_TRUE(extra);
  EXPECT_EQ(extra->path, "$.more");
  EXPECT_EQ(extra->message, "unexpected member");
  EXPECT_FALSE(json_difference(
      expected, json::parse(R"({"errors": ["x"], "data": {}, "success": false, "more": 1})"),
      true));
  auto changed = json_difference(
      expected, json::parse(R"({"errors": ["y"], "data": {}, "success": false})"), true);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->path, "$.errors[0]");
  auto length = json_difference(json::array({1}), json::array({1, 2}), true);
  ASSERT_TRUE(length);
  EXPECT_EQ(length->message, "2 elements, expected 1");
  EXPECT_FALSE(json_difference(json(1), json(1.0), false));
}

TEST(JsonDiffTest, RenderValueCutsLongValuesWithoutBreakingUtf8) {
  const json long_text(std::string(10, 'a') + "\xc3\xa9\xc3\xa9\xc3\xa9");
  const std::string r = render_value(&long_text, 12);
  EXPECT_EQ(r.substr(r.size() - 3), "...");
  EXPECT_EQ(render_value(nullptr), "(absent)");
}

}  // namespace
}  // namespace bis::runner
