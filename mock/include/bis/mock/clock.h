#pragma once
// Time for the mock's records and batch schedule. Injected so that batching and timestamps
// are unit-testable without sleeping. Implementations are thread-safe.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bis::mock {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override;
};

// A clock that moves only when told to (tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'795'000'000'000) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(); }
  void advance_ms(int64_t ms) { now_ += ms; }
  void set_ms(int64_t ms) { now_ = ms; }

 private:
  std::atomic<int64_t> now_;
};

// RFC 3339 UTC with milliseconds: 2026-11-27T15:04:05.123Z
std::string format_time(int64_t ms);
// The inverse, for times clients write: RFC 3339 with a "T" (or "t"), seconds, optional
// fraction (milliseconds kept) and "Z" or a numeric offset. nullopt if it is not one.
std::optional<int64_t> parse_time(std::string_view text);

}  // namespace bis::mock
