#include "bis/mock/request_log.h"

#include <nlohmann/json.hpp>

#include "bis/common/text.h"
#include "bis/mock/clock.h"
#include "bis/mock/printable.h"

namespace bis::mock {

void RequestLog::write(const std::string& line) {
  std::lock_guard lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void RequestLog::request(const LogLine& l) {
  if (quiet_) return;
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", l.duration_ms);
  std::string line;
  if (format_ == LogFormat::kJson) {
    line = "{\"time\": " + json_quote(format_time(l.time_ms)) +
           ", \"remote\": " + json_quote(l.remote) + ", \"method\": " + json_quote(l.method) +
           ", \"path\": " + json_quote(l.path) + ", \"status\": " + std::to_string(l.status) +
           ", \"duration_ms\": " + duration + ", \"outcome\": " + json_quote(l.outcome) +
           ", \"reason\": " + json_quote(l.reason) + "}\n";
  } else {
    line = format_time(l.time_ms) + " " + std::string(l.remote) + " " + std::string(l.method) +
           " " + printable(l.path, 200) + " " + std::to_string(l.status) + " " + duration + "ms";
    // "subscribed sub-3" says it all; "rejected: email is malformed" needs both.
    const bool reason_says_it = !l.outcome.empty() && l.reason.rfind(l.outcome, 0) == 0;
    if (!l.outcome.empty() && !reason_says_it)
      line += " " + std::string(l.outcome) + (l.reason.empty() ? "" : ":");
    if (!l.reason.empty()) line += " " + printable(l.reason, 300);
    line += "\n";
  }
  write(line);
}

void RequestLog::message(std::string_view text) {
  if (format_ == LogFormat::kJson) {
    write("{\"message\": " + json_quote(text) + "}\n");
  } else {
    write(std::string(text) + "\n");
  }
}

}  // namespace bis::mock
