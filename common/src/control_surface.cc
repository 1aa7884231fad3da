#include "bis/common/control_surface.h"

#include <algorithm>
#include <array>

#include "bis/common/protocol.h"

namespace bis::protocol {
namespace {

namespace cap = capability;

constexpr std::array kRoutes = {
    Route{.name = "health", .kind = RouteKind::kAction, .method = "GET", .path = "/health",
          .capability = "", .in_commands = true},
    Route{.name = "fixtures", .kind = RouteKind::kAction, .method = "GET", .path = "/fixtures",
          .capability = cap::kFixtures, .needed_for_capability = true},
    Route{.name = "replace_fixtures", .kind = RouteKind::kMockOnly, .method = "PUT",
          .path = "/fixtures", .capability = cap::kFixtures, .body = Body::kFixtures},
    Route{.name = "settle", .kind = RouteKind::kAction, .method = "POST", .path = "/settle",
          .capability = cap::kSettle, .body = Body::kSettle, .in_commands = true,
          .needed_for_capability = true},
    Route{.name = "reset", .kind = RouteKind::kAction, .method = "POST", .path = "/reset",
          .capability = cap::kReset, .in_steps = true, .in_commands = true,
          .shared_state = true, .needed_for_capability = true},
    Route{.name = "get_inventory", .kind = RouteKind::kAction, .method = "GET",
          .path = "/accounts/{account}/variants/{variant}", .capability = cap::kInventory,
          .args = "account variant", .required = "variant", .in_steps = true,
          .in_commands = true, .default_account = true},
    Route{.name = "set_inventory", .kind = RouteKind::kAction, .method = "PUT",
          .path = "/accounts/{account}/variants/{variant}", .capability = cap::kInventory,
          .args = "account variant inventory", .required = "variant inventory",
          .body = Body::kInventory, .in_steps = true, .in_commands = true,
          .default_account = true, .needed_for_capability = true},
    Route{.name = "get_flow", .kind = RouteKind::kAction, .method = "GET",
          .path = "/accounts/{account}/flow", .capability = cap::kFlow, .args = "account",
          .in_steps = true, .in_commands = true, .default_account = true},
    Route{.name = "set_flow", .kind = RouteKind::kAction, .method = "PUT",
          .path = "/accounts/{account}/flow", .capability = cap::kFlow, .args = "account flow",
          .body = Body::kFlow, .in_steps = true, .in_commands = true, .default_account = true,
          .shared_state = true, .needed_for_capability = true},
    Route{.name = "remove_flow", .kind = RouteKind::kAction, .method = "PUT",
          .path = "/accounts/{account}/flow", .capability = cap::kFlow, .args = "account",
          .body = Body::kNull, .in_steps = true, .in_commands = true, .default_account = true,
          .shared_state = true, .needed_for_capability = true},
    Route{.name = "delete_flow", .kind = RouteKind::kMockOnly, .method = "DELETE",
          .path = "/accounts/{account}/flow", .capability = cap::kFlow},
    Route{.name = "subscriptions", .kind = RouteKind::kObservation, .method = "GET",
          .path = "/subscriptions", .capability = cap::kSubscriptions,
          .args = "account email variant", .in_steps = true, .in_commands = true,
          .needed_for_capability = true},
    Route{.name = "events", .kind = RouteKind::kObservation, .method = "GET", .path = "/events",
          .capability = cap::kEvents, .args = "account email variant", .in_steps = true,
          .in_commands = true, .needed_for_capability = true},
    Route{.name = "notifications", .kind = RouteKind::kObservation, .method = "GET",
          .path = "/notifications", .capability = cap::kNotifications,
          .args = "account email variant", .in_steps = true, .in_commands = true,
          .needed_for_capability = true},
    Route{.name = "list_members", .kind = RouteKind::kObservation, .method = "GET",
          .path = "/lists/{list}/members", .capability = cap::kListMembers,
          .args = "list account email", .required = "list", .in_steps = true,
          .in_commands = true, .needed_for_capability = true},
    Route{.name = "requests", .kind = RouteKind::kObservation, .method = "GET",
          .path = "/requests", .capability = cap::kRequests,
          .args = "account email variant path limit", .in_steps = true, .in_commands = true,
          .needed_for_capability = true},
    Route{.name = "clear_requests", .kind = RouteKind::kAction, .method = "DELETE",
          .path = "/requests", .capability = cap::kRequests, .in_steps = true,
          .in_commands = true, .shared_state = true},
    Route{.name = "faults", .kind = RouteKind::kMockOnly, .method = "GET", .path = "/faults",
          .capability = cap::kFaults},
    Route{.name = "add_fault", .kind = RouteKind::kMockOnly, .method = "POST", .path = "/faults",
          .capability = cap::kFaults},
    Route{.name = "clear_faults", .kind = RouteKind::kMockOnly, .method = "DELETE",
          .path = "/faults", .capability = cap::kFaults},
    Route{.name = "remove_fault", .kind = RouteKind::kMockOnly, .method = "DELETE",
          .path = "/faults/{id}", .capability = cap::kFaults, .args = "id", .required = "id"},
    Route{.name = "get_clock", .kind = RouteKind::kAction, .method = "GET", .path = "/clock",
          .capability = cap::kClock, .in_steps = true, .in_commands = true},
    Route{.name = "advance_clock", .kind = RouteKind::kAction, .method = "PUT",
          .path = "/clock", .capability = cap::kClock, .args = "by", .required = "by",
          .body = Body::kClock, .in_steps = true, .in_commands = true, .shared_state = true,
          .needed_for_capability = true},
    Route{.name = "subscribe", .kind = RouteKind::kEndpoint, .method = "POST",
          .path = kSubscribePath, .capability = cap::kSubscribe, .in_steps = true},
    Route{.name = "onsite_subscribe", .kind = RouteKind::kEndpoint, .method = "POST",
          .path = kOnsiteSubscribePath, .capability = cap::kOnsiteEndpoint, .in_steps = true},
    Route{.name = "list_subscribe", .kind = RouteKind::kEndpoint, .method = "POST",
          .path = kListSubscribePath, .capability = cap::kListApi, .args = "list",
          .required = "list", .in_steps = true},
    // The modern JSON:API endpoints (docs/spec/modern-endpoints.md); company_id goes in
    // `query:`, the revision and the Authorization header in `headers:`.
    Route{.name = "client_bis_subscribe", .kind = RouteKind::kEndpoint, .method = "POST",
          .path = kClientBisPath, .capability = cap::kModernEndpoints, .in_steps = true},
    Route{.name = "server_bis_subscribe", .kind = RouteKind::kEndpoint, .method = "POST",
          .path = kServerBisPath, .capability = cap::kModernEndpoints, .in_steps = true},
    Route{.name = "client_list_subscribe", .kind = RouteKind::kEndpoint, .method = "POST",
          .path = kClientListPath, .capability = cap::kModernList, .in_steps = true},
};

}  // namespace

std::span<const Route> routes() { return kRoutes; }

const Route* find_route(std::string_view name, std::initializer_list<RouteKind> kinds) {
  for (const Route& r : kRoutes) {
    if (r.name != name) continue;
    for (RouteKind k : kinds) {
      if (r.kind == k) return &r;
    }
  }
  return nullptr;
}

std::vector<std::string> route_names(RouteKind kind, bool (*keep)(const Route&)) {
  std::vector<std::string> out;
  for (const Route& r : kRoutes) {
    if (r.kind == kind && (!keep || keep(r))) out.emplace_back(r.name);
  }
  return out;
}

std::vector<std::string_view> words(std::string_view list) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < list.size()) {
    const size_t end = std::min(list.find(' ', pos), list.size());
    if (end > pos) out.push_back(list.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool has_word(std::string_view list, std::string_view word) {
  for (std::string_view w : words(list)) {
    if (w == word) return true;
  }
  return false;
}

std::string path_arg(const PathArgs& args, std::string_view name) {
  for (const auto& [k, v] : args) {
    if (k == name) return v;
  }
  return "";
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    const size_t end = std::min(path.find('/', pos), path.size());
    out.push_back(path.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

bool match_path(std::string_view pattern, const std::vector<std::string>& segments,
                PathArgs& args) {
  const std::vector<std::string_view> want = split_path(pattern);
  if (want.size() != segments.size()) return false;
  PathArgs found;
  for (size_t i = 0; i < want.size(); ++i) {
    const std::string_view w = want[i];
    if (w.size() > 2 && w.front() == '{' && w.back() == '}') {
      found.emplace_back(std::string(w.substr(1, w.size() - 2)), segments[i]);
    } else if (w != segments[i]) {
      return false;
    }
  }
  args = std::move(found);
  return true;
}

std::string expand_path(std::string_view pattern, const PathArgs& args) {
  std::string out;
  size_t pos = 0;
  while (pos < pattern.size()) {
    const size_t open = pattern.find('{', pos);
    const size_t close = open == std::string_view::npos ? open : pattern.find('}', open);
    if (close == std::string_view::npos) {
      out += pattern.substr(pos);
      break;
    }
    out += pattern.substr(pos, open - pos);
    out += encode_segment(path_arg(args, pattern.substr(open + 1, close - open - 1)));
    pos = close + 1;
  }
  return out;
}

std::string encode_segment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace bis::protocol
