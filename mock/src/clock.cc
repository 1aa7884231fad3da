#include "bis/mock/clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace bis::mock {

int64_t SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_time(int64_t ms) {
  int64_t secs = ms / 1000;
  int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  const time_t t = static_cast<time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

namespace {

// Reads exactly `n` digits at `pos` (advancing it); -1 if they are not there.
int digits(std::string_view s, size_t& pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool expect(std::string_view s, size_t& pos, std::string_view chars) {
  if (pos >= s.size() || chars.find(s[pos]) == std::string_view::npos) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<int64_t> parse_time(std::string_view s) {
  size_t pos = 0;
  const int year = digits(s, pos, 4);
  if (year < 0 || !expect(s, pos, "-")) return std::nullopt;
  const int month = digits(s, pos, 2);
  if (month < 1 || month > 12 || !expect(s, pos, "-")) return std::nullopt;
  const int day = digits(s, pos, 2);
  if (day < 1 || day > 31 || !expect(s, pos, "Tt")) return std::nullopt;
  const int hour = digits(s, pos, 2);
  if (hour < 0 || hour > 23 || !expect(s, pos, ":")) return std::nullopt;
  const int minute = digits(s, pos, 2);
  if (minute < 0 || minute > 59 || !expect(s, pos, ":")) return std::nullopt;
  const int second = digits(s, pos, 2);
  if (second < 0 || second > 60) return std::nullopt;  // 60: a leap second, read as :59 + 1
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t start = pos;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int64_t offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos++] == '-' ? -1 : 1;
    const int oh = digits(s, pos, 2);
    if (oh < 0 || oh > 23 || !expect(s, pos, ":")) return std::nullopt;
    const int om = digits(s, pos, 2);
    if (om < 0 || om > 59) return std::nullopt;
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  // A day the month does not have (02-30) is refused, not rolled over into the next month.
  std::tm check = tm;
  check.tm_hour = 12;
  const time_t noon = timegm(&check);
  if (check.tm_mday != day || check.tm_mon != month - 1 || noon == static_cast<time_t>(-1))
    return std::nullopt;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const int64_t secs = static_cast<int64_t>(timegm(&tm)) - offset_minutes * 60;
  return secs * 1000 + millis;
}

}  // namespace bis::mock
