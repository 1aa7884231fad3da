#pragma once
// The API's behaviour without HTTP, one small class per concept over one shared state
// (service_state.h):
//   - Subscriber (subscriber.h): the subscribe call;
//   - ListApi (list_api.h): the List API call;
//   - Restocker (restocker.h): inventory and flows, restocks;
//   - BatchScheduler (batch_scheduler.h): the restocks' batches, sent when due;
//   - Queries (queries.h): what the control protocol observes, pure reads.
// Service owns the state and the parts, loads and restores the state, resets it, and forwards
// the calls the HTTP layer makes. Every rule of docs/mock.md that is not about the wire lives
// in these parts or in validation.h; the HTTP layer only parses and renders.
//
// Thread safety: every public method may be called from any thread (see service_state.h for
// the locks). Time comes from the injected Clock through the Service's VirtualClock, which the
// control protocol may freeze or advance (virtual_clock.h); nothing sends a batch on a read:
// the server's timer, the settle call, a clock move and tests call scheduler().run_due(now).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"
#include "bis/common/fixtures.h"
#include "bis/mock/batch_scheduler.h"
#include "bis/mock/list_api.h"
#include "bis/mock/queries.h"
#include "bis/mock/records.h"
#include "bis/mock/restocker.h"
#include "bis/mock/service_state.h"
#include "bis/mock/subscriber.h"
#include "bis/mock/virtual_clock.h"

namespace bis::mock {

class Service {
 public:
  // Loads what `store` holds. The store's catalog changes are applied over `base` only if
  // the store was written with the same base fixtures; its records are always kept.
  static Expected<std::unique_ptr<Service>, std::string> create(fixtures::Fixtures base,
                                                                std::unique_ptr<StateStore> store,
                                                                ServiceOptions options);

  SubscribeAnswer subscribe(const SubscribeFields& fields) { return subscriber_.subscribe(fields); }
  ListAnswer list_subscribe(std::string_view list, std::string_view private_key,
                            const std::vector<ListProfile>& profiles) {
    return list_api_.list_subscribe(list, private_key, profiles);
  }
  ListAnswer client_list_subscribe(std::string_view list, std::string_view company_id,
                                   const ListProfile& profile) {
    return list_api_.client_subscribe(list, company_id, profile);
  }

  Expected<InventoryResult, AdminError> set_inventory(std::string_view account,
                                                      std::string_view variant, int64_t inventory) {
    return restocker_.set_inventory(account, variant, inventory);
  }
  Expected<std::optional<fixtures::Flow>, AdminError> set_flow(std::string_view account,
                                                               std::optional<fixtures::Flow> flow) {
    return restocker_.set_flow(account, std::move(flow));
  }
  // Back to the loaded fixtures: records, inventory, flows and waiting batches.
  Status reset();
  // New fixtures, which reset() then returns to; the state is reset.
  Status replace_fixtures(fixtures::Fixtures fixtures);

  // Pure reads (queries.h).
  const Queries& queries() const { return queries_; }
  fixtures::Fixtures fixtures() const { return queries_.fixtures(); }
  std::vector<Subscription> subscriptions(const RecordFilter& f) const {
    return queries_.subscriptions(f);
  }
  std::vector<Subscription> all_subscriptions(const RecordFilter& f) const {
    return queries_.all_subscriptions(f);
  }
  std::vector<Event> events(const RecordFilter& f) const { return queries_.events(f); }
  std::vector<Notification> notifications(const RecordFilter& f) const {
    return queries_.notifications(f);
  }
  Expected<std::vector<ListMember>, AdminError> members(std::string_view list,
                                                        std::string_view account,
                                                        std::string_view email) const {
    return queries_.members(list, account, email);
  }
  ServiceStats stats() const { return queries_.stats(); }

  BatchScheduler& scheduler() { return scheduler_; }
  const BatchScheduler& scheduler() const { return scheduler_; }

  // What start-up had to tell (e.g. the state file was written with other fixtures).
  const std::vector<std::string>& notices() const { return notices_; }
  const Defects& defects() const { return state_.options.defects; }
  const Variations& variations() const { return state_.options.variations; }
  // The time every part reads: the injected clock, as the control protocol moved it.
  const Clock& clock() const { return *clock_; }
  VirtualClock& virtual_clock() { return *clock_; }
  // The request rules with the active defects (and the email variations) applied, once.
  const RequestRules& rules() const { return state_.rules; }
  // The state rules with the active state-rule defects applied, once.
  const StateRules& state_rules() const { return state_.state_rules; }
  std::string store_description() const { return state_.store->describe(); }

 private:
  Service(fixtures::Fixtures base, std::unique_ptr<StateStore> store, ServiceOptions options);
  Status restore(StoredState stored);
  // Needs catalog_mu exclusively and every shard locked.
  void clear_state();

  // Declared before state_, whose options point at it.
  std::unique_ptr<VirtualClock> clock_;
  ServiceState state_;
  BatchScheduler scheduler_{state_};
  Subscriber subscriber_{state_};
  ListApi list_api_{state_, subscriber_};
  Restocker restocker_{state_, scheduler_};
  Queries queries_{state_, scheduler_};
  std::vector<std::string> notices_;
};

}  // namespace bis::mock
