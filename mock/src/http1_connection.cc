#include "http1_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "bis/common/text.h"
#include "bis/mock/api_answers.h"
#include "bis/mock/printable.h"

namespace bis::mock::http1 {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 16 * 1024;
// After a refusal or a closing answer: how long, and how many bytes, the driver keeps reading
// (and dropping) what the client still sends, so closing does not reset the connection
// before the client has read the answer.
constexpr int kLingerMs = 1000;
constexpr size_t kLingerBytes = 1 << 20;

// Rounded up: a deadline never fires before its time (poll() takes whole milliseconds).
int ms_until(SteadyClock::time_point t) {
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(t - SteadyClock::now()).count();
  return ms <= 0 ? 0 : static_cast<int>(std::min<int64_t>(ms, 1 << 30));
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;  // peer gone, or the write timeout passed
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Closes our writing side (the client sees the end of the answer), then drops what the client
// still sends until it closes too, within a bounded time and size.
void linger(int fd, int budget_ms) {
  ::shutdown(fd, SHUT_WR);
  const auto end = SteadyClock::now() + std::chrono::milliseconds(budget_ms);
  char buf[4096];
  size_t total = 0;
  while (total < kLingerBytes) {
    const int ms = ms_until(end);
    if (ms <= 0) return;
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    total += static_cast<size_t>(n);
  }
}

// The reason phrases of the statuses the mock answers (RFC 9110 15); clients ignore them.
const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
  }
}

bool safe_header(const std::string& name, const std::string& value) {
  return name.find_first_of("\r\n:") == std::string::npos &&
         value.find_first_of("\r\n") == std::string::npos;
}

// Sends `body` at `rate` bytes per second, in pieces of a tenth of a second, each piece due
// when the bytes before it have had their time. Holds only this connection's thread; gives up
// when the server stops.
bool send_slowly(int fd, std::string_view body, uint64_t rate,
                 const std::function<bool()>& stopping) {
  const size_t piece = static_cast<size_t>(std::max<uint64_t>(1, rate / 10));
  const auto start = SteadyClock::now();
  size_t sent = 0;
  while (sent < body.size()) {
    const auto due = start + std::chrono::microseconds(sent * 1'000'000 / rate);
    while (SteadyClock::now() < due) {
      if (stopping && stopping()) return false;
      std::this_thread::sleep_for(std::min<SteadyClock::duration>(
          due - SteadyClock::now(), std::chrono::milliseconds(50)));
    }
    const size_t n = std::min(piece, body.size() - sent);
    if (!send_all(fd, body.substr(sent, n))) return false;
    sent += n;
  }
  return true;
}

