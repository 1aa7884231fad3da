#pragma once
// The subscribe call's request rules, as pure functions (no state, no HTTP): which fields
// are read, which requests are rejected and why. Service applies them under its lock; the
// reason of a rejection goes to the X-Bis-Mock-Reason header and the journal.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "bis/common/expected.h"
#include "bis/common/fixtures.h"
#include "bis/common/form.h"
#include "bis/mock/catalog.h"
#include "bis/mock/defects.h"
#include "bis/mock/email.h"
#include "bis/mock/printable.h"
#include "bis/mock/records.h"
#include "bis/mock/request_rules.h"

namespace bis::mock {

// Status of a rejection that cannot be tied to an account (unknown key, unreadable body).
inline constexpr int kDefaultErrorStatus = 400;

// The fields the subscribe call reads; any other field is ignored. Views into the parsed
// body, which must outlive them. The legacy form gives the first five; the modern JSON:API
// endpoints (docs/spec/modern-endpoints.md) give the same ones from their body (the account's
// public key as `a`, its integration's platform) plus the phone number and channels.
struct SubscribeFields {
  std::optional<std::string_view> a, email, variant, platform, store;
  std::optional<std::string_view> phone;  // E.164; the profile when there is no email
  uint8_t channels = channel::kEmail;     // records.h channel bits
  Via via = Via::kLegacy;                 // the path the request came through
  // Modern server endpoint: the account is the one whose private key this is (`a` unused).
  std::optional<std::string_view> private_key;

  // A modern request: no `platform` (the account's integration gives it) and a variant id of
  // the form integration:::catalog:::external_id, mapped to the account's catalog.
  bool modern() const { return via == Via::kClient || via == Via::kServer; }
};

// Picks the five fields out of a parsed body. Rejects (with a reason) a repeated known field
// and any field name or value that is not valid UTF-8.
Expected<SubscribeFields, std::string> subscribe_fields(const form::Fields& fields);
// The result views into `fields`: a temporary would leave it dangling.
Expected<SubscribeFields, std::string> subscribe_fields(form::Fields&& fields) = delete;

// A request that passed every rule. Views point into the SubscribeFields and the Catalog it
// was validated against.
struct ValidSubscribe {
  const fixtures::Account* account = nullptr;
  std::string_view email;  // as sent
  std::string profile;     // profile_of(email)
  std::string_view variant;
  std::string_view platform;
  std::optional<std::string_view> store;
  Via via = Via::kLegacy;
  // Set only by the record-then-refuse defect: record, then refuse for this reason.
  std::optional<std::string> refuse_after_record;
};

struct Rejection {
  int status = kDefaultErrorStatus;
  std::string reason;
  std::string account;  // key of the account, when known
  // The field the rule refused ("a", "email", "variant", "platform", "integration",
  // "phone_number"); empty when no single field is at fault. The modern endpoints point at it.
  std::string_view field = {};
  // A field rule that is off answers the success body to what it would refuse (nothing is
  // recorded): a defect's way of losing a request silently.
  bool answer_success = false;
};

// What can be checked without the catalog, so Service can do it before taking its lock.
struct Precheck {
  std::optional<std::string> email_problem;
  std::string profile;
};
Precheck precheck_subscribe(const SubscribeFields& fields, const RequestRules& rules);

// Applies the rules in order: key, email, variant, platform, integration, platform match.
std::variant<ValidSubscribe, Rejection> validate_subscribe(const SubscribeFields& fields,
                                                           Precheck precheck,
                                                           const Catalog& catalog,
                                                           const RequestRules& rules);
inline std::variant<ValidSubscribe, Rejection> validate_subscribe(const SubscribeFields& fields,
                                                                  const Catalog& catalog,
                                                                  const RequestRules& rules) {
  return validate_subscribe(fields, precheck_subscribe(fields, rules), catalog, rules);
}
// For tests: the rules of a set of defects, built on each call.
inline std::variant<ValidSubscribe, Rejection> validate_subscribe(const SubscribeFields& fields,
                                                                  const Catalog& catalog,
                                                                  const Defects& defects) {
  return validate_subscribe(fields, catalog, request_rules(defects));
}

// The profile an email belongs to: the address in ASCII lower case (profiles are compared
// case-insensitively), unless the rules say otherwise (the `email-case-sensitive` defect).
std::string profile_of(std::string_view email, const RequestRules& rules);
inline std::string profile_of(std::string_view email, const Defects& defects) {
  return profile_of(email, request_rules(defects));
}

}  // namespace bis::mock
