#pragma once
// The runner's clock and sleeper, after leveldb's Env: polling (`eventually`, `consistently`),
// Retry-After waits, --max-rps spacing and scenario deadlines read time and wait through it, so
// tests run them in virtual time. Implementations are thread-safe.
#include <atomic>
#include <chrono>

#include "bis/runner/duration.h"

namespace bis::runner {

class Env {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~Env() = default;
  virtual TimePoint now() const = 0;
  virtual void sleep_for(std::chrono::nanoseconds d) = 0;
  void sleep_until(TimePoint t) {
    const TimePoint n = now();
    if (t > n) sleep_for(t - n);
  }

  // std::chrono::steady_clock and std::this_thread::sleep_for. Lives for the program.
  static Env& real();
};

// Time that moves only when someone sleeps: sleep_for advances it and returns at once. With
// several threads every sleep advances the one clock, so waits only ever get shorter; tests
// that count on spacing run one scenario at a time.
class VirtualEnv : public Env {
 public:
  TimePoint now() const override { return TimePoint(std::chrono::nanoseconds(now_ns_.load())); }
  void sleep_for(std::chrono::nanoseconds d) override {
    if (d.count() > 0) now_ns_ += d.count();
    slept_ns_ += d.count() > 0 ? d.count() : 0;
  }
  // Everything slept so far.
  Duration slept() const {
    return std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(slept_ns_.load()));
  }

 private:
  // Starts far from zero, so that now() minus a timeout is still a valid time point.
  std::atomic<int64_t> now_ns_{int64_t{1} << 50};
  std::atomic<int64_t> slept_ns_{0};
};

}  // namespace bis::runner
