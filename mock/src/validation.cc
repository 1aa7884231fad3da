#include "bis/mock/validation.h"

#include "bis/common/text.h"
#include "bis/mock/email.h"

namespace bis::mock {
namespace {

constexpr size_t kKeyLength = 6;

std::optional<std::string_view>* slot(SubscribeFields& f, std::string_view name) {
  if (name == "a") return &f.a;
  if (name == "email") return &f.email;
  if (name == "variant") return &f.variant;
  if (name == "platform") return &f.platform;
  if (name == "store") return &f.store;
  return nullptr;
}

Rejection reject(std::string reason, const fixtures::Account* account = nullptr) {
  Rejection r;
  r.reason = std::move(reason);
  if (account) {
    r.status = account->error_status;
    r.account = account->key;
  }
  return r;
}

std::string platform_list() {
  std::string out;
  for (std::string_view p : fixtures::kPlatforms) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

// The account a key names. The key-length defects are checked here, where the key is resolved.
const fixtures::Account* resolve_key(std::string_view key, const Catalog& catalog,
                                     const Defects& defects, std::string& reason) {
  if (key.size() == kKeyLength) {
    if (const fixtures::Account* a = catalog.account(key)) return a;
    reason = "key '" + printable(key) + "' is not a known account";
    return nullptr;
  }
  if (defects.has(Defect::kAcceptShortKey) && key.size() == kKeyLength - 1) {
    if (const fixtures::Account* a = catalog.account_by_key_prefix(key)) return a;
  }
  if (defects.has(Defect::kAcceptLongKey) && key.size() == kKeyLength + 1) {
    if (const fixtures::Account* a = catalog.account(key.substr(0, kKeyLength))) return a;
  }
  reason = "key '" + printable(key) + "' is not 6 characters (" + std::to_string(key.size()) + ")";
  return nullptr;
}

}  // namespace

std::string printable(std::string_view value, size_t max) {
  std::string out;
  for (char c : value.substr(0, max)) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  if (value.size() > max) out += "...";
  return out;
}

Expected<SubscribeFields, std::string> subscribe_fields(const form::Fields& fields) {
  SubscribeFields out;
  for (const form::Field& f : fields) {
    if (!is_valid_utf8(f.name)) return Unexpected{std::string("a field name is not valid UTF-8")};
    if (!is_valid_utf8(f.value))
      return Unexpected{"field '" + printable(f.name) + "' is not valid UTF-8"};
    std::optional<std::string_view>* s = slot(out, f.name);
    if (!s) continue;
    if (s->has_value()) return Unexpected{"field '" + f.name + "' is repeated"};
    *s = f.value;
  }
  return out;
}

std::string profile_of(std::string_view email, const Defects& defects) {
  if (defects.has(Defect::kEmailCaseSensitive)) return std::string(email);
  return ascii_lower(email);
}

Precheck precheck_subscribe(const SubscribeFields& f, const Defects& defects, EmailRule rule) {
  Precheck p;
  if (!f.email || f.email->empty()) return p;
  rule.require_dot_in_domain = !defects.has(Defect::kAcceptEmailWithoutDot);
  p.email_problem = email_problem(*f.email, rule);
  if (!p.email_problem) p.profile = profile_of(*f.email, defects);
  return p;
}

std::variant<ValidSubscribe, Rejection> validate_subscribe(const SubscribeFields& f,
                                                           Precheck precheck,
                                                           const Catalog& catalog,
                                                           const Defects& defects) {
  const auto missing = [](const std::optional<std::string_view>& v) { return !v || v->empty(); };
  const auto absent = [](const std::optional<std::string_view>& v, std::string_view name) {
    return "field '" + std::string(name) + (v ? "' is empty" : "' is missing");
  };

  if (missing(f.a)) return reject(absent(f.a, "a"));
  std::string why;
  const fixtures::Account* account = resolve_key(*f.a, catalog, defects, why);
  if (!account) return reject(why);

  if (missing(f.email)) return reject(absent(f.email, "email"), account);
  if (precheck.email_problem)
    return reject("email is malformed: " + *precheck.email_problem, account);

  if (missing(f.variant) && !defects.has(Defect::kAcceptMissingVariant)) {
    return reject(absent(f.variant, "variant"), account);
  }

  if (missing(f.platform)) return reject(absent(f.platform, "platform"), account);
  const std::string_view platform = *f.platform;
  bool known_platform = false;
  for (std::string_view p : fixtures::kPlatforms) known_platform = known_platform || p == platform;
  if (!known_platform) {
    return reject("platform '" + printable(platform) + "' is not one of " + platform_list(),
                  account);
  }

  const auto expected = fixtures::platform_for(account->integration);
  if (!expected && !defects.has(Defect::kAcceptUnsupportedIntegration)) {
    return reject("account " + account->key + "'s integration (" +
                      std::string(fixtures::to_string(account->integration)) +
                      ") cannot use back in stock",
                  account);
  }
  if (expected && *expected != platform && !defects.has(Defect::kIgnorePlatformMismatch)) {
    return reject("platform '" + std::string(platform) + "' does not match account " +
                      account->key + "'s " +
                      std::string(fixtures::to_string(account->integration)) +
                      " integration (expects '" + std::string(*expected) + "')",
                  account);
  }

  ValidSubscribe v;
  v.account = account;
  v.email = *f.email;
  v.profile = std::move(precheck.profile);
  v.variant = f.variant.value_or(std::string_view());
  v.platform = platform;
  if (f.store && !f.store->empty()) v.store = *f.store;
  return v;
}

}  // namespace bis::mock
