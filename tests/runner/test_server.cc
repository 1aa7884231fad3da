#include "test_server.h"

#include <httplib.h>

#include "bis/common/form.h"
#include "bis/common/text.h"

namespace bis::testing {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

json error_body() {
  return json{{"errors", {"There was something wrong with your request. Please try again."}},
              {"data", json::object()},
              {"success", false}};
}

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

bool valid_email(const std::string& e) {
  const size_t at = e.find('@');
  return at != std::string::npos && at > 0 && e.find('.', at) != std::string::npos &&
         e.back() != '.';
}

// Adds a key nobody knows to `j` and to every object inside it.
void add_unknown_keys(json& j) {
  if (j.is_array()) {
    for (auto& e : j) add_unknown_keys(e);
  } else if (j.is_object()) {
    for (auto& [k, v] : j.items()) add_unknown_keys(v);
    j["x_unknown_to_clients"] = json{{"added_in", "a later protocol 1"}};
  }
}

}  // namespace

namespace {
std::unique_ptr<httplib::Server> make_server(const TestServerOptions& o) {
  if (o.cert_file.empty()) return std::make_unique<httplib::Server>();
  return std::make_unique<httplib::SSLServer>(o.cert_file.c_str(), o.key_file.c_str());
}
}  // namespace

TestServer::TestServer(TestServerOptions options)
    : options_(std::move(options)), server_(make_server(options_)) {
  inventory_ = {{"100", 5}, {"200", 0}};
  server_->new_task_queue = [] { return new httplib::ThreadPool(64); };
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(100000);
  routes();
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::yield();  // ready: the accept loop runs
}

TestServer::~TestServer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();  // handlers waiting (/slow, a racy check) return now
  server_->stop();
  thread_.join();
}

size_t TestServer::connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ports_.size();
}

size_t TestServer::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::vector<std::pair<int, std::string>> TestServer::seen_requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return seen_requests_;
}

std::vector<std::string> TestServer::clock_moves() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return clock_moves_;
}

std::vector<std::string> TestServer::seen_headers(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [k, v] : seen_) {
    if (iequals(k, name)) out.push_back(v);
  }
  return out;
}

json TestServer::fixtures_json() const {
  std::lock_guard<std::mutex> lock(mutex_);
  json flow = flow_ ? json{{"enabled", true},
                           {"threshold", 1},
                           {"batch_size", options_.flow_batch_size},
                           {"batch_interval_seconds", options_.flow_batch_size ? 3600 : 0}}
                    : json();
  json variants = json::array();
  for (const auto& [id, n] : inventory_) variants.push_back({{"id", id}, {"inventory", n}});
  return json{{"accounts",
               {{{"key", kKey},
                 {"private_key", kPrivateKey},
                 {"name", "Test shop"},
                 {"integration", "shopify"},
                 {"flow", flow},
                 {"variants", variants},
                 {"lists", {{{"id", "LstDbl"}, {"name", "News"}, {"opt_in", "double"}}}}},
                {{"key", "NoInt1"}, {"integration", "none"}},
                {{"key", "NoFlw1"}, {"integration", "bigcommerce"}}}}};
}

size_t TestServer::pending_locked(Clock::time_point now) const {
  size_t n = 0;
  for (const auto* rs : {&subscriptions_, &events_, &notifications_}) {
    for (const auto& r : *rs) n += r.visible_at > now;
  }
  return n;
}

