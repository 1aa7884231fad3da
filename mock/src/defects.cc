#include "bis/mock/defects.h"

#include <array>

#include "bis/common/text.h"

namespace bis::mock {
namespace {

constexpr std::array<DefectInfo, static_cast<size_t>(Defect::kCount)> kDefects = {{
    {Defect::kAcceptEmailWithoutDot, "accept-email-without-dot", "email format",
     "accepts an address whose domain has no dot (test@klaviyo)"},
    {Defect::kEmailCaseSensitive, "email-case-sensitive",
     "duplicate subscriptions (profile identity)",
     "compares profiles case-sensitively: Alice@x.io and alice@x.io are two subscriptions"},
    {Defect::kAcceptShortKey, "accept-short-key", "public key validation",
     "accepts a 5-character key that is the first 5 characters of a known key, as that account"},
    {Defect::kAcceptLongKey, "accept-long-key", "public key validation",
     "accepts a known key with one extra character appended, as that account"},
    {Defect::kRejectUnknownVariant, "reject-unknown-variant", "unknown variants",
     "answers the error body for a variant the catalog does not hold"},
    {Defect::kEventForUnknownVariant, "event-for-unknown-variant", "unknown variants",
     "records a subscription and an event for a variant the catalog does not hold"},
    {Defect::kDuplicateEvent, "duplicate-event", "duplicate subscriptions",
     "a duplicate request records a second event (but no second subscription)"},
    {Defect::kDuplicateSubscription, "duplicate-subscription", "duplicate subscriptions",
     "a duplicate request creates a second subscription and a second event"},
    {Defect::kRacyDuplicates, "racy-duplicates", "duplicate subscriptions under concurrency",
     "checks for a duplicate, releases the lock, yields, then inserts: concurrent duplicates get "
     "through"},
    {Defect::kErrorBodyShape, "error-body-shape", "error answer",
     "rejections answer {\"success\": false, \"error\": \"...\"} instead of the documented body"},
    {Defect::kSuccessWithoutEmail, "success-without-email", "success answer",
     "the success answer omits the email echo: {\"success\": true}"},
    {Defect::kSuccessStringTrue, "success-string-true", "success answer",
     "the success answer carries \"success\": \"true\" (a string)"},
    {Defect::kEmailEchoNormalized, "email-echo-normalized", "success answer",
     "the success answer echoes the lower-cased email instead of the email as sent"},
    {Defect::kNoClearAfterNotify, "no-clear-after-notify", "restock and clearing",
     "notified subscriptions stay active"},
    {Defect::kNotifyTwice, "notify-twice", "restock notifications",
     "a restock puts two notifications per subscription in the outbox"},
    {Defect::kNotifyWithoutFlow, "notify-without-flow", "restock without a flow",
     "a restock notifies subscribers although the account has no flow (or the flow is off)"},
    {Defect::kNoResubscribeAfterNotify, "no-resubscribe-after-notify", "restock and clearing",
     "after a notification, subscribing again answers success but creates nothing"},
    {Defect::kRestockIgnoresThreshold, "restock-ignores-threshold", "restock threshold",
     "any inventory increase from 0 counts as a restock, even below the flow's threshold"},
    {Defect::kSubscribeAddsToList, "subscribe-adds-to-list", "lists are separate",
     "a back-in-stock subscription also adds the profile to the account's first list"},
    {Defect::kIgnorePlatformMismatch, "ignore-platform-mismatch", "platform validation",
     "accepts any known platform value whatever the account's integration"},
    {Defect::kAcceptUnsupportedIntegration, "accept-unsupported-integration",
     "supported integrations", "accepts accounts whose integration cannot use back in stock"},
    {Defect::kAcceptMissingVariant, "accept-missing-variant", "required fields",
     "accepts a request whose variant is missing or empty (and records nothing)"},
    {Defect::kDoubleOptInIgnored, "double-opt-in-ignored", "List API opt-in",
     "double opt-in lists subscribe members at once and answer the profiles instead of []"},
    {Defect::kNoCors, "no-cors", "CORS", "no CORS headers on answers, and the preflight gets 404"},
}};

}  // namespace

std::span<const DefectInfo> all_defects() { return kDefects; }

const DefectInfo& info(Defect defect) { return kDefects[static_cast<size_t>(defect)]; }

std::optional<Defect> defect_from_name(std::string_view name) {
  for (const DefectInfo& d : kDefects) {
    if (d.name == name) return d.defect;
  }
  return std::nullopt;
}

Expected<Defects, std::string> Defects::parse(const std::vector<std::string>& names) {
  Defects out;
  for (const std::string& name : names) {
    if (auto d = defect_from_name(name)) {
      out.add(*d);
      continue;
    }
    std::vector<std::string_view> known;
    for (const DefectInfo& d : kDefects) known.push_back(d.name);
    std::string msg = "unknown defect '" + name + "'";
    msg += did_you_mean(name, std::span<const std::string_view>(known));
    msg += "; known defects:";
    for (std::string_view k : known) msg += "\n  " + std::string(k);
    return Unexpected{msg};
  }
  return out;
}

std::vector<std::string> Defects::names() const {
  std::vector<std::string> out;
  for (const DefectInfo& d : kDefects) {
    if (has(d.defect)) out.emplace_back(d.name);
  }
  return out;
}

}  // namespace bis::mock
