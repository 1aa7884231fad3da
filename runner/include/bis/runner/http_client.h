#pragma once
// The HTTP client every target is reached with (cpp-httplib, OpenSSL for https://). One
// HttpClient per base URL, shared by all workers: it keeps a small pool of keep-alive
// connections (one per concurrent caller, at most `max_idle` kept between requests) with
// TCP_NODELAY on, so a sequential scenario reuses one warm connection and N concurrent copies
// open N. Clients made with with_prefix() share the pool. Redirects are not followed; the path
// is sent exactly as given.
// Thread-safe.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bis/common/expected.h"
#include "bis/runner/duration.h"
#include "bis/runner/result.h"

namespace httplib {
class Client;
}

namespace bis::runner {

struct TlsOptions {
  std::string ca_file;    // PEM bundle to verify the server with; empty: the system's
  bool insecure = false;  // no certificate verification
};

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // path and query, already percent-encoded; the base URL's path is prepended
  std::vector<Header> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::vector<Header> headers;
  std::string body;

  // First value of a header (case-insensitive name), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

enum class TransportError { kNone, kConnect, kTimeout, kTls, kOther };

struct HttpResult {
  std::optional<HttpResponse> response;
  TransportError error_kind = TransportError::kNone;
  std::string error;  // "connection refused (127.0.0.1:9)", "no answer within 5s", "TLS: ..."
  Millis duration{0};
};

class HttpClient {
 public:
  // `base_url`: http(s)://host[:port][/prefix]. Fails on a malformed URL or an unknown scheme.
  static Expected<std::unique_ptr<HttpClient>, std::string> create(const std::string& base_url,
                                                                   TlsOptions tls = {},
                                                                   size_t max_idle = 8);
  ~HttpClient();

  // One connection held by one caller: N leases are N distinct connections (what concurrent
  // copies need to really go at once). Returns to the pool when destroyed, unless discarded.
  class Lease {
   public:
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) noexcept;
    ~Lease();
    // Closes the connection instead of returning it to the pool: what one caller sent on it
    // (hostile input, a body the server left unread) can then never reach another caller.
    void discard();

   private:
    friend class HttpClient;
    struct Pool;
    Lease(std::shared_ptr<Pool> pool, std::unique_ptr<httplib::Client> client);
    std::shared_ptr<Pool> pool_;
    std::unique_ptr<httplib::Client> client_;
  };
  Lease lease();

  HttpResult send(const HttpRequest& request, Duration timeout);
  HttpResult send(Lease& lease, const HttpRequest& request, Duration timeout);

  // A client for `path` under this one's base URL ("/__admin"), sharing its connections.
  std::unique_ptr<HttpClient> with_prefix(std::string_view path) const;

  // scheme://host:port, without the prefix.
  const std::string& origin() const { return origin_; }
  // The full URL of a request target, for reports.
  std::string url(const std::string& target) const { return origin_ + prefix_ + target; }

 private:
  using Pool = Lease::Pool;
  HttpClient() = default;

  std::string origin_;
  std::string prefix_;
  std::shared_ptr<Pool> pool_;
};

// Splits a URL into origin (scheme://host:port, port made explicit) and path prefix (without
// a trailing '/'). Fails on anything but http:// and https:// URLs with a host.
struct UrlParts {
  std::string scheme, host;
  int port = 0;
  std::string prefix;
  std::string origin() const;
};
Expected<UrlParts, std::string> parse_url(std::string_view url);

}  // namespace bis::runner
