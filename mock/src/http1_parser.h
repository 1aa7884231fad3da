#pragma once
// A strict, incremental HTTP/1.1 request parser (RFC 9112 framing, RFC 9110 field syntax).
// Pure: it sees bytes, never a socket, so it is unit-tested and fuzzed on its own. The
// connection driver (http1_connection.h) feeds it what it reads and answers what it returns.
//
// What it refuses, and with which status (docs/mock.md, "HTTP layer: what enforces what"):
// 400 for any framing that two readers could understand differently (Content-Length and
// Transfer-Encoding together, Content-Length values that differ or are not plain digits, a
// Transfer-Encoding other than `chunked`, malformed chunk sizes or chunk data longer than
// its size, header names outside the token characters, header values with control bytes,
// lines without a colon, obsolete line folding, bare LF or CR line ends, a target with a
// `#fragment` or bytes outside visible ASCII, a missing or repeated Host in HTTP/1.1);
// 413 for a body over the limit (a declared length at once, without reading it); 414 for
// a target over the limit; 431 for headers over the byte or count limit; 505 for an HTTP
// version other than 1.0 and 1.1. After any refusal the connection is not reusable.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bis::mock::http1 {

struct Limits {
  size_t max_target = 8 * 1024;         // bytes of the request target (414 above)
  size_t max_header_bytes = 64 * 1024;  // request line, header lines and trailers (431 above)
  size_t max_headers = 100;             // header lines plus trailer lines (431 above)
  // The body limit for a request path (the raw path, before '?'): the control surface
  // takes larger bodies than the served API. Null: `max_body` for every path.
  std::function<size_t(std::string_view path)> body_limit;
  size_t max_body = 64 * 1024;
};

struct Request {
  std::string method;
  std::string target;  // as sent
  std::string path;    // the target's path, raw (not percent-decoded)
  std::string query;   // after '?', raw; empty if none
  int minor_version = 1;  // HTTP/1.<minor_version>
  std::vector<std::pair<std::string, std::string>> headers;  // values trimmed, not decoded
  std::string body;   // decoded (chunked framing removed)
  bool keep_alive = true;
  bool expects_continue = false;  // Expect: 100-continue with a body to come
};

struct Refusal {
  int status = 400;
  std::string message;
};

class Parser {
 public:
  enum class State { kNeedMore, kDone, kRefused };

  explicit Parser(const Limits& limits) : limits_(limits) {}

  // Consumes bytes of one request from `data`; returns how many it took. Bytes past the end
  // of the request are left to the caller (the next pipelined request).
  size_t feed(const char* data, size_t size);

  State state() const { return state_; }
  bool started() const { return started_; }   // a byte of this request has been seen
  bool in_body() const { return stage_ >= Stage::kBody && stage_ < Stage::kDone; }
  bool body_started() const { return body_seen_ > 0; }
  Request& request() { return request_; }
  const Refusal& refusal() const { return refusal_; }

 private:
  enum class Stage {
    kRequestLine, kHeaders, kBody, kChunkSize, kChunkData, kChunkDataCr, kChunkDataLf,
    kTrailers, kDone
  };

  size_t feed_line(const char* data, size_t size);
  size_t line_limit() const;
  void refuse(int status, std::string message);
  void on_line(std::string_view line);
  void on_request_line(std::string_view line);
  void on_header_line(std::string_view line, bool trailer);
  void on_headers_end();
  void on_chunk_size(std::string_view line);
  void finish() { stage_ = Stage::kDone, state_ = State::kDone; }

  const Limits& limits_;
  State state_ = State::kNeedMore;
  Stage stage_ = Stage::kRequestLine;
  bool started_ = false;
  std::string line_;         // the line being read (line-based stages)
  size_t head_bytes_ = 0;    // counted against max_header_bytes
  size_t lines_ = 0;         // header and trailer lines, counted against max_headers
  uint64_t remaining_ = 0;   // bytes left in the body or the current chunk
  uint64_t body_limit_ = 0;
  uint64_t body_seen_ = 0;
  Request request_;
  Refusal refusal_;
};

// RFC 9110 token characters (header names, methods).
bool is_token(std::string_view s);

}  // namespace bis::mock::http1
