// The defect catalogue's state rules (variants, events, duplicates, restock, clearing, lists).
// One row per defect, in the order of the Defect enum's group; the behaviour sits at the one
// place its rule lives (docs/defects.md names it).
#include "bis/mock/defects.h"

namespace bis::mock {

std::span<const DefectInfo> state_defects() {
  static constexpr DefectInfo kRows[] = {
      {Defect::kRejectUnknownVariant, "reject-unknown-variant", "unknown variants",
       Operator::kIdentity,
       "answers the error body for a variant the catalog does not hold"},
      {Defect::kEventForUnknownVariant, "event-for-unknown-variant", "unknown variants",
       Operator::kOrdering,
       "records a subscription and an event for a variant the catalog does not hold"},
      {Defect::kDuplicateEvent, "duplicate-event", "duplicate subscriptions",
       Operator::kPartial,
       "a duplicate request records a second event (but no second subscription)"},
      {Defect::kDuplicateSubscription, "duplicate-subscription", "duplicate subscriptions",
       Operator::kIdentity,
       "a duplicate request creates a second subscription and a second event"},
      {Defect::kRacyDuplicates, "racy-duplicates", "duplicate subscriptions under concurrency",
       Operator::kOrdering,
       "checks for a duplicate, releases the lock, yields, then inserts: concurrent duplicates get " "through"},
      {Defect::kNoClearAfterNotify, "no-clear-after-notify", "restock and clearing",
       Operator::kPartial,
       "notified subscriptions stay active"},
      {Defect::kNotifyTwice, "notify-twice", "restock notifications",
       Operator::kBoundary,
       "a restock puts two notifications per subscription in the outbox"},
      {Defect::kNotifyWithoutFlow, "notify-without-flow", "restock without a flow",
       Operator::kIdentity,
       "a restock notifies subscribers although the account has no flow (or the flow is off)"},
      {Defect::kNoResubscribeAfterNotify, "no-resubscribe-after-notify", "restock and clearing",
       Operator::kTime,
       "after a notification, subscribing again answers success but creates nothing"},
      {Defect::kRestockIgnoresThreshold, "restock-ignores-threshold", "restock threshold",
       Operator::kBoundary,
       "any inventory increase from 0 counts as a restock, even below the flow's threshold"},
      {Defect::kSubscribeAddsToList, "subscribe-adds-to-list", "lists are separate",
       Operator::kIsolation,
       "a back-in-stock subscription also adds the profile to the account's first list"},
      {Defect::kDoubleOptInIgnored, "double-opt-in-ignored", "List API opt-in",
       Operator::kPartial,
       "double opt-in lists subscribe members at once and answer the profiles instead of []"},
  };
  return kRows;
}

}  // namespace bis::mock
