#pragma once
// The human-readable log on stderr: one line per request (text or JSON lines), silenced by
// --quiet. Thread-safe: each line is written whole.
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace bis::mock {

enum class LogFormat { kText, kJson };

struct LogLine {
  int64_t time_ms = 0;
  std::string_view remote, method, path;
  int status = 0;
  double duration_ms = 0;
  std::string_view outcome, reason;
};

class RequestLog {
 public:
  RequestLog(std::FILE* out, LogFormat format, bool quiet)
      : out_(out), format_(format), quiet_(quiet) {}

  void request(const LogLine& line);
  // A free-form line (start-up banner, notices); JSON format wraps it as {"message": ...}.
  void message(std::string_view text);
  LogFormat format() const { return format_; }
  bool quiet() const { return quiet_; }

 private:
  void write(const std::string& line);

  std::FILE* out_;
  LogFormat format_;
  bool quiet_;
  std::mutex mu_;
};

}  // namespace bis::mock
