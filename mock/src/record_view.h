#pragma once
// What the control protocol's observation routes show of the Service's records, under the
// variations that change it: async-recording (each record becomes visible after its own
// random delay, and a notified subscription stays listed until its notification is visible),
// opaque-ids (ids rendered as random strings) and extra-keys. Without those variations it
// renders the records as they are.
//
// The delay of a record is a keyed hash of its kind and id (or a list member's identity), so
// it needs no bookkeeping, survives nothing it should not, and is the same on every read.
// Thread-safe: it holds only immutable settings.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bis/mock/service.h"

namespace bis::mock::http {

class RecordView {
 public:
  // The largest delay async-recording gives a record.
  static constexpr int64_t kMaxDelayMs = 1000;

  RecordView(Service& service, uint64_t seed);

  // {"count": N, "items": [...]}, oldest first, as the observation routes answer. A paged
  // answer (records.h, PageRequest: the newest `limit` below `before`) adds "total" (the
  // matches on every page) and "next_before" (the cursor of the older page, 0 if none); only
  // the page's records are copied and rendered.
  nlohmann::json subscriptions(const RecordFilter& filter, const PageRequest& page = {}) const;
  nlohmann::json events(const RecordFilter& filter, const PageRequest& page = {}) const;
  nlohmann::json notifications(const RecordFilter& filter, const PageRequest& page = {}) const;
  Expected<nlohmann::json, AdminError> members(std::string_view list, std::string_view account,
                                               std::string_view email) const;

  // Work accepted at or before `cutoff_ms` whose effects are not visible at `now_ms` (records
  // still delayed, batches due by then and not sent). Always 0 for a synchronous view.
  size_t pending(int64_t now_ms, int64_t cutoff_ms) const;

  // Adds the extra-keys variation's keys to every object of `j`, at every level.
  static void add_extra_keys(nlohmann::json& j);

  bool async() const { return async_; }

 private:
  int64_t delay_ms(char kind, uint64_t id) const;
  int64_t delay_ms(const ListMember& m) const;
  std::string id(std::string_view prefix, uint64_t id) const;
  nlohmann::json render(const Subscription& s) const;
  nlohmann::json render(const Event& e) const;
  nlohmann::json render(const Notification& n) const;
  // When each cleared subscription's clearing becomes visible, by subscription id.
  std::unordered_map<uint64_t, int64_t> clearings(const RecordFilter& filter) const;

  Service& service_;
  uint64_t seed_;
  bool async_;
  bool opaque_;
};

}  // namespace bis::mock::http
