#pragma once
// The control protocol shared by every target (docs/control-protocol.md): route paths,
// capability names and the metric name. The mock serves it; the runner speaks it over HTTP.
#include <algorithm>
#include <array>
#include <string_view>

namespace bis::protocol {

inline constexpr std::string_view kVersion = "1";
inline constexpr std::string_view kAdminPrefix = "/__admin";
inline constexpr std::string_view kAdminTokenHeader = "X-Admin-Token";

inline constexpr std::string_view kSubscribePath = "/api/v1/catalog/subscribe";
inline constexpr std::string_view kOnsiteSubscribePath = "/onsite/components/back-in-stock/subscribe";
// {list} is the list ID.
inline constexpr std::string_view kListSubscribePath = "/api/v2/list/{list}/subscribe";

// The modern JSON:API endpoints (docs/spec/modern-endpoints.md), also served with a trailing
// slash.
inline constexpr std::string_view kClientBisPath = "/client/back-in-stock-subscriptions";
inline constexpr std::string_view kServerBisPath = "/api/back-in-stock-subscriptions";
inline constexpr std::string_view kClientListPath = "/client/subscriptions";

inline constexpr std::string_view kSubscribedMetric = "Subscribed to Back in Stock";

// What a target offers; GET /__admin/health lists them, scenarios name the ones they need.
namespace capability {
inline constexpr std::string_view kSubscribe = "subscribe";              // legacy subscribe endpoint
inline constexpr std::string_view kOnsiteEndpoint = "onsite-endpoint";   // the /onsite/... path
inline constexpr std::string_view kMultipart = "multipart";              // multipart/form-data bodies
inline constexpr std::string_view kListApi = "list-api";                 // POST /api/v2/list/{id}/subscribe
inline constexpr std::string_view kCors = "cors";                        // CORS preflight and headers
inline constexpr std::string_view kReset = "reset";                      // POST /__admin/reset
inline constexpr std::string_view kFixtures = "fixtures";                // GET /__admin/fixtures
inline constexpr std::string_view kInventory = "inventory";              // PUT .../variants/{id}
inline constexpr std::string_view kCatalog = "catalog";                  // that PUT may create variants
inline constexpr std::string_view kFlow = "flow";                        // PUT .../flow
inline constexpr std::string_view kSubscriptions = "subscriptions";      // GET /__admin/subscriptions
inline constexpr std::string_view kEvents = "events";                    // GET /__admin/events
inline constexpr std::string_view kNotifications = "notifications";      // GET /__admin/notifications
inline constexpr std::string_view kListMembers = "list-members";         // GET /__admin/lists/{id}/members
inline constexpr std::string_view kRequests = "requests";                // GET/DELETE /__admin/requests
inline constexpr std::string_view kSettle = "settle";                    // POST /__admin/settle
inline constexpr std::string_view kFaults = "faults";                    // /__admin/faults (fault injection)
inline constexpr std::string_view kClock = "clock";                      // GET/PUT /__admin/clock
inline constexpr std::string_view kModernEndpoints = "modern-endpoints";  // client + server BIS
inline constexpr std::string_view kModernList = "modern-list";            // POST /client/subscriptions

inline constexpr std::array<std::string_view, 20> kAll = {
    kSubscribe, kOnsiteEndpoint, kMultipart,    kListApi, kCors,
    kReset,     kFixtures,       kInventory,    kCatalog, kFlow,
    kSubscriptions, kEvents,     kNotifications, kListMembers, kRequests, kSettle,
    kFaults, kClock, kModernEndpoints, kModernList};
inline bool known(std::string_view name) {
  return std::find(kAll.begin(), kAll.end(), name) != kAll.end();
}
}  // namespace capability

}  // namespace bis::protocol
