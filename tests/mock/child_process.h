#pragma once
// Runs bis-mock as a child process with its stderr on a pipe, as the runner does. Waits are
// bounded by deadlines; the child is ended only by its own PID.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bis::mock::testing {

class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDERR_FILENO);
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    err_ = fds[0];
  }
  ~ChildProcess() {
    if (pid_ > 0 && !exit_code_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (err_ >= 0) close(err_);
  }

  pid_t pid() const { return pid_; }

  // The next line on the child's stderr, or nullopt at end of input or after the deadline.
  std::optional<std::string> read_line(
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const size_t nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{err_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char buf[4096];
      const ssize_t n = read(err_, buf, sizeof buf);
      if (n <= 0) {
        if (buffer_.empty()) return std::nullopt;
        std::string rest;
        rest.swap(buffer_);
        return rest;
      }
      buffer_.append(buf, n);
    }
  }

  // Everything left on stderr until the child closes it (bounded by the deadline).
  std::string read_rest(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::string out;
    while (auto line = read_line(timeout)) out += *line + "\n";
    return out;
  }

  void signal(int sig) { kill(pid_, sig); }

  // The exit code (128 + signal if killed), or nullopt if it has not exited by the deadline.
  std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_code_) {
      int status = 0;
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      pollfd none{-1, 0, 0};
      poll(&none, 0, 5);  // the child gives no signal we can wait on portably; re-check shortly
    }
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  int err_ = -1;
  std::string buffer_;
  std::optional<int> exit_code_;
};

}  // namespace bis::mock::testing
