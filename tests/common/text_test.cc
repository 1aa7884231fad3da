#include "bis/common/text.h"

#include <gtest/gtest.h>

namespace bis {
namespace {

TEST(TextTest, ClosestMatchSuggestsTyposOnly) {
  const std::vector<std::string> keys = {"request", "expect", "capture", "eventually"};
  EXPECT_EQ(closest_match("expcet", keys), "expect");
  EXPECT_EQ(closest_match("eventualy", keys), "eventually");
  EXPECT_EQ(closest_match("zzzzzz", keys), "");
}

TEST(TextTest, EditDistanceCountsTranspositionAsOne) {
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(TextTest, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
}

TEST(TextTest, JsonQuoteEscapesAndReplacesInvalidBytes) {
  EXPECT_EQ(json_quote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(json_quote("x\xffy"), "\"x\xef\xbf\xbdy\"");
  EXPECT_EQ(json_quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(TextTest, AsciiCaseFolding) {
  EXPECT_EQ(ascii_lower("Alice@Example.COM"), "alice@example.com");
  EXPECT_TRUE(iequals("Content-Type", "content-type"));
  EXPECT_FALSE(iequals("a", "ab"));
}

}  // namespace
}  // namespace bis