// Writes one answer. The routes' Content-Length, Connection and Transfer-Encoding headers are
// replaced by the driver's own, which match what is actually written. A truncating or slow
// fault applies to a body held whole (the served API never streams one).
bool write_answer(int fd, const std::string& method, httplib::Response& res, bool& close,
                  int minor_version, const WireFault& fault = {},
                  const std::function<bool()>& stopping = nullptr) {
  const int status = res.status == -1 ? 200 : res.status;
  const bool provider = static_cast<bool>(res.content_provider_);
  const bool chunked = provider && res.is_chunked_content_provider_ && minor_version == 1;
  // A provider without a length and without chunking ends its body by closing.
  if (provider && !chunked && res.content_length_ == 0) close = true;
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " +
                    reason_phrase(status) + "\r\n";
  for (const auto& [name, value] : res.headers) {
    if (iequals(name, "Content-Length") || iequals(name, "Connection") ||
        iequals(name, "Transfer-Encoding") || !safe_header(name, value)) {
      continue;
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  if (close) {
    out += "Connection: close\r\n";
  } else if (minor_version == 0) {
    out += "Connection: keep-alive\r\n";
  }
  const bool no_body = status < 200 || status == 204 || status == 304;
  if (!no_body) {
    if (chunked) {
      out += "Transfer-Encoding: chunked\r\n";
    } else if (!provider || res.content_length_ > 0) {
      out += "Content-Length: " +
             std::to_string(provider ? res.content_length_ : res.body.size()) + "\r\n";
    }
  }
  out += "\r\n";
  if (no_body || method == "HEAD") return send_all(fd, out);
  if (!provider && fault.kind == WireFault::Kind::kTruncate) {
    close = true;  // the head promised more than comes: only closing ends the answer
    return send_all(fd, out.append(res.body, 0, std::min<uint64_t>(fault.bytes, res.body.size())));
  }
  if (!provider && fault.kind == WireFault::Kind::kSlowBody) {
    return send_all(fd, out) && send_slowly(fd, res.body, fault.bytes_per_second, stopping);
  }
  if (!provider) return send_all(fd, out.append(res.body));  // one write, one packet if small
  if (!send_all(fd, out)) return false;
  bool ok = true, done = false;
  size_t offset = 0;
  httplib::DataSink sink;
  sink.write = [&](const char* data, size_t n) {
    if (!ok || n == 0) return ok;
    if (chunked) {
      char size[24];
      std::snprintf(size, sizeof size, "%zx\r\n", n);
      ok = send_all(fd, size) && send_all(fd, {data, n}) && send_all(fd, "\r\n");
    } else {
      ok = send_all(fd, {data, n});
    }
    offset += n;
    return ok;
  };
  sink.done = [&] { done = true; };
  sink.is_writable = [&] { return ok; };
  const size_t length = res.content_length_;
  while (ok && !done && (length == 0 || offset < length)) {
    if (!res.content_provider_(offset, length == 0 ? 0 : length - offset, sink)) ok = false;
  }
  if (ok && chunked) ok = send_all(fd, "0\r\n\r\n");
  res.content_provider_success_ = ok;
  return ok;
}

void write_refusal(int fd, const Refusal& refusal, const httplib::Headers& extra) {
  httplib::Response res;
  res.status = refusal.status;
  res.set_content(route_error_body(refusal.message), "application/json");
  res.set_header("X-Bis-Mock-Reason", printable(refusal.message, 300));
  for (const auto& [name, value] : extra) res.set_header(name, value);
  bool close = true;
  write_answer(fd, "GET", res, close, 1);
}

httplib::Request to_httplib(Request& r, const Peer& peer) {
  httplib::Request req;
  req.method = r.method;
  req.target = r.target;
  req.version = "HTTP/1." + std::to_string(r.minor_version);
  req.path = httplib::detail::decode_url(r.path, false);
  if (!r.query.empty()) httplib::detail::parse_query_text(r.query, req.params);
  for (auto& [name, value] : r.headers) req.headers.emplace(std::move(name), std::move(value));
  req.remote_addr = peer.remote_addr;
  req.remote_port = peer.remote_port;
  req.local_addr = peer.local_addr;
  req.local_port = peer.local_port;
  return req;
}

std::pair<std::string, int> address_of(const sockaddr_storage& a) {
  char text[INET6_ADDRSTRLEN] = "";
  if (a.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&a);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return {text, ntohs(in->sin_port)};
  }
  if (a.ss_family == AF_INET6) {
    const auto* in = reinterpret_cast<const sockaddr_in6*>(&a);
    inet_ntop(AF_INET6, &in->sin6_addr, text, sizeof text);
    return {text, ntohs(in->sin6_port)};
  }
  return {"", -1};
}

}  // namespace

Peer peer_of(int fd) {
  Peer p;
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    std::tie(p.remote_addr, p.remote_port) = address_of(a);
  }
  len = sizeof a;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    std::tie(p.local_addr, p.local_port) = address_of(a);
  }
  return p;
}

void refuse_connection(int fd, const Refusal& refusal, const httplib::Headers& extra,
                       int linger_ms) {
  write_refusal(fd, refusal, extra);
  linger(fd, linger_ms);
}

