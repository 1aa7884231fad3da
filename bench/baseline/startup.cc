// Measures start-up to first answer: fork/exec a server command that takes `--port 0` and
// prints "... listening on http://HOST:PORT" on stderr, then POST the subscribe call until it
// answers 200. Prints the median and worst of N runs in milliseconds.
//   bench_startup RUNS BODY -- COMMAND [ARGS...]
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// Returns milliseconds from fork to the first 200 answer, or a negative number on failure.
double one_run(const std::string& body, char** command) {
  int pipe_fd[2];
  if (pipe(pipe_fd) != 0) return -1;
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fd[1], STDERR_FILENO);
    close(pipe_fd[0]);
    close(pipe_fd[1]);
    execvp(command[0], command);
    _exit(127);
  }
  close(pipe_fd[1]);
  std::string line;
  char c;
  while (read(pipe_fd[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  const size_t at = line.find("listening on http://");
  double ms = -1;
  if (at != std::string::npos) {
    const std::string hostport = line.substr(at + std::strlen("listening on http://"));
    const size_t colon = hostport.rfind(':');
    httplib::Client client(hostport.substr(0, colon), std::stoi(hostport.substr(colon + 1)));
    for (int attempt = 0; attempt < 10000; ++attempt) {
      auto res = client.Post("/api/v1/catalog/subscribe", body, "application/x-www-form-urlencoded");
      if (res && res->status == 200) {
        ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        break;
      }
    }
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  close(pipe_fd[0]);
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5 || std::strcmp(argv[3], "--") != 0) {
    std::fprintf(stderr, "usage: bench_startup RUNS BODY -- COMMAND [ARGS...]\n");
    return 2;
  }
  const int runs = std::atoi(argv[1]);
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const double ms = one_run(argv[2], argv + 4);
    if (ms < 0) {
      std::fprintf(stderr, "bench_startup: run %d failed\n", i);
      return 1;
    }
    times.push_back(ms);
  }
  std::sort(times.begin(), times.end());
  std::printf("RESULT runs=%d median_ms=%.2f max_ms=%.2f\n", runs, times[times.size() / 2], times.back());
  return 0;
}
