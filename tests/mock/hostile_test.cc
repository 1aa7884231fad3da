// Hostile HTTP over raw sockets (issue 10): every framing trick, each checked for its status,
// whether the connection closes, and that no smuggled bytes became a subscription.
#include <gtest/gtest.h>

#include <chrono>

#include "raw_client.h"
#include "server_support.h"

namespace bis::mock::hostile {
namespace {

using testing::body_of;
using testing::form;
using testing::MockServer;
using testing::RawClient;
using testing::status_of;

constexpr char kSubscribe[] = "/api/v1/catalog/subscribe";

std::string subscribe_request(const std::string& email, const std::string& extra_headers = "") {
  const std::string body = form("Shop01", email, "111", "shopify");
  return std::string("POST ") + kSubscribe + " HTTP/1.1\r\nHost: x\r\n" + extra_headers +
         "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// A request smuggled inside a hostile one: if it ever runs, a subscription for this address
// appears.
const std::string kSmuggled = subscribe_request("smuggled@example.com");

struct Case {
  std::string what;
  std::string bytes;
  int status;
};

std::string post_head(const std::string& framing) {
  return std::string("POST ") + kSubscribe +
         " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" + framing;
}

std::string hex(size_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%zx", n);
  return buf;
}

// Each refused request is followed on the same connection by a valid subscribe: the refusal
// must close the connection, so that follow-up is never read.
void expect_refused_and_closed(MockServer& m, const Case& c) {
  SCOPED_TRACE(c.what);
  RawClient client(m.port);
  ASSERT_TRUE(client.connected());
  client.send(c.bytes);
  const auto start = std::chrono::steady_clock::now();
  const std::string answer = client.answer();
  EXPECT_EQ(status_of(answer), c.status) << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
  EXPECT_NE(body_of(answer).find("\"success\": false"), std::string::npos) << answer;
  EXPECT_NE(answer.find("X-Bis-Mock-Reason: "), std::string::npos) << answer;
  client.send(subscribe_request("after-" + std::to_string(c.status) + "@example.com"));
  EXPECT_TRUE(client.closed_by_server());
  EXPECT_EQ(client.buffer(), "") << "bytes after the refusal";
  // Refused at once: never a wait for a body or a timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(HostileTest, AmbiguousFramingIsRefusedWith400AndClosesTheConnection) {
  MockServer m;
  const std::string body = form("Shop01", "framed@example.com", "111", "shopify");
  const std::string cl = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  const std::string chunked_smuggle = "0\r\n\r\n" + kSmuggled;
  const std::string n = std::to_string(body.size());
  const Case cases[] = {
      {"CL+TE", post_head("Content-Length: " + std::to_string(chunked_smuggle.size()) +
                          "\r\nTransfer-Encoding: chunked\r\n\r\n") + chunked_smuggle, 400},
      {"TE+CL", post_head("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n") +
                    chunked_smuggle, 400},
      {"two different CLs", post_head(cl + "Content-Length: 3\r\n\r\n") + body + kSmuggled, 400},
      {"CL +N", post_head("Content-Length: +" + n + "\r\n\r\n") + body, 400},
      {"CL N.0", post_head("Content-Length: " + n + ".0\r\n\r\n") + body, 400},
      {"CL Nabc", post_head("Content-Length: " + n + "abc\r\n\r\n") + body, 400},
      {"CL N N", post_head("Content-Length: " + n + " " + n + "\r\n\r\n") + body, 400},
      {"CL negative", post_head("Content-Length: -1\r\n\r\n") + body, 400},
      {"chunk data longer than its size",
       post_head("Transfer-Encoding: chunked\r\n\r\n") + hex(body.size() - 10) + "\r\n" + body +
           "\r\n0\r\n\r\n",
       400},
      {"chunk size +45", post_head("Transfer-Encoding: chunked\r\n\r\n+" + hex(body.size()) +
                                   "\r\n") + body + "\r\n0\r\n\r\n", 400},
      {"chunk size 45\\0", post_head("Transfer-Encoding: chunked\r\n\r\n" + hex(body.size())) +
                               std::string(1, '\0') + "\r\n" + body + "\r\n0\r\n\r\n", 400},
      {"TE gzip", post_head("Transfer-Encoding: gzip\r\n\r\n") + body, 400},
      {"#fragment", std::string("POST ") + kSubscribe + "#frag HTTP/1.1\r\nHost: x\r\n" +
                        "Content-Type: application/x-www-form-urlencoded\r\n" + cl + "\r\n" + body,
       400},
      {"NUL in a header name", post_head(std::string("X-A\0B: 1\r\n", 10) + cl + "\r\n") + body,
       400},
      {"DEL in a header name", post_head("X-A\x7f" "B: 1\r\n" + cl + "\r\n") + body, 400},
      {"non-UTF-8 header name", post_head("X-\xff\xfe: 1\r\n" + cl + "\r\n") + body, 400},
      {"a line without a colon", post_head("X-No-Colon\r\n" + cl + "\r\n") + body, 400},
      {"obs-fold", post_head("X-A: 1\r\n  folded\r\n" + cl + "\r\n") + body, 400},
      {"no Host", std::string("GET / HTTP/1.1\r\n\r\n"), 400},
  };
  for (const Case& c : cases) expect_refused_and_closed(m, c);
  EXPECT_EQ(m.count("subscriptions"), 0u);
  EXPECT_EQ(m.count("events"), 0u);
}

TEST(HostileTest, OverLimitRequestsAreRefusedAtOnceWithoutReadingThem) {
  ServerOptions o;
  o.max_header_bytes = 4096;
  o.max_headers = 20;
  MockServer m({}, o);
  std::string many;
  for (int i = 0; i < 25; ++i) many += "X-H" + std::to_string(i) + ": 1\r\n";
  // Only the head is sent: the 413s must not wait for a body that never comes.
  const Case cases[] = {
      {"CL 2^63", post_head("Content-Length: 9223372036854775808\r\n\r\n"), 413},
      {"CL 2^64+", post_head("Content-Length: 99999999999999999999999999\r\n\r\n"), 413},
      {"CL over the limit", post_head("Content-Length: 65537\r\n\r\n"), 413},
      {"chunk over the limit", post_head("Transfer-Encoding: chunked\r\n\r\n10001\r\n"), 413},
      {"huge chunk size", post_head("Transfer-Encoding: chunked\r\n\r\n8000000000000000\r\n"),
       413},
      {"target", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
      {"header bytes", post_head("X-Big: " + std::string(5000, 'b') + "\r\n"), 431},
      {"header count", post_head(many + "\r\n"), 431},
  };
  for (const Case& c : cases) expect_refused_and_closed(m, c);
  EXPECT_EQ(m.count("subscriptions"), 0u);
}

// A body a route does not read (unknown method, unknown path, a route without a body) is
// still read off the connection: the connection stays usable and the body never runs.
TEST(HostileTest, BodiesNobodyReadsNeverRunAndNeverChangeTheStatus) {
  MockServer m;
  const std::string multipart_smuggle =
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--\r\n" + kSmuggled;
  const auto with_body = [&](const std::string& method, const std::string& target,
                             const std::string& type, const std::string& body) {
    return method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  const std::string multipart = "multipart/form-data; boundary=b";
  const Case cases[] = {
      {"FOO with a body", with_body("FOO", kSubscribe, "text/plain", kSmuggled), 405},
      {"unknown path", with_body("POST", "/nowhere", multipart, multipart_smuggle), 404},
      {"trailing slash", with_body("POST", std::string(kSubscribe) + "/", multipart,
                                   multipart_smuggle), 404},
      {"unknown admin path", with_body("POST", "/__admin/nothing", multipart, multipart_smuggle),
       404},
      {"GET health", with_body("GET", "/__admin/health", multipart, multipart_smuggle), 200},
      {"GET subscribe", with_body("GET", kSubscribe, multipart, multipart_smuggle), 405},
      {"GET unknown", with_body("GET", "/nowhere", multipart, multipart_smuggle), 404},
      {"preflight", with_body("OPTIONS", kSubscribe, multipart, multipart_smuggle), 204},
      {"TRACE", with_body("TRACE", kSubscribe, multipart, multipart_smuggle), 405},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    RawClient client(m.port);
    client.send(c.bytes);
    const std::string answer = client.answer();
    EXPECT_EQ(status_of(answer), c.status) << answer;
    EXPECT_EQ(answer.find("Connection: close"), std::string::npos) << answer;
    if (c.what == "GET health") {
      EXPECT_NE(answer.find("\"protocol\""), std::string::npos);
    }
    client.send("GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_of(client.answer()), 200);
  }
  EXPECT_EQ(m.count("subscriptions", "email=smuggled@example.com"), 0u);
  EXPECT_EQ(m.count("subscriptions"), 0u);
}

TEST(HostileTest, PipelinedRequestsAreAllAnsweredInOrder) {
  MockServer m;
  RawClient client(m.port);
  client.send(subscribe_request("p1@example.com") + subscribe_request("p2@example.com") +
              "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n" +
              subscribe_request("p3@example.com", "Connection: close\r\n"));
  const std::string expected[] = {"p1@example.com", "p2@example.com", "\"protocol\"",
                                  "p3@example.com"};
  for (const std::string& e : expected) {
    const std::string answer = client.answer();
    EXPECT_EQ(status_of(answer), 200) << answer;
    EXPECT_NE(body_of(answer).find(e), std::string::npos) << e << "\n" << answer;
  }
  EXPECT_TRUE(client.closed_by_server());  // the last one said Connection: close
  EXPECT_EQ(m.count("subscriptions"), 3u);
}

TEST(HostileTest, AHalfClosedClientStillGetsItsAnswers) {
  MockServer m;
  for (int i = 0; i < 20; ++i) {
    RawClient client(m.port);
    const std::string email = "half" + std::to_string(i) + "@example.com";
    client.send(subscribe_request(email) + (i % 2 ? subscribe_request("b" + email) : ""));
    client.shut_write();
    const std::string answer = client.answer();
    EXPECT_EQ(status_of(answer), 200) << i << answer;
    EXPECT_NE(answer.find(email), std::string::npos) << answer;
    if (i % 2) {
      EXPECT_EQ(status_of(client.answer()), 200) << i;
    }
    EXPECT_TRUE(client.closed_by_server()) << i;
  }
  EXPECT_EQ(m.count("subscriptions"), 30u);
}

TEST(HostileTest, ExpectContinueIsAnsweredAndHttp10ClosesAfterItsAnswer) {
  MockServer m;
  RawClient client(m.port);
  const std::string body = form("Shop01", "continue@example.com", "111", "shopify");
  client.send(std::string("POST ") + kSubscribe + " HTTP/1.1\r\nHost: x\r\n" +
              "Content-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\n" +
              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  EXPECT_EQ(client.answer(), "HTTP/1.1 100 Continue\r\n\r\n");
  client.send(body);
  EXPECT_EQ(status_of(client.answer()), 200);
  RawClient old(m.port);
  old.send("GET /__admin/health HTTP/1.0\r\n\r\n");
  const std::string answer = old.answer();
  EXPECT_EQ(status_of(answer), 200) << answer;
  EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
  EXPECT_TRUE(old.closed_by_server());
  EXPECT_EQ(m.count("subscriptions", "email=continue@example.com"), 1u);
}

TEST(HostileTest, HeaderValuesReachTheRoutesAsSent) {
  ServerOptions o;
  o.admin_token = "tok%41";
  MockServer m({}, o);
  RawClient client(m.port);
  client.send("GET /__admin/health HTTP/1.1\r\nHost: x\r\nX-Admin-Token: tok%41\r\n\r\n");
  EXPECT_EQ(status_of(client.answer()), 200);
}

}  // namespace
}  // namespace bis::mock::hostile
