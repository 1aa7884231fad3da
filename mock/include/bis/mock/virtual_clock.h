#pragma once
// The mock's own time, which the control protocol moves (GET/PUT /__admin/clock): batches,
// record timestamps, the journal and rate-limit windows all read it, so a client can see an
// hour's batches or a window's reset without waiting.
//
// Three modes: real (the base clock), offset (the base clock plus a fixed amount: what an
// advance from real time leaves) and frozen (a fixed time that moves only by advances).
// Thread-safe: now_ms() takes no lock (every subscribe reads it); moves are serialised and
// then tell the listener set with set_on_move(), outside any lock of the clock's own.
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>

#include "bis/mock/clock.h"

namespace bis::mock {

enum class ClockMode { kReal, kFrozen, kOffset };
std::string_view to_string(ClockMode mode);

struct ClockReading {
  int64_t now_ms = 0;
  ClockMode mode = ClockMode::kReal;
  int64_t offset_ms = 0;  // now_ms minus the base clock's time: how far it was moved
};

class VirtualClock final : public Clock {
 public:
  // `base` (the system clock when serving, a ManualClock in tests) must outlive this clock.
  explicit VirtualClock(const Clock& base) : base_(base) {}
  VirtualClock(const VirtualClock&) = delete;
  VirtualClock& operator=(const VirtualClock&) = delete;

  int64_t now_ms() const override;
  ClockReading read() const;

  // Moves time forward by `ms` (>= 0; a negative amount is treated as 0): a frozen clock stays
  // frozen at the later time, a running one runs on from the later time.
  ClockReading advance(int64_t ms);
  // Stops time at `ms` (which may be earlier than now).
  ClockReading freeze_at(int64_t ms);
  // Stops time where it is.
  ClockReading freeze();
  // Back to the base clock's time.
  ClockReading real();

  // How far moves have carried the clock forward in all since start (a move back adds
  // nothing): what a wait measured in the clock's time must add to its deadline when the clock
  // is moved while it waits (the settle call).
  int64_t moved_forward_ms() const { return forward_.load(std::memory_order_acquire); }

  // Called after each move (nullptr: nobody). Must be cheap and must not move the clock.
  void set_on_move(std::function<void()> on_move);

 private:
  ClockReading read_locked(int64_t base_now) const;
  // Applies `change` under the lock, then tells the listener; returns the clock after it.
  ClockReading move(const std::function<void()>& change);
  void moved();

  const Clock& base_;
  mutable std::mutex mu_;  // serialises moves and the listener
  // Read without the lock: a reader racing a move sees the old time or the new one.
  std::atomic<bool> frozen_{false};
  std::atomic<int64_t> frozen_at_{0};
  std::atomic<int64_t> offset_{0};
  std::atomic<int64_t> forward_{0};
  std::function<void()> on_move_;
};

}  // namespace bis::mock
