#pragma once
// Turns `--target` into a live Target: `mock` starts the bundled bis-mock on a free loopback
// port; a URL names a mock-like target whose control protocol tells the accounts, keys and
// variants (GET /__admin/fixtures); a file is a target profile (target_profile.h). The first
// contact decides reachability: a transport failure there is exit code 3, a bad option or
// profile exit code 2.
#include <memory>
#include <string>
#include <vector>

#include "bis/common/expected.h"
#include "bis/runner/process.h"
#include "bis/runner/target.h"

namespace bis::runner {

struct ConnectOptions {
  std::string target = "mock";  // "mock", an http(s) URL, or a profile file
  TlsOptions tls;               // URL targets; for a profile, overrides its tls when set
  bool tls_set = false;
  std::string admin_token;             // control token for URL targets (a profile has its own)
  std::vector<Header> headers;         // extra headers for every API request
  Duration timeout{10000};             // per request
  std::string mock_exe;                // empty: bis-mock next to this executable, else on PATH
  std::vector<std::string> mock_args;  // passed through to bis-mock
  Duration mock_start_timeout{10000};
  std::string run_id;      // seeds generated values (target.variants.unknown)
  size_t connections = 8;  // keep-alive connections kept per origin
  // --settle: the settle window whatever the target (else a profile's timing.settle, else
  // kUnsettledSettleWindow for a URL or profile without capability `settle`, else 0).
  std::optional<Duration> settle;
};

struct ConnectError {
  int exit_code = 2;  // 2: bad usage or profile; 3: target unreachable
  std::string message;
};

// A connected target; owns the mock process when there is one and stops it when destroyed.
struct ConnectedTarget {
  Target target;
  std::unique_ptr<ChildProcess> mock;
  ~ConnectedTarget();
};

Expected<std::unique_ptr<ConnectedTarget>, ConnectError> connect_target(
    const ConnectOptions& options);

// Where bis-mock is: `explicit_path` if given, else next to this executable (/proc/self/exe),
// else the first on PATH.
Expected<std::string, std::string> find_mock_executable(const std::string& explicit_path);

}  // namespace bis::runner
