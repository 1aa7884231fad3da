#pragma once
// The human-readable log on stderr: one line per request (text or JSON lines), silenced by
// --quiet. Lines are buffered and written by a background thread every 50 ms (or when 64 KiB
// pile up), so logging costs a request no system call. Nothing is written before start(), so
// the owner can print its own first lines (the listening line, the banner) first.
// Thread-safe; each line is written whole.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

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
  RequestLog(std::FILE* out, LogFormat format, bool quiet);
  // Writes what is buffered.
  ~RequestLog();
  // Starts writing (the lines buffered so far first).
  void start();
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  void request(const LogLine& line);
  // A free-form line (notices); JSON format wraps it as {"message": ...}. Written at once,
  // after what is buffered.
  void message(std::string_view text);
  LogFormat format() const { return format_; }

 private:
  void append(const std::string& line);
  void write_locked();
  void run_flusher();

  std::FILE* out_;
  LogFormat format_;
  bool quiet_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;
  bool started_ = false;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace bis::mock
