#include "bis/mock/records.h"

#include "bis/common/protocol.h"
#include "bis/mock/clock.h"

namespace bis::mock {

using nlohmann::json;

std::string subscription_id(uint64_t id) { return "sub-" + std::to_string(id); }
std::string event_id(uint64_t id) { return "evt-" + std::to_string(id); }
std::string notification_id(uint64_t id) { return "ntf-" + std::to_string(id); }

std::string_view to_string(Via via) {
  switch (via) {
    case Via::kLegacy:
      return "legacy";
    case Via::kOnsite:
      return "onsite";
    case Via::kClient:
      return "client";
    case Via::kServer:
      return "server";
  }
  return "legacy";
}

std::optional<Via> via_from_string(std::string_view name) {
  for (Via v : {Via::kLegacy, Via::kOnsite, Via::kClient, Via::kServer}) {
    if (to_string(v) == name) return v;
  }
  return std::nullopt;
}

std::optional<Via> via_of_path(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == protocol::kSubscribePath) return Via::kLegacy;
  if (path == protocol::kOnsiteSubscribePath) return Via::kOnsite;
  if (path == protocol::kClientBisPath || path == protocol::kClientListPath) return Via::kClient;
  if (path == protocol::kServerBisPath) return Via::kServer;
  if (path.starts_with("/api/v2/list/") && path.ends_with("/subscribe")) return Via::kLegacy;
  return std::nullopt;
}

namespace {
constexpr std::pair<std::string_view, uint8_t> kChannels[] = {{"EMAIL", channel::kEmail},
                                                              {"PUSH", channel::kPush},
                                                              {"SMS", channel::kSms},
                                                              {"WHATSAPP", channel::kWhatsapp}};
}  // namespace

uint8_t channel_bit(std::string_view name) {
  for (const auto& [n, bit] : kChannels) {
    if (n == name) return bit;
  }
  return 0;
}

json channels_json(uint8_t channels) {
  json out = json::array();
  for (const auto& [n, bit] : kChannels) {
    if (channels & bit) out.push_back(n);
  }
  return out;
}

json to_json(const Subscription& s) {
  return json{{"id", subscription_id(s.id)},
              {"account", s.account},
              {"email", s.email},
              {"profile", s.profile},
              {"variant", s.variant},
              {"platform", s.platform},
              {"store", s.store ? json(*s.store) : json(nullptr)},
              {"via", to_string(s.via)},
              {"channels", channels_json(s.channels)},
              {"created_at", format_time(s.created_ms)}};
}

json to_json(const Event& e) {
  return json{{"id", event_id(e.id)},          {"metric", std::string(e.metric)},
              {"account", e.account},          {"email", e.email},
              {"profile", e.profile},          {"variant", e.variant},
              {"platform", e.platform},        {"subscription", subscription_id(e.subscription)},
              {"via", to_string(e.via)},       {"time", format_time(e.time_ms)}};
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
