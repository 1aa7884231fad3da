#pragma once
// Durations as suites, profiles and the command line write them: "250ms", "5s", "2m", "1h",
// or a sum "1m30s". A bare number is an error (the unit is never guessed).
#include <chrono>
#include <string>
#include <string_view>

#include "bis/common/expected.h"

namespace bis {

using Duration = std::chrono::milliseconds;

// Fails with a one-line message ("expected a duration like 250ms, 5s or 2m, got '5'").
Expected<Duration, std::string> parse_duration(std::string_view text);

// The shortest exact rendering: "250ms", "5s", "2m", "1m30s", "0s".
std::string format_duration(Duration d);

}  // namespace bis
