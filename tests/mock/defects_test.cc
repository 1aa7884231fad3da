#include "bis/mock/defects.h"

#include <gtest/gtest.h>

#include <set>

namespace bis::mock {
namespace {

// Every Defect has exactly one row, the rows come in enum order, and the names are unique
// command-line names. (tests/e2e checks that docs/defects.md documents exactly these names.)
TEST(DefectsTest, EveryDefectHasOneRowInEnumOrderWithAUniqueName) {
  std::set<std::string> names;
  size_t expected = 0;
  for (const DefectInfo& d : all_defects()) {
    EXPECT_EQ(static_cast<size_t>(d.defect), expected++) << d.name << " is out of enum order";
    EXPECT_TRUE(names.insert(std::string(d.name)).second) << "duplicate " << d.name;
    EXPECT_EQ(&info(d.defect), &d);
    EXPECT_FALSE(d.family.empty());
    EXPECT_FALSE(d.effect.empty());
    EXPECT_FALSE(to_string(d.op).empty());
    for (char c : d.name) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') << d.name;
  }
  EXPECT_EQ(expected, static_cast<size_t>(Defect::kCount));
  EXPECT_GE(names.size(), 24u);
}

TEST(DefectsTest, ParseSwitchesOnTheNamedDefectsOnly) {
  auto d = Defects::parse({"notify-twice", "no-cors", "notify-twice"});
  ASSERT_TRUE(d) << d.error();
  EXPECT_TRUE(d->has(Defect::kNotifyTwice));
  EXPECT_TRUE(d->has(Defect::kNoCors));
  EXPECT_FALSE(d->has(Defect::kDuplicateEvent));
  EXPECT_EQ(d->names(), (std::vector<std::string>{"notify-twice", "no-cors"}));
  EXPECT_TRUE(Defects().empty());
}

TEST(DefectsTest, AnUnknownNameSuggestsTheClosestAndListsAll) {
  auto d = Defects::parse({"notify-twise"});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().find("unknown defect 'notify-twise' (did you mean 'notify-twice'?)"),
            std::string::npos)
      << d.error();
  for (const DefectInfo& info : all_defects())
    EXPECT_NE(d.error().find(std::string(info.name)), std::string::npos);
}

}  // namespace
}  // namespace bis::mock
