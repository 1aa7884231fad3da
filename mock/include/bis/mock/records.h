#pragma once
// The records the mock keeps, as the control protocol serves them (docs/control-protocol.md):
// subscriptions, "Subscribed to Back in Stock" events, notifications (the outbox) and list
// members. Plain values; the compact in-memory form lives in State.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/protocol.h"

namespace bis::mock {

// The path a record was made through (docs/control-protocol.md, "via"): the legacy subscribe
// path, its onsite twin, or the modern client or server JSON:API endpoint.
enum class Via : uint8_t { kLegacy, kOnsite, kClient, kServer };
std::string_view to_string(Via via);
std::optional<Via> via_from_string(std::string_view name);
// The path a request to `path` comes through: the legacy subscribe path and the List API v2
// are "legacy"; nullopt for paths that are no API endpoint.
std::optional<Via> via_of_path(std::string_view path);

// The channels a subscription asked for (docs/spec/modern-endpoints.md section 6), as bits.
// The legacy path subscribes by email only.
namespace channel {
inline constexpr uint8_t kEmail = 1, kPush = 2, kSms = 4, kWhatsapp = 8;
}
// "EMAIL", "PUSH", "SMS", "WHATSAPP" -> its bit; 0 if unknown.
uint8_t channel_bit(std::string_view name);
nlohmann::json channels_json(uint8_t channels);

struct Subscription {
  uint64_t id = 0;
  std::string account;
  std::string email;    // as the client sent it
  std::string profile;  // the profile it belongs to (email in ASCII lower case)
  std::string variant;
  std::string platform;
  std::optional<std::string> store;
  int64_t created_ms = 0;
  bool active = true;
  Via via = Via::kLegacy;
  uint8_t channels = channel::kEmail;
};

struct Event {
  uint64_t id = 0;
  uint64_t subscription = 0;
  std::string account;
  std::string email;
  std::string profile;
  std::string variant;
  std::string platform;
  int64_t time_ms = 0;
  std::string_view metric = protocol::kSubscribedMetric;  // a static string
  Via via = Via::kLegacy;  // the path of the request that recorded it
};

struct Notification {
  uint64_t id = 0;
  uint64_t subscription = 0;
  std::string account;
  std::string email;
  std::string profile;
  std::string variant;
  int64_t batch = 1;  // 1-based batch of the restock that sent it
  int64_t sent_ms = 0;
};

struct ListMember {
  std::string list;
  std::string account;
  std::string profile;  // identity on the list: lower-cased email, else the phone number
  std::optional<std::string> email;
  std::optional<std::string> phone_number;
  bool pending = true;  // double opt-in: waiting for confirmation
  int64_t created_ms = 0;
};

// Filters of the observation routes. Empty = no filter. `email` matches case-insensitively.
struct RecordFilter {
  std::string account;
  std::string email;
  std::string variant;
  std::optional<Via> via = std::nullopt;  // a notification is its subscription's
};

// A page of a record list (the dashboard's views of 100,000 records): the newest `limit`
// matches (0: all) whose id is below `before` (0: any).
struct PageRequest {
  size_t limit = 0;
  uint64_t before = 0;
  bool paged() const { return limit > 0 || before > 0; }
};
template <class T>
struct Page {
  std::vector<T> items;  // oldest first
  size_t total = 0;      // the matches, whatever `before`
  size_t below = 0;      // the matches below `before`, the items among them
};

std::string subscription_id(uint64_t id);  // "sub-17"
std::string event_id(uint64_t id);         // "evt-17"
std::string notification_id(uint64_t id);  // "ntf-3"

nlohmann::json to_json(const Subscription& s);
nlohmann::json to_json(const Event& e);
nlohmann::json to_json(const Notification& n);
nlohmann::json to_json(const ListMember& m);

}  // namespace bis::mock
