#pragma once
// Child processes: shell commands of a target profile's control hooks (run to completion,
// bounded in time) and a long-running child such as the bundled mock (started, watched on
// stderr, stopped by PID). Linux/POSIX only.
#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bis/common/expected.h"
#include "bis/runner/duration.h"

namespace bis::runner {

struct CommandResult {
  int exit_code = -1;      // -1: did not exit normally (signal, timeout, could not start)
  bool timed_out = false;  // killed (with its process group) when the timeout passed
  std::string out;
  std::string err;
  std::string error;  // why it could not start
};

// Runs `/bin/sh -c command` in its own process group with the environment plus `env`, `input`
// on its standard input, in `cwd` (empty: the current directory). Thread-safe.
CommandResult run_shell(const std::string& command,
                        const std::vector<std::pair<std::string, std::string>>& env,
                        const std::string& input, Duration timeout, const std::string& cwd);

// A long-running child whose standard error is read by the parent. The destructor stops it
// (SIGTERM, then SIGKILL after a grace period): it never outlives its owner, and with
// PR_SET_PDEATHSIG not even a crash of this process leaves it running. While one lives, SIGINT,
// SIGTERM and SIGHUP of this process first stop it, then take their default action.
// Not thread-safe: one owner.
class ChildProcess {
 public:
  // Starts `exe` with `args`; standard output goes to /dev/null, standard error to a pipe.
  static Expected<std::unique_ptr<ChildProcess>, std::string> spawn(
      const std::string& exe, const std::vector<std::string>& args);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Reads standard error until a line starting with `prefix` and returns that line. Fails if
  // the child exits or closes standard error first, or after `timeout`; the message then
  // holds what the child wrote.
  Expected<std::string, std::string> wait_for_line(std::string_view prefix, Duration timeout);

  // From now on a thread keeps reading standard error (so the child never blocks on a full
  // pipe), keeping the last 64 KiB.
  void drain_stderr();
  std::string stderr_text() const;

  // True while the child has not exited.
  bool running();
  // SIGTERM, wait up to `grace`, then SIGKILL; reaps the child. Idempotent.
  void stop(Duration grace = Duration(3000));

 private:
  ChildProcess() = default;
  void append_stderr(std::string_view data);

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  bool reaped_ = false;
  std::string pending_;  // read but not yet split into lines
  mutable std::mutex mutex_;
  std::string stderr_;
  std::atomic<bool> stop_draining_{false};
  std::thread drainer_;
};

}  // namespace bis::runner
