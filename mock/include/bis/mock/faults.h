#pragma once
// Fault injection (docs/control-protocol.md, "Faults"): what a client of the served API must
// survive, on purpose. A Fault says which requests it hits (a path pattern, an account, the
// next N, a probability drawn from its own seeded generator) and what happens to them (added
// latency, a status of our choosing, 429 + Retry-After, a reset, an empty answer, a truncated
// or slow body). FaultSet holds the faults in force and decides, per request, which apply;
// the HTTP layer (server.cc, http1_connection.cc) carries the decision out, so the routes
// never know. Faults apply to the served API; only a latency whose path starts with /__admin
// slows the control surface (a far target), so the way to remove a fault stays open.
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bis/common/expected.h"

namespace bis::mock {

enum class FaultKind {
  kLatency,    // wait before the route runs, then answer normally
  kStatus,     // answer status + body + headers without calling the route
  kRateLimit,  // answer 429 with Retry-After and a throttled error, without calling the route
  kResetBefore,  // reset the connection (RST) once the request is in; the route never runs
  kResetAfter,   // the route runs (and records), then the connection is reset without an answer
  kEmpty,      // close the connection (FIN) without a byte; the route never runs
  kTruncate,   // the route runs; the answer's head and only its first `bytes` body bytes go out
  kSlowBody,   // the route runs; the answer's body goes out at `bytes_per_second`
};

std::string_view fault_kind_name(FaultKind kind);

struct Fault {
  std::string id;  // "f-1", ... assigned by FaultSet::add
  FaultKind kind = FaultKind::kLatency;
  // Which requests: a path pattern ('*' matches any run of characters; empty = every path),
  // and an account key (empty = any, else only requests known to be for that account).
  std::string path;
  std::string account;
  // How many: applies to the next `times` matching requests (0 = no limit), each with
  // `probability` (1 = always), drawn from a generator seeded with `seed`.
  uint64_t times = 0;
  double probability = 1.0;
  uint64_t seed = 1;
  // What: latency in [min_ms, max_ms] (equal for a fixed latency); status, body, headers;
  // retry_after seconds (kRateLimit); bytes (kTruncate); bytes_per_second (kSlowBody).
  int64_t min_ms = 0;
  int64_t max_ms = 0;
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t retry_after = 1;
  uint64_t bytes = 0;
  uint64_t bytes_per_second = 0;
};

// Whether the route runs (and so may record state) under this kind of fault.
bool fault_calls_route(FaultKind kind);

// A fault from the control protocol's JSON (POST /__admin/faults). Errors name the key.
struct FaultError {
  std::string key;  // the offending key, "" for the whole
  std::string message;
};
Expected<Fault, FaultError> fault_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Fault& fault);

// A fault from a --fault SPEC: "KIND[=VALUE][,KEY=VALUE]...", e.g. "latency=50ms",
// "latency=10ms..80ms,path=/api/*", "status=503,times=2,body={...}" (body= takes the rest of
// the spec, commas included). Errors: "--fault 'SPEC': at column N: what is wrong".
Expected<Fault, std::string> parse_fault_spec(std::string_view spec);

// What happens to one request: the sum of the latencies that fired and the first other fault
// that fired, if any; `applied` names every fault that fired ("f-1 latency 50ms", ...).
struct FaultPlan {
  int64_t delay_ms = 0;
  std::optional<Fault> action;
  std::vector<std::string> applied;

  bool empty() const { return applied.empty(); }
  bool calls_route() const { return !action || fault_calls_route(action->kind); }
  std::string description() const;  // applied, joined by "; "
};

// The faults in force. Thread-safe: requests decide under one short lock, so the seeded draws
// follow the order in which requests reach the lock (reproducible for a sequential client).
class FaultSet {
 public:
  // Assigns the next id; returns the fault as stored.
  Fault add(Fault fault);
  bool remove(std::string_view id);
  size_t clear();
  // Every fault with "hits" (requests it applied to) and "matched" (requests it was
  // considered for), in the order they were added.
  nlohmann::json list() const;
  bool empty() const;
  // Whether any fault needs the request's account to decide.
  bool needs_account() const;
  // Decides for one request. `account` is "" when unknown. `control`: a request to the control
  // surface, which only faults whose path starts with /__admin match (latencies only); the
  // others match the served API only.
  FaultPlan decide(std::string_view path, std::string_view account, bool control = false);

 private:
  struct Entry {
    Fault fault;
    std::mt19937_64 random;
    uint64_t hits = 0;
    uint64_t matched = 0;
  };
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  uint64_t next_id_ = 1;
};

// '*' matches any run of characters (also none, also '/'); everything else matches itself.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace bis::mock
