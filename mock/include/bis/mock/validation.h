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

namespace bis::mock {

// Status of a rejection that cannot be tied to an account (unknown key, unreadable body).
inline constexpr int kDefaultErrorStatus = 400;

// The fields the subscribe call reads; any other field is ignored. Views into the parsed
// body, which must outlive them.
struct SubscribeFields {
  std::optional<std::string_view> a, email, variant, platform, store;
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
};

struct Rejection {
  int status = kDefaultErrorStatus;
  std::string reason;
  std::string account;  // key of the account, when known
};

// What can be checked without the catalog, so Service can do it before taking its lock.
struct Precheck {
  std::optional<std::string> email_problem;
  std::string profile;
};
// `rule` is the email rule of the running variations; the defects adjust it.
Precheck precheck_subscribe(const SubscribeFields& fields, const Defects& defects,
                            EmailRule rule = {});

// Applies the rules in order: key, email, variant, platform, integration, platform match.
std::variant<ValidSubscribe, Rejection> validate_subscribe(const SubscribeFields& fields,
                                                           Precheck precheck,
                                                           const Catalog& catalog,
                                                           const Defects& defects);
inline std::variant<ValidSubscribe, Rejection> validate_subscribe(const SubscribeFields& fields,
                                                                  const Catalog& catalog,
                                                                  const Defects& defects) {
  return validate_subscribe(fields, precheck_subscribe(fields, defects), catalog, defects);
}

// The profile an email belongs to: the address in ASCII lower case (profiles are compared
// case-insensitively), unless the `email-case-sensitive` defect is on.
std::string profile_of(std::string_view email, const Defects& defects);

}  // namespace bis::mock
