#include "bis/mock/defects.h"

#include <gtest/gtest.h>

#include <set>

namespace bis::mock {
namespace {

TEST(DefectsTest, TheCatalogueHasExactlyTheAgreedNames) {
  const std::set<std::string> agreed = {
      "accept-email-without-dot", "email-case-sensitive",        "accept-short-key",
      "accept-long-key",          "reject-unknown-variant",      "event-for-unknown-variant",
      "duplicate-event",          "duplicate-subscription",      "racy-duplicates",
      "error-body-shape",         "success-without-email",       "success-string-true",
      "email-echo-normalized",    "no-clear-after-notify",       "notify-twice",
      "notify-without-flow",      "no-resubscribe-after-notify", "restock-ignores-threshold",
      "subscribe-adds-to-list",   "ignore-platform-mismatch",    "accept-unsupported-integration",
      "accept-missing-variant",   "double-opt-in-ignored",       "no-cors"};
  std::set<std::string> names;
  for (const DefectInfo& d : all_defects()) {
    EXPECT_TRUE(names.insert(std::string(d.name)).second) << "duplicate " << d.name;
    EXPECT_EQ(&info(d.defect), &d);
    EXPECT_FALSE(d.family.empty());
    EXPECT_FALSE(d.effect.empty());
  }
  EXPECT_EQ(names, agreed);
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
