#include "bis/runner/template.h"

#include <gtest/gtest.h>

namespace bis::runner {
namespace {

using nlohmann::json;

class TemplateTest : public ::testing::Test {
 protected:
  TemplateTest() {
    ctx_.run_id = "ab12cd34";
    ctx_.suite_id = "validation";
    ctx_.scenario_id = "missing-email";
    ctx_.unique_counter = &counter_;
    vars_ = json{{"email", "x@example.com"},
                 {"n", 3},
                 {"items", {{{"id", "first"}}}},
                 {"target", {{"key", "PkShop"}, {"variants", {{"in_stock", "100"}}}}}};
  }
  json render(const std::string& text) {
    auto t = Template::parse(text);
    EXPECT_TRUE(t) << (t ? "" : t.error());
    auto v = t->render(vars_, ctx_);
    EXPECT_TRUE(v) << (v ? "" : v.error().message);
    return v ? *v : json();
  }
  std::atomic<uint64_t> counter_{0};
  TemplateContext ctx_;
  json vars_;
};

TEST_F(TemplateTest, SplicesValuesIntoText) {
  EXPECT_EQ(render("to {{ email }} now"), "to x@example.com now");
  EXPECT_EQ(render("{{target.key}}-{{ target.variants.in_stock }}"), "PkShop-100");
  EXPECT_EQ(render("n={{ n }}"), "n=3");
  EXPECT_EQ(render("{{ items[0].id }}"), "first");
  EXPECT_EQ(render("no template"), "no template");
}

TEST_F(TemplateTest, ASingleExpressionKeepsItsJsonType) {
  EXPECT_EQ(render("{{ n }}"), 3);
  EXPECT_EQ(render("{{ items }}"), vars_["items"]);
  EXPECT_EQ(render("{{ 42 }}"), 42);
}

TEST_F(TemplateTest, FunctionsComputeTheirValues) {
  EXPECT_EQ(render("{{ repeat(\"ab\", 3) }}"), "ababab");
  EXPECT_EQ(render("{{ hex(\"ff 00 41\") }}"), std::string("\xff\x00\x41", 3));
  EXPECT_EQ(render("{{ upper(email) }}"), "X@EXAMPLE.COM");
  EXPECT_EQ(render("{{ swapcase(\"PkShop9\") }}"), "pKsHOP9");
  EXPECT_EQ(render("{{ swapcase(\"ABC123\") }}"), "abc123");  // differs even when one case
  EXPECT_EQ(render("{{ slice(\"AbC123\", 0, 5) }}"), "AbC12");
  EXPECT_EQ(render("{{ slice(\"AbC123\", -2, 99) }}"), "23");
  EXPECT_EQ(render("{{ slice(\"AbC123\", 4, 2) }}"), "");
  EXPECT_EQ(render("{{ lower('ABC') }}"), "abc");
  EXPECT_EQ(render("{{ json(items) }}"), R"([{"id":"first"}])");
  EXPECT_EQ(render("{{ email(\"b\") }}"), "bis.ab12cd34.validation.missing-email.b@example.com");
}

TEST_F(TemplateTest, UniqueGivesAFreshTokenPerCall) {
  const json a = render("{{ unique(\"v\") }}"), b = render("{{ unique(\"v\") }}");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.get<std::string>().rfind("v-ab12cd34-", 0), 0u);
}

TEST_F(TemplateTest, EmailsAreUniquePerScenarioValidAndShortEnough) {
  EXPECT_EQ(scenario_email(ctx_, ""), "bis.ab12cd34.validation.missing-email@example.com");
  TemplateContext other = ctx_;
  other.scenario_id = "other";
  EXPECT_NE(scenario_email(ctx_, ""), scenario_email(other, ""));
  other.scenario_id = std::string(80, 'x');
  const std::string long_one = scenario_email(other, "Tag With Spaces");
  const std::string local = long_one.substr(0, long_one.find('@'));
  EXPECT_LE(local.size(), 64u);
  EXPECT_EQ(local.find(".."), std::string::npos);
  other.scenario_id = std::string(80, 'x') + "y";
  EXPECT_NE(scenario_email(other, "Tag With Spaces"), long_one);  // the hash keeps them apart
  other.email_domain = "Staging.Example.ORG";
  EXPECT_NE(scenario_email(other, "").find("@staging.example.org"), std::string::npos);
}

TEST_F(TemplateTest, UndefinedVariablesAndMissingTargetValuesAreDistinctErrors) {
  auto t = Template::parse("{{ nope }}");
  auto r = t->render(vars_, ctx_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RenderError::Kind::kUndefined);
  auto m = Template::parse("{{ target.lists.single_opt_in }}")->render(vars_, ctx_);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, RenderError::Kind::kMissingTargetValue);
  EXPECT_EQ(m.error().variable, "target.lists.single_opt_in");
}

TEST_F(TemplateTest, ParseErrorsExplainAndSuggest) {
  auto t = Template::parse("{{ emial(\"x\") }}");
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().find("did you mean 'email'"), std::string::npos) << t.error();
  EXPECT_FALSE(Template::parse("{{ email }"));
  EXPECT_FALSE(Template::parse("{{ }}"));
  EXPECT_FALSE(Template::parse("{{ repeat(\"a\") }}"));
  EXPECT_FALSE(Template::parse("{{ \"open }}"));
}

TEST_F(TemplateTest, VariablesListsWhatItReads) {
  auto t = Template::parse("{{ a.b }} {{ upper(c) }} {{ \"lit\" }}");
  EXPECT_EQ(t->variables(), (std::vector<std::string>{"a.b", "c"}));
}

TEST_F(TemplateTest, BracesInsideStringLiteralsDoNotCloseTheExpression) {
  EXPECT_EQ(render("{{ \"}}\" }}!"), "}}!");
}

TEST_F(TemplateTest, RenderJsonWalksObjectsAndArrays) {
  auto v = render_json(json{{"to", "{{ email }}"}, {"n", "{{ n }}"}, {"l", {"{{ target.key }}"}}},
                       vars_, ctx_);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (json{{"to", "x@example.com"}, {"n", 3}, {"l", {"PkShop"}}}));
}

TEST_F(TemplateTest, RepeatRefusesAbsurdSizes) {
  auto r = Template::parse("{{ repeat(\"abcdefgh\", 100000000) }}")->render(vars_, ctx_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, RenderError::Kind::kBadCall);
}

}  // namespace
}  // namespace bis::runner
