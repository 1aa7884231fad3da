#include "bis/runner/http_client.h"

#include <httplib.h>

#include "bis/common/text.h"

namespace bis::runner {

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  const auto it = find_header(headers, name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::string UrlParts::origin() const { return scheme + "://" + host + ":" + std::to_string(port); }

Expected<UrlParts, std::string> parse_url(std::string_view url) {
  UrlParts u;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return Unexpected{"not a URL: '" + std::string(url) + "'"};
  u.scheme = ascii_lower(url.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https") {
    return Unexpected{"unsupported scheme '" + u.scheme + "' in '" + std::string(url) +
                      "' (http or https)"};
  }
  std::string_view rest = url.substr(sep + 3);
  const size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return Unexpected{std::string("credentials in the URL are not supported; use a header")};
  }
  u.port = u.scheme == "https" ? 443 : 80;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
    const size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return Unexpected{"bad host in '" + std::string(url) + "'"};
    u.host = std::string(authority.substr(0, close + 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':')
      return Unexpected{"bad host in '" + std::string(url) + "'"};
    if (!authority.empty()) authority.remove_prefix(1), u.port = -1;
  } else {
    const size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) authority.remove_prefix(colon + 1), u.port = -1;
  }
  if (u.port == -1) {
    int port = 0;
    for (const char c : authority) {
      if (c < '0' || c > '9' || port > 65535)
        return Unexpected{"bad port in '" + std::string(url) + "'"};
      port = port * 10 + (c - '0');
    }
    if (authority.empty() || port == 0 || port > 65535)
      return Unexpected{"bad port in '" + std::string(url) + "'"};
    u.port = port;
  }
  if (u.host.empty()) return Unexpected{"no host in '" + std::string(url) + "'"};
  if (path.find_first_of("?#") != std::string_view::npos) {
    return Unexpected{"a base URL has no query or fragment: '" + std::string(url) + "'"};
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  u.prefix = std::string(path);
  return u;
}

// The connections of one origin: created on demand, kept idle up to a bound.
struct HttpClient::Lease::Pool {
  std::string origin;
  TlsOptions tls;
  size_t max_idle = 8;
  std::mutex mutex;
  std::vector<std::unique_ptr<httplib::Client>> idle;

  std::unique_ptr<httplib::Client> checkout() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        auto c = std::move(idle.back());
        idle.pop_back();
        return c;
      }
    }
    auto c = std::make_unique<httplib::Client>(origin);
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);
    c->set_follow_location(false);
    c->set_url_encode(false);
    if (!tls.ca_file.empty()) c->set_ca_cert_path(tls.ca_file);
    c->enable_server_certificate_verification(!tls.insecure);
    return c;
  }

  void checkin(std::unique_ptr<httplib::Client> client) {
    std::lock_guard<std::mutex> lock(mutex);
    if (idle.size() < max_idle) idle.push_back(std::move(client));
  }
};

Expected<std::unique_ptr<HttpClient>, std::string> HttpClient::create(const std::string& base_url,
                                                                      TlsOptions tls,
                                                                      size_t max_idle) {
  auto parts = parse_url(base_url);
  if (!parts) return Unexpected{parts.error()};
  std::unique_ptr<HttpClient> c(new HttpClient());
  c->origin_ = parts->origin();
  c->prefix_ = parts->prefix;
  c->pool_ = std::make_shared<Pool>();
  c->pool_->origin = c->origin_;
  c->pool_->tls = std::move(tls);
  c->pool_->max_idle = max_idle == 0 ? 1 : max_idle;
  return c;
}

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient> HttpClient::with_prefix(std::string_view path) const {
  std::unique_ptr<HttpClient> c(new HttpClient());
  c->origin_ = origin_;
  c->prefix_ = prefix_ + std::string(path);
  c->pool_ = pool_;
  return c;
}

namespace {

std::string describe(httplib::Error e, const std::string& origin, Duration timeout, Millis elapsed,
                     TransportError& kind) {
  switch (e) {
    case httplib::Error::Connection:
      kind = TransportError::kConnect;
      return "cannot connect to " + origin + " (refused, unreachable or unknown host)";
    case httplib::Error::ConnectionTimeout:
      kind = TransportError::kTimeout;
      return "connecting to " + origin + " timed out after " + format_duration(timeout);
    case httplib::Error::SSLConnection:
      kind = TransportError::kTls;
      return "TLS handshake with " + origin + " failed";
    case httplib::Error::SSLLoadingCerts:
      kind = TransportError::kTls;
      return "TLS: cannot load the CA certificates";
    case httplib::Error::SSLServerVerification:
      kind = TransportError::kTls;
      return "TLS: the certificate of " + origin +
             " does not verify (use a CA file, or --insecure)";
    case httplib::Error::Read:
      if (elapsed >= timeout) {
        kind = TransportError::kTimeout;
        return "no answer from " + origin + " within " + format_duration(timeout);
      }
      kind = TransportError::kOther;
      return "the connection to " + origin + " closed before a complete answer";
    default:
      kind = TransportError::kOther;
      return httplib::to_string(e) + " (" + origin + ")";
  }
}

}  // namespace

HttpClient::Lease::Lease(std::shared_ptr<Pool> pool, std::unique_ptr<httplib::Client> client)
    : pool_(std::move(pool)), client_(std::move(client)) {}
HttpClient::Lease::Lease(Lease&&) noexcept = default;
HttpClient::Lease& HttpClient::Lease::operator=(Lease&&) noexcept = default;
HttpClient::Lease::~Lease() {
  if (client_) pool_->checkin(std::move(client_));
}

void HttpClient::Lease::discard() { client_.reset(); }

HttpClient::Lease HttpClient::lease() { return Lease(pool_, pool_->checkout()); }

HttpResult HttpClient::send(const HttpRequest& request, Duration timeout) {
  Lease l = lease();
  return send(l, request, timeout);
}

HttpResult HttpClient::send(Lease& lease, const HttpRequest& request, Duration timeout) {
  HttpResult result;
  httplib::Request req;
  req.method = request.method;
  req.path = prefix_ + request.target;
  for (const auto& [k, v] : request.headers) req.headers.emplace(k, v);
  if (!req.has_header("User-Agent")) req.headers.emplace("User-Agent", "bis-conform/" BIS_VERSION);
  req.body = request.body;

  if (!lease.client_) lease.client_ = lease.pool_->checkout();
  httplib::Client* client = lease.client_.get();
  if (timeout.count() <= 0) timeout = Duration(1);
  const auto sec = timeout.count() / 1000, usec = timeout.count() % 1000 * 1000;
  client->set_connection_timeout(sec, usec);
  client->set_read_timeout(sec, usec);
  client->set_write_timeout(sec, usec);

  const auto start = std::chrono::steady_clock::now();
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  const bool ok = client->send(req, res, error);
  result.duration = std::chrono::steady_clock::now() - start;
  if (!ok) {
    result.error = describe(error, origin_, timeout, result.duration, result.error_kind);
    lease.client_.reset();  // never reuse a connection in an unknown state
    return result;
  }
  HttpResponse response;
  response.status = res.status;
  for (const auto& [k, v] : res.headers) response.headers.emplace_back(k, v);
  response.body = std::move(res.body);
  const bool closing = iequals(res.get_header_value("Connection"), "close");
  result.response = std::move(response);
  if (closing) lease.client_.reset();
  return result;
}

}  // namespace bis::runner
