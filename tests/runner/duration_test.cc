#include "bis/runner/duration.h"

#include <gtest/gtest.h>

namespace bis::runner {
namespace {

TEST(DurationTest, ParsesEveryUnitAndSums) {
  EXPECT_EQ(parse_duration("250ms").value(), Duration(250));
  EXPECT_EQ(parse_duration("5s").value(), Duration(5000));
  EXPECT_EQ(parse_duration("2m").value(), Duration(120000));
  EXPECT_EQ(parse_duration("1h").value(), Duration(3600000));
  EXPECT_EQ(parse_duration("1m30s").value(), Duration(90000));
  EXPECT_EQ(parse_duration("0s").value(), Duration(0));
}

TEST(DurationTest, RejectsBareNumbersUnknownUnitsAndGarbage) {
  for (const char* bad : {"", "5", "5 s", "5sec", "s", "-1s", "1.5s", "99999999999999999999s"}) {
    auto d = parse_duration(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_NE(d.error().find("expected a duration like 250ms"), std::string::npos);
  }
}

TEST(DurationTest, FormatsShortestExactForm) {
  EXPECT_EQ(format_duration(Duration(250)), "250ms");
  EXPECT_EQ(format_duration(Duration(5000)), "5s");
  EXPECT_EQ(format_duration(Duration(90000)), "1m30s");
  EXPECT_EQ(format_duration(Duration(1500)), "1s500ms");
  EXPECT_EQ(format_duration(Duration(0)), "0s");
}

}  // namespace
}  // namespace bis::runner
