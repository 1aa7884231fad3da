#include "bis/runner/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace bis::runner {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxOutput = 16 * 1024 * 1024;
constexpr size_t kKeptStderr = 64 * 1024;

// Children to stop when this process is interrupted; read by the signal handler, so plain
// atomics and async-signal-safe calls only.
constexpr int kMaxChildren = 8;
std::atomic<pid_t> g_children[kMaxChildren];

void on_fatal_signal(int sig) {
  for (auto& c : g_children) {
    const pid_t pid = c.load();
    if (pid > 0) kill(pid, SIGTERM);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void register_child(pid_t pid) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
  });
  for (auto& c : g_children) {
    pid_t expected = 0;
    if (c.compare_exchange_strong(expected, pid)) return;
  }
}

void unregister_child(pid_t pid) {
  for (auto& c : g_children) {
    pid_t expected = pid;
    c.compare_exchange_strong(expected, 0);
  }
}

int remaining_ms(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

CommandResult run_shell(const std::string& command,
                        const std::vector<std::pair<std::string, std::string>>& env,
                        const std::string& input, Duration timeout, const std::string& cwd) {
  CommandResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) return result.error = std::strerror(errno), result;
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]), close(in_pipe[1]);
    return result.error = std::strerror(errno), result;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1]}) close(fd);
    return result.error = std::strerror(errno), result;
  }
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) env_strings.emplace_back(*e);
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    for (int fd : {in_pipe[1], out_pipe[0], err_pipe[0]}) close(fd);
    result.error = std::string("cannot start /bin/sh: ") + std::strerror(rc);
    return result;
  }
  // Feed stdin and read both outputs without deadlock, until both close or time runs out.
  const auto deadline = Clock::now() + timeout;
  size_t written = 0;
  int in_fd = in_pipe[1];
  if (input.empty()) close(in_fd), in_fd = -1;
  if (in_fd >= 0) fcntl(in_fd, F_SETFL, O_NONBLOCK);
  int fds[2] = {out_pipe[0], err_pipe[0]};
  std::string* sinks[2] = {&result.out, &result.err};
  while (fds[0] >= 0 || fds[1] >= 0) {
    pollfd p[3];
    int n = 0;
    for (int i = 0; i < 2; ++i) p[n++] = pollfd{fds[i], POLLIN, 0};
    p[n++] = pollfd{in_fd, POLLOUT, 0};
    const int ready = poll(p, n, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      const ssize_t got = read(fds[i], buf, sizeof buf);
      if (got <= 0) {
        close(fds[i]);
        fds[i] = -1;
      } else if (sinks[i]->size() < kMaxOutput) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      }
    }
    if (in_fd >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t put = write(in_fd, input.data() + written, input.size() - written);
      if (put > 0) written += static_cast<size_t>(put);
      if (put < 0 || written == input.size()) close(in_fd), in_fd = -1;
    }
  }
  for (int fd : {in_fd, fds[0], fds[1]}) {
    if (fd >= 0) close(fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && !result.timed_out) result.exit_code = WEXITSTATUS(status);
  return result;
}

Expected<std::unique_ptr<ChildProcess>, std::string> ChildProcess::spawn(
    const std::string& exe, const std::vector<std::string>& args) {
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0)
    return Unexpected{std::string("pipe: ") + std::strerror(errno)};
  std::vector<std::string> argv_strings = {exe};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(err_pipe[0]), close(err_pipe[1]);
    return Unexpected{std::string("fork: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    const int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) dup2(devnull, 0), dup2(devnull, 1);
    dup2(err_pipe[1], 2);
    execv(exe.c_str(), argv.data());
    const char msg[] = "exec failed\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(127);
  }
  close(err_pipe[1]);
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->pid_ = pid;
  child->stderr_fd_ = err_pipe[0];
  register_child(pid);
  return child;
}

ChildProcess::~ChildProcess() {
  stop();
  stop_draining_ = true;
  if (drainer_.joinable()) drainer_.join();
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

void ChildProcess::append_stderr(std::string_view data) {
  std::lock_guard<std::mutex> lock(mutex_);
  stderr_.append(data);
  if (stderr_.size() > kKeptStderr) stderr_.erase(0, stderr_.size() - kKeptStderr);
}

std::string ChildProcess::stderr_text() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stderr_;
}

Expected<std::string, std::string> ChildProcess::wait_for_line(std::string_view prefix,
                                                               Duration timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    size_t eol;
    while ((eol = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, eol);
      pending_.erase(0, eol + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.compare(0, prefix.size(), prefix) == 0) return line;
    }
    pollfd p{stderr_fd_, POLLIN, 0};
    const int ready = poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      return Unexpected{"no line starting with '" + std::string(prefix) + "' within " +
                        format_duration(timeout) + "; it wrote:\n" + stderr_text()};
    }
    char buf[4096];
    const ssize_t got = read(stderr_fd_, buf, sizeof buf);
    if (got <= 0) {
      stop(Duration(500));
      return Unexpected{std::string("it exited before it was ready; it wrote:\n") + stderr_text()};
    }
    append_stderr(std::string_view(buf, static_cast<size_t>(got)));
    pending_.append(buf, static_cast<size_t>(got));
  }
}

void ChildProcess::drain_stderr() {
  if (drainer_.joinable() || stderr_fd_ < 0) return;
  drainer_ = std::thread([this] {
    char buf[4096];
    while (!stop_draining_) {
      pollfd p{stderr_fd_, POLLIN, 0};
      const int ready = poll(&p, 1, 100);  // wakes up to notice stop_draining_
      if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
      const ssize_t got = ready < 0 ? -1 : read(stderr_fd_, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return;
      append_stderr(std::string_view(buf, static_cast<size_t>(got)));
    }
  });
}

bool ChildProcess::running() {
  if (reaped_) return false;
  int status;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    unregister_child(pid_);
  }
  return !reaped_;
}

void ChildProcess::stop(Duration grace) {
  if (pid_ <= 0 || !running()) return;
  kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + grace;
  while (Clock::now() < deadline) {
    if (!running()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid_, SIGKILL);
  int status;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  unregister_child(pid_);
}

}  // namespace bis::runner
