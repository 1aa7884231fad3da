#include "bis/mock/server.h"

#include <dirent.h>
#include <httplib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <random>
#include <thread>

#include "admin_routes.h"
#include "api_routes.h"
#include "fault_exchange.h"
#include "bis/common/protocol.h"
#include "bis/mock/api_answers.h"
#include "http1_connection.h"
#include "http_exchange.h"
#include "rate_limit_gate.h"
#include "record_view.h"
#include "thread_pool.h"

namespace bis::mock {
// A named namespace, not an anonymous one: Server::Impl (external linkage) holds one.
namespace server_detail {

// cpp-httplib binds, listens, accepts and queues each connection; the mock serves it. Its
// process_and_close_socket is a private virtual, which a subclass may override: cpp-httplib's
// own request reader then never runs. The listening socket (protected) is needed for a larger
// backlog and to find the connections to close on stop().
class HttpServer final : public httplib::Server {
 public:
  int listening_socket() const { return svr_sock_; }
  std::function<void(int fd)> serve;  // serves and closes one accepted connection

 private:
  bool process_and_close_socket(socket_t sock) override {
    serve(sock);
    return true;
  }
};

}  // namespace server_detail
using server_detail::HttpServer;

namespace {

// Over-cap connections are answered on threads beyond the cap, so a refusal never waits
// behind the connections being served; each holds its thread for at most kRefusalLingerMs.
constexpr size_t kRefusalThreads = 64;
constexpr int kRefusalLingerMs = 250;

// Each connection holds a descriptor: a cap above the open-files limit would turn into
// accept() failures (clients left waiting) instead of 503s.
void raise_open_files_limit(size_t wanted) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= wanted + 64) return;
  lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, wanted + 64);
  setrlimit(RLIMIT_NOFILE, &lim);
}

int local_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return -1;
}

// Wakes every connection this server accepted (sockets whose local port is ours and that
// have a peer): a connection waiting for its next keep-alive request then sees end of input
// and ends, so stop() does not wait for keep-alive timeouts. Answers being written still go out.
void shut_down_connections(int port) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || fd < 0 || fd == dirfd(dir)) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (local_port(static_cast<int>(fd)) == port &&
        getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) == 0) {
      shutdown(static_cast<int>(fd), SHUT_RD);
    }
  }
  closedir(dir);
}

