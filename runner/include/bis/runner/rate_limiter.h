#pragma once
// Caps the request rate of a run (`--max-rps`): requests are spaced evenly, 1/rate apart,
// across all workers. Thread-safe.
#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>

#include "bis/runner/env.h"

namespace bis::runner {

class RateLimiter {
 public:
  explicit RateLimiter(double requests_per_second, Env& env = Env::real());

  // Waits (on `env`) for the next slot. False (without waiting) if that slot is after `deadline`.
  bool acquire(Env::TimePoint deadline);

 private:
  Env& env_;
  std::mutex mutex_;
  std::chrono::steady_clock::duration interval_;
  Env::TimePoint next_{};
};

// The wait a 429 answer asks for: Retry-After as seconds ("2") or an HTTP date; nullopt if
// absent or unreadable. `now` is the wall clock, for dates.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace bis::runner
