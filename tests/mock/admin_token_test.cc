// The admin token is compared with the header's bytes as sent: a token holding '%' (or any
// byte an HTTP layer might decode) matches itself and nothing else. Raw sockets, so that no
// client library encodes or decodes anything on the way.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_support.h"

namespace bis::mock::testing {
namespace {

// The status of the answer to `request`, sent alone on a fresh connection; 0 if none came.
int status_of(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char buf[512];
    while (answer.size() < 12) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      answer.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return answer.rfind("HTTP/1.1 ", 0) == 0 && answer.size() >= 12 ? std::stoi(answer.substr(9, 3))
                                                                  : 0;
}

int health_with(int port, const std::string& header_line) {
  return status_of(port, "GET /__admin/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                             header_line + "\r\n\r\n");
}

// Percent escapes, '+' and spaces are what a URL decoder would change; a header is not a URL.
TEST(AdminTokenTest, ATokenMatchesItsOwnBytesOnlyNeverADecodedForm) {
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, int>>>> cases = {
      {"tok%41",
       {{"X-Admin-Token: tok%41", 200},
        {"Authorization: Bearer tok%41", 200},
        {"X-Admin-Token: tok%2541", 401},  // decodes to the token
        {"Authorization: Bearer tok%2541", 401},
        {"X-Admin-Token: tokA", 401},  // what the token decodes to
        {"X-Admin-Token: tok%4", 401},
        {"X-Admin-Token: tok%411", 401}}},
      {"a+b%20c",
       {{"X-Admin-Token: a+b%20c", 200},
        {"X-Admin-Token: a+b c", 401},
        {"X-Admin-Token: a b%20c", 401}}},
  };
  for (const auto& [token, sent] : cases) {
    ServerOptions o;
    o.admin_token = token;
    MockServer m({}, o);
    for (const auto& [header, status] : sent) EXPECT_EQ(health_with(m.port, header), status) << header;
  }
}

}  // namespace
}  // namespace bis::mock::testing
