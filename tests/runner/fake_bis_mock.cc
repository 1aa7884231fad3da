// Stands in for bis-mock in the runner's tests of `--target mock`: accepts `--port 0
// --quiet`, serves the test server, announces itself on stderr like bis-mock, and stops on
// SIGTERM/SIGINT. Test-only switches: --pid-file FILE, --exit-early (exits at once with a
// message), --silent (never announces), --event-delay-ms N, --seen-file FILE (on stopping,
// writes the path of every request it answered, one per line).
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "test_server.h"

int main(int argc, char** argv) {
  bis::testing::TestServerOptions options;
  std::string pid_file, seen_file;
  bool silent = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--exit-early") {
      std::cerr << "fake bis-mock: refusing to start (--exit-early)\n";
      return 1;
    } else if (a == "--silent") {
      silent = true;
    } else if (a == "--pid-file" && i + 1 < argc) {
      pid_file = argv[++i];
    } else if (a.rfind("--pid-file=", 0) == 0) {
      pid_file = a.substr(11);
    } else if (a.rfind("--seen-file=", 0) == 0) {
      seen_file = a.substr(12);
    } else if (a.rfind("--event-delay-ms=", 0) == 0) {
      options.event_delay = std::chrono::milliseconds(std::stoi(a.substr(17)));
    } else if (a == "--port" && i + 1 < argc) {
      ++i;  // always a free port
    } else if (a != "--quiet") {
      std::cerr << "fake bis-mock: unknown argument " << a << "\n";
      return 2;
    }
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts, so sigwait gets them
  if (!pid_file.empty()) std::ofstream(pid_file) << getpid() << "\n";
  bis::testing::TestServer server(options);
  if (!silent) std::cerr << "bis-mock listening on " << server.url() << "\n" << std::flush;
  int sig = 0;
  sigwait(&set, &sig);
  if (!seen_file.empty()) {
    std::ofstream out(seen_file);
    for (const auto& [port, path] : server.seen_requests()) out << path << "\n";
  }
  return 0;
}
