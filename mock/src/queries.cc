#include "bis/mock/queries.h"

#include <algorithm>
#include <iterator>
#include <tuple>

namespace bis::mock {

template <class T, class Part>
std::vector<T> Queries::merged(Part part) const {
  std::vector<T> out;
  for (size_t i = 0; i < ServiceState::kShards; ++i) {
    std::lock_guard lock(s_.shards[i].mu);
    std::vector<T> p = part(s_.shards[i].state);
    out.insert(out.end(), std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
  }
  return out;
}

namespace {

// Merged per-shard record lists in the order the records were made.
template <class T>
std::vector<T> by_id(std::vector<T> records) {
  std::sort(records.begin(), records.end(), [](const T& a, const T& b) { return a.id < b.id; });
  return records;
}

}  // namespace

template <class T, class Part>
Page<T> Queries::merged_page(Part part, const PageRequest& p) const {
  Page<T> out;
  for (size_t i = 0; i < ServiceState::kShards; ++i) {
    std::lock_guard lock(s_.shards[i].mu);
    Page<T> shard = part(s_.shards[i].state);
    out.total += shard.total;
    out.below += shard.below;
    out.items.insert(out.items.end(), std::make_move_iterator(shard.items.begin()),
                     std::make_move_iterator(shard.items.end()));
  }
  out.items = by_id(std::move(out.items));
  if (p.limit != 0 && out.items.size() > p.limit)
    out.items.erase(out.items.begin(), out.items.end() - static_cast<ptrdiff_t>(p.limit));
  return out;
}

Page<Subscription> Queries::subscription_page(const RecordFilter& filter,
                                              const PageRequest& p) const {
  std::shared_lock catalog_lock(s_.catalog_mu);
  return merged_page<Subscription>([&](const State& s) { return s.subscription_page(filter, p); },
                                   p);
}

Page<Event> Queries::event_page(const RecordFilter& filter, const PageRequest& p) const {
  std::shared_lock catalog_lock(s_.catalog_mu);
  Page<Event> out =
      merged_page<Event>([&](const State& s) { return s.event_page(filter, p); }, p);
  if (s_.state_rules.metric != protocol::kSubscribedMetric) {
    for (Event& e : out.items) e.metric = s_.state_rules.metric;
  }
  return out;
}

Page<Notification> Queries::notification_page(const RecordFilter& filter,
                                              const PageRequest& p) const {
  std::shared_lock catalog_lock(s_.catalog_mu);
  return merged_page<Notification>(
      [&](const State& s) { return s.notification_page(filter, p); }, p);
}

fixtures::Fixtures Queries::fixtures() const {
  std::shared_lock lock(s_.catalog_mu);
  return s_.catalog.fixtures();
}

std::vector<Subscription> Queries::subscriptions(const RecordFilter& filter) const {
  std::shared_lock catalog_lock(s_.catalog_mu);
  return by_id(
      merged<Subscription>([&](const State& s) { return s.active_subscriptions(filter); }));
}

std::vector<Subscription> Queries::all_subscriptions(const RecordFilter& filter) const {
  std::shared_lock catalog_lock(s_.catalog_mu);
  return by_id(merged<Subscription>([&](const State& s) { return s.all_subscriptions(filter); }));
}

std::vector<Event> Queries::events(const RecordFilter& filter) const {
  std::shared_lock catalog_lock(s_.catalog_mu);
  std::vector<Event> out = by_id(merged<Event>([&](const State& s) { return s.events(filter); }));
  if (s_.state_rules.metric != protocol::kSubscribedMetric) {
    for (Event& e : out) e.metric = s_.state_rules.metric;
  }
  return out;
}

std::vector<Notification> Queries::notifications(const RecordFilter& filter) const {
  std::shared_lock catalog_lock(s_.catalog_mu);
  return by_id(merged<Notification>([&](const State& s) { return s.notifications(filter); }));
}

Expected<std::vector<ListMember>, AdminError> Queries::members(std::string_view list,
                                                               std::string_view account,
                                                               std::string_view email) const {
  std::shared_lock catalog_lock(s_.catalog_mu);
  if (!s_.catalog.list(list, account).second) {
    return Unexpected{AdminError{404, "no account has a list '" + std::string(list) + "'"}};
  }
  std::vector<ListMember> out =
      merged<ListMember>([&](const State& s) { return s.members(account, list, email); });
  std::sort(out.begin(), out.end(), [](const ListMember& a, const ListMember& b) {
    return std::tie(a.created_ms, a.profile) < std::tie(b.created_ms, b.profile);
  });
  return out;
}

ServiceStats Queries::stats() const {
  std::shared_lock catalog_lock(s_.catalog_mu);
  ServiceStats st;
  st.pending_batches = scheduler_.size_locked();
  for (size_t i = 0; i < ServiceState::kShards; ++i) {
    std::lock_guard lock(s_.shards[i].mu);
    const State& s = s_.shards[i].state;
    st.subscriptions += s.active_count();
    st.events += s.event_count();
    st.notifications += s.notification_count();
    st.members += s.member_count();
    st.memory_bytes += s.memory_bytes();
  }
  return st;
}

}  // namespace bis::mock
