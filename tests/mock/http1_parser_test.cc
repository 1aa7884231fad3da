// The strict HTTP/1.1 request parser on its own: bytes in, a request or a refusal out.
#include "http1_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace bis::mock::http1 {
namespace {

struct Outcome {
  Parser::State state;
  int status = 0;  // the refusal's, or 0
  std::string message;
  size_t used = 0;
  Request request;
};

Outcome parse(const std::string& bytes, const Limits& limits = {}, size_t step = 0) {
  Parser p(limits);
  size_t used = 0;
  if (step == 0) {
    used = p.feed(bytes.data(), bytes.size());
  } else {
    while (used < bytes.size() && p.state() == Parser::State::kNeedMore) {
      used += p.feed(bytes.data() + used, std::min(step, bytes.size() - used));
    }
  }
  Outcome o{p.state(), 0, "", used, p.request()};
  if (p.state() == Parser::State::kRefused) {
    o.status = p.refusal().status;
    o.message = p.refusal().message;
  }
  return o;
}

const std::string kHead = "POST /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\n";

TEST(Http1ParserTest, ReadsARequestWithALengthAndLeavesTheNextOne) {
  const std::string one = kHead + "Content-Length: 5\r\n\r\nhello";
  const std::string bytes = one + "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const size_t step : {size_t{0}, size_t{1}, size_t{7}}) {
    const Outcome o = parse(bytes, {}, step);
    ASSERT_EQ(o.state, Parser::State::kDone) << step << o.message;
    EXPECT_EQ(o.used, one.size());
    EXPECT_EQ(o.request.method, "POST");
    EXPECT_EQ(o.request.path, "/api/v1/catalog/subscribe");
    EXPECT_EQ(o.request.body, "hello");
    EXPECT_TRUE(o.request.keep_alive);
  }
}

TEST(Http1ParserTest, DecodesChunkedBodiesWithExtensionsAndTrailers) {
  const std::string bytes =
      kHead + "Transfer-Encoding: chunked\r\n\r\n5;name=v\r\nhello\r\n1\r\n!\r\n0\r\nX-T: 1\r\n\r\n";
  for (const size_t step : {size_t{0}, size_t{1}}) {
    const Outcome o = parse(bytes, {}, step);
    ASSERT_EQ(o.state, Parser::State::kDone) << o.message;
    EXPECT_EQ(o.request.body, "hello!");
    EXPECT_EQ(o.used, bytes.size());
  }
}

