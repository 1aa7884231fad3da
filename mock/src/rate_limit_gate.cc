#include "rate_limit_gate.h"

#include <nlohmann/json.hpp>

#include "bis/mock/api_answers.h"
#include "jsonapi.h"

namespace bis::mock::http {
namespace {

using nlohmann::json;

constexpr std::string_view kApiKeyScheme = "Klaviyo-API-Key ";

}  // namespace

void RateLimitGate::learn(const fixtures::Fixtures& fixtures) {
  auto t = std::make_shared<Table>();
  for (const fixtures::Account& a : fixtures.accounts) {
    const Account entry{a.key, a.rate_limits};
    t->by_public.emplace(a.key, entry);
    if (!a.private_key.empty()) t->by_private.emplace(a.private_key, entry);
  }
  std::lock_guard lock(mu_);
  table_ = std::move(t);
}

std::shared_ptr<const RateLimitGate::Table> RateLimitGate::table() const {
  std::lock_guard lock(mu_);
  return table_;
}

bool RateLimitGate::admit_modern(Exchange& x) {
  if (!enabled_ || x.req.method != "POST") return true;
  const auto c = endpoint_class(x.req.path);
  if (!c || is_legacy(*c)) return true;
  if (*c != EndpointClass::kServerBackInStock && !rules_.client_endpoints_counted) return true;
  const auto t = table();
  const Account* account = nullptr;
  if (*c == EndpointClass::kServerBackInStock) {
    const std::string auth = x.req.get_header_value("Authorization");
    if (auth.rfind(kApiKeyScheme, 0) == 0) {
      auto it = t->by_private.find(auth.substr(kApiKeyScheme.size()));
      if (it != t->by_private.end()) account = &it->second;
    }
  } else if (x.req.has_param("company_id")) {
    auto it = t->by_public.find(x.req.get_param_value("company_id"));
    if (it != t->by_public.end()) account = &it->second;
  }
  return !account || admit(x, *c, *account);
}

bool RateLimitGate::admit_legacy(Exchange& x, EndpointClass c, std::string_view key) {
  if (!enabled_) return true;
  const auto t = table();
  const auto& map = c == EndpointClass::kLegacyList ? t->by_private : t->by_public;
  auto it = map.find(std::string(key));
  if (it == map.end() || !it->second.limits.legacy) return true;
  return admit(x, c, it->second);
}

bool RateLimitGate::admit(Exchange& x, EndpointClass c, const Account& account) {
  const RateLimit limit{account.limits.burst, account.limits.steady};
  const EndpointClass counted = rules_.bis_endpoints_share_window &&
                                        c == EndpointClass::kServerBackInStock
                                    ? EndpointClass::kClientBackInStock
                                    : c;
  const RateDecision d = limiter_.take(account.key, counted, limit, clock_.now_ms());
  if (!d.allowed) {
    refuse(x, c, d, account);
    return false;
  }
  // The steady window's state, on every answer that is not a 429 (the handler's own status).
  if (!is_legacy(c) && !rules_.modern_rate_limit_headers) return true;
  x.res.set_header("RateLimit-Limit", std::to_string(d.limit));
  x.res.set_header("RateLimit-Remaining",
                   std::to_string(d.remaining + rules_.rate_limit_remaining_offset));
  x.res.set_header("RateLimit-Reset", std::to_string(d.reset_seconds));
  return true;
}

void RateLimitGate::refuse(Exchange& x, EndpointClass c, const RateDecision& d,
                           const Account& account) const {
  jsonapi::Error error = jsonapi::throttled_for(d.retry_after_seconds);
  x.outcome = "rate-limited";
  x.account = account.key;
  x.reason = (d.burst_exceeded ? "burst limit of " + std::to_string(account.limits.burst) +
                                     " requests per second"
                               : "steady limit of " + std::to_string(account.limits.steady) +
                                     " requests per minute") +
             " reached for " + account.key + " on " + std::string(to_string(c));
  if (rules_.rate_limit_retry_after)
    x.res.set_header("Retry-After", std::to_string(d.retry_after_seconds));
  if (c == EndpointClass::kLegacySubscribe) {
    return set_json(x.res, 429, std::string(kDocumentedErrorBody));
  }
  if (c == EndpointClass::kLegacyList || !rules_.modern_rate_limit_jsonapi) {
    return set_json(x.res, 429, json{{"detail", error.detail}}.dump());
  }
  // JSON:API error document, as the modern endpoints' other refusals. Numbered ids
  // (throttled-1, -2, ... over the modern 429s): an answer is easy to find in the journal.
  error.id = "throttled-" + std::to_string(++refusals_);
  jsonapi::set_error(x.res, error);
}

}  // namespace bis::mock::http