void serve_connection(int fd, const ConnectionOptions& o, const ConnectionHooks& hooks) {
  timeval tv{o.write_timeout_ms / 1000, (o.write_timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const Peer peer = peer_of(fd);
  std::string in;  // bytes read and not yet parsed: at most one read past the current request
  size_t pos = 0;
  bool eof = false;
  auto last_answer = SteadyClock::now();
  for (;;) {
    Parser parser(o.limits);
    SteadyClock::time_point head_start, body_start;
    bool sent_continue = false;
    while (parser.state() == Parser::State::kNeedMore) {
      if (pos < in.size()) {
        const bool was_started = parser.started(), was_in_body = parser.in_body();
        pos += parser.feed(in.data() + pos, in.size() - pos);
        if (!was_started && parser.started()) head_start = SteadyClock::now();
        if (!was_in_body && parser.in_body()) body_start = SteadyClock::now();
      }
      if (pos == in.size()) in.clear(), pos = 0;
      if (parser.state() != Parser::State::kNeedMore) break;
      // The client half-closed: every complete request before it has been answered, and a
      // request cut short by it cannot be.
      if (eof) return;
      if (parser.in_body() && parser.request().expects_continue && !sent_continue &&
          !parser.body_started()) {
        sent_continue = true;
        if (!send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return;
      }
      const auto deadline =
          !parser.started()
              ? last_answer + std::chrono::milliseconds(o.idle_timeout_ms)
              : parser.in_body() ? body_start + std::chrono::milliseconds(o.body_timeout_ms)
                                 : head_start + std::chrono::milliseconds(o.header_timeout_ms);
      const int wait_ms = ms_until(deadline);
      if (wait_ms <= 0) {
        if (!parser.started()) return;  // an idle keep-alive connection just ends
        const bool body = parser.in_body();
        const Refusal late{408, std::string("request ") + (body ? "body" : "headers") +
                                    " not received within " +
                                    std::to_string(body ? o.body_timeout_ms : o.header_timeout_ms) +
                                    " ms"};
        if (hooks.refused) hooks.refused(late, parser.request(), peer);
        write_refusal(fd, late, {});
        return linger(fd, kLingerMs);
      }
      pollfd p{fd, POLLIN, 0};
      const int r = ::poll(&p, 1, wait_ms);
      if (r < 0 && errno != EINTR) return;
      if (r <= 0) continue;
      if (pos > 0) in.erase(0, pos), pos = 0;
      const size_t old = in.size();
      in.resize(old + kReadChunk);
      const ssize_t n = ::recv(fd, in.data() + old, kReadChunk, 0);
      in.resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
      if (n == 0) eof = true;
      if (n < 0 && errno != EINTR && errno != EAGAIN) return;
    }
    if (parser.state() == Parser::State::kRefused) {
      if (hooks.refused) hooks.refused(parser.refusal(), parser.request(), peer);
      write_refusal(fd, parser.refusal(), {});
      return linger(fd, kLingerMs);
    }
    Request& r = parser.request();
    httplib::Request req = to_httplib(r, peer);
    const std::string body = std::move(r.body);
    const httplib::ContentReader reader(
        [&body](httplib::ContentReceiver receive) {
          return body.empty() || receive(body.data(), body.size());
        },
        [](httplib::MultipartContentHeader, httplib::ContentReceiver) { return false; });
    httplib::Response res;
    const WireFault fault = hooks.handle(req, res, reader);
    if (fault.kind == WireFault::Kind::kReset) {
      struct linger reset{1, 0};  // closing with a zero linger time sends RST instead of FIN
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      return;
    }
    if (fault.kind == WireFault::Kind::kClose) return linger(fd, kLingerMs);
    bool close = !r.keep_alive || iequals(res.get_header_value("Connection"), "close");
    if (!write_answer(fd, req.method, res, close, r.minor_version, fault, hooks.stopping)) return;
    if (close) return linger(fd, kLingerMs);
    last_answer = SteadyClock::now();
  }
}

}  // namespace bis::mock::http1
