#pragma once
// What the control protocol observes: the catalog, the records and the counts. Pure reads:
// nothing here sends a due batch or changes a record, so reading twice gives the same answer
// unless time or a write moved in between (batches go out by the BatchScheduler).
//
// Thread safety: takes the catalog lock shared and each shard's lock in turn; a list is
// merged from the shards in the order the records were made.
#include <string_view>
#include <vector>

#include "bis/mock/batch_scheduler.h"
#include "bis/mock/records.h"
#include "bis/mock/service_state.h"

namespace bis::mock {

struct ServiceStats {
  size_t subscriptions = 0;  // active
  size_t events = 0;
  size_t notifications = 0;
  size_t members = 0;
  size_t pending_batches = 0;
  size_t memory_bytes = 0;  // held by the compact state
};

class Queries {
 public:
  Queries(const ServiceState& state, const BatchScheduler& scheduler)
      : s_(state), scheduler_(scheduler) {}

  fixtures::Fixtures fixtures() const;
  std::vector<Subscription> subscriptions(const RecordFilter& filter) const;
  // Active and cleared subscriptions (`active` tells which), for views that show a clearing
  // late (the async-recording variation).
  std::vector<Subscription> all_subscriptions(const RecordFilter& filter) const;
  std::vector<Event> events(const RecordFilter& filter) const;
  std::vector<Notification> notifications(const RecordFilter& filter) const;
  // Pages of the same lists: each shard gives its newest matches, merged here.
  Page<Subscription> subscription_page(const RecordFilter& filter, const PageRequest& p) const;
  Page<Event> event_page(const RecordFilter& filter, const PageRequest& p) const;
  Page<Notification> notification_page(const RecordFilter& filter, const PageRequest& p) const;
  // 404 if no account has the list.
  Expected<std::vector<ListMember>, AdminError> members(std::string_view list,
                                                        std::string_view account,
                                                        std::string_view email) const;
  ServiceStats stats() const;

 private:
  // Every shard's part of a list, merged by id. `part` reads one shard's State.
  template <class T, class Part>
  std::vector<T> merged(Part part) const;
  template <class T, class Part>
  Page<T> merged_page(Part part, const PageRequest& p) const;

  const ServiceState& s_;
  const BatchScheduler& scheduler_;
};

}  // namespace bis::mock
