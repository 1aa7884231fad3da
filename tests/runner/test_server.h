#pragma once
// A tiny target for the runner's component tests: just enough of the subscribe API and the
// control protocol (docs/control-protocol.md) to make suites pass, fail, warn, error, wait
// and race on purpose. Binds 127.0.0.1 on a free port; ready when the constructor returns.
// Thread-safe; stops and joins in the destructor.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace bis::testing {

struct TestServerOptions {
  std::vector<std::string> capabilities = {"subscribe", "multipart",    "reset",        "fixtures",
                                           "inventory", "catalog",      "flow",         "subscriptions",
                                           "events",    "notifications", "settle"};
  std::chrono::milliseconds event_delay{0};  // events become visible this long after the subscribe
  // An extra-event defect that an asynchronous target shows late: each subscribe also records
  // a second event, visible twice event_delay after the subscribe.
  bool late_extra_event = false;
  // POST /__admin/settle (contract: docs/control-protocol.md) answers once every record is
  // visible; with stuck_settle, never (it answers {"settled": false} when its timeout passes).
  // Either way "settle" must also be in `capabilities` for a client to use it.
  bool stuck_settle = false;
  int flow_batch_size = 0;   // the fixtures' flow: subscribers per batch (0: all at once)
  bool synchronous = false;  // health says "synchronous": true (records visible at once)
  bool drop_events = false;                  // never record events (eventually times out)
  // Check-then-insert with a gap: the first subscribe call waits after its check until a
  // second one has checked too, so concurrent duplicates always slip through (no timing).
  bool racy_duplicates = false;
  int answer_429 = 0;           // the first N subscribe calls answer 429 with Retry-After
  std::string admin_token;      // required on /__admin when set
  bool broken_control = false;  // every admin route but health and fixtures answers 500
  int error_status = 400;
  // Every JSON object in every control answer (health, fixtures, records, PUT answers) gets a
  // key no client knows, as a later version of protocol 1 or another implementation may add.
  bool extra_keys = false;
  std::string cert_file, key_file;  // both set: serve https
  // The clock records become visible by (event_delay) and settle waits on: a test running the
  // runner in virtual time gives its VirtualEnv's now and sleep_until, so both sides share one
  // clock. Default (both empty): steady_clock and real waits.
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::steady_clock::time_point)> sleep_until;
};

class TestServer {
 public:
  explicit TestServer(TestServerOptions options = {});
  ~TestServer();

  int port() const { return port_; }
  std::string url() const {
    return (options_.cert_file.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") +
           std::to_string(port_);
  }

  // Distinct client connections seen (remote ports), and requests served, since the start.
  size_t connections() const;
  size_t requests() const;
  // Every request's client port and path, in arrival order.
  std::vector<std::pair<int, std::string>> seen_requests() const;
  // The bodies of PUT /__admin/clock (capability `clock`), in arrival order.
  std::vector<std::string> clock_moves() const;
  // The requests' header values of `name` seen on subscribe calls, in arrival order.
  std::vector<std::string> seen_headers(const std::string& name) const;

  static constexpr const char* kKey = "PkTest";
  static constexpr const char* kPrivateKey = "pk_test_secret_0123456789";

 private:
  void routes();
  std::chrono::steady_clock::time_point now() const {
    return options_.now ? options_.now() : std::chrono::steady_clock::now();
  }
  nlohmann::json fixtures_json() const;

  TestServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable std::mutex mutex_;
  std::set<int> ports_;
  std::vector<std::pair<int, std::string>> seen_requests_;
  size_t requests_ = 0;
  int answered_429_ = 0;
  std::vector<std::pair<std::string, std::string>> seen_;  // header name (lower) -> value
  struct Record {
    nlohmann::json json;
    std::chrono::steady_clock::time_point visible_at;
  };
  std::vector<Record> subscriptions_, events_, notifications_;
  // Records accepted but not visible yet (the health record's "pending"); under mutex_.
  size_t pending_locked(std::chrono::steady_clock::time_point now) const;
  std::map<std::string, long long> inventory_;
  bool flow_ = true;
  std::vector<std::string> clock_moves_;
  long long clock_ms_ = 0;  // how far the clock was advanced
  std::condition_variable changed_;  // a racy check arrived, or the server is stopping
  int racy_checks_ = 0;
  bool stopping_ = false;
};

}  // namespace bis::testing
