#pragma once
// The defect catalogue: deliberate deviations from the API that `bis-mock --defect NAME`
// switches on, so that the conformance suites' strength can be measured (every defect must
// be caught by some suite). Each defect is checked at the one place its behaviour lives.
// A Defects value is immutable after start-up and safe to read from any thread.
#include <bitset>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"

namespace bis::mock {

// Defects are grouped by where their rule lives; each group's catalogue rows are in its own
// file (defects_request.cc, defects_state.cc, defects_wire.cc), in the order of this enum.
enum class Defect : uint16_t {
  // --- request rules: fields, key, email, platform, integration, answers (defects_request.cc)
  kAcceptEmailWithoutDot,
  kEmailCaseSensitive,
  kAcceptShortKey,
  kAcceptLongKey,
  kIgnorePlatformMismatch,
  kAcceptUnsupportedIntegration,
  kAcceptMissingVariant,
  kErrorBodyShape,
  kSuccessWithoutEmail,
  kSuccessStringTrue,
  kEmailEchoNormalized,
  kAcceptLongLocalPart,
  kRejectMaxLocalPart,
  kAcceptLongLabel,
  kAcceptLongAddress,
  kRejectMaxAddress,
  kEmailTrimmed,
  kLocalDotsUnchecked,
  kRecordThenRefuse,
  kKeySuffixMatch,
  kKeyTrimmed,
  kAcceptPrivateKey,
  kKeyLikeWildcards,
  kAcceptEmptyKey,
  kAcceptEmptyEmail,
  kAcceptMissingPlatform,
  kPlatformCaseInsensitive,
  kPlatformTrimmed,
  kPlatformPrefixMatch,
  kRejectMagentoTwo,
  kAcceptCatalogWithoutInventory,
  kSuccessStatus201,
  kRefusalStatus500,
  kRefusalStatus202,
  kErrorMessageChanged,
  kErrorDataNull,
  kAcceptBlankKey,
  kAcceptBlankEmail,
  kAcceptEmptyVariant,
  kAcceptEmptyPlatform,
  kKeyAnyCase,
  kEmailLocalhostAllowed,
  kEmailDotAnywhere,
  kRejectBigCommerce,
  kBigCommerceNotRecorded,
  kRejectCustomCatalog,
  kNoIntegrationAsApi,
  kSuccessEchoesStore,
  kPlatformMax10Chars,
  // (new request-rule defects go here)

  // --- state rules: variants, events, duplicates, restock, clearing, lists (defects_state.cc)
  kRejectUnknownVariant,
  kEventForUnknownVariant,
  kDuplicateEvent,
  kDuplicateSubscription,
  kRacyDuplicates,
  kNoClearAfterNotify,
  kNotifyTwice,
  kNotifyWithoutFlow,
  kNoResubscribeAfterNotify,
  kRestockIgnoresThreshold,
  kSubscribeAddsToList,
  kDoubleOptInIgnored,
  kRejectOddVariantIds,
  kRejectLongVariantIds,
  kRejectModernVariantIds,
  kKnownVariantByPrefix,
  kKnownVariantAnyAccount,
  kUnknownVariantEvent,
  kUnknownVariantQueued,
  kVariantLowerCased,
  kSubscriptionWithoutEvent,
  kEventTwice,
  kEventMetricMisspelled,
  kDuplicatesPerEmail,
  kDuplicatesAcrossAccounts,
  kDuplicateVariantPrefix,
  kDuplicatesExpire,
  kDuplicateReplaces,
  kDuplicateEventOtherCase,
  kDuplicateSuccessFalse,
  kDuplicateOtherError,
  kDuplicateEchoesFirstEmail,
  kRefuseAfter100Variants,
  kIgnoreAfter199Variants,
  kRestockAtThresholdMinusOne,
  kRestockAboveThresholdOnly,
  kRestockOnAnyRise,
  kDraftFlowNotifies,
  kMissingFlowNotifies,
  kPrimaryFlowForAll,
  kNotifyFirstOnly,
  kNotifyLastOnly,
  kNotifyOtherAccounts,
  kNotifyClearedAgain,
  kNotifyPerRequest,
  kNotifyListMembersOnly,
  kClearFirstOnly,
  kClearWholeProfile,
  kResubscribeWithoutEvent,
  kResubscribeNotNotified,
  kDoubleOptInAnswersProfiles,
  kDoubleOptInSubscribes,
  kSingleOptInAnswersEmpty,
  kSingleOptInPending,
  kSingleOptInFirstProfileOnly,
  kListCallQueuesSubscription,
  kPrivateKeyPrefix,
  kPrivateKeyAnyCase,
  kPublicKeyAsPrivate,
  kPrivateKeyAnyAccount,
  kKnownVariantAnyCase,
  kClearLastOnly,
  kDuplicateKeyHasStore,
  kNotifySkipsPendingMembers,
  kConsentAfterTenSubscribers,
  kDuplicateAddsToList,
  kListKeyFromQuery,
  kListKeyHeaderCaseSensitive,
  kClearOnFirstRestockOnly,
  kUnknownVariantQueuedOnRepeat,
  kLaterBatchesNeverSent,
  kBatchIntervalHalved,
  kModernDuplicates,
  kModernUnknownVariantRecorded,
  kSmsWithoutConsent,
  kSmsPendingIsConsent,
  kSmsConsentByProfile,
  // (new state-rule defects go here)

