#include "bis/mock/request_log.h"

#include <chrono>

#include "bis/common/text.h"
#include "bis/mock/clock.h"
#include "bis/mock/printable.h"

namespace bis::mock {
namespace {

constexpr size_t kFlushAt = 64 * 1024;

}  // namespace

RequestLog::RequestLog(std::FILE* out, LogFormat format, bool quiet)
    : out_(out), format_(format), quiet_(quiet) {}

void RequestLog::start() {
  std::lock_guard lock(mu_);
  if (started_ || quiet_) return;
  started_ = true;
  flusher_ = std::thread([this] { run_flusher(); });
}

RequestLog::~RequestLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  std::lock_guard lock(mu_);
  write_locked();
}

void RequestLog::run_flusher() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(50), [this] { return stopping_; });
    write_locked();
  }
}

void RequestLog::write_locked() {
  if (buffer_.empty()) return;
  std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
  std::fflush(out_);
  buffer_.clear();
}

void RequestLog::append(const std::string& line) {
  std::lock_guard lock(mu_);
  buffer_ += line;
  if (started_ && buffer_.size() >= kFlushAt) write_locked();
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
  append(line);
}

void RequestLog::message(std::string_view text) {
  std::lock_guard lock(mu_);
  buffer_ += format_ == LogFormat::kJson ? "{\"message\": " + json_quote(text) + "}\n"
                                         : std::string(text) + "\n";
  if (started_) write_locked();
}

}  // namespace bis::mock
