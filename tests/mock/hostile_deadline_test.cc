// Slow, idle and too many clients (issue 10, item 2), with small limits set in ServerOptions.
// Every wait is bounded; a slow client paces its bytes with poll() on its own socket, which
// also notices the server's answer at once.
#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>
#include <memory>
#include <vector>

#include "raw_client.h"
#include "server_support.h"

namespace bis::mock::hostile_deadline {
namespace {

using testing::MockServer;
using testing::RawClient;
using testing::status_of;
using SteadyClock = std::chrono::steady_clock;

long ms_since(SteadyClock::time_point t) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - t).count());
}

// Sends `bytes` one at a time, `gap_ms` apart, until the server answers or all are sent;
// returns the answer (the rest of the time the connection is waited on, bounded by the
// client's timeout).
std::string trickle(RawClient& client, const std::string& bytes, int gap_ms) {
  for (const char c : bytes) {
    pollfd p{client.fd(), POLLIN, 0};
    if (::poll(&p, 1, gap_ms) > 0) break;  // the server answered (or closed)
    if (!client.send(std::string(1, c))) break;
  }
  return client.answer();
}

ServerOptions short_deadlines() {
  ServerOptions o;
  o.header_timeout_ms = 400;
  o.body_timeout_ms = 400;
  o.keep_alive_ms = 1000;
  return o;
}

TEST(HostileDeadlineTest, HeadersTrickledByteByByteMeetATotalDeadline) {
  MockServer m({}, short_deadlines());
  RawClient client(m.port);
  const auto start = SteadyClock::now();
  // A byte every 50 ms never leaves the connection silent for long: only a deadline on the
  // whole head stops it.
  const std::string answer = trickle(
      client, "POST /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\nX-Slow: " +
                  std::string(200, 'a'), 50);
  const long ms = ms_since(start);
  EXPECT_EQ(status_of(answer), 408) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_GE(ms, 350);
  EXPECT_LT(ms, 2000);
}

TEST(HostileDeadlineTest, ABodyInProgressMeetsItsDeadline) {
  MockServer m({}, short_deadlines());
  RawClient client(m.port);
  client.send("POST /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\n"
              "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n");
  const auto start = SteadyClock::now();
  const std::string answer = trickle(client, std::string(100, 'a'), 50);
  const long ms = ms_since(start);
  EXPECT_EQ(status_of(answer), 408) << answer;
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_GE(ms, 350);
  EXPECT_LT(ms, 2000);
  EXPECT_EQ(m.count("subscriptions"), 0u);
}

TEST(HostileDeadlineTest, AnIdleKeepAliveConnectionIsClosedWithoutAnAnswer) {
  MockServer m({}, short_deadlines());
  RawClient client(m.port);
  client.send("GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(status_of(client.answer()), 200);
  const auto start = SteadyClock::now();
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(client.buffer(), "");
  EXPECT_GE(ms_since(start), 900);
  EXPECT_LT(ms_since(start), 3000);
  // A connection that never sends a byte is closed the same way.
  RawClient silent(m.port);
  EXPECT_TRUE(silent.closed_by_server());
  EXPECT_EQ(silent.buffer(), "");
}

TEST(HostileDeadlineTest, OverTheCapANewClientGets503WithRetryAfterAtOnce) {
  ServerOptions o;
  o.max_connections = 3;
  MockServer m({}, o);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(m.port));
    held.back()->send("GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_EQ(status_of(held.back()->answer()), 200) << i;  // served: it counts
  }
  const auto start = SteadyClock::now();
  RawClient over(m.port);
  over.send("GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string answer = over.answer();
  EXPECT_LT(ms_since(start), 1000);
  EXPECT_EQ(status_of(answer), 503) << answer;
  EXPECT_NE(answer.find("Retry-After: 1\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"success\": false"), std::string::npos) << answer;
  EXPECT_TRUE(over.closed_by_server());
  // Once a held connection ends, a new client is served again (bounded retries: the server
  // notices the end asynchronously).
  held.pop_back();
  int status = 0;
  const auto released = SteadyClock::now();
  while (status != 200 && ms_since(released) < 3000) {
    RawClient next(m.port);
    next.send("GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n");
    status = status_of(next.answer());
  }
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace bis::mock::hostile_deadline
