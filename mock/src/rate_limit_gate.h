#pragma once
// The rate limits on the served API (docs/mock.md, "Rate limits"), between the HTTP layer and
// the RateLimiter: which account a request counts against, the RateLimit-* headers, and the
// 429 answer. A refused request never reaches Service (nothing is recorded); it is journaled
// like any other, with outcome "rate-limited".
//
// Thread safety: every method may be called from any thread; learn() swaps the accounts table
// that concurrent calls read.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bis/common/fixtures.h"
#include "bis/mock/rate_limiter.h"
#include "bis/mock/virtual_clock.h"
#include "http_exchange.h"
#include "wire_rules.h"

namespace bis::mock::http {

class RateLimitGate {
 public:
  // `enabled` false (--no-rate-limits): every request passes, no headers. `clock` (the mock's)
  // must outlive the gate.
  // `rules`: the rate-limit defects (wire_rules.h).
  RateLimitGate(const Clock& clock, bool enabled, const WireRules& rules)
      : clock_(clock), enabled_(enabled), rules_(rules), limiter_(rules.rate_limit_windows_end) {}

  // The accounts and their limits, again after the fixtures changed.
  void learn(const fixtures::Fixtures& fixtures);
  // Forgets the counts (reset).
  void clear() { limiter_.clear(); }

  // A modern endpoint's POST, before its handler: counted against the account its
  // `company_id` (client endpoints) or `Authorization: Klaviyo-API-Key` (server endpoint) names.
  // False: the 429 answer is written. Other paths, and unknown accounts, pass uncounted.
  bool admit_modern(Exchange& x);
  // A legacy call, once its key is read: `key` is the public key (`a`) of a subscribe, or the
  // private key of a List API call. Counted only for accounts whose rate_limits.legacy is on.
  bool admit_legacy(Exchange& x, EndpointClass c, std::string_view key);

 private:
  struct Account {
    std::string key;
    fixtures::RateLimits limits;
  };
  struct Table {
    std::unordered_map<std::string, Account> by_public, by_private;
  };
  std::shared_ptr<const Table> table() const;
  bool admit(Exchange& x, EndpointClass c, const Account& account);
  // The 429 answer in the shape of the endpoint's other errors.
  void refuse(Exchange& x, EndpointClass c, const RateDecision& d, const Account& account) const;

  const Clock& clock_;
  const bool enabled_;
  const WireRules rules_;
  RateLimiter limiter_;
  mutable std::atomic<uint64_t> refusals_{0};  // numbers each 429's error id
  mutable std::mutex mu_;  // guards table_ (the pointer, not what it points to)
  std::shared_ptr<const Table> table_ = std::make_shared<Table>();
};

}  // namespace bis::mock::http
