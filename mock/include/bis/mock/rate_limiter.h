#pragma once
// Rate limits as the API documents them (api-notes section 2; Klaviyo's "Rate limits, status
// codes, and errors" guide): per account and endpoint class, two fixed windows at once, a burst
// window of one second and a steady window of one minute. A window opens with the first request
// after the previous one ended and lasts its length from there (INFERRED: the guide does not say
// where a window starts), so a client sees the whole limit from its first request, and advancing
// the mock's clock past a window's end resets it. A request over either limit is refused (429)
// and is not counted.
//
// Pure: no HTTP. Time is given by the caller (the mock's VirtualClock). Thread-safe: take() may
// be called from any thread. Memory: one entry per account and class that was counted; callers
// count only accounts the fixtures know, so the table is bounded by the fixtures.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bis::mock {

// The endpoints that share a budget. The modern endpoints each have their own (the API
// reference gives each one its rate limit); the legacy ones are counted only when an account
// asks for it (docs/mock.md, "Rate limits": INFERRED).
enum class EndpointClass : uint8_t {
  kClientBackInStock,  // POST /client/back-in-stock-subscriptions
  kServerBackInStock,  // POST /api/back-in-stock-subscriptions
  kClientSubscriptions,  // POST /client/subscriptions (the modern List call)
  kLegacySubscribe,    // POST /api/v1/catalog/subscribe and the onsite path
  kLegacyList,         // POST /api/v2/list/{id}/subscribe
};
std::string_view to_string(EndpointClass c);
// The class of a served path (with or without a trailing slash), or nullopt (not limited).
std::optional<EndpointClass> endpoint_class(std::string_view path);
bool is_legacy(EndpointClass c);

struct RateLimit {
  int64_t burst = 350;    // requests per one-second window
  int64_t steady = 3500;  // requests per one-minute window
};

struct RateDecision {
  bool allowed = true;
  // The steady window, as the RateLimit-* headers of a non-429 answer describe it.
  int64_t limit = 0;
  int64_t remaining = 0;
  int64_t reset_seconds = 0;  // until the steady window ends, rounded up
  // Refused: seconds until the window that refused it ends (both: the later), at least 1.
  int64_t retry_after_seconds = 0;
  bool burst_exceeded = false;
};

class RateLimiter {
 public:
  // `windows_end` false: a window never ends once opened (the defect
  // rate-limit-window-never-ends).
  explicit RateLimiter(bool windows_end = true) : windows_end_(windows_end) {}
  // Counts one request of `account` on `c` at `now_ms` if both windows have room.
  RateDecision take(std::string_view account, EndpointClass c, const RateLimit& limit,
                    int64_t now_ms);
  // Forgets every count (reset, new fixtures).
  void clear();

 private:
  struct Windows {
    int64_t burst_start = 0, burst_count = 0;
    int64_t steady_start = 0, steady_count = 0;
  };
  const bool windows_end_;
  std::mutex mu_;
  std::unordered_map<std::string, Windows> windows_;  // "account\nclass"
};

}  // namespace bis::mock