  // --- wire rules: endpoints, methods, bodies, CORS, robustness (defects_wire.cc)
  kNoCors,
  kPreflightWithoutAllowOrigin,
  kPreflightWithoutPost,
  kOnsiteNoCors,
  kCorsOnSuccessOnly,
  kGetSubscribes,
  kHeadSubscribes,
  kMethodOverrideHonoured,
  kRefusedGetRecords,
  kFormCharsetRefused,
  kCharsetCaseSensitive,
  kMediaTypeCaseSensitive,
  kPlusNotSpace,
  kContentTypeSniffed,
  kMultipartBoundaryFromBody,
  kMultipartPartTypeRefused,
  kMultipartHeaderCaseSensitive,
  kOnsiteVariantOptional,
  kOnsiteRejectionShape,
  kOnsiteRejectionsSucceed,
  kLongVariant5xx,
  kRefuseAppUserAgent,
  kFieldNamesAnyCase,
  kPathWithQuery,
  kRequireUserAgent,
  kRefuseLibraryUserAgent,
  kRateLimitWithoutRetryAfter,
  kRateLimitRecordsRefused,
  kRateLimitWindowNeverEnds,
  kRateLimitRemainingOffByOne,
  // the modern JSON:API endpoints (ModernRules in wire_rules.h)
  kModern200InsteadOf202,
  kModernSuccessBody,
  kModernIgnoresRevision,
  kModernRevisionAnyFormat,
  kModernErrorNotJsonApi,
  kModernErrorWithoutId,
  kModernErrorsObject,
  kModernClientAcceptsPrivateKey,
  kModernServerAcceptsPublicKey,
  kModernNoTrailingSlash,
  kModernRefusesJson,
  // rate limits on the modern endpoints (RateLimitGate)
  kModernRateLimitNoHeaders,
  kModernRateLimitNotJsonApi,
  kModernRateLimitServerOnly,
  kModernRateLimitSharedWindow,
  // (new wire-rule defects go here)

  kCount,
};

// The mutation operator a defect applies (docs/defects.md, "Operators").
enum class Operator : uint8_t {
  kBoundary,       // off by one at a limit: lengths, thresholds, counts
  kNormalization,  // case, whitespace, Unicode forms, percent-encoding: wrong part, or none
  kIdentity,       // the key of a rule too wide or too narrow (per email, across accounts, prefix)
  kPartial,        // first only, last only, all instead of one, one instead of all
  kTime,           // a rule that expires or starts late, a batch that never comes
  kOrdering,       // record then refuse, answer before the write
  kIsolation,      // between accounts, lists and variants
  kAnswerShape,    // status, headers, JSON types, key order, extra keys
};
std::string_view to_string(Operator op);

struct DefectInfo {
  Defect defect;
  std::string_view name;    // the exact command-line name
  std::string_view family;  // the requirement family it breaks
  Operator op;              // the mutation operator it applies
  std::string_view effect;  // what the mock does wrong
};

// The rows of each group, in enum order (one file per group).
std::span<const DefectInfo> request_defects();
std::span<const DefectInfo> state_defects();
std::span<const DefectInfo> wire_defects();

// Every defect, in declaration order.
std::span<const DefectInfo> all_defects();
const DefectInfo& info(Defect defect);
std::optional<Defect> defect_from_name(std::string_view name);

class Defects {
 public:
  Defects() = default;

  // Parses command-line names. An unknown name is an error that lists the known names and
  // suggests the closest one ("did you mean").
  static Expected<Defects, std::string> parse(const std::vector<std::string>& names);

  bool has(Defect d) const { return bits_.test(static_cast<size_t>(d)); }
  Defects& add(Defect d) {
    bits_.set(static_cast<size_t>(d));
    return *this;
  }
  bool empty() const { return bits_.none(); }
  // Names of the active defects, in declaration order.
  std::vector<std::string> names() const;

 private:
  std::bitset<static_cast<size_t>(Defect::kCount)> bits_;
};

}  // namespace bis::mock
