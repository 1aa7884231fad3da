#pragma once
// The parameters of the state rules (variants, events, duplicates, restock, clearing, lists).
// The defaults are the API's; the active state-rule defects adjust them once, at start-up
// (state_rules()), so the request path reads parameters instead of testing each defect, and
// a rule's deviations sit in one table beside it (docs/defects.md, "State rules").
#include <cstddef>
#include <cstdint>

#include <string_view>

#include "bis/common/protocol.h"
#include "bis/mock/defects.h"

namespace bis::mock {

struct StateRules {
  // --- unknown variants (BIS-VARIANT-*)
  enum class Unknown : uint8_t {
    kNothing,           // success answer, nothing recorded
    kReject,            // the error body
    kRecord,            // a subscription and an event, as if the variant were known
    kEventOnly,         // an event, no active subscription
    kSubscriptionOnly,  // an active subscription, no event
  };
  Unknown unknown = Unknown::kNothing;
  bool unknown_queued_on_repeat = false;  // a profile's second try at an unknown ID queues it
  // Unknown IDs answered the error body although the rest get success: 0 = no length limit.
  size_t reject_unknown_longer_than = 0;
  bool reject_unknown_odd = false;     // whitespace, punctuation other than -_.:, or non-ASCII
  bool reject_unknown_modern = false;  // "$shopify:::..." IDs of the modern API
  // Rules applied to the legacy paths only: the modern endpoints skip them (defects).
  bool modern_duplicates = false;        // no duplicate check on a modern request
  bool modern_unknown_recorded = false;  // a modern request for an unknown variant records
  // How a subscribe's variant is found in the catalog.
  enum class Lookup : uint8_t {
    kExact,       // this account, this ID
    kPrefix,      // also any ID that starts with one of the account's IDs
    kAnyAccount,  // any account's variant of that ID
    kAnyCase,     // also an ID that differs from one of the account's only in letter case
  };
  Lookup lookup = Lookup::kExact;
  bool variant_lower_cased = false;  // the subscription records the ID lower-cased

  // --- events (BIS-EVENT-1)
  int events_per_subscription = 1;
  std::string_view metric = protocol::kSubscribedMetric;  // a static string

  // --- duplicates (BIS-DUP-*, BIS-CLEAR-3); a duplicate shares the account, profile, variant.
  enum class DuplicateKey : uint8_t {
    kProfileVariant,  // the API's key
    kNone,            // no duplicate check at all
    kProfile,         // any variant of the profile (too wide)
    kAnyAccount,      // the variant of the profile on any account (too wide)
    kVariantPrefix,   // a variant that starts with, or is a prefix of, the other (too wide)
  };
  DuplicateKey duplicate_key = DuplicateKey::kProfileVariant;
  // 0: a duplicate stays one while the subscription is active. Counted in the mock's running
  // time, not its clock: other scenarios' clock moves must not decide which checks catch it.
  int64_t duplicate_expires_ms = 0;
  bool duplicate_records_event = false;
  bool duplicate_records_event_other_case = false;  // only when spelled differently
  bool duplicate_replaces = false;  // clears the existing one and records a new one
  bool racy_duplicates = false;
  bool duplicate_key_has_store = false;  // a repeat naming another Magento `store` is new (too narrow)
  // How a duplicate is answered (the account's duplicate_answer picks success or error).
  enum class DuplicateBody : uint8_t {
    kAccount,        // the standard success (echoing this request's email) or the error body
    kSuccessFalse,   // {"success": false}
    kOtherError,     // an error body with another message
    kEchoFirstEmail, // the success body echoing the first request's email
  };
  DuplicateBody duplicate_body = DuplicateBody::kAccount;

  // --- one profile, many variants (BIS-MULTI-*): 0 = no limit
  size_t refuse_after_variants = 0;  // answers the error body for more variants than this
  size_t ignore_after_variants = 0;  // answers success, records nothing for more than this

