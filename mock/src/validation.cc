#include "bis/mock/validation.h"

#include <algorithm>

#include "bis/common/text.h"
#include "bis/mock/email.h"
#include "bis/mock/modern_request.h"

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

Rejection reject(std::string reason, const fixtures::Account* account = nullptr,
                 std::string_view field = {}) {
  Rejection r;
  r.reason = std::move(reason);
  r.field = field;
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

std::string_view trim_blanks(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// SQL LIKE: '_' matches one character, '%' any run of characters (the key-like-wildcards
// defect only).
bool like(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '%') {
    for (size_t i = 0; i <= text.size(); ++i)
      if (like(pattern.substr(1), text.substr(i))) return true;
    return false;
  }
  if (text.empty()) return false;
  if (pattern.front() != '_' && pattern.front() != text.front()) return false;
  return like(pattern.substr(1), text.substr(1));
}

// The account a key names. The rule's deviations (all off by default) are read here, where
// the key is resolved.
const fixtures::Account* resolve_key(std::string_view key, const Catalog& catalog,
                                     const KeyRule& rule, std::string& reason) {
  if (rule.trim) key = trim_blanks(key);
  if (key.size() == rule.length) {
    if (const fixtures::Account* a = catalog.account(key)) return a;
    if (rule.case_insensitive) {
      for (const fixtures::Account& a : catalog.fixtures().accounts)
        if (iequals(key, a.key)) return catalog.account(a.key);
    }
    if (rule.like_wildcards) {
      for (const fixtures::Account& a : catalog.fixtures().accounts)
        if (like(key, a.key)) return catalog.account(a.key);
    }
    reason = "key '" + printable(key) + "' is not a known account";
    return nullptr;
  }
  if (rule.accept_cut_short && key.size() + 1 == rule.length) {
    if (const fixtures::Account* a = catalog.account_by_key_prefix(key)) return a;
  }
  if (rule.accept_one_appended && key.size() == rule.length + 1) {
    if (const fixtures::Account* a = catalog.account(key.substr(0, rule.length))) return a;
  }
  if (rule.match_suffix && key.size() > rule.length) {
    if (const fixtures::Account* a = catalog.account(key.substr(key.size() - rule.length)))
      return a;
  }
  if (rule.accept_private) {
    if (const fixtures::Account* a = catalog.account_by_private_key(key)) return a;
  }
  reason = "key '" + printable(key) + "' is not " + std::to_string(rule.length) +
           " characters (" + std::to_string(key.size()) + ")";
  return nullptr;
}

// The known platform value `sent` names, if any.
std::optional<std::string_view> known_platform(std::string_view sent, const PlatformRule& rule) {
  if (rule.trim) sent = trim_blanks(sent);
  if (rule.max_length != 0 && sent.size() > rule.max_length) return std::nullopt;
  for (std::string_view p : rule.known) {
    if (sent == p) return p;
    if (rule.case_insensitive && iequals(sent, p)) return p;
    if (rule.prefix_match && sent.size() > p.size() && sent.substr(0, p.size()) == p) return p;
  }
  return std::nullopt;
}

// The platform an account's integration subscribes with; nullopt when it cannot.
std::optional<std::string_view> platform_of(const fixtures::Account& account,
                                            const PlatformRule& rule) {
  using fixtures::Integration;
  if (account.integration == Integration::kCustomCatalog && !rule.serve_custom_catalog) {
    return std::nullopt;
  }
  if (account.integration == Integration::kNone && rule.no_integration_as_api) return "api";
  if (auto p = fixtures::platform_for(account.integration)) return p;
  if (rule.accept_catalog_without_inventory &&
      account.integration == fixtures::Integration::kCustomCatalogWithoutInventory) {
    return "api";
  }
  return std::nullopt;
}

Rejection answer_success(std::string reason) {
  Rejection r = reject(std::move(reason) + " (answered success, nothing recorded)");
  r.status = 200;
  r.answer_success = true;
  return r;
}

// A request without an email that does not ask for email is the phone number's profile
// (modern endpoints only: the legacy form has no phone).
bool phone_is_profile(const SubscribeFields& f) {
  return f.phone && !f.phone->empty() && (f.channels & channel::kEmail) == 0;
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

std::string profile_of(std::string_view email, const RequestRules& rules) {
  email = email_as_read(email, rules.email);
  if (rules.profile_case_sensitive) return std::string(email);
  return ascii_lower(email);
}

Precheck precheck_subscribe(const SubscribeFields& f, const RequestRules& rules) {
  Precheck p;
  if ((!f.email || f.email->empty()) && phone_is_profile(f)) {
    p.profile = std::string(*f.phone);
    return p;
  }
  if (!f.email || f.email->empty()) return p;
  p.email_problem = email_problem(*f.email, rules.email);
  if (!p.email_problem || rules.record_then_refuse_bad_email) p.profile = profile_of(*f.email, rules);
  return p;
}

std::variant<ValidSubscribe, Rejection> validate_subscribe(const SubscribeFields& f,
                                                           Precheck precheck,
                                                           const Catalog& catalog,
                                                           const RequestRules& rules) {
  const auto missing = [](const std::optional<std::string_view>& v) { return !v || v->empty(); };
  const auto blank = [](std::string_view v) { return trim_blanks(v).empty(); };
  const auto absent = [](const std::optional<std::string_view>& v, std::string_view name) {
    return "field '" + std::string(name) + (v ? "' is empty" : "' is missing");
  };

  const fixtures::Account* account = nullptr;
  if (f.private_key) {
    account = catalog.account_by_private_key(*f.private_key);
    if (!account || f.private_key->empty()) {
      // Not a byte of the key in the answer: a near miss of a real key would show most of it.
      return reject("the private key (" + std::to_string(f.private_key->size()) +
                        " characters) is no account's",
                    nullptr, "private_key");
    }
  } else {
    if (missing(f.a)) {
      if (f.a && !rules.fields.refuse_empty_key) return answer_success(absent(f.a, "a"));
      return reject(absent(f.a, "a"), nullptr, "a");
    }
    std::string why;
    if (!rules.fields.refuse_blank_key && blank(*f.a)) return answer_success("field 'a' is blank");
    account = resolve_key(*f.a, catalog, rules.key, why);
    if (!account) return reject(why, nullptr, "a");
  }

  if (f.channels & channel::kSms) {
    if (missing(f.phone)) return reject("the SMS channel needs a phone_number", account, "phone_number");
    if (!is_e164(*f.phone)) {
      return reject("phone_number '" + printable(*f.phone) + "' is not E.164 (+15005550006)",
                    account, "phone_number");
    }
  }
  if (missing(f.email) && phone_is_profile(f)) {
    // No email asked for: the phone number is the profile, and no email rule applies.
  } else if (missing(f.email)) {
    if (f.email && !rules.fields.refuse_empty_email) return answer_success(absent(f.email, "email"));
    return reject(absent(f.email, "email"), account, "email");
  } else if (!rules.fields.refuse_blank_email && blank(*f.email)) {
    return answer_success("field 'email' is blank");
  }
  std::optional<std::string> refuse_after_record;
  if (precheck.email_problem) {
    std::string reason = "email is malformed: " + *precheck.email_problem;
    if (!rules.record_then_refuse_bad_email) return reject(std::move(reason), account, "email");
    refuse_after_record = std::move(reason);
  }

  if (missing(f.variant) && rules.fields.refuse_missing_variant) {
    if (f.variant && !rules.fields.refuse_empty_variant) {
      return answer_success(absent(f.variant, "variant"));
    }
    return reject(absent(f.variant, "variant"), account, "variant");
  }

  // A modern request sends no platform: it is the one of the account's integration.
  std::optional<std::string_view> sent_platform = f.platform;
  if (f.modern()) sent_platform = platform_of(*account, rules.platform).value_or("api");
  if (!sent_platform && !rules.fields.refuse_missing_platform) {
    return answer_success(absent(sent_platform, "platform"));
  }
  if (sent_platform && sent_platform->empty() && !rules.fields.refuse_empty_platform) {
    return answer_success(absent(sent_platform, "platform"));
  }
  if (missing(sent_platform)) return reject(absent(sent_platform, "platform"), account, "platform");
  const auto platform = known_platform(*sent_platform, rules.platform);
  if (!platform) {
    return reject("platform '" + printable(*sent_platform) + "' is not one of " + platform_list(),
                  account, "platform");
  }

  const auto expected = platform_of(*account, rules.platform);
  if (!expected && !rules.platform.accept_unsupported) {
    return reject("account " + account->key + "'s integration (" +
                      std::string(fixtures::to_string(account->integration)) +
                      ") cannot use back in stock",
                  account, "integration");
  }
  if (expected && *expected != *platform && rules.platform.check_match) {
    return reject("platform '" + std::string(*platform) + "' does not match account " +
                      account->key + "'s " +
                      std::string(fixtures::to_string(account->integration)) +
                      " integration (expects '" + std::string(*expected) + "')",
                  account, "platform");
  }

  if (std::find(rules.platform.recorded.begin(), rules.platform.recorded.end(), *platform) ==
      rules.platform.recorded.end()) {
    return answer_success("platform '" + std::string(*platform) + "' is not recorded");
  }

  ValidSubscribe v;
  v.account = account;
  v.email = f.email.value_or(std::string_view());
  v.profile = std::move(precheck.profile);
  v.variant = f.variant.value_or(std::string_view());
  if (f.modern()) {
    if (const auto parts = split_variant_id(v.variant))
      v.variant = catalog_variant(v.variant, *parts, account->integration);
  }
  v.platform = *platform;
  if (f.store && !f.store->empty()) v.store = *f.store;
  v.via = f.via;
  v.refuse_after_record = std::move(refuse_after_record);
  return v;
}

}  // namespace bis::mock