void TestServer::routes() {
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ports_.insert(req.remote_port);
      seen_requests_.emplace_back(req.remote_port, req.path);
      ++requests_;
    }
    if (req.path.rfind("/__admin", 0) == 0) {
      if (!options_.admin_token.empty() &&
          req.get_header_value("X-Admin-Token") != options_.admin_token) {
        reply(res, 401, json{{"error", "admin token required"}});
        return httplib::Server::HandlerResponse::Handled;
      }
      if (options_.broken_control && req.path != "/__admin/health" &&
          req.path != "/__admin/fixtures") {
        reply(res, 500, json{{"error", "broken on purpose"}});
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  if (options_.extra_keys) {
    server_->set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      if (req.path.rfind("/__admin", 0) != 0) return;
      json body = json::parse(res.body, nullptr, false);
      if (body.is_discarded()) return;
      add_unknown_keys(body);
      res.set_content(body.dump(), "application/json");
      // The length was already set from the handler's body.
      res.headers.erase("Content-Length");
      res.set_header("Content-Length", std::to_string(res.body.size()));
    });
  }

  server_->Post(
      "/api/v1/catalog/subscribe", [this](const httplib::Request& req, httplib::Response& res) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          for (const auto& [k, v] : req.headers) seen_.emplace_back(k, v);
          if (answered_429_ < options_.answer_429) {
            ++answered_429_;
            res.set_header("Retry-After", "1");
            reply(res, 429, json{{"errors", {"rate limited"}}});
            return;
          }
        }
        form::Fields fields;
        const std::string ct = req.get_header_value("Content-Type");
        if (auto boundary = form::multipart_boundary(ct)) {
          auto parsed = form::parse_multipart(req.body, *boundary);
          if (parsed) fields = *parsed;
        } else {
          auto parsed = form::parse_urlencoded(req.body);
          if (parsed) fields = *parsed;
        }
        auto field = [&](const char* name) {
          const form::Field* f = form::find(fields, name);
          return f ? f->value : std::string();
        };
        const std::string key = field("a"), email = field("email"), variant = field("variant"),
                          platform = field("platform");
        if (key != kKey || !valid_email(email) || platform != "shopify" || variant.empty()) {
          reply(res, options_.error_status, error_body());
          return;
        }
        const std::string profile = ascii_lower(email);
        auto exists = [&] {
          for (const auto& s : subscriptions_) {
            if (s.json["profile"] == profile && s.json["variant"] == variant) return true;
          }
          return false;
        };
        std::unique_lock<std::mutex> lock(mutex_);
        bool duplicate = exists();
        if (options_.racy_duplicates) {
          // The race the suites must catch: the check and the insert are not atomic. The first
          // check waits (the lock released) for a second one; later ones find it there. Bounded,
          // so a lone call is only late.
          ++racy_checks_;
          changed_.notify_all();
          changed_.wait_for(lock, std::chrono::seconds(5),
                            [this] { return racy_checks_ >= 2 || stopping_; });
        }
        const bool known = inventory_.count(variant) > 0;
        if (!duplicate && known) {
          const auto now = this->now();
          const json record{{"account", kKey},
                            {"email", email},
                            {"profile", profile},
                            {"variant", variant},
                            {"platform", platform}};
          subscriptions_.push_back(Record{record, now});
          if (!options_.drop_events) {
            json event = record;
            event["metric"] = "Subscribed to Back in Stock";
            events_.push_back(Record{event, now + options_.event_delay});
            if (options_.late_extra_event)
              events_.push_back(Record{event, now + 2 * options_.event_delay});
          }
        }
        reply(res, 200, json{{"email", email}, {"success", true}});
      });

  server_->Get("/text", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Custom", "hello");
    res.set_content("plain words here", "text/plain");
  });
  // Answers after 1.5 s (the lateness is what the tests use), or at once when the server stops.
  server_->Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(1500), [this] { return stopping_; });
    res.set_content("late", "text/plain");
  });
  server_->Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
    json headers = json::object();
    for (const auto& [k, v] : req.headers) headers[ascii_lower(k)] = v;
    res.set_content(json{{"body", req.body}, {"headers", headers}, {"target", req.target}}.dump(),
                    "application/json");
  });

  server_->Get("/__admin/health", [this](const httplib::Request&, httplib::Response& res) {
    size_t pending = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending = pending_locked(now());
    }
    reply(res, 200,
          json{{"status", "ok"},
               {"protocol", "1"},
               {"implementation", "test-server"},
               {"capabilities", options_.capabilities},
               {"pending", pending},
               {"synchronous", options_.synchronous}});
  });
  server_->Post("/__admin/settle", [this](const httplib::Request& req, httplib::Response& res) {
    const json body = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    const long long timeout_ms =
        body.is_object() && body.contains("timeout_ms") ? body["timeout_ms"].get<long long>() : 10000;
    const auto until = now() + std::chrono::milliseconds(timeout_ms);
    std::unique_lock<std::mutex> lock(mutex_);
    // Every record accepted so far is visible at the latest of their times (stuck: never).
    auto done_at = now();
    for (const auto* rs : {&subscriptions_, &events_, &notifications_}) {
      for (const auto& r : *rs) done_at = std::max(done_at, r.visible_at);
    }
    if (options_.stuck_settle) done_at = Clock::time_point::max();
    if (options_.sleep_until) {
      lock.unlock();
      options_.sleep_until(std::min(done_at, until));
      lock.lock();
    } else {
      changed_.wait_until(lock, std::min(done_at, until), [this] { return stopping_; });
    }
    const size_t pending = options_.stuck_settle ? 1 : pending_locked(now());
    reply(res, 200, json{{"settled", pending == 0}, {"pending", pending}});
  });
  server_->Get("/__admin/fixtures", [this](const httplib::Request&, httplib::Response& res) {
    reply(res, 200, fixtures_json());
  });
  server_->Post("/__admin/reset", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex_);
    subscriptions_.clear(), events_.clear(), notifications_.clear();
    inventory_ = {{"100", 5}, {"200", 0}};
    flow_ = true;
    reply(res, 200, json{{"reset", true}});
  });
  server_->Put(R"(/__admin/accounts/([^/]+)/variants/([^/]+))", [this](const httplib::Request& req,
                                                                       httplib::Response& res) {
    const json body = json::parse(req.body, nullptr, false);
    if (req.matches[1] != kKey || !body.is_object() || !body.contains("inventory")) {
      reply(res, req.matches[1] != kKey ? 404 : 400, json{{"error", "bad inventory call"}});
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string variant = req.matches[2];
    const long long before = inventory_.count(variant) ? inventory_[variant] : 0;
    const long long after = body["inventory"].get<long long>();
    inventory_[variant] = after;
    int notified = 0;
    if (flow_ && before < 1 && after >= 1) {
      for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
        if (it->json["variant"] == variant) {
          notifications_.push_back(Record{it->json, now()});
          it = subscriptions_.erase(it);
          ++notified;
        } else {
          ++it;
        }
      }
    }
    reply(res, 200,
          json{{"account", kKey},
               {"variant", variant},
               {"inventory", after},
               {"previous_inventory", before},
               {"restocked", before < 1 && after >= 1},
               {"notified", notified}});
  });
  server_->Get(R"(/__admin/accounts/([^/]+)/flow)", [this](const httplib::Request& req,
                                                           httplib::Response& res) {
    json flow = fixtures_json()["accounts"][0]["flow"];
    reply(res, 200, json{{"account", req.matches[1]}, {"flow", flow}});
  });
  server_->Put(R"(/__admin/accounts/([^/]+)/flow)", [this](const httplib::Request& req,
                                                           httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex_);
    flow_ = req.body != "null";
    reply(res, 200,
          json{{"account", req.matches[1]}, {"flow", flow_ ? json::parse(req.body) : json()}});
  });
  auto list = [this](std::vector<Record> TestServer::*records) {
    return [this, records](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      json items = json::array();
      const auto now = this->now();
      for (const auto& r : this->*records) {
        if (r.visible_at > now) continue;
        if (req.has_param("email") &&
            r.json["profile"] != ascii_lower(req.get_param_value("email")))
          continue;
        if (req.has_param("variant") && r.json["variant"] != req.get_param_value("variant"))
          continue;
        items.push_back(r.json);
      }
      reply(res, 200, json{{"count", items.size()}, {"items", items}});
    };
  };
  server_->Put("/__admin/clock", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex_);
    clock_moves_.push_back(req.body);
    const json j = json::parse(req.body, nullptr, false);
    if (!j.is_object() || !j.contains("advance_ms") || !j["advance_ms"].is_number_integer()) {
      reply(res, 400, json{{"error", "advance_ms expected"}});
      return;
    }
    clock_ms_ += j["advance_ms"].get<long long>();
    reply(res, 200, json{{"offset_ms", clock_ms_}, {"mode", "offset"}});
  });
  server_->Get("/__admin/subscriptions", list(&TestServer::subscriptions_));
  server_->Get("/__admin/events", list(&TestServer::events_));
  server_->Get("/__admin/notifications", list(&TestServer::notifications_));
}

}  // namespace bis::testing
