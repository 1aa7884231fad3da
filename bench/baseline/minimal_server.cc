// The speed baseline for bis-mock: the least a cpp-httplib server can do to answer the subscribe
// call, tuned as well as the library allows:
//   - TCP_NODELAY on (the library default is off: an answer leaves in two writes, and Nagle plus
//     delayed ACK cost ~40 ms per request);
//   - keep-alive connections are never closed for their request count (default: after 5);
//   - a fixed pool of 64 threads, at least one per wrk connection (the library serves one
//     connection per pool thread; its default of 8 would starve the other connections).
// It parses the urlencoded body with the library's own parser and echoes the email in the API's
// success JSON. With --fixed it answers a constant body instead (the runner benchmark's target).
#include <httplib.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

httplib::Server* g_server = nullptr;

void on_signal(int) {
  if (g_server) g_server->stop();
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  bool fixed = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) port = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--fixed") == 0) fixed = true;
  }
  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1u << 30);
  server.set_keep_alive_timeout(5);
  server.new_task_queue = [] { return new httplib::ThreadPool(64); };
  const std::string fixed_body = R"({"email": "fixed@example.com", "success": true})";
  server.Post("/api/v1/catalog/subscribe", [&](const httplib::Request& req, httplib::Response& res) {
    if (fixed) {
      res.set_content(fixed_body, "application/json");
      return;
    }
    const std::string email = req.get_param_value("email");
    res.set_content("{\"email\": " + json_string(email) + ", \"success\": true}", "application/json");
  });
  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1") : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound < 0) {
    std::fprintf(stderr, "minimal_server: cannot bind 127.0.0.1:%d\n", port);
    return 1;
  }
  g_server = &server;
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::fprintf(stderr, "minimal_server listening on http://127.0.0.1:%d\n", bound);
  std::fflush(stderr);
  return server.listen_after_bind() ? 0 : 1;
}
