#pragma once
// bis-mock's HTTP front: the served API (subscribe at both paths, the List API call, CORS)
// and the control protocol under /__admin, on cpp-httplib. Thin: requests are parsed here,
// the behaviour is Service's, the answer is rendered here.
//
// Tuned for a mock that many clients hammer at once: TCP_NODELAY, unlimited requests per
// keep-alive connection, a thread per connection from a pool that grows on demand, a listen
// backlog of 1024. Every accepted connection is read by the mock's own strict HTTP/1.1 layer
// (http1_parser.h, http1_connection.h), with deadlines and a connection cap.
//
// Lifetime: start() binds and serves on background threads; stop() (or the destructor)
// closes the listener and every open connection and joins the threads. The Service and the
// RequestLog must outlive the Server.
#include <memory>
#include <string>

#include "bis/common/expected.h"
#include "bis/mock/faults.h"
#include "bis/mock/journal.h"
#include "bis/mock/request_log.h"
#include "bis/mock/service.h"

namespace bis::mock {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  size_t max_body = 64 * 1024;
  size_t journal_size = 1000;  // entries
  size_t journal_bytes = kDefaultJournalBytes;
  size_t journal_field_bytes = kDefaultJournalFieldBytes;
  // A page of GET /__admin/requests stops before this many bytes of entries (one at least),
  // and says where the next page starts.
  size_t journal_page_bytes = 4 * 1024 * 1024;
  // Empty: the control surface answers only loopback clients. Else every admin request must
  // carry it (X-Admin-Token: T or Authorization: Bearer T), from any address.
  std::string admin_token;
  int keep_alive_ms = 5000;  // an idle keep-alive connection is closed after this
  // Connections served at once; one more is answered 503 with Retry-After and closed.
  size_t max_connections = 4096;
  int header_timeout_ms = 10000;  // a request's first byte to the end of its headers (408)
  int body_timeout_ms = 30000;    // the end of the headers to the end of the body (408)
  size_t max_target = 8 * 1024;          // request target bytes (414)
  size_t max_header_bytes = 64 * 1024;   // header and trailer lines, bytes (431)
  size_t max_headers = 100;              // header and trailer lines, count (431)
  std::vector<Fault> faults;  // in force from the start (--fault); /__admin/faults changes them
  // Rate limits per account and endpoint class (docs/mock.md, "Rate limits"); false:
  // --no-rate-limits, nothing is counted and no RateLimit-* header is sent.
  bool rate_limits = true;
};

// Bodies of control-protocol requests (fixtures can be large) have their own limit.
inline constexpr size_t kMaxAdminBody = 16 * 1024 * 1024;

class Server {
 public:
  Server(Service& service, ServerOptions options, RequestLog* log = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, then serves in the background; returns the port once connections are accepted.
  Expected<int, std::string> start();
  void stop();

  int port() const;
  // http://HOST:PORT (IPv6 hosts in brackets).
  std::string url() const;
  // The request journal this server records into (GET /__admin/requests reads it).
  const Journal& journal() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bis::mock
