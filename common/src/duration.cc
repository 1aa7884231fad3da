#include "bis/common/duration.h"

#include <cstdint>
#include <limits>

namespace bis {
namespace {

std::string bad(std::string_view text) {
  return "expected a duration like 250ms, 5s or 2m, got '" + std::string(text) + "'";
}

}  // namespace

Expected<Duration, std::string> parse_duration(std::string_view text) {
  if (text.empty()) return Unexpected{bad(text)};
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    int64_t n = 0;
    const size_t digits_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n > std::numeric_limits<int64_t>::max() / 10 - 10) return Unexpected{bad(text)};
      n = n * 10 + (text[i] - '0');
      ++i;
    }
    if (i == digits_start) return Unexpected{bad(text)};
    const size_t unit_start = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    int64_t scale;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60 * 1000;
    } else if (unit == "h") {
      scale = 3600 * 1000;
    } else {
      return Unexpected{bad(text)};
    }
    if (n > std::numeric_limits<int64_t>::max() / scale - total) return Unexpected{bad(text)};
    total += n * scale;
  }
  return Duration(total);
}

std::string format_duration(Duration d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  const int64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, rest = ms % 1000;
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s) out += std::to_string(s) + "s";
  if (rest) out += std::to_string(rest) + "ms";
  return out;
}

}  // namespace bis
