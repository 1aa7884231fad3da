#include "bis/mock/request_rules.h"

namespace bis::mock {
namespace {

constexpr std::string_view kPlatformsWithoutMagento[] = {"shopify", "bigcommerce", "api"};
constexpr std::string_view kPlatformsWithoutBigCommerce[] = {"shopify", "magento_two", "api"};
constexpr std::string_view kChangedErrorBody =
    R"({"errors": ["Something went wrong."], "data": {}, "success": false})";
constexpr std::string_view kErrorBodyDataNull =
    R"({"errors": ["There was something wrong with your request. Please try again."], "data": null, "success": false})";
constexpr std::string_view kErrorBodyOtherShape =
    R"({"success": false, "error": "There was something wrong with your request. Please try again."})";

}  // namespace

// One line per defect: the parameter it moves. Read once, at start-up.
RequestRules request_rules(const Defects& d) {
  RequestRules r;
  using D = Defect;
  // key
  r.key.accept_cut_short = d.has(D::kAcceptShortKey);
  r.key.accept_one_appended = d.has(D::kAcceptLongKey);
  r.key.match_suffix = d.has(D::kKeySuffixMatch);
  r.key.trim = d.has(D::kKeyTrimmed);
  r.key.accept_private = d.has(D::kAcceptPrivateKey);
  r.key.like_wildcards = d.has(D::kKeyLikeWildcards);
  r.key.case_insensitive = d.has(D::kKeyAnyCase);
  // email
  r.email.require_dot_in_domain = !d.has(D::kAcceptEmailWithoutDot);
  if (d.has(D::kAcceptLongLocalPart)) r.email.max_local = 65;
  if (d.has(D::kRejectMaxLocalPart)) r.email.max_local = 63;
  if (d.has(D::kAcceptLongLabel)) r.email.max_label = 64;
  if (d.has(D::kAcceptLongAddress)) r.email.max_address = 255;
  if (d.has(D::kRejectMaxAddress)) r.email.max_address = 253;
  r.email.trim_surrounding = d.has(D::kEmailTrimmed);
  r.email.check_local_dots = !d.has(D::kLocalDotsUnchecked);
  r.email.dotless_localhost = d.has(D::kEmailLocalhostAllowed);
  r.email.dot_anywhere = d.has(D::kEmailDotAnywhere);
  r.profile_case_sensitive = d.has(D::kEmailCaseSensitive);
  r.record_then_refuse_bad_email = d.has(D::kRecordThenRefuse);
  // fields
  r.fields.refuse_empty_key = !d.has(D::kAcceptEmptyKey);
  r.fields.refuse_empty_email = !d.has(D::kAcceptEmptyEmail);
  r.fields.refuse_missing_variant = !d.has(D::kAcceptMissingVariant);
  r.fields.refuse_missing_platform = !d.has(D::kAcceptMissingPlatform);
  r.fields.refuse_blank_key = !d.has(D::kAcceptBlankKey);
  r.fields.refuse_blank_email = !d.has(D::kAcceptBlankEmail);
  r.fields.refuse_empty_variant = !d.has(D::kAcceptEmptyVariant);
  r.fields.refuse_empty_platform = !d.has(D::kAcceptEmptyPlatform);
  // platform and integration
  if (d.has(D::kRejectMagentoTwo)) r.platform.known = kPlatformsWithoutMagento;
  if (d.has(D::kRejectBigCommerce)) r.platform.known = kPlatformsWithoutBigCommerce;
  if (d.has(D::kBigCommerceNotRecorded)) r.platform.recorded = kPlatformsWithoutBigCommerce;
  if (d.has(D::kPlatformMax10Chars)) r.platform.max_length = 10;
  r.platform.serve_custom_catalog = !d.has(D::kRejectCustomCatalog);
  r.platform.no_integration_as_api = d.has(D::kNoIntegrationAsApi);
  r.platform.case_insensitive = d.has(D::kPlatformCaseInsensitive);
  r.platform.trim = d.has(D::kPlatformTrimmed);
  r.platform.prefix_match = d.has(D::kPlatformPrefixMatch);
  r.platform.check_match = !d.has(D::kIgnorePlatformMismatch);
  r.platform.accept_unsupported = d.has(D::kAcceptUnsupportedIntegration);
  r.platform.accept_catalog_without_inventory = d.has(D::kAcceptCatalogWithoutInventory);
  // answers
  r.answer.echo_email = !d.has(D::kSuccessWithoutEmail);
  r.answer.echo_lower_case = d.has(D::kEmailEchoNormalized);
  r.answer.success_as_string = d.has(D::kSuccessStringTrue);
  r.answer.echo_store = d.has(D::kSuccessEchoesStore);
  if (d.has(D::kSuccessStatus201)) r.answer.success_status = 201;
  if (d.has(D::kRefusalStatus500)) r.answer.refusal_status = 500;
  if (d.has(D::kRefusalStatus202)) r.answer.refusal_status = 202;
  if (d.has(D::kErrorBodyShape)) r.answer.error_body = kErrorBodyOtherShape;
  if (d.has(D::kErrorMessageChanged)) r.answer.error_body = kChangedErrorBody;
  if (d.has(D::kErrorDataNull)) r.answer.error_body = kErrorBodyDataNull;
  return r;
}

}  // namespace bis::mock
