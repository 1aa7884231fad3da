#include "bis/mock/records.h"

#include "bis/common/protocol.h"
#include "bis/mock/clock.h"

namespace bis::mock {

using nlohmann::json;

std::string subscription_id(uint64_t id) { return "sub-" + std::to_string(id); }
std::string event_id(uint64_t id) { return "evt-" + std::to_string(id); }
std::string notification_id(uint64_t id) { return "ntf-" + std::to_string(id); }

json to_json(const Subscription& s) {
  return json{{"id", subscription_id(s.id)},
              {"account", s.account},
              {"email", s.email},
              {"profile", s.profile},
              {"variant", s.variant},
              {"platform", s.platform},
              {"store", s.store ? json(*s.store) : json(nullptr)},
              {"created_at", format_time(s.created_ms)}};
}

json to_json(const Event& e) {
  return json{{"id", event_id(e.id)},          {"metric", std::string(e.metric)},
              {"account", e.account},          {"email", e.email},
              {"profile", e.profile},          {"variant", e.variant},
              {"platform", e.platform},        {"subscription", subscription_id(e.subscription)},
              {"time", format_time(e.time_ms)}};
}

json to_json(const Notification& n) {
  return json{{"id", notification_id(n.id)},
              {"account", n.account},
              {"email", n.email},
              {"profile", n.profile},
              {"variant", n.variant},
              {"subscription", subscription_id(n.subscription)},
              {"channel", "email"},
              {"batch", n.batch},
              {"sent_at", format_time(n.sent_ms)}};
}

json to_json(const ListMember& m) {
  return json{{"list", m.list},
              {"account", m.account},
              {"email", m.email ? json(*m.email) : json(nullptr)},
              {"phone_number", m.phone_number ? json(*m.phone_number) : json(nullptr)},
              {"status", m.pending ? "pending" : "subscribed"},
              {"created_at", format_time(m.created_ms)}};
}

}  // namespace bis::mock
