#pragma once
// A bis-mock Service + Server on a free loopback port, for component tests over real sockets.
#include <httplib.h>

#include <memory>
#include <string>

#include "bis/mock/server.h"
#include "test_support.h"

namespace bis::mock::testing {

struct MockServer {
  explicit MockServer(Defects defects = {}, ServerOptions options = {},
                      fixtures::Fixtures f = test_fixtures())
      : harness(defects, make_memory_store(), std::move(f)) {
    options.host = "127.0.0.1";
    options.port = 0;
    server = std::make_unique<Server>(*harness.service, options);
    auto started = server->start();
    EXPECT_TRUE(started) << (started ? "" : started.error());
    port = started ? *started : 0;
  }
  ~MockServer() { server->stop(); }

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
    c->set_connection_timeout(5);
    c->set_tcp_nodelay(true);  // else each POST waits ~40 ms on Nagle + delayed ACK
    c->set_read_timeout(10);
    return c;
  }

  // POST an urlencoded body to the subscribe path.
  httplib::Result post_form(const std::string& body,
                            const std::string& path = "/api/v1/catalog/subscribe") const {
    return client()->Post(path.c_str(), body, "application/x-www-form-urlencoded");
  }
  nlohmann::json get_json(const std::string& path) const {
    auto r = client()->Get(path.c_str());
    EXPECT_TRUE(r) << path;
    if (!r) return nullptr;
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return nlohmann::json::parse(r->body, nullptr, false);
  }
  size_t count(const std::string& what, const std::string& query = "") const {
    const auto j = get_json("/__admin/" + what + (query.empty() ? "" : "?" + query));
    return j.is_object() ? j["count"].get<size_t>() : 0;
  }

  ServiceHarness harness;
  std::unique_ptr<Server> server;
  int port = 0;
};

inline std::string form(const std::string& a, const std::string& email, const std::string& variant,
                        const std::string& platform) {
  return form::encode_urlencoded({field("a", a), field("email", email), field("variant", variant),
                                  field("platform", platform)});
}

}  // namespace bis::mock::testing
