#pragma once
// Which scenarios may overlap (docs/runner.md, "Order and parallelism"). An `exclusive`
// scenario changes state every scenario shares. Most change only a flow (the restock
// rules of an account), which matters only to scenarios that restock, change a flow or read
// notifications: such an exclusive scenario may run beside the others, one at a time. Against
// a far target this is the difference between the exclusive scenarios' round trips coming
// after everything else and coming beside it.
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bis/runner/suite.h"

namespace bis::runner::detail {

enum class Lane {
  kFree,           // not exclusive; never restocks, changes a flow or reads notifications
  kFlowBound,      // not exclusive; restocks, changes a flow or reads notifications
  kFlowExclusive,  // exclusive, and what it shares is only flows: beside kFree scenarios,
                   // beside other accounts' chains, and beside clock moves it cannot see
  kClock,          // exclusive, sharing flows and the clock (advance_clock): beside kFree ones,
                   // and beside the restocks the clock cannot change (run.cc)
  kAlone,          // exclusive in any other way (reset, clear_requests): alone
};

Lane lane_of(const Scenario& scenario);

// The accounts whose inventory or flow a scenario's steps change (set_inventory, set_flow,
// remove_flow; without `account`, the primary one), rendered before the run from target.*
// (`target_values`) and the suite's and scenario's vars. nullopt when one of them cannot be
// known before the run (it reads a capture or a unique() value): it may be any account.
using Accounts = std::optional<std::set<std::string>>;
Accounts changed_accounts(const Suite& suite, const Scenario& scenario,
                          const nlohmann::json& target_values);

// The flow-exclusive scenarios in chains that may run at once: one chain per account they
// change, each in declaration order, so that no two scenarios change one account's flow at a
// time. A scenario changing several accounts or one not known before the run puts every
// flow-exclusive scenario in one chain (one at a time, as when all change the primary
// account's flow). Each chain starts once the flow-bound scenarios that change one of its
// accounts (or an account not known before the run) have finished: `after` lists them.
struct FlowChain {
  std::vector<size_t> scenarios;  // indices into `exclusive`
  std::vector<size_t> after;      // indices into `bound`
  Accounts accounts;              // the accounts its scenarios change (nullopt: any)
};
std::vector<FlowChain> flow_chains(const std::vector<Accounts>& exclusive,
                                   const std::vector<Accounts>& bound);

// Whether a scenario moving the clock may run while a flow-bound scenario still runs: the
// clock decides only when a batched restock's later batches go out, so only when every account
// the flow-bound one restocks is known to send at once (`unbatched`, from the target's
// fixtures), it sets no flow itself, and the clock scenario changes none of its accounts' flows
// (both known before the run). Anything unknown keeps them apart.
bool clock_may_overlap(const Scenario& bound, const Accounts& bound_accounts,
                       const Accounts& clock_accounts, const std::set<std::string>& unbatched);

// How far a scenario moves the target's clock in all: the sum of its advance_clock steps'
// `by`, each times its `repeat` (saturating at Duration::max()).
Duration clock_advance(const Scenario& scenario);

// The shortest time between two batches of a restock that a flow-exclusive scenario may make
// on its accounts: the flows its set_flow steps set (rendered before the run, as
// changed_accounts renders accounts) and the flows those accounts have before it (the target's
// fixtures: `unbatched` accounts send at once). While it runs, clock moves adding up to less
// than this cannot send a later batch early (the caller also counts the time the scenario
// itself may take). Duration::max() when every flow it may restock under sends at once; zero
// when one cannot be known before the run (a flow from a capture other than the one it read
// with get_flow from the same account to put back, a name a capture may rebind, an account
// not known, a fixture flow that is batched).
Duration batch_interval_floor(const Suite& suite, const Scenario& scenario,
                              const Accounts& accounts, const nlohmann::json& target_values,
                              const std::set<std::string>& unbatched);

// Whether two sets of accounts are known and share none.
bool disjoint(const Accounts& a, const Accounts& b);

// Round trips a scenario needs at least (a step's copies, the settle call before a
// `consistently` read, a fixed `for` watch counted at 50 ms a round trip): scenarios that take
// longest start first, so that the run is not waiting on one that started late.
size_t estimated_round_trips(const Scenario& scenario);

}  // namespace bis::runner::detail
