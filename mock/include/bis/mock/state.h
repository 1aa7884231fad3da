#pragma once
// One shard of the mock's live state in compact form: subscriptions (active and cleared),
// events, notifications and list members. Strings are interned; a subscription takes 40
// bytes, an event or a notification 24, plus the index that finds the newest subscription of
// an (account, profile, variant). It holds no rules: Service decides what to record.
//
// Records carry the ids Service gives them (unique across shards, growing with time); inside
// a shard they are addressed by a Ref, their 1-based position, valid until clear().
// Not thread-safe: the owner serializes access.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bis/mock/records.h"
#include "bis/mock/string_pool.h"

namespace bis::mock {

// Where a subscription came from and what it asked for (records.h).
struct RecordOrigin {
  Via via = Via::kLegacy;
  uint8_t channels = channel::kEmail;
};

class State {
 public:
  using Ref = uint32_t;  // a subscription's position in this shard; 0 = none

  // A subscription key as pool ids. key() interns its parts (cheap when they are known).
  struct Key {
    uint32_t account = 0, profile = 0, variant = 0;
  };
  Key key(std::string_view account, std::string_view profile, std::string_view variant);

  // The newest subscription with this key, active or cleared; 0 if none was ever made.
  Ref latest(const Key& key) const;
  bool is_active(Ref ref) const { return subs_[ref - 1].active; }
  uint64_t id_of(Ref ref) const { return subs_[ref - 1].id; }
  int64_t created_ms(Ref ref) const { return subs_[ref - 1].created_ms; }

  // Slow scans for the state-rule defects that widen or narrow a rule's key (StateRules);
  // the API's rules use the index above.
  // The newest active subscription of the key's profile whose account and variant `match`.
  enum class Match : uint8_t { kAnyVariant, kAnyAccount, kVariantPrefix };
  Ref latest_active_like(const Key& key, Match match) const;
  // Active subscriptions of the subscription's profile on its account (itself included).
  std::vector<Ref> active_of_profile(Ref ref) const;
  size_t active_count_of_profile(std::string_view account, std::string_view profile) const;
  // Whether an older subscription of the same account, profile and variant exists.
  bool renews(Ref ref) const;
  // The subscription's profile's membership in the lists of its account: the best of them.
  enum class Membership : uint8_t { kNone, kPending, kSubscribed };
  Membership membership(Ref ref) const;

  using Origin = RecordOrigin;
  // Adds an active subscription; it becomes the newest for its key.
  Ref add_subscription(const Key& key, uint64_t id, std::string_view email,
                       std::string_view platform, std::optional<std::string_view> store,
                       int64_t created_ms, Origin origin = Origin());
  Ref add_subscription(const Subscription& s);  // from a store; keeps s.active
  void add_event(Ref subscription, uint64_t id, std::string_view email, int64_t time_ms,
                 Via via = Via::kLegacy);
  void set_active(Ref ref, bool active);
  void add_notification(Ref subscription, uint64_t id, int64_t batch, int64_t sent_ms);
  // Keeps the first `count` notifications: undoes a batch the store refused.
  void truncate_notifications(size_t count);

  // Active subscriptions of a variant, oldest first.
  std::vector<Ref> active_for(std::string_view account, std::string_view variant,
                              bool with_cleared = false) const;

  // Adds or replaces the member with the same (account, list, profile).
  void put_member(const ListMember& m);
  const ListMember* find_member(std::string_view account, std::string_view list,
                                std::string_view profile) const;

  Subscription subscription(Ref ref) const;

  // Records matching `f`, in the order they were made.
  std::vector<Subscription> active_subscriptions(const RecordFilter& f) const;
  std::vector<Subscription> all_subscriptions(const RecordFilter& f) const;
  std::vector<Event> events(const RecordFilter& f) const;
  std::vector<Notification> notifications(const RecordFilter& f) const;
  // The page `p` of the same lists (active subscriptions only): only the page is copied out.
  Page<Subscription> subscription_page(const RecordFilter& f, const PageRequest& p) const;
  Page<Event> event_page(const RecordFilter& f, const PageRequest& p) const;
  Page<Notification> notification_page(const RecordFilter& f, const PageRequest& p) const;
  // Members of `list` (any account if `account` is empty), optionally one email's.
  std::vector<ListMember> members(std::string_view account, std::string_view list,
                                  std::string_view email) const;

  size_t subscription_count() const { return subs_.size(); }
  size_t active_count() const { return active_count_; }
  size_t event_count() const { return events_.size(); }
  size_t notification_count() const { return notifications_.size(); }
  size_t member_count() const { return members_.size(); }
  // Bytes held by the containers (capacity, not just size).
  size_t memory_bytes() const;

  void clear();

 private:
  struct Sub {
    int64_t created_ms;
    uint32_t id, account, email, profile, variant, store;
    uint8_t platform;
    bool active;
    Via via;
    uint8_t channels;
  };
  struct Evt {
    int64_t time_ms;
    uint32_t id, subscription, email;
    Via via;
  };
  struct Ntf {
    int64_t sent_ms;
    uint32_t id, subscription, batch;
  };
  static_assert(sizeof(Sub) == 40 && sizeof(Evt) == 24 && sizeof(Ntf) == 24);

  size_t key_hash(const Sub& s) const { return mix_ids(s.account, s.profile, s.variant); }
  // Pool ids of the filter's account and variant; false if the pool never saw one (no match).
  bool resolve(const RecordFilter& f, uint32_t& account, uint32_t& variant) const;
  bool sub_matches(const Sub& s, uint32_t account, uint32_t variant, std::string_view email,
                   std::optional<Via> via = std::nullopt) const;
  std::vector<Subscription> subscriptions(const RecordFilter& f, bool active_only) const;
  Event event(const Evt& e) const;
  Notification notification(const Ntf& n) const;

  StringPool pool_;
  std::vector<Sub> subs_;
  std::vector<Evt> events_;
  std::vector<Ntf> notifications_;
  IdIndex latest_;  // refs by (account, profile, variant): the newest one
  size_t active_count_ = 0;
  std::vector<ListMember> members_;
  std::unordered_map<std::string, size_t> member_index_;
};

}  // namespace bis::mock
