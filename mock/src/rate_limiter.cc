#include "bis/mock/rate_limiter.h"

#include <algorithm>

namespace bis::mock {
namespace {

constexpr int64_t kBurstMs = 1000;
constexpr int64_t kSteadyMs = 60'000;

int64_t seconds_until(int64_t end_ms, int64_t now_ms) {
  return std::max<int64_t>(1, (end_ms - now_ms + 999) / 1000);
}

std::string_view without_trailing_slash(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

std::string_view to_string(EndpointClass c) {
  switch (c) {
    case EndpointClass::kClientBackInStock: return "client-back-in-stock";
    case EndpointClass::kServerBackInStock: return "server-back-in-stock";
    case EndpointClass::kClientSubscriptions: return "client-subscriptions";
    case EndpointClass::kLegacySubscribe: return "legacy-subscribe";
    case EndpointClass::kLegacyList: return "legacy-list";
  }
  return "";
}

std::optional<EndpointClass> endpoint_class(std::string_view path) {
  const std::string_view p = without_trailing_slash(path);
  if (p == "/client/back-in-stock-subscriptions") return EndpointClass::kClientBackInStock;
  if (p == "/api/back-in-stock-subscriptions") return EndpointClass::kServerBackInStock;
  if (p == "/client/subscriptions") return EndpointClass::kClientSubscriptions;
  if (path == "/api/v1/catalog/subscribe" || path == "/onsite/components/back-in-stock/subscribe")
    return EndpointClass::kLegacySubscribe;
  constexpr std::string_view kList = "/api/v2/list/";
  constexpr std::string_view kSubscribe = "/subscribe";
  if (path.size() > kList.size() + kSubscribe.size() && path.substr(0, kList.size()) == kList &&
      path.substr(path.size() - kSubscribe.size()) == kSubscribe)
    return EndpointClass::kLegacyList;
  return std::nullopt;
}

bool is_legacy(EndpointClass c) {
  return c == EndpointClass::kLegacySubscribe || c == EndpointClass::kLegacyList;
}

RateDecision RateLimiter::take(std::string_view account, EndpointClass c, const RateLimit& limit,
                               int64_t now_ms) {
  std::string key(account);
  key += '\n';
  key += to_string(c);
  std::lock_guard lock(mu_);
  Windows& w = windows_[key];
  // A window opens with the first request after the previous one ended (or after the clock was
  // set back before it), and lasts its length from there.
  const auto open = [this, now_ms](int64_t& start, int64_t& count, int64_t len) {
    if (count == 0 || (windows_end_ && (now_ms < start || now_ms >= start + len))) {
      start = now_ms;
      count = 0;
    }
  };
  open(w.burst_start, w.burst_count, kBurstMs);
  open(w.steady_start, w.steady_count, kSteadyMs);
  const int64_t burst_start = w.burst_start, steady_start = w.steady_start;
  RateDecision d;
  d.limit = limit.steady;
  d.reset_seconds = seconds_until(steady_start + kSteadyMs, now_ms);
  const bool burst_full = w.burst_count >= limit.burst;
  const bool steady_full = w.steady_count >= limit.steady;
  if (burst_full || steady_full) {
    d.allowed = false;
    d.burst_exceeded = burst_full && !steady_full;
    d.remaining = std::max<int64_t>(0, limit.steady - w.steady_count);
    d.retry_after_seconds = steady_full ? d.reset_seconds
                                        : seconds_until(burst_start + kBurstMs, now_ms);
    return d;
  }
  ++w.burst_count;
  ++w.steady_count;
  d.remaining = limit.steady - w.steady_count;
  return d;
}

void RateLimiter::clear() {
  std::lock_guard lock(mu_);
  windows_.clear();
}

}  // namespace bis::mock
