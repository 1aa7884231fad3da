#include "bis/mock/virtual_clock.h"

#include <algorithm>

namespace bis::mock {

std::string_view to_string(ClockMode mode) {
  switch (mode) {
    case ClockMode::kReal: return "real";
    case ClockMode::kFrozen: return "frozen";
    case ClockMode::kOffset: return "offset";
  }
  return "real";
}

int64_t VirtualClock::now_ms() const {
  if (frozen_.load(std::memory_order_acquire)) return frozen_at_.load(std::memory_order_relaxed);
  return base_.now_ms() + offset_.load(std::memory_order_relaxed);
}

ClockReading VirtualClock::read_locked(int64_t base_now) const {
  ClockReading r;
  if (frozen_) {
    r.now_ms = frozen_at_;
    r.mode = ClockMode::kFrozen;
  } else {
    r.now_ms = base_now + offset_;
    r.mode = offset_ == 0 ? ClockMode::kReal : ClockMode::kOffset;
  }
  r.offset_ms = r.now_ms - base_now;
  return r;
}

ClockReading VirtualClock::read() const {
  std::lock_guard lock(mu_);
  return read_locked(base_.now_ms());
}

ClockReading VirtualClock::move(const std::function<void()>& change) {
  ClockReading r;
  {
    std::lock_guard lock(mu_);
    const int64_t base_now = base_.now_ms();
    const int64_t before = read_locked(base_now).now_ms;
    change();
    r = read_locked(base_now);
    if (r.now_ms > before) forward_.fetch_add(r.now_ms - before, std::memory_order_acq_rel);
  }
  moved();
  return r;
}

ClockReading VirtualClock::advance(int64_t ms) {
  ms = std::max<int64_t>(ms, 0);
  return move([&] {
    if (frozen_) {
      frozen_at_ += ms;
    } else {
      offset_ += ms;
    }
  });
}

ClockReading VirtualClock::freeze_at(int64_t ms) {
  return move([&] {
    frozen_at_.store(ms, std::memory_order_relaxed);
    frozen_.store(true, std::memory_order_release);
  });
}

ClockReading VirtualClock::freeze() {
  return move([&] {
    if (frozen_) return;
    frozen_at_.store(base_.now_ms() + offset_, std::memory_order_relaxed);
    frozen_.store(true, std::memory_order_release);
  });
}

ClockReading VirtualClock::real() {
  return move([&] {
    offset_.store(0, std::memory_order_relaxed);
    frozen_.store(false, std::memory_order_release);
  });
}

void VirtualClock::set_on_move(std::function<void()> on_move) {
  std::lock_guard lock(mu_);
  on_move_ = std::move(on_move);
}

void VirtualClock::moved() {
  std::function<void()> f;
  {
    std::lock_guard lock(mu_);
    f = on_move_;
  }
  if (f) f();
}

}  // namespace bis::mock
