#include "bis/runner/rate_limiter.h"

#include <ctime>
#include <string>

namespace bis::runner {

RateLimiter::RateLimiter(double requests_per_second, Env& env)
    : env_(env),
      interval_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(
          1.0 / (requests_per_second > 0 ? requests_per_second : 1e9)))) {}

bool RateLimiter::acquire(Env::TimePoint deadline) {
  Env::TimePoint slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = env_.now();
    slot = next_ > now ? next_ : now;
    if (slot > deadline) return false;
    next_ = slot + interval_;
  }
  env_.sleep_until(slot);
  return true;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  bool digits = value.size() <= 9;
  for (const char c : value) digits = digits && c >= '0' && c <= '9';
  if (digits) return std::chrono::seconds(std::stol(std::string(value)));
  std::tm tm{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  const auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

}  // namespace bis::runner
