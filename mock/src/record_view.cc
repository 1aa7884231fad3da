#include "record_view.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

namespace bis::mock::http {
namespace {

using nlohmann::json;

uint64_t mix(uint64_t x) {  // splitmix64's finalizer: every input bit moves every output bit
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Renders the page of `records` (visible matches, oldest first) that `page` asks for.
template <class T, class Render>
json list_of(const std::vector<const T*>& records, const PageRequest& page, Render render) {
  size_t end = records.size();
  if (page.before > 0) {
    end = std::lower_bound(records.begin(), records.end(), page.before,
                           [](const T* r, uint64_t id) { return r->id < id; }) -
          records.begin();
  }
  const size_t begin = page.limit > 0 && end > page.limit ? end - page.limit : 0;
  json items = json::array();
  for (size_t i = begin; i < end; ++i) items.push_back(render(*records[i]));
  json out{{"count", end - begin}, {"items", std::move(items)}};
  if (page.paged()) {
    out["total"] = records.size();
    out["next_before"] = begin > 0 ? records[begin]->id : 0;
  }
  return out;
}

// The same answer from a page the store cut (the synchronous view's path).
template <class T, class Render>
json page_of(const Page<T>& page, Render render) {
  json items = json::array();
  for (const T& r : page.items) items.push_back(render(r));
  const uint64_t next = page.below > page.items.size() ? page.items.front().id : 0;
  return json{{"count", page.items.size()},
              {"items", std::move(items)},
              {"total", page.total},
              {"next_before", next}};
}

}  // namespace

RecordView::RecordView(Service& service, uint64_t seed)
    : service_(service),
      seed_(seed),
      async_(service.variations().has(Variation::kAsyncRecording)),
      opaque_(service.variations().has(Variation::kOpaqueIds)) {}

int64_t RecordView::delay_ms(char kind, uint64_t id) const {
  if (!async_) return 0;
  // At least 1 ms: a record is never visible at the instant it was made.
  return 1 + static_cast<int64_t>(mix(seed_ ^ (static_cast<uint64_t>(kind) << 56) ^ id) %
                                  kMaxDelayMs);
}

int64_t RecordView::delay_ms(const ListMember& m) const {
  if (!async_) return 0;
  uint64_t h = mix(seed_ ^ static_cast<uint64_t>(m.created_ms));
  for (std::string_view part : {std::string_view(m.list), std::string_view(m.account),
                                std::string_view(m.profile)}) {
    for (unsigned char c : part) h = mix(h ^ c);
  }
  return 1 + static_cast<int64_t>(h % kMaxDelayMs);
}

std::string RecordView::id(std::string_view prefix, uint64_t id) const {
  if (!opaque_) return std::string(prefix) + std::to_string(id);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(mix(seed_ + mix(id))));
  return std::string(prefix) + buf;
}

json RecordView::render(const Subscription& s) const {
  json j = to_json(s);
  if (opaque_) j["id"] = id("sub-", s.id);
  return j;
}

json RecordView::render(const Event& e) const {
  json j = to_json(e);
  if (opaque_) {
    j["id"] = id("evt-", e.id);
    j["subscription"] = id("sub-", e.subscription);
  }
  return j;
}

json RecordView::render(const Notification& n) const {
  json j = to_json(n);
  if (opaque_) {
    j["id"] = id("ntf-", n.id);
    j["subscription"] = id("sub-", n.subscription);
  }
  return j;
}

std::unordered_map<uint64_t, int64_t> RecordView::clearings(const RecordFilter& filter) const {
  std::unordered_map<uint64_t, int64_t> out;
  for (const Notification& n : service_.notifications(filter)) {
    const int64_t at = n.sent_ms + delay_ms('n', n.id);
    auto [it, added] = out.emplace(n.subscription, at);
    if (!added) it->second = std::max(it->second, at);
  }
  return out;
}

json RecordView::subscriptions(const RecordFilter& filter, const PageRequest& page) const {
  const auto render_one = [this](const Subscription& s) { return render(s); };
  std::vector<const Subscription*> visible;
  if (!async_ && page.paged())
    return page_of(service_.queries().subscription_page(filter, page), render_one);
  if (!async_) {
    const std::vector<Subscription> all = service_.subscriptions(filter);
    for (const Subscription& s : all) visible.push_back(&s);
    return list_of(visible, page, render_one);
  }
  const int64_t now = service_.clock().now_ms();
  const auto cleared = clearings(filter);
  const std::vector<Subscription> all = service_.all_subscriptions(filter);
  for (const Subscription& s : all) {
    if (s.created_ms + delay_ms('s', s.id) > now) continue;
    if (!s.active) {
      // Still listed until the notification that cleared it is visible.
      auto it = cleared.find(s.id);
      if (it == cleared.end() || it->second <= now) continue;
    }
    visible.push_back(&s);
  }
  return list_of(visible, page, render_one);
}

json RecordView::events(const RecordFilter& filter, const PageRequest& page) const {
  const auto render_one = [this](const Event& e) { return render(e); };
  if (!async_ && page.paged()) return page_of(service_.queries().event_page(filter, page), render_one);
  const int64_t now = async_ ? service_.clock().now_ms() : 0;
  const std::vector<Event> all = service_.events(filter);
  std::vector<const Event*> visible;
  for (const Event& e : all) {
    if (!async_ || e.time_ms + delay_ms('e', e.id) <= now) visible.push_back(&e);
  }
  return list_of(visible, page, render_one);
}

json RecordView::notifications(const RecordFilter& filter, const PageRequest& page) const {
  const auto render_one = [this](const Notification& n) { return render(n); };
  if (!async_ && page.paged())
    return page_of(service_.queries().notification_page(filter, page), render_one);
  const int64_t now = async_ ? service_.clock().now_ms() : 0;
  const std::vector<Notification> all = service_.notifications(filter);
  std::vector<const Notification*> visible;
  for (const Notification& n : all) {
    if (!async_ || n.sent_ms + delay_ms('n', n.id) <= now) visible.push_back(&n);
  }
  return list_of(visible, page, render_one);
}

Expected<json, AdminError> RecordView::members(std::string_view list, std::string_view account,
                                               std::string_view email) const {
  auto m = service_.members(list, account, email);
  if (!m) return Unexpected{m.error()};
  json items = json::array();
  const int64_t now = async_ ? service_.clock().now_ms() : 0;
  for (const ListMember& member : *m) {
    if (async_ && member.created_ms + delay_ms(member) > now) continue;
    items.push_back(to_json(member));
  }
  const size_t count = items.size();
  return json{{"count", count}, {"items", std::move(items)}};
}

size_t RecordView::pending(int64_t now_ms, int64_t cutoff_ms) const {
  size_t n = 0;
  const bool batches = service_.variations().has(Variation::kBatchesAnyOrder);
  if (const auto due = service_.scheduler().next_due_ms();
      due && (*due <= now_ms || (batches && *due <= cutoff_ms + kMaxDelayMs))) {
    ++n;  // a batch to send: due now, or one of the prompt batches of batches-any-order
  }
  if (!async_) return n;
  const auto late = [&](int64_t made, int64_t delay) { return made <= cutoff_ms && made + delay > now_ms; };
  for (const Subscription& s : service_.all_subscriptions({}))
    n += late(s.created_ms, delay_ms('s', s.id));
  for (const Event& e : service_.events({})) n += late(e.time_ms, delay_ms('e', e.id));
  // A notification's delay is also its clearing's. Under batches-any-order, a notification
  // sent up to kMaxDelayMs after the cutoff may come from a prompt batch of a restock answered
  // before it: its record delay is part of that restock's pending work too.
  const int64_t sent_by = cutoff_ms + (batches ? kMaxDelayMs : 0);
  for (const Notification& x : service_.notifications({}))
    n += x.sent_ms <= sent_by && x.sent_ms + delay_ms('n', x.id) > now_ms;
  for (const fixtures::Account& a : service_.fixtures().accounts) {
    for (const fixtures::List& l : a.lists) {
      auto members = service_.members(l.id, a.key, "");
      if (!members) continue;
      for (const ListMember& m : *members) n += late(m.created_ms, delay_ms(m));
    }
  }
  return n;
}

void RecordView::add_extra_keys(json& j) {
  if (j.is_array()) {
    for (json& item : j) add_extra_keys(item);
    return;
  }
  if (!j.is_object()) return;
  for (auto& [key, value] : j.items()) add_extra_keys(value);
  j["x_vendor"] = "extra key: clients ignore keys they do not know";
  j["revision"] = 7;
}

}  // namespace bis::mock::http
