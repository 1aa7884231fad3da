#pragma once
// Catalog changes through the control protocol: inventory and flows. Inventory crossing the
// account's threshold upward is a restock (the rules may say otherwise): it snapshots the
// active subscriptions of the variant, oldest first, and queues them in batches on the
// BatchScheduler as the flow says (everyone at once by default); the first batch goes out
// before the answer. Nobody is notified without a flow that is on.
//
// Thread safety: every method takes the state's catalog lock exclusively (and every shard for
// a restock). A restock is one store transaction (inventory, queue, first batches); if the store
// refuses it, memory is put back as it was and the answer is a 500 that says nothing changed.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bis/mock/batch_scheduler.h"
#include "bis/mock/service_state.h"

namespace bis::mock {

struct InventoryResult {
  std::string account;
  std::string variant;
  int64_t inventory = 0;
  int64_t previous_inventory = 0;
  bool created = false;
  bool restocked = false;  // crossed the threshold upward
  size_t notified = 0;     // subscriptions notified now
  size_t queued = 0;       // subscriptions waiting in later batches
  std::string reason;      // why nobody was notified now (empty when someone was)
};

class Restocker {
 public:
  Restocker(ServiceState& state, BatchScheduler& scheduler) : s_(state), scheduler_(scheduler) {}
  Restocker(const Restocker&) = delete;
  Restocker& operator=(const Restocker&) = delete;

  // Sets a variant's inventory (creating the variant if the catalog lacks it). 404: no account.
  Expected<InventoryResult, AdminError> set_inventory(std::string_view account,
                                                      std::string_view variant, int64_t inventory);
  // Sets or (nullopt) removes an account's flow. 404: no account.
  Expected<std::optional<fixtures::Flow>, AdminError> set_flow(std::string_view account,
                                                               std::optional<fixtures::Flow> flow);

 private:
  bool is_restock(int64_t previous, int64_t inventory, int64_t threshold) const;
  // The subscriptions a restock of the variant notifies, oldest first. Needs every shard locked.
  std::vector<ServiceState::Target> restock_targets(const fixtures::Account& account,
                                                    std::string_view variant) const;
  // Splits `targets` into the flow's batches and queues them; returns the restock's number.
  uint64_t queue_batches(const fixtures::Account& account, const std::string& variant,
                         std::vector<ServiceState::Target> targets, int64_t now, Transaction& tx);

  ServiceState& s_;
  BatchScheduler& scheduler_;
  std::mt19937_64 rng_{std::random_device{}()};  // batches-any-order; under catalog_mu
};

}  // namespace bis::mock
