// The defect catalogue's request rules (fields, key, email, platform, integration, answers).
// One row per defect, in the order of the Defect enum's group; the behaviour sits at the one
// place its rule lives (docs/defects.md names it).
#include "bis/mock/defects.h"

namespace bis::mock {

std::span<const DefectInfo> request_defects() {
  static constexpr DefectInfo kRows[] = {
      {Defect::kAcceptEmailWithoutDot, "accept-email-without-dot", "email format",
       Operator::kBoundary,
       "accepts an address whose domain has no dot (test@klaviyo)"},
      {Defect::kEmailCaseSensitive, "email-case-sensitive", "duplicate subscriptions (profile identity)",
       Operator::kNormalization,
       "compares profiles case-sensitively: Alice@x.io and alice@x.io are two subscriptions"},
      {Defect::kAcceptShortKey, "accept-short-key", "public key validation",
       Operator::kBoundary,
       "accepts a 5-character key that is the first 5 characters of a known key, as that account"},
      {Defect::kAcceptLongKey, "accept-long-key", "public key validation",
       Operator::kBoundary,
       "accepts a known key with one extra character appended, as that account"},
      {Defect::kIgnorePlatformMismatch, "ignore-platform-mismatch", "platform validation",
       Operator::kIdentity,
       "accepts any known platform value whatever the account's integration"},
      {Defect::kAcceptUnsupportedIntegration, "accept-unsupported-integration", "supported integrations",
       Operator::kIdentity,
       "accepts accounts whose integration cannot use back in stock"},
      {Defect::kAcceptMissingVariant, "accept-missing-variant", "required fields",
       Operator::kPartial,
       "accepts a request whose variant is missing or empty (and records nothing)"},
      {Defect::kErrorBodyShape, "error-body-shape", "error answer",
       Operator::kAnswerShape,
       "rejections answer {\"success\": false, \"error\": \"...\"} instead of the documented body"},
      {Defect::kSuccessWithoutEmail, "success-without-email", "success answer",
       Operator::kAnswerShape,
       "the success answer omits the email echo: {\"success\": true}"},
      {Defect::kSuccessStringTrue, "success-string-true", "success answer",
       Operator::kAnswerShape,
       "the success answer carries \"success\": \"true\" (a string)"},
      {Defect::kEmailEchoNormalized, "email-echo-normalized", "success answer",
       Operator::kNormalization,
       "the success answer echoes the lower-cased email instead of the email as sent"},
  };
  return kRows;
}

}  // namespace bis::mock