TEST(Http1ParserTest, SplitsTargetsAndKeepsHeaderValuesRaw) {
  const Outcome o = parse("GET /a%20b?x=1&y=%41 HTTP/1.0\r\nX-Token: tok%41 \r\n\r\n");
  ASSERT_EQ(o.state, Parser::State::kDone) << o.message;
  EXPECT_EQ(o.request.path, "/a%20b");
  EXPECT_EQ(o.request.query, "x=1&y=%41");
  EXPECT_EQ(o.request.headers.at(0).second, "tok%41");
  EXPECT_FALSE(o.request.keep_alive);  // HTTP/1.0 without keep-alive
  const Outcome absolute = parse("GET http://h:1/p?q HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(absolute.request.path, "/p");
  EXPECT_EQ(absolute.request.query, "q");
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").request.keep_alive);
}

TEST(Http1ParserTest, RefusesEveryAmbiguousFraming) {
  const std::pair<std::string, std::string> cases[] = {
      {"CL and TE", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"},
      {"two lengths", "Content-Length: 5\r\nContent-Length: 6\r\n\r\n"},
      {"+N", "Content-Length: +5\r\n\r\n"},
      {"N.0", "Content-Length: 5.0\r\n\r\n"},
      {"Nabc", "Content-Length: 5abc\r\n\r\n"},
      {"N N", "Content-Length: 5 5\r\n\r\n"},
      {"N,N", "Content-Length: 5, 5\r\n\r\n"},
      {"negative", "Content-Length: -1\r\n\r\n"},
      {"empty length", "Content-Length: \r\n\r\n"},
      {"gzip", "Transfer-Encoding: gzip, chunked\r\n\r\n"},
      {"chunked twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"},
      {"identity", "Transfer-Encoding: identity\r\n\r\n"},
      {"chunk +45", "Transfer-Encoding: chunked\r\n\r\n+45\r\n"},
      {"chunk 45\\0", std::string("Transfer-Encoding: chunked\r\n\r\n45\0\r\n", 35)},
      {"chunk 0x", "Transfer-Encoding: chunked\r\n\r\n0x5\r\n"},
      {"chunk empty", "Transfer-Encoding: chunked\r\n\r\n\r\n"},
      {"chunk too long", "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n"},
      {"chunk without CRLF", "Transfer-Encoding: chunked\r\n\r\n3\r\nabc0\r\n\r\n"},
      {"NUL in name", std::string("X-A\0b: 1\r\n\r\n", 12)},
      {"DEL in name", "X-A\x7f: 1\r\n\r\n"},
      {"UTF-8 in name", "X-\xc3\xa9: 1\r\n\r\n"},
      {"space before colon", "X-A : 1\r\n\r\n"},
      {"no colon", "X-A 1\r\n\r\n"},
      {"obs-fold", "X-A: 1\r\n 2\r\n\r\n"},
      {"NUL in value", std::string("X-A: a\0b\r\n\r\n", 12)},
      {"bare LF", "X-A: 1\n\r\n"},
      {"bare CR", "X-A: 1\rX-B: 2\r\n\r\n"},
      {"second Host", "Host: y\r\n\r\n"},
      {"TE in trailer ok but NUL", std::string("Transfer-Encoding: chunked\r\n\r\n0\r\nX\0: 1\r\n\r\n", 42)},
  };
  for (const auto& [what, rest] : cases) {
    const Outcome o = parse(kHead + rest);
    EXPECT_EQ(o.state, Parser::State::kRefused) << what;
    EXPECT_EQ(o.status, 400) << what << ": " << o.message;
  }
}

TEST(Http1ParserTest, RefusesMalformedRequestLines) {
  const std::string cases[] = {
      "GET /#frag HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1 \r\nHost: x\r\n\r\n",
      "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET relative HTTP/1.1\r\nHost: x\r\n\r\n",
      "G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTQ/1.1\r\nHost: x\r\n\r\n",
      "GET /\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",  // no Host
  };
  for (const std::string& bytes : cases) {
    const Outcome o = parse(bytes);
    EXPECT_EQ(o.state, Parser::State::kRefused) << bytes;
    EXPECT_EQ(o.status, 400) << bytes << o.message;
  }
  EXPECT_EQ(parse("GET / HTTP/2.0\r\nHost: x\r\n\r\n").status, 505);
  EXPECT_EQ(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").state, Parser::State::kDone);
}

TEST(Http1ParserTest, LimitsAnswer413To431AtOnce) {
  Limits l;
  l.max_target = 100;
  l.max_header_bytes = 200;
  l.max_headers = 3;
  l.max_body = 10;
  // A declared length over the limit is refused before any body byte arrives.
  for (const std::string length : {"11", "9223372036854775808", "99999999999999999999999"}) {
    const Outcome o = parse(kHead + "Content-Length: " + length + "\r\n\r\n", l);
    EXPECT_EQ(o.status, 413) << length;
  }
  EXPECT_EQ(parse(kHead + "Transfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n3\r\n", l).status,
            413);
  EXPECT_EQ(parse(kHead + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", l).status,
            413);
  // The target is refused once it passes the limit, without waiting for its end.
  EXPECT_EQ(parse("GET /" + std::string(300, 'a'), l).status, 414);
  EXPECT_EQ(parse("GET /" + std::string(150, 'a') + " HTTP/1.1\r\n", l).status, 414);
  EXPECT_EQ(parse(kHead + "X-A: " + std::string(300, 'a'), l).status, 431);
  EXPECT_EQ(parse(kHead + "A: 1\r\nB: 1\r\nC: 1\r\n\r\n", l).status, 431);
  Limits per_path = l;
  per_path.body_limit = [](std::string_view path) { return path == "/big" ? 100u : 10u; };
  EXPECT_EQ(parse("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n", per_path).state,
            Parser::State::kNeedMore);
}

}  // namespace
}  // namespace bis::mock::http1