  // --- restock (BIS-FLOW-*)
  enum class Restock : uint8_t {
    kCrossesThreshold,     // from below the threshold to at least it
    kAnyRiseFromZero,      // any rise from 0 or less, even below the threshold
    kThresholdMinusOne,    // reaching threshold - 1 is enough
    kAboveThreshold,       // must go above the threshold
    kAnyRise,              // any rise, even one above the threshold
  };
  Restock restock = Restock::kCrossesThreshold;
  enum class FlowCheck : uint8_t {
    kLive,           // the account's flow exists and is on
    kAlways,         // every account notifies
    kExists,         // a flow that is off notifies too
    kMissingIsLive,  // no flow counts as the default flow, on
    kPrimary,        // every account uses the first account's flow
  };
  FlowCheck flow_check = FlowCheck::kLive;
  enum class Select : uint8_t { kAll, kFirst, kLast };
  Select notify = Select::kAll;    // which of the variant's active subscribers are notified
  bool notify_cleared = false;     // cleared subscriptions of the variant are notified too
  bool notify_other_accounts = false;  // the same variant ID on every account
  bool notify_per_request = false; // one message per subscribe request, duplicates included
  bool notify_members_only = false;  // only profiles on one of the account's lists
  bool notify_skips_pending = false;  // not profiles whose only list memberships are pending
  // Subscribers on no list a restock notifies at most (the rest need consent): 0 = no limit.
  size_t notify_without_consent_max = 0;
  bool notify_renewed = true;      // a profile notified once for the variant is notified again
  int copies = 1;                  // messages per notified subscription
  // --- batches (BIS-FLOW-5)
  bool send_later_batches = true;  // a restock's batches after the first go out when due
  int batch_interval_divisor = 1;  // later batches come after the flow's interval / this

  // --- clearing (BIS-CLEAR-*)
  Select clear = Select::kAll;       // which notified subscriptions are cleared
  bool clear_nothing = false;        // none are
  bool clear_whole_profile = false;  // all the profile's subscriptions on the account
  bool clear_on_first_restock_only = false;  // a variant's later restocks clear nobody
  bool resubscribe = true;           // a cleared subscription lets the profile subscribe again
  bool resubscribe_records_event = true;

  // --- lists (BIS-LIST-*)
  bool subscribe_adds_to_list = false;
  bool duplicate_adds_to_list = false;  // only a duplicate subscribe adds the profile
  bool list_call_queues_subscription = false;
  struct OptIn {
    bool pending = false;          // members wait for confirmation
    bool answer_profiles = true;   // the answer lists the profiles, else []
    bool first_profile_only = false;
    bool operator==(const OptIn&) const = default;
  };
  OptIn double_opt_in{true, false, false};
  OptIn single_opt_in{false, true, false};
  enum class PrivateKey : uint8_t {
    kExact,            // the account's private key, exactly
    kPrefix,           // any key that starts with it
    kCaseInsensitive,  // in any letter case
    kPublicToo,        // the public key opens the account too
    kAnyAccount,       // any account's private key opens every account's lists
  };
  PrivateKey private_key = PrivateKey::kExact;
  // Where the List API call's private key is read (list_private_key(), list_request.h).
  enum class ListKeyFrom : uint8_t {
    kHeader,           // the `api-key` header (any letter case of its name), else body `api_key`
    kHeaderExactName,  // the header only when its name is spelled `api-key` exactly
    kQuery,            // the query parameter `api_key`, else the body: never the header
  };
  ListKeyFrom list_key_from = ListKeyFrom::kHeader;

  // --- SMS consent on the modern endpoints (BIS-CONSENT-2): a confirmed list member of the
  // account with the subscription's phone number (Subscriber::has_sms_consent).
  bool sms_needs_consent = true;         // the SMS channel needs consent at all
  bool sms_pending_is_consent = false;   // a pending (double opt-in) member gives it too
  bool sms_consent_by_profile = false;   // the member's profile (its email, when it has one)
                                         // is compared with the number, not its phone_number

  bool operator==(const StateRules&) const = default;
};

// The rules as the active defects leave them.
StateRules state_rules(const Defects& defects);

}  // namespace bis::mock
