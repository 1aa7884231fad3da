#include "bis/mock/validation.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace bis::mock {
namespace {

using testing::Request;

class ValidationTest : public ::testing::Test {
 protected:
  std::variant<ValidSubscribe, Rejection> check(const Request& r, Defects d = {}) {
    return validate_subscribe(r.fields(), catalog_, d);
  }
  std::string reason(const Request& r, Defects d = {}) {
    auto v = check(r, d);
    return std::holds_alternative<Rejection>(v) ? std::get<Rejection>(v).reason : "accepted";
  }
  Catalog catalog_{testing::test_fixtures()};
};

TEST_F(ValidationTest, AValidRequestNamesItsAccountAndProfile) {
  const Request r{"Shop01", "Alice@Example.com", "111", "shopify", std::string("default")};
  auto v = check(r);
  ASSERT_TRUE(std::holds_alternative<ValidSubscribe>(v));
  const ValidSubscribe& ok = std::get<ValidSubscribe>(v);
  EXPECT_EQ(ok.account->key, "Shop01");
  EXPECT_EQ(ok.email, "Alice@Example.com");
  EXPECT_EQ(ok.profile, "alice@example.com");
  EXPECT_EQ(ok.store, "default");
}

TEST_F(ValidationTest, MissingOrEmptyFieldsAreRejected) {
  Request r{"Shop01", "a@example.com", "111", "shopify"};
  SubscribeFields f = r.fields();
  f.email.reset();
  EXPECT_EQ(std::get<Rejection>(validate_subscribe(f, catalog_, Defects{})).reason,
            "field 'email' is missing");
  EXPECT_EQ(reason({"", "a@example.com", "111", "shopify"}), "field 'a' is empty");
  EXPECT_EQ(reason({"Shop01", "", "111", "shopify"}), "field 'email' is empty");
  EXPECT_EQ(reason({"Shop01", "a@example.com", "", "shopify"}), "field 'variant' is empty");
  EXPECT_EQ(reason({"Shop01", "a@example.com", "111", ""}), "field 'platform' is empty");
}

TEST_F(ValidationTest, KeysMustBeSixCharactersAndKnown) {
  EXPECT_EQ(reason({"Shop0", "a@example.com", "111", "shopify"}),
            "key 'Shop0' is not 6 characters (5)");
  EXPECT_EQ(reason({"Shop011", "a@example.com", "111", "shopify"}),
            "key 'Shop011' is not 6 characters (7)");
  EXPECT_EQ(reason({"Shop99", "a@example.com", "111", "shopify"}),
            "key 'Shop99' is not a known account");
  EXPECT_EQ(reason({"shop01", "a@example.com", "111", "shopify"}),
            "key 'shop01' is not a known account");
}

TEST_F(ValidationTest, RejectionsOfAKnownAccountUseItsErrorStatus) {
  auto v = check({"Big001", "test@klaviyo", "221", "bigcommerce"});
  ASSERT_TRUE(std::holds_alternative<Rejection>(v));
  EXPECT_EQ(std::get<Rejection>(v).status, 200);
  EXPECT_EQ(std::get<Rejection>(v).account, "Big001");
  // An unknown key cannot be tied to an account: the default status.
  EXPECT_EQ(std::get<Rejection>(check({"Nope00", "a@example.com", "1", "shopify"})).status, 400);
}

TEST_F(ValidationTest, MalformedEmailsAreRejected) {
  EXPECT_EQ(reason({"Shop01", "test@klaviyo", "111", "shopify"}),
            "email is malformed: domain has no dot");
}

TEST_F(ValidationTest, PlatformMustBeKnownAndMatchTheIntegration) {
  EXPECT_EQ(reason({"Shop01", "a@example.com", "111", "woocommerce"}),
            "platform 'woocommerce' is not one of shopify, bigcommerce, magento_two, api");
  EXPECT_EQ(reason({"Shop01", "a@example.com", "111", "bigcommerce"}),
            "platform 'bigcommerce' does not match account Shop01's shopify integration (expects "
            "'shopify')");
  EXPECT_EQ(reason({"Shop01", "a@example.com", "111", "Shopify"}),
            "platform 'Shopify' is not one of shopify, bigcommerce, magento_two, api");
  EXPECT_EQ(reason({"Big001", "a@example.com", "1", "bigcommerce"}), "accepted");
  EXPECT_EQ(reason({"Mag002", "a@example.com", "1", "magento_two"}), "accepted");
  EXPECT_EQ(reason({"Api003", "a@example.com", "1", "api"}), "accepted");
}

TEST_F(ValidationTest, AccountsThatCannotUseBackInStockAreRejected) {
  EXPECT_EQ(
      reason({"NoInv4", "a@example.com", "551", "api"}),
      "account NoInv4's integration (custom_catalog_without_inventory) cannot use back in stock");
  EXPECT_EQ(reason({"None05", "a@example.com", "661", "shopify"}),
            "account None05's integration (none) cannot use back in stock");
}

TEST_F(ValidationTest, FieldsAreReadOnceAndMustBeUtf8) {
  using testing::field;
  const form::Fields body = {field("a", "Shop01"), field("email", "a@x.io"),
                             field("note", "ignored"), field("note", "twice is fine")};
  auto f = subscribe_fields(body);
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->a, "Shop01");
  EXPECT_FALSE(f->variant);
  const form::Fields repeated_body = {field("email", "a@x.io"), field("email", "b@x.io")};
  auto repeated = subscribe_fields(repeated_body);
  ASSERT_FALSE(repeated);
  EXPECT_EQ(repeated.error(), "field 'email' is repeated");
  const form::Fields bad_value = {field("email", "a\xff@x.io")};
  auto bad = subscribe_fields(bad_value);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "field 'email' is not valid UTF-8");
  const form::Fields bad_name = {field("\xc3", "x")};
  EXPECT_FALSE(subscribe_fields(bad_name));
}