std::string header_text(const httplib::Headers& headers, bool skip_added) {
  size_t size = 0;
  for (const auto& [name, value] : headers) size += name.size() + value.size() + 4;
  std::string out;
  out.reserve(size);
  for (const auto& [name, value] : headers) {
    // cpp-httplib adds these to requests itself.
    if (skip_added && (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
                       name == "LOCAL_PORT")) {
      continue;
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  return out;
}

}  // namespace

struct Server::Impl {
  Impl(Service& s, ServerOptions o, RequestLog* l)
      : service(s),
        options(std::move(o)),
        log(l),
        journal(options.journal_size, options.journal_bytes, options.journal_field_bytes),
        rates(service.clock(), options.rate_limits, http::WireRules::from(service.defects())),
        api(service, options, rates),
        admin(service, journal, faults, options, [this] { learn_fixtures(); },
              std::random_device{}(), [this] { rates.clear(); }) {
    learn_fixtures();
    for (const Fault& f : options.faults) faults.add(f);
  }

  // The private keys the journal redacts and the accounts the rate limits count.
  void learn_fixtures() {
    const fixtures::Fixtures f = service.fixtures();
    std::vector<std::string> keys;
    for (const fixtures::Account& a : f.accounts) keys.push_back(a.private_key);
    journal.add_private_keys(keys);
    rates.learn(f);
  }

  http1::WireFault dispatch(const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader* reader);
  http1::WireFault handle(const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader);
  FaultPlan plan_faults(const httplib::Request& req, const httplib::ContentReader* reader,
                        bool control);
  void serve_socket(int fd);
  http1::ConnectionOptions connection_options() const;
  void record(http::Exchange& x, std::chrono::steady_clock::time_point start, bool journal_it);
  void vary_answer(http::Exchange& x, bool admin_route);
  void run_scheduler();
  void wake_scheduler();

  Service& service;
  ServerOptions options;
  RequestLog* log;
  Journal journal;
  FaultSet faults;  // before admin, which holds it
  std::atomic<bool> stopping_wire{false};  // ends fault latencies and slow bodies at stop()
  http::RateLimitGate rates;
  http::ApiRoutes api;
  http::AdminRoutes admin;
  SystemClock clock;  // the request log's: people read it beside other logs, in real time

  HttpServer http;
  std::thread listener;
  std::atomic<bool> listener_ended{false};
  int port = 0;
  http1::ConnectionOptions connection;
  http1::ConnectionHooks hooks;
  std::atomic<size_t> connections{0};  // being served or refused

  std::thread scheduler;
  std::mutex scheduler_mu;
  std::condition_variable scheduler_cv;
  bool stopping = false;
  bool woken = false;  // a batch was queued since the timer last looked
};

constexpr std::chrono::milliseconds kMaxTimerSleep{1000};

// Faults apply to the served API; on the control surface only latencies aimed at it.
FaultPlan Server::Impl::plan_faults(const httplib::Request& req,
                                    const httplib::ContentReader* reader, bool control) {
  if (faults.empty()) return {};
  if (control) return faults.decide(req.path, "", true);
  std::string account;
  if (faults.needs_account()) {
    std::string body;
    if (reader && http::has_body(req))
      (*reader)([&](const char* data, size_t n) { return body.append(data, n), true; });
    account = http::fault_account(req, body, service.fixtures());
  }
  return faults.decide(req.path, account);
}

http1::WireFault Server::Impl::dispatch(const httplib::Request& req, httplib::Response& res,
                                        const httplib::ContentReader* reader) {
  const auto start = std::chrono::steady_clock::now();
  http::Exchange x{req, res, reader, {}, {}, {}, {}, {}};
  const std::string_view path = req.path;
  const std::string_view prefix = protocol::kAdminPrefix;
  const bool admin_route = path.substr(0, prefix.size()) == prefix &&
                           (path.size() == prefix.size() || path[prefix.size()] == '/');
  const FaultPlan plan = plan_faults(req, reader, admin_route);
  if (plan.delay_ms > 0) http::fault_wait(plan.delay_ms, [this] { return stopping_wire.load(); });
  x.fault = plan.description();
  if (admin_route) {
    admin.handle(x);
  } else if (plan.calls_route()) {
    if (rates.admit_modern(x)) api.handle(x);
  } else {
    // The journal keeps what was sent even when a fault answered in the route's place (the
    // body is already read whole; the route would have read it the same way).
    (void)http::read_body(x, options.max_body);
    http::answer_for_fault(plan, x);
  }
  if (!service.variations().empty()) vary_answer(x, admin_route);
  record(x, start, !admin_route);
  return http::wire_fault(plan);
}

// A handler that throws answers 500 with a JSON body; the connection and the mock live on.
http1::WireFault Server::Impl::handle(const httplib::Request& req, httplib::Response& res,
                                      const httplib::ContentReader& reader) {
  std::string what;
  try {
    return dispatch(req, res, &reader);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown error";
  }
  res = httplib::Response();
  res.status = 500;
  res.set_content(route_error_body("internal error: " + what), "application/json");
  if (log)
    log->request(LogLine{clock.now_ms(), req.remote_addr, req.method, req.path, 500, 0, "error",
                         what});
  return {};
}

http1::ConnectionOptions Server::Impl::connection_options() const {
  http1::ConnectionOptions c;
  c.limits.max_target = options.max_target;
  c.limits.max_header_bytes = options.max_header_bytes;
  c.limits.max_headers = options.max_headers;
  c.limits.max_body = options.max_body;
  // The control surface takes fixtures, larger than any subscribe body.
  c.limits.body_limit = [max_body = options.max_body](std::string_view path) {
    const std::string_view prefix = protocol::kAdminPrefix;
    const bool admin = path.substr(0, prefix.size()) == prefix &&
                       (path.size() == prefix.size() || path[prefix.size()] == '/');
    return admin ? kMaxAdminBody : max_body;
  };
  c.header_timeout_ms = options.header_timeout_ms;
  c.body_timeout_ms = options.body_timeout_ms;
  c.idle_timeout_ms = options.keep_alive_ms;
  return c;
}

void Server::Impl::serve_socket(int fd) {
  const size_t live = ++connections;
  if (live > options.max_connections) {
    const http1::Refusal busy{503, "the mock serves " + std::to_string(options.max_connections) +
                                       " connections at once; retry shortly"};
    http1::refuse_connection(fd, busy, {{"Retry-After", "1"}}, kRefusalLingerMs);
    if (log) {
      const http1::Peer peer = http1::peer_of(fd);
      log->request(LogLine{clock.now_ms(), peer.remote_addr, "", "", 503, 0, "error",
                           busy.message});
    }
  } else {
    http1::serve_connection(fd, connection, hooks);
  }
  --connections;
  ::close(fd);
}

// The variations that change every answer of a kind, after the handler: extra keys in the
// control protocol's JSON, a charset on every JSON Content-Type.
void Server::Impl::vary_answer(http::Exchange& x, bool admin_route) {
  const Variations& v = service.variations();
  const bool json_answer = x.res.get_header_value("Content-Type") == "application/json";
  if (!json_answer) return;
  if (admin_route && v.has(Variation::kExtraKeys)) {
    nlohmann::json j = nlohmann::json::parse(x.res.body, nullptr, false);
    if (!j.is_discarded()) {
      http::RecordView::add_extra_keys(j);
      x.res.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  x.res.headers.erase("Content-Type");  // set_header adds; it does not replace
  x.res.set_header("Content-Type", std::string(v.json_type()));
}

// Journals (served API only) and logs one exchange, before the answer is written.
void Server::Impl::record(http::Exchange& x, std::chrono::steady_clock::time_point start,
                          bool journal_it) {
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const int64_t now = clock.now_ms();
  const int status = x.res.status == -1 ? 200 : x.res.status;
  if (journal_it && journal.capacity() > 0) {
    JournalEntry e;
    e.time_ms = service.clock().now_ms();  // the mock's time, as the records it made
    e.remote = x.req.remote_addr;
    e.method = x.req.method;
    e.path = x.req.path;
    if (const size_t q = x.req.target.find('?'); q != std::string::npos)
      e.query = x.req.target.substr(q + 1);
    e.headers = header_text(x.req.headers, true);
    e.body = std::move(x.body);
    e.status = status;
    e.response_headers = header_text(x.res.headers, false);
    e.response_body = x.res.body;
    e.outcome = x.outcome;
    e.reason = x.reason;
    e.account = x.account;
    e.fault = x.fault;
    e.duration_ms = ms;
    journal.add(std::move(e));
  }
  if (log)
    log->request(LogLine{now, x.req.remote_addr, x.req.method, x.req.path, status, ms, x.outcome,
                         x.fault.empty() || x.outcome == "fault"
                             ? x.reason
                             : x.reason + " [fault " + x.fault + "]"});
}

// The BatchScheduler's timer: sends each batch when it comes due, on its own (reads never
// send one). It sleeps until the next due time by the Service's clock, and is woken early when
// a restock queues a batch, the mock's clock is moved (PUT /__admin/clock) or the server stops.
// The base clock may jump too (a manual clock in tests, a system clock set forward), so it
// re-reads it at least every kMaxTimerSleep.
void Server::Impl::run_scheduler() {
  BatchScheduler& batches = service.scheduler();
  const Clock& service_clock = service.clock();
  std::unique_lock lock(scheduler_mu);
  while (!stopping) {
    woken = false;
    lock.unlock();
    batches.run_due(service_clock.now_ms());
    const auto next = batches.next_due_ms();
    lock.lock();
    auto wait = kMaxTimerSleep;
    if (next) {
      // At least 1 ms: a batch the store failed to save stays due; do not spin on it.
      wait = std::min(wait, std::chrono::milliseconds(
                                std::max<int64_t>(1, *next - service_clock.now_ms())));
    }
    scheduler_cv.wait_for(lock, wait, [this] { return stopping || woken; });
  }
}

void Server::Impl::wake_scheduler() {
  {
    std::lock_guard lock(scheduler_mu);
    woken = true;
  }
  scheduler_cv.notify_all();
}

Server::Server(Service& service, ServerOptions options, RequestLog* log)
    : impl_(std::make_unique<Impl>(service, std::move(options), log)) {}

Server::~Server() { stop(); }

Expected<int, std::string> Server::start() {
  Impl& s = *impl_;
  HttpServer& h = s.http;
  const size_t threads = s.options.max_connections + kRefusalThreads;
  raise_open_files_limit(threads);
  h.new_task_queue = [threads] { return new GrowingThreadPool(threads); };
  h.set_tcp_nodelay(true);
  // cpp-httplib's default sets SO_REUSEPORT, which lets a second mock bind the same port and
  // silently share its traffic. SO_REUSEADDR alone still allows a quick restart.
  h.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.connection = s.connection_options();
  s.hooks.handle = [&s](httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader) {
    return s.handle(req, res, reader);
  };
  s.hooks.stopping = [&s] { return s.stopping_wire.load(); };
  s.hooks.refused = [&s](const http1::Refusal& r, const http1::Request& partial,
                         const http1::Peer& peer) {
    if (s.log)
      s.log->request(LogLine{s.clock.now_ms(), peer.remote_addr, partial.method, partial.path,
                             r.status, 0, "error", r.message});
  };
  h.serve = [&s](int fd) { s.serve_socket(fd); };

  int port = s.options.port;
  if (port == 0) {
    port = h.bind_to_any_port(s.options.host);
    if (port < 0) return Unexpected{"cannot listen on " + s.options.host + " (any port)"};
  } else if (!h.bind_to_port(s.options.host, port)) {
    return Unexpected{"cannot listen on " + s.options.host + ":" + std::to_string(port) + ": " +
                      std::strerror(errno)};
  }
  ::listen(h.listening_socket(), 1024);
  s.port = port;
  s.listener_ended = false;
  s.stopping_wire = false;
  s.listener = std::thread([&s] {
    s.http.listen_after_bind();
    s.listener_ended = true;
  });
  while (!h.is_running() && !s.listener_ended) std::this_thread::yield();
  if (!h.is_running()) {
    s.listener.join();
    return Unexpected{"cannot serve on " + s.options.host + ":" + std::to_string(port)};
  }
  s.stopping = false;
  s.journal.interrupt_waits(false);
  s.service.scheduler().set_wake([&s] { s.wake_scheduler(); });
  s.service.virtual_clock().set_on_move([&s] { s.wake_scheduler(); });
  s.scheduler = std::thread([&s] { s.run_scheduler(); });
  return port;
}

void Server::stop() {
  Impl& s = *impl_;
  if (!s.listener.joinable()) return;
  s.journal.interrupt_waits(true);  // long polls of the journal answer now
  s.stopping_wire = true;
  s.http.stop();
  shut_down_connections(s.port);
  s.listener.join();
  {
    std::lock_guard lock(s.scheduler_mu);
    s.stopping = true;
  }
  s.scheduler_cv.notify_all();
  if (s.scheduler.joinable()) s.scheduler.join();
  s.service.scheduler().set_wake(nullptr);
  s.service.virtual_clock().set_on_move(nullptr);
}

int Server::port() const { return impl_->port; }

const Journal& Server::journal() const { return impl_->journal; }

std::string Server::url() const {
  const std::string& host = impl_->options.host;
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port);
}


}  // namespace bis::mock
