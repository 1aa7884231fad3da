#include "bis/mock/state.h"

#include <functional>
#include <queue>

#include "bis/common/fixtures.h"
#include "bis/common/text.h"

namespace bis::mock {
namespace {

uint8_t platform_index(std::string_view platform) {
  for (size_t i = 0; i < std::size(fixtures::kPlatforms); ++i) {
    if (fixtures::kPlatforms[i] == platform) return static_cast<uint8_t>(i);
  }
  return 0;
}

std::string member_key(std::string_view account, std::string_view list, std::string_view profile) {
  std::string k;
  k.reserve(account.size() + list.size() + profile.size() + 2);
  k.append(account).push_back('\n');
  k.append(list).push_back('\n');
  k.append(profile);
  return k;
}

}  // namespace

State::Key State::key(std::string_view account, std::string_view profile,
                      std::string_view variant) {
  return Key{pool_.intern(account), pool_.intern(profile), pool_.intern(variant)};
}

State::Ref State::latest(const Key& k) const {
  return latest_.find(mix_ids(k.account, k.profile, k.variant), [&](uint32_t ref) {
    const Sub& s = subs_[ref - 1];
    return s.account == k.account && s.profile == k.profile && s.variant == k.variant;
  });
}

State::Ref State::add_subscription(const Subscription& s) {
  const Ref ref = add_subscription(
      key(s.account, s.profile, s.variant), s.id, s.email, s.platform,
      s.store ? std::optional<std::string_view>(*s.store) : std::nullopt, s.created_ms,
      Origin{s.via, s.channels});
  if (!s.active) set_active(ref, false);
  return ref;
}

State::Ref State::add_subscription(const Key& k, uint64_t id, std::string_view email,
                                   std::string_view platform, std::optional<std::string_view> store,
                                   int64_t created_ms, Origin origin) {
  Sub s{};
  s.created_ms = created_ms;
  s.id = static_cast<uint32_t>(id);
  s.account = k.account;
  s.profile = k.profile;
  s.variant = k.variant;
  // Most addresses are sent in lower case: the email is then the profile's string.
  s.email = email == pool_.view(k.profile) ? k.profile : pool_.intern(email);
  s.store = store ? pool_.intern(*store) : 0;
  s.platform = platform_index(platform);
  s.active = true;
  s.via = origin.via;
  s.channels = origin.channels;
  subs_.push_back(s);
  const Ref ref = static_cast<Ref>(subs_.size());
  latest_.upsert(key_hash(s), ref, [&](uint32_t other) {
    const Sub& o = subs_[other - 1];
    return o.account == s.account && o.profile == s.profile && o.variant == s.variant;
  });
  ++active_count_;
  return ref;
}

void State::add_event(Ref subscription, uint64_t id, std::string_view email, int64_t time_ms,
                      Via via) {
  const uint32_t sub_email = subs_[subscription - 1].email;
  const uint32_t e = email == pool_.view(sub_email) ? sub_email : pool_.intern(email);
  events_.push_back(Evt{time_ms, static_cast<uint32_t>(id), subscription, e, via});
}

void State::set_active(Ref ref, bool active) {
  Sub& s = subs_[ref - 1];
  if (s.active == active) return;
  s.active = active;
  if (active) {
    ++active_count_;
  } else {
    --active_count_;
  }
}

void State::add_notification(Ref subscription, uint64_t id, int64_t batch, int64_t sent_ms) {
  notifications_.push_back(
      Ntf{sent_ms, static_cast<uint32_t>(id), subscription, static_cast<uint32_t>(batch)});
}

void State::truncate_notifications(size_t count) {
  if (count < notifications_.size()) notifications_.resize(count);
}

std::vector<State::Ref> State::active_for(std::string_view account, std::string_view variant,
                                          bool with_cleared) const {
  std::vector<Ref> out;
  const auto a = pool_.find(account), v = pool_.find(variant);
  if (!a || !v) return out;
  for (size_t i = 0; i < subs_.size(); ++i) {
    const Sub& s = subs_[i];
    if ((s.active || with_cleared) && s.account == *a && s.variant == *v)
      out.push_back(static_cast<Ref>(i + 1));
  }
  return out;
}

State::Ref State::latest_active_like(const Key& k, Match match) const {
  const std::string_view variant = pool_.view(k.variant);
  for (size_t i = subs_.size(); i-- > 0;) {
    const Sub& s = subs_[i];
    if (!s.active || s.profile != k.profile) continue;
    bool same = false;
    switch (match) {
      case Match::kAnyVariant:
        same = s.account == k.account;
        break;
      case Match::kAnyAccount:
        same = s.variant == k.variant;
        break;
      case Match::kVariantPrefix: {
        const std::string_view other = pool_.view(s.variant);
        same = s.account == k.account && (other.starts_with(variant) || variant.starts_with(other));
        break;
      }
    }
    if (same) return static_cast<Ref>(i + 1);
  }
  return 0;
}

std::vector<State::Ref> State::active_of_profile(Ref ref) const {
  const Sub& of = subs_[ref - 1];
  std::vector<Ref> out;
  for (size_t i = 0; i < subs_.size(); ++i) {
    const Sub& s = subs_[i];
    if (s.active && s.account == of.account && s.profile == of.profile)
      out.push_back(static_cast<Ref>(i + 1));
  }
  return out;
}

size_t State::active_count_of_profile(std::string_view account, std::string_view profile) const {
  const auto a = pool_.find(account), p = pool_.find(profile);
  if (!a || !p) return 0;
  size_t n = 0;
  for (const Sub& s : subs_) n += s.active && s.account == *a && s.profile == *p;
  return n;
}

bool State::renews(Ref ref) const {
  const Sub& of = subs_[ref - 1];
  for (size_t i = 0; i + 1 < ref; ++i) {
    const Sub& s = subs_[i];
    if (s.account == of.account && s.profile == of.profile && s.variant == of.variant) return true;
  }
  return false;
}

State::Membership State::membership(Ref ref) const {
  const Sub& s = subs_[ref - 1];
  const std::string_view account = pool_.view(s.account), profile = pool_.view(s.profile);
  Membership best = Membership::kNone;
  for (const ListMember& m : members_) {
    if (m.account != account || m.profile != profile) continue;
    if (!m.pending) return Membership::kSubscribed;
    best = Membership::kPending;
  }
  return best;
}

void State::put_member(const ListMember& m) {
  std::string key = member_key(m.account, m.list, m.profile);
  auto it = member_index_.find(key);
  if (it != member_index_.end()) {
    members_[it->second] = m;
    return;
  }
  member_index_.emplace(std::move(key), members_.size());
  members_.push_back(m);
}

const ListMember* State::find_member(std::string_view account, std::string_view list,
                                     std::string_view profile) const {
  auto it = member_index_.find(member_key(account, list, profile));
  return it == member_index_.end() ? nullptr : &members_[it->second];
}

Subscription State::subscription(Ref ref) const {
  const Sub& s = subs_[ref - 1];
  Subscription out;
  out.id = s.id;
  out.account = pool_.view(s.account);
  out.email = pool_.view(s.email);
  out.profile = pool_.view(s.profile);
  out.variant = pool_.view(s.variant);
  out.platform = fixtures::kPlatforms[s.platform];
  if (s.store != 0) out.store = std::string(pool_.view(s.store));
  out.created_ms = s.created_ms;
  out.active = s.active;
  out.via = s.via;
  out.channels = s.channels;
  return out;
}

Event State::event(const Evt& e) const {
  const Sub& s = subs_[e.subscription - 1];
  Event out;
  out.id = e.id;
  out.subscription = s.id;
  out.account = pool_.view(s.account);
  out.email = pool_.view(e.email);
  out.profile = pool_.view(s.profile);
  out.variant = pool_.view(s.variant);
  out.platform = fixtures::kPlatforms[s.platform];
  out.time_ms = e.time_ms;
  out.via = e.via;
  return out;
}

Notification State::notification(const Ntf& n) const {
  const Sub& s = subs_[n.subscription - 1];
  Notification out;
  out.id = n.id;
  out.subscription = s.id;
  out.account = pool_.view(s.account);
  out.email = pool_.view(s.email);
  out.profile = pool_.view(s.profile);
  out.variant = pool_.view(s.variant);
  out.batch = n.batch;
  out.sent_ms = n.sent_ms;
  return out;
}

bool State::resolve(const RecordFilter& f, uint32_t& account, uint32_t& variant) const {
  account = variant = 0;
  if (!f.account.empty()) {
    auto a = pool_.find(f.account);
    if (!a) return false;
    account = *a;
  }
  if (!f.variant.empty()) {
    auto v = pool_.find(f.variant);
    if (!v) return false;
    variant = *v;
  }
  return true;
}

bool State::sub_matches(const Sub& s, uint32_t account, uint32_t variant,
                        std::string_view email, std::optional<Via> via) const {
  return (account == 0 || s.account == account) && (variant == 0 || s.variant == variant) &&
         (!via || s.via == *via) && (email.empty() || iequals(pool_.view(s.email), email));
}

std::vector<Subscription> State::active_subscriptions(const RecordFilter& f) const {
  return subscriptions(f, true);
}

std::vector<Subscription> State::all_subscriptions(const RecordFilter& f) const {
  return subscriptions(f, false);
}

std::vector<Subscription> State::subscriptions(const RecordFilter& f, bool active_only) const {
  std::vector<Subscription> out;
  uint32_t account, variant;
  if (!resolve(f, account, variant)) return out;
  for (size_t i = 0; i < subs_.size(); ++i) {
    if ((subs_[i].active || !active_only) &&
        sub_matches(subs_[i], account, variant, f.email, f.via)) {
      out.push_back(subscription(static_cast<Ref>(i + 1)));
    }
  }
  return out;
}

std::vector<Event> State::events(const RecordFilter& f) const {
  std::vector<Event> out;
  uint32_t account, variant;
  if (!resolve(f, account, variant)) return out;
  for (const Evt& e : events_) {
    if (!sub_matches(subs_[e.subscription - 1], account, variant, {})) continue;
    if (f.via && e.via != *f.via) continue;
    if (!f.email.empty() && !iequals(pool_.view(e.email), f.email)) continue;
    out.push_back(event(e));
  }
  return out;
}

std::vector<Notification> State::notifications(const RecordFilter& f) const {
  std::vector<Notification> out;
  uint32_t account, variant;
  if (!resolve(f, account, variant)) return out;
  for (const Ntf& n : notifications_) {
    if (sub_matches(subs_[n.subscription - 1], account, variant, f.email, f.via))
      out.push_back(notification(n));
  }
  return out;
}

namespace {

// Positions of the newest `p.limit` records accepted by `match` whose id is below `p.before`,
// oldest first; counts the matches into `page`. A scan without copies: a page of 100,000
// records costs the page, not the list.
template <class Rec, class Match, class T>
std::vector<size_t> newest(const std::vector<Rec>& records, const PageRequest& p, Match match,
                           Page<T>& page) {
  using Entry = std::pair<uint64_t, size_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;  // the oldest on top
  for (size_t i = 0; i < records.size(); ++i) {
    if (!match(records[i])) continue;
    ++page.total;
    if (p.before != 0 && records[i].id >= p.before) continue;
    ++page.below;
    heap.emplace(records[i].id, i);
    if (p.limit != 0 && heap.size() > p.limit) heap.pop();
  }
  std::vector<size_t> out;
  for (; !heap.empty(); heap.pop()) out.push_back(heap.top().second);
  return out;
}

}  // namespace

Page<Subscription> State::subscription_page(const RecordFilter& f, const PageRequest& p) const {
  Page<Subscription> page;
  uint32_t account, variant;
  if (!resolve(f, account, variant)) return page;
  const auto match = [&](const Sub& s) {
    return s.active && sub_matches(s, account, variant, f.email, f.via);
  };
  for (size_t i : newest(subs_, p, match, page))
    page.items.push_back(subscription(static_cast<Ref>(i + 1)));
  return page;
}

Page<Event> State::event_page(const RecordFilter& f, const PageRequest& p) const {
  Page<Event> page;
  uint32_t account, variant;
  if (!resolve(f, account, variant)) return page;
  const auto match = [&](const Evt& e) {
    return sub_matches(subs_[e.subscription - 1], account, variant, {}) &&
           (!f.via || e.via == *f.via) &&
           (f.email.empty() || iequals(pool_.view(e.email), f.email));
  };
  for (size_t i : newest(events_, p, match, page)) page.items.push_back(event(events_[i]));
  return page;
}

Page<Notification> State::notification_page(const RecordFilter& f, const PageRequest& p) const {
  Page<Notification> page;
  uint32_t account, variant;
  if (!resolve(f, account, variant)) return page;
  const auto match = [&](const Ntf& n) {
    return sub_matches(subs_[n.subscription - 1], account, variant, f.email, f.via);
  };
  for (size_t i : newest(notifications_, p, match, page))
    page.items.push_back(notification(notifications_[i]));
  return page;
}

std::vector<ListMember> State::members(std::string_view account, std::string_view list,
                                       std::string_view email) const {
  std::vector<ListMember> out;
  for (const ListMember& m : members_) {
    if (m.list != list || (!account.empty() && m.account != account)) continue;
    if (!email.empty() && !(m.email && iequals(*m.email, email))) continue;
    out.push_back(m);
  }
  return out;
}

size_t State::memory_bytes() const {
  return pool_.memory_bytes() + subs_.capacity() * sizeof(Sub) + events_.capacity() * sizeof(Evt) +
         notifications_.capacity() * sizeof(Ntf) + latest_.memory_bytes() +
         members_.capacity() * sizeof(ListMember);
}

void State::clear() {
  pool_.clear();
  subs_ = {};
  events_ = {};
  notifications_ = {};
  latest_.clear();
  active_count_ = 0;
  members_.clear();
  member_index_.clear();
}

}  // namespace bis::mock
