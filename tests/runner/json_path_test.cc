#include "bis/runner/json_path.h"

#include <gtest/gtest.h>

namespace bis::runner {
namespace {

using nlohmann::json;

TEST(JsonPathTest, FindsMembersElementsAndQuotedNames) {
  const json doc =
      json::parse(R"({"errors": ["a", "b"], "odd key": {"x": 1}, "list": [{"variant": "7"}]})");
  EXPECT_EQ(*JsonPath::parse("$.errors[0]")->find(doc), "a");
  EXPECT_EQ(*JsonPath::parse("$.errors[-1]")->find(doc), "b");
  EXPECT_EQ(*JsonPath::parse("$['odd key'].x")->find(doc), 1);
  EXPECT_EQ(*JsonPath::parse("$.list[0].variant")->find(doc), "7");
  EXPECT_EQ(*JsonPath::parse("$")->find(doc), doc);
}

TEST(JsonPathTest, MissingPathsLeadNowhere) {
  const json doc = json::parse(R"({"a": [1], "s": "text"})");
  for (const char* p : {"$.b", "$.a[1]", "$.a[-2]", "$.s.x", "$.a.x", "$.s[0]"}) {
    EXPECT_EQ(JsonPath::parse(p)->find(doc), nullptr) << p;
  }
}

TEST(JsonPathTest, BadPathsSayWhere) {
  for (const char* p : {"", "a.b", "$.", "$[", "$[x]", "$['a'", "$..a", "$ a"}) {
    auto parsed = JsonPath::parse(p);
    ASSERT_FALSE(parsed) << p;
    EXPECT_NE(parsed.error().find("offset"), std::string::npos) << parsed.error();
  }
}

TEST(JsonPathTest, CanonicalTextQuotesWhatIsNotAnIdentifier) {
  EXPECT_EQ(JsonPath::parse("$['errors'][0]")->to_string(), "$.errors[0]");
  EXPECT_EQ(JsonPath::parse("$['odd key']")->to_string(), "$['odd key']");
  EXPECT_EQ(JsonPath().child("it's").child(2).to_string(), "$['it\\'s'][2]");
}

}  // namespace
}  // namespace bis::runner
