#pragma once
// The body of PUT /__admin/clock and the clock's JSON (docs/control-protocol.md, "Clock"):
// kept apart from the admin routes so that the shapes read as one small table.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bis/common/expected.h"
#include "bis/mock/virtual_clock.h"

namespace bis::mock::http {

// One advance may move the clock at most this far (ten years): enough for any schedule, and
// far from overflowing a millisecond count however many advances follow.
inline constexpr int64_t kMaxAdvanceMs = 10LL * 365 * 24 * 3600 * 1000;

// Applies the move `body` asks for (exactly one of {"advance": "90m"}, {"advance_ms": N},
// {"freeze_at": "<RFC 3339>"}, {"freeze": true}, {"real": true}); on a bad body the clock is
// left as it was and the message says what is accepted.
Expected<ClockReading, std::string> move_clock(VirtualClock& clock, std::string_view body);

// {"now": "<RFC 3339>", "now_ms": N, "mode": "real"|"frozen"|"offset", "offset_ms": N}
nlohmann::json clock_json(const ClockReading& reading);

}  // namespace bis::mock::http
