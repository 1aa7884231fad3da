// The mock's movable clock (virtual_clock.h) and the RFC 3339 times clients give it.
#include "bis/mock/virtual_clock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace bis::mock {
namespace {

constexpr int64_t kStart = 1'795'000'000'000;

TEST(VirtualClockTest, FollowsItsBaseUntilMoved) {
  ManualClock base(kStart);
  VirtualClock clock(base);
  EXPECT_EQ(clock.now_ms(), kStart);
  base.advance_ms(250);
  EXPECT_EQ(clock.now_ms(), kStart + 250);
  const ClockReading r = clock.read();
  EXPECT_EQ(r.mode, ClockMode::kReal);
  EXPECT_EQ(r.offset_ms, 0);
}

TEST(VirtualClockTest, AnAdvanceFromRealTimeKeepsRunningFromTheLaterTime) {
  ManualClock base(kStart);
  VirtualClock clock(base);
  const ClockReading r = clock.advance(90 * 60 * 1000);
  EXPECT_EQ(r.mode, ClockMode::kOffset);
  EXPECT_EQ(r.offset_ms, 5'400'000);
  EXPECT_EQ(clock.now_ms(), kStart + 5'400'000);
  base.advance_ms(10);
  EXPECT_EQ(clock.now_ms(), kStart + 5'400'010);
  clock.advance(-5);  // never backwards
  EXPECT_EQ(clock.now_ms(), kStart + 5'400'010);
}

// The settle call widens its window by how far moves carried the clock while it waited: only
// moves count (not the base clock's own time), forward ones only.
TEST(VirtualClockTest, CountsHowFarMovesCarriedItForward) {
  ManualClock base(kStart);
  VirtualClock clock(base);
  base.advance_ms(500);  // time passing is no move
  EXPECT_EQ(clock.moved_forward_ms(), 0);
  clock.advance(61'000);
  EXPECT_EQ(clock.moved_forward_ms(), 61'000);
  clock.freeze();
  clock.advance(1'000);
  EXPECT_EQ(clock.moved_forward_ms(), 62'000);
  clock.freeze_at(kStart);  // back: adds nothing
  EXPECT_EQ(clock.moved_forward_ms(), 62'000);
  clock.freeze_at(kStart + 10'000);
  EXPECT_EQ(clock.moved_forward_ms(), 72'000);
  clock.real();  // back to the base (earlier than kStart + 10 s): adds nothing
  EXPECT_EQ(clock.moved_forward_ms(), 72'000);
}

TEST(VirtualClockTest, AFrozenClockMovesOnlyByAdvancesAndRealReturnsToTheBase) {
  ManualClock base(kStart);
  VirtualClock clock(base);
  clock.freeze_at(kStart - 1000);  // earlier than now is allowed
  base.advance_ms(5000);
  EXPECT_EQ(clock.now_ms(), kStart - 1000);
  EXPECT_EQ(clock.advance(60'000).mode, ClockMode::kFrozen);
  EXPECT_EQ(clock.now_ms(), kStart + 59'000);
  EXPECT_EQ(clock.read().offset_ms, kStart + 59'000 - (kStart + 5000));
  const ClockReading back = clock.real();
  EXPECT_EQ(back.mode, ClockMode::kReal);
  EXPECT_EQ(clock.now_ms(), kStart + 5000);
}

TEST(VirtualClockTest, FreezeStopsTimeWhereItIsIncludingAnOffset) {
  ManualClock base(kStart);
  VirtualClock clock(base);
  clock.advance(1000);
  const ClockReading r = clock.freeze();
  EXPECT_EQ(r.now_ms, kStart + 1000);
  base.advance_ms(7);
  EXPECT_EQ(clock.now_ms(), kStart + 1000);
  clock.freeze();  // frozen already: stays where it is
  EXPECT_EQ(clock.now_ms(), kStart + 1000);
}

TEST(VirtualClockTest, EveryMoveTellsTheListener) {
  ManualClock base(kStart);
  VirtualClock clock(base);
  int moves = 0;
  clock.set_on_move([&] { ++moves; });
  clock.advance(1);
  clock.freeze();
  clock.freeze_at(kStart);
  clock.real();
  EXPECT_EQ(moves, 4);
  clock.set_on_move(nullptr);
  clock.advance(1);
  EXPECT_EQ(moves, 4);
}

// Readers never see a time other than the ones the clock was set to, while it is moved.
TEST(VirtualClockTest, ReadersRacingMovesSeeOneOfTheTimesSet) {
  ManualClock base(kStart);
  VirtualClock clock(base);
  std::atomic<bool> stop{false};
  std::atomic<int> odd{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        const int64_t t = clock.now_ms();
        if (t != kStart && t != kStart + 1000) ++odd;
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    clock.freeze_at(kStart + 1000);
    clock.real();
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(odd, 0);
}

TEST(ParseTimeTest, ReadsRfc3339InUtcOrWithAnOffset) {
  EXPECT_EQ(parse_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_time("2026-11-27T15:04:05.123Z"), 1795791845123);
  EXPECT_EQ(format_time(*parse_time("2026-11-27T15:04:05.123Z")), "2026-11-27T15:04:05.123Z");
  EXPECT_EQ(parse_time("2026-11-27T16:04:05.123+01:00"), parse_time("2026-11-27T15:04:05.123Z"));
  EXPECT_EQ(parse_time("2026-11-27t15:04:05.1234567z"), 1795791845123);
  EXPECT_EQ(parse_time("2024-02-29T00:00:00Z"), 1709164800000);
}

TEST(ParseTimeTest, RefusesWhatIsNotAnRfc3339Time) {
  for (const char* bad : {"", "yesterday", "2026-11-27", "2026-11-27T15:04:05", "2026-11-27 15:04:05Z",
                          "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
                          "2026-11-27T24:00:00Z", "2026-11-27T15:04:05.Z", "2026-11-27T15:04:05Zx",
                          "2026-11-27T15:04:05+0100", "1795791845123"}) {
    EXPECT_EQ(parse_time(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace bis::mock
