// 12,000 randomized mutations of valid requests over raw sockets, from a fixed seed (issue 10,
// item 7). Each mutated request goes on its own connection, split across writes, then the
// client half-closes and reads every answer. The oracle: the set of addresses the mock
// subscribed is exactly the set it answered success for (a subscription nobody was told
// about is a request made of smuggled bytes); after each batch the mock is alive and answers
// a valid subscribe byte for byte.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <map>
#include <set>

#include "bis/common/text.h"
#include "bis/mock/subscriber.h"
#include "raw_client.h"
#include "server_support.h"

namespace bis::mock::hostile_mutation {
namespace {

using testing::body_of;
using testing::form;
using testing::MockServer;
using testing::RawClient;
using testing::status_of;

constexpr int kMutations = 12000;
constexpr int kBatch = 500;
constexpr uint32_t kSeed = 20261201;

std::string with_length(const std::string& head, const std::string& body) {
  return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Valid requests that subscribe `email`, in each framing the mock reads.
std::string valid_request(std::mt19937& rng, const std::string& email) {
  const std::string head = "POST /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\n";
  const std::string body = form("Shop01", email, "111", "shopify");
  switch (rng() % 4) {
    case 0:
      return with_length(head + "Content-Type: application/x-www-form-urlencoded\r\n", body);
    case 1: {
      char size[24];  // a size_t in hex is at most 16 digits, and the terminator
      std::snprintf(size, sizeof size, "%zx", body.size() / 2);
      const std::string half = body.substr(0, body.size() / 2);
      char rest[24];
      std::snprintf(rest, sizeof rest, "%zx", body.size() - half.size());
      return head + "Content-Type: application/x-www-form-urlencoded\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n" +
             size + "\r\n" + half + "\r\n" + rest + "\r\n" + body.substr(half.size()) +
             "\r\n0\r\n\r\n";
    }
    case 2: {
      std::string mp;
      for (const auto& [name, value] : std::initializer_list<std::pair<const char*, std::string>>{
               {"a", "Shop01"}, {"email", email}, {"variant", "111"}, {"platform", "shopify"}}) {
        mp += "--B\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" +
              value + "\r\n";
      }
      return with_length(head + "Content-Type: multipart/form-data; boundary=B\r\n",
                         mp + "--B--\r\n");
    }
    default:  // a GET with a body, then a subscribe: two requests in one write
      return with_length("GET /__admin/health HTTP/1.1\r\nHost: x\r\n", body) +
             with_length(head + "Content-Type: application/x-www-form-urlencoded\r\n", body);
  }
}

const std::string kInteresting[] = {"\r",  "\n", std::string(1, '\0'), " ", ":", ",", ";", "0",
                                    "9",   "f",  "+",  "-",   "#", "\x7f", "\xff", "\t",
                                    "\r\n", "\r\n\r\n", "Transfer-Encoding: chunked\r\n",
                                    "Content-Length: 0\r\n", "Content-Length: 7\r\n",
                                    "Connection: close\r\n", "Expect: 100-continue\r\n"};

void mutate(std::mt19937& rng, std::string& r) {
  auto pos = [&] { return r.empty() ? 0 : rng() % (r.size() + 1); };
  switch (rng() % 8) {
    case 0:  // flip a byte
      if (!r.empty()) r[rng() % r.size()] ^= static_cast<char>(1u << (rng() % 8));
      break;
    case 1:  // insert an interesting byte or line
      r.insert(pos(), kInteresting[rng() % std::size(kInteresting)]);
      break;
    case 2: {  // delete a range
      const size_t at = pos(), n = 1 + rng() % 8;
      if (at < r.size()) r.erase(at, n);
      break;
    }
    case 3: {  // duplicate a header line
      const size_t start = r.find("\r\n", rng() % std::max<size_t>(1, r.find("\r\n\r\n")));
      const size_t end = start == r.npos ? r.npos : r.find("\r\n", start + 2);
      if (end != r.npos) r.insert(end, r.substr(start, end - start));
      break;
    }
    case 4: {  // tamper with the Content-Length or the chunk sizes
      static const char* kValues[] = {"+5", "5.0", "5abc", "5 5", "-1", "9223372036854775808",
                                      "0", "1", "99999", " 12", "12,12", "0x10"};
      const size_t at = r.find("Content-Length: ");
      if (at != r.npos) {
        const size_t end = r.find("\r\n", at);
        r.replace(at + 16, end - at - 16, kValues[rng() % std::size(kValues)]);
      } else if (const size_t c = r.find("\r\n\r\n"); c != r.npos) {
        r.insert(c + 4, rng() % 2 ? "+" : "0");
      }
      break;
    }
    case 5:  // add a second framing header
      if (const size_t eol = r.find("\r\n"); eol != r.npos) {
        r.insert(eol + 2, rng() % 2 ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 3\r\n");
      }
      break;
    case 6:  // cut it short
      r.resize(pos());
      break;
    default: {  // a random byte anywhere
      r.insert(pos(), 1, static_cast<char>(rng() % 256));
      break;
    }
  }
}

TEST(HostileMutationTest, TwelveThousandMutatedRequestsNeverSmuggleAndNeverStopTheMock) {
  MockServer m;
  std::mt19937 rng(kSeed);
  // Answers that say they recorded a subscription, and their addresses (lower-cased).
  const std::string subscribed =
      "X-Bis-Mock-Outcome: " + std::string(to_string(SubscribeOutcome::kSubscribed)) + "\r\n";
  size_t accepted = 0;
  std::set<std::string> answered;
  std::map<int, int> statuses;
  int refused_or_cut = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kMutations; ++i) {
    std::string request = valid_request(rng, "m" + std::to_string(i) + "@example.com");
    for (int ops = 1 + static_cast<int>(rng() % 3); ops > 0; --ops) mutate(rng, request);
    {
      RawClient client(m.port);
      client.reset_on_close();
      // Split across up to three writes.
      size_t sent = 0;
      for (int w = static_cast<int>(rng() % 3); w > 0 && sent < request.size(); --w) {
        const size_t n = rng() % (request.size() - sent + 1);
        client.send(request.substr(sent, n));
        sent += n;
      }
      client.send(request.substr(sent));
      client.shut_write();
      bool any = false;
      for (std::string answer; !(answer = client.answer()).empty();) {
        any = true;
        const int status = status_of(answer);
        ++statuses[status];
        if (answer.find(subscribed) != std::string::npos) {
          ++accepted;
          const auto j = nlohmann::json::parse(body_of(answer), nullptr, false);
          ASSERT_TRUE(j.is_object() && j.contains("email")) << answer;
          answered.insert(ascii_lower(j["email"].get<std::string>()));
        }
      }
      if (!any) ++refused_or_cut;
      ASSERT_TRUE(client.closed_by_server()) << i;
    }
    if ((i + 1) % kBatch == 0) {
      // Alive, and a valid subscribe is answered exactly.
      RawClient probe(m.port);
      const std::string email = "probe" + std::to_string(i) + "@example.com";
      const std::string body = form("Shop01", email, "111", "shopify");
      probe.send(with_length("POST /api/v1/catalog/subscribe HTTP/1.1\r\nHost: x\r\n"
                             "Content-Type: application/x-www-form-urlencoded\r\n",
                             body));
      const std::string answer = probe.answer();
      ASSERT_EQ(status_of(answer), 200) << i << answer;
      ASSERT_EQ(body_of(answer), "{\"email\": \"" + email + "\", \"success\": true}") << i;
      answered.insert(email);
      ++accepted;
      ASSERT_EQ(m.count("subscriptions"), accepted) << "after mutation " << i;
    }
  }
  // Every subscription is one the mock answered success for, and the other way round.
  const auto all = m.get_json("/__admin/subscriptions");
  std::set<std::string> recorded;
  for (const auto& s : all["items"]) recorded.insert(ascii_lower(s["email"].get<std::string>()));
  EXPECT_EQ(recorded, answered);
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string summary;
  for (const auto& [status, n] : statuses) {
    summary += " " + std::to_string(status) + ":" + std::to_string(n);
  }
  std::printf("[hostile] %d mutated requests (seed %u) in %.1f s; answers by status:%s; "
              "connections without an answer: %d; subscriptions: %zu\n",
              kMutations, kSeed, seconds, summary.c_str(), refused_or_cut, recorded.size());
}

}  // namespace
}  // namespace bis::mock::hostile_mutation