TEST_F(ValidationTest, ProfilesAreTheEmailInAsciiLowerCase) {
  EXPECT_EQ(profile_of("Alice@Example.COM", Defects{}), "alice@example.com");
  EXPECT_EQ(profile_of("Alice@Example.COM", Defects().add(Defect::kEmailCaseSensitive)),
            "Alice@Example.COM");
}

// The validation defects, each shown to deviate.

TEST_F(ValidationTest, DefectAcceptEmailWithoutDot) {
  Request r{"Shop01", "test@klaviyo", "111", "shopify"};
  EXPECT_EQ(reason(r, Defects().add(Defect::kAcceptEmailWithoutDot)), "accepted");
}

TEST_F(ValidationTest, DefectAcceptShortKeyResolvesThePrefixToItsAccount) {
  const Request r{"Shop0", "a@example.com", "111", "shopify"};
  auto v = check(r, Defects().add(Defect::kAcceptShortKey));
  ASSERT_TRUE(std::holds_alternative<ValidSubscribe>(v));
  EXPECT_EQ(std::get<ValidSubscribe>(v).account->key, "Shop01");
  EXPECT_EQ(reason({"Shop011", "a@example.com", "111", "shopify"},
                   Defects().add(Defect::kAcceptShortKey)),
            "key 'Shop011' is not 6 characters (7)");
}

TEST_F(ValidationTest, DefectAcceptLongKeyIgnoresTheExtraCharacter) {
  const Request r{"Shop01x", "a@example.com", "111", "shopify"};
  auto v = check(r, Defects().add(Defect::kAcceptLongKey));
  ASSERT_TRUE(std::holds_alternative<ValidSubscribe>(v));
  EXPECT_EQ(std::get<ValidSubscribe>(v).account->key, "Shop01");
}

TEST_F(ValidationTest, DefectIgnorePlatformMismatch) {
  Request r{"Shop01", "a@example.com", "111", "magento_two"};
  EXPECT_EQ(reason(r, Defects().add(Defect::kIgnorePlatformMismatch)), "accepted");
  EXPECT_NE(reason({"Shop01", "a@example.com", "111", "woo"},
                   Defects().add(Defect::kIgnorePlatformMismatch)),
            "accepted");
}

TEST_F(ValidationTest, DefectAcceptUnsupportedIntegration) {
  EXPECT_EQ(reason({"None05", "a@example.com", "661", "shopify"},
                   Defects().add(Defect::kAcceptUnsupportedIntegration)),
            "accepted");
}

TEST_F(ValidationTest, DefectAcceptMissingVariant) {
  EXPECT_EQ(reason({"Shop01", "a@example.com", "", "shopify"},
                   Defects().add(Defect::kAcceptMissingVariant)),
            "accepted");
}

}  // namespace
}  // namespace bis::mock
