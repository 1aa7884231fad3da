// The modern endpoints' request reading without HTTP (bis/mock/modern_request.h) and the
// core rules they reach through Service (validation and Subscriber, the legacy path's code).
#include "bis/mock/modern_request.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace bis::mock {
namespace {

TEST(ModernRequestTest, RevisionRules) {
  const std::string_view today = "2026-12-01";
  EXPECT_FALSE(revision_problem("2026-07-15", kFirstBisRevision, today));
  EXPECT_FALSE(revision_problem("2023-07-15", kFirstBisRevision, today));
  EXPECT_FALSE(revision_problem("2024-02-29", kFirstBisRevision, today));  // a leap day
  EXPECT_FALSE(revision_problem("2026-07-15.pre", kFirstBisRevision, today));
  EXPECT_FALSE(revision_problem("2026-12-01", kFirstBisRevision, today));
  EXPECT_TRUE(revision_problem(std::nullopt, kFirstBisRevision, today));
  EXPECT_TRUE(revision_problem("", kFirstBisRevision, today));
  for (const char* bad : {"2025-02-29", "2026-00-10", "2026-13-01", "2026-1-15", "20260715",
                          "2026-07-15.", "2026-07-15x", "2026-07-15.a b", "2023-07-14",
                          "2026-12-02"}) {
    EXPECT_TRUE(revision_problem(bad, kFirstBisRevision, today)) << bad;
  }
  EXPECT_FALSE(revision_problem("2023-02-22", kFirstListRevision, today));
  EXPECT_FALSE(utc_today().empty());
}

TEST(ModernRequestTest, VariantIdsMapToTheAccountsCatalog) {
  using fixtures::Integration;
  const std::string id = "$shopify:::$default:::33001893429341";
  const auto parts = split_variant_id(id);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->integration, "$shopify");
  EXPECT_EQ(parts->catalog, "$default");
  EXPECT_EQ(parts->external_id, "33001893429341");
  EXPECT_EQ(catalog_variant(id, *parts, Integration::kShopify), "33001893429341");
  EXPECT_EQ(catalog_variant(id, *parts, Integration::kBigCommerce), id);  // another integration
  const std::string other = "$shopify:::eu:::1";
  EXPECT_EQ(catalog_variant(other, *split_variant_id(other), Integration::kShopify), other);
  // The external id may itself hold the separator's characters after the second one.
  EXPECT_EQ(split_variant_id("$custom:::$default:::A:::B")->external_id, "A:::B");
  for (const char* bad : {"111", "$shopify:::111", ":::$default:::1", "$shopify::::::1",
                          "$shopify:::$default:::"}) {
    EXPECT_FALSE(split_variant_id(bad)) << bad;
  }
  EXPECT_EQ(variant_id_prefix(Integration::kCustomCatalog), "$custom");
  EXPECT_EQ(variant_id_prefix(Integration::kNone), "");
}

TEST(ModernRequestTest, BodyProblemsNameTheirPointer) {
  const auto pointer = [](std::string_view body) {
    auto r = parse_modern_subscribe(body);
    return r ? std::string("ok") : r.error().pointer;
  };
  EXPECT_EQ(pointer(R"([1])"), "");
  EXPECT_EQ(pointer(R"({"data": 1})"), "/data");
  EXPECT_EQ(pointer(R"({"data": {"type": "x"}})"), "/data/type");
  EXPECT_EQ(pointer(R"({"data": {"type": "back-in-stock-subscription"}})"), "/data/attributes");
  EXPECT_EQ(pointer(R"({"data": {"type": "back-in-stock-subscription", "attributes": {"channels": "EMAIL"}}})"),
            "/data/attributes/channels");
  EXPECT_EQ(pointer(R"({"data": {"type": "back-in-stock-subscription", "attributes": {"channels": ["EMAIL", 3]}}})"),
            "/data/attributes/channels/1");
  EXPECT_EQ(pointer(R"({"data": {"type": "back-in-stock-subscription", "attributes": {"channels": ["EMAIL"],
      "profile": {"data": {"type": "profile", "attributes": {"email": 5}}}}}})"),
            "/data/attributes/profile/data/attributes/email");
  auto ok = parse_modern_subscribe(R"({"data": {"type": "back-in-stock-subscription",
      "attributes": {"channels": ["SMS", "PUSH"], "profile": {"data": {"type": "profile",
        "attributes": {"email": null, "phone_number": "+15005550006", "external_id": "x"}}}},
      "relationships": {"variant": {"data": {"type": "catalog-variant", "id": "$custom:::$default:::S"}}},
      "extra": true}})");
  ASSERT_TRUE(ok) << ok.error().detail;
  EXPECT_EQ(ok->channels, channel::kSms | channel::kPush);
  EXPECT_FALSE(ok->email);
  EXPECT_EQ(ok->phone, "+15005550006");
  EXPECT_EQ(ok->external_id, "x");
  EXPECT_EQ(ok->variant_id, "$custom:::$default:::S");
}

// The same SubscribeFields as the legacy form, through the same Service: a modern request and a
// legacy one are duplicates of each other.
TEST(ModernRequestTest, ModernFieldsGoThroughTheLegacyRules) {
  testing::ServiceHarness h;
  SubscribeFields modern;
  modern.private_key = "pk_shop";
  modern.email = "m@example.com";
  modern.variant = "$shopify:::$default:::111";
  modern.via = Via::kServer;
  const SubscribeAnswer first = h.service->subscribe(modern);
  EXPECT_EQ(first.outcome, SubscribeOutcome::kSubscribed) << first.detail;
  EXPECT_EQ(h.subscribe(testing::shop("M@example.com")).outcome, SubscribeOutcome::kDuplicate);
  const auto subs = h.service->subscriptions({"", "m@example.com", "", {}});
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].via, Via::kServer);
  EXPECT_EQ(subs[0].variant, "111");
  modern.private_key = "pk_nobody";
  const SubscribeAnswer wrong = h.service->subscribe(modern);
  EXPECT_EQ(wrong.outcome, SubscribeOutcome::kRejected);
  EXPECT_EQ(wrong.field, "private_key");
}

}  // namespace
}  // namespace bis::mock
