#include "admin_routes.h"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <span>
#include <thread>

#include "bis/common/control_surface.h"
#include "bis/common/form.h"
#include "bis/common/protocol.h"
#include "bis/common/text.h"
#include "bis/mock/fixtures_loader.h"
#include "bis/mock/printable.h"
#include "clock_request.h"
#include "dashboard.h"

#ifndef BIS_VERSION
#define BIS_VERSION "0.0.0"
#endif

namespace bis::mock::http {
namespace {

using nlohmann::json;

// Text that came from a client may not be valid UTF-8: the dump replaces such bytes.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void error(Exchange& x, int status, std::string message) {
  x.outcome = "error";
  x.reason = message;
  set_json(x.res, status, dump(json{{"error", std::move(message)}}));
}

void answer(Exchange& x, const json& j, int status = 200) { set_json(x.res, status, dump(j)); }

void method_not_allowed(Exchange& x, std::string_view allow) {
  x.res.set_header("Allow", std::string(allow));
  error(x, 405,
        "method " + x.req.method + " is not allowed on " + x.req.path +
            "; allowed: " + std::string(allow));
}

// Path segments after /__admin, each percent-decoded (so a variant ID may contain '/').
Expected<std::vector<std::string>, std::string> segments(const httplib::Request& req) {
  std::string_view target = req.target;
  target = target.substr(0, target.find('?'));
  target.remove_prefix(std::min(target.size(), protocol::kAdminPrefix.size()));
  std::vector<std::string> out;
  for (std::string_view segment : protocol::split_path(target)) {
    auto decoded = form::percent_decode(segment, false);
    if (!decoded) return Unexpected{"path: " + decoded.error()};
    if (!is_valid_utf8(*decoded))
      return Unexpected{std::string("path: a segment is not valid UTF-8")};
    out.push_back(std::move(*decoded));
  }
  return out;
}

std::string param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string();
}

// The query parameters of the filterable observation routes.
constexpr std::string_view kRecordFilters[] = {"account", "email", "variant", "via", "limit", "before"};
constexpr std::string_view kMemberFilters[] = {"account", "email"};
constexpr std::string_view kRequestFilters[] = {"path",    "method",  "account", "email",
                                                "variant", "via",     "outcome", "limit",
                                                "before",  "after",   "wait_ms"};

// A long poll of the journal waits at most this long (a client asks again).
constexpr uint64_t kMaxWaitMs = 30000;

// A count the caller wrote in the query: digits only (strtoull alone takes "+1", " 1").
bool count_param(const httplib::Request& req, const char* name, uint64_t& out) {
  const std::string text = req.has_param(name) ? req.get_param_value(name) : std::string();
  if (text.empty()) return true;
  if (text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::strtoull(text.c_str(), nullptr, 10);
  return true;
}

// The link to the page older than this one: the same query with before=<cursor>.
std::string next_link(const httplib::Request& req, uint64_t before) {
  std::string query;
  for (const auto& [name, value] : req.params) {
    if (name == "before" || name == "wait_ms") continue;
    query += form::url_encode(name) + "=" + form::url_encode(value) + "&";
  }
  return req.path + "?" + query + "before=" + std::to_string(before);
}

// An unknown filter (a typo, or one another tool has) would be ignored and the caller would
// take everything for the filtered answer: it is refused, naming the filters the route knows.
bool known_filters(const httplib::Request& req, std::span<const std::string_view> known,
                   std::string& why) {
  for (const auto& [name, value] : req.params) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    why = "unknown filter '" + printable(name) + "' on " + req.path + did_you_mean(name, known) +
          " (known: " + list + ")";
    return false;
  }
  return true;
}

RecordFilter record_filter(const httplib::Request& req) {
  RecordFilter f{param(req, "account"), param(req, "email"), param(req, "variant")};
  f.via = via_from_string(param(req, "via"));
  return f;
}

// The `via` filter names a path (records.h); anything else would match nothing and look like
// an empty answer, so it is refused.
bool known_via(const httplib::Request& req, std::string& why) {
  if (!req.has_param("via") || via_from_string(req.get_param_value("via"))) return true;
  why = "unknown via '" + printable(req.get_param_value("via")) +
        "' (known: legacy, onsite, client, server)";
  return false;
}

// Byte for byte, as received (no decoding), in a time that depends on the token's length
// only: neither where a guess goes wrong nor the guess's length shows in it.
bool constant_time_equals(std::string_view given, std::string_view token) {
  unsigned char diff = given.size() != token.size() ? 1 : 0;
  for (size_t i = 0; i < token.size(); ++i) {
    const char g = i < given.size() ? given[i] : '\0';
    diff |= static_cast<unsigned char>(g ^ token[i]);
  }
  return diff == 0;
}

}  // namespace

bool is_loopback(std::string_view address) {
  std::string a(address);
  in_addr v4{};
  if (inet_pton(AF_INET, a.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, a.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

bool AdminRoutes::authorized(Exchange& x) const {
  if (options_.admin_token.empty()) {
    if (is_loopback(x.req.remote_addr)) return true;
    error(x, 403,
          "the control surface answers only loopback clients (start bis-mock with --admin-token to "
          "open it)");
    return false;
  }
  const std::string& token = options_.admin_token;
  const std::string header =
      x.req.get_header_value(std::string(protocol::kAdminTokenHeader).c_str());
  const std::string bearer = x.req.get_header_value("Authorization");
  if (constant_time_equals(header, token) ||
      (bearer.rfind("Bearer ", 0) == 0 &&
       constant_time_equals(std::string_view(bearer).substr(7), token))) {
    return true;
  }
  x.res.set_header("WWW-Authenticate", "Bearer");
  error(x, 401, "admin token missing or wrong (X-Admin-Token: T or Authorization: Bearer T)");
  return false;
}

void AdminRoutes::handle(Exchange& x) {
  if (is_dashboard_path(x.req.path)) {
    // The page's files hold no state, and a browser's navigation cannot send the token's
    // header: with a token they are served without it (the page sends it with every call it
    // makes); without one, only loopback clients get them, as every admin route.
    if (options_.admin_token.empty() && !authorized(x)) return;
    return serve_dashboard(x);
  }
  if (!authorized(x)) return;
  auto parts = segments(x.req);
  if (!parts) return error(x, 400, parts.error());
  // The routes are the rows of the control-surface table; a path that matches a row under
  // another method is a 405 naming the methods it has.
  std::string allowed;
  for (const protocol::Route& r : protocol::routes()) {
    protocol::PathArgs args;
    if (r.kind == protocol::RouteKind::kEndpoint || !protocol::match_path(r.path, *parts, args))
      continue;
    if (r.method == x.req.method) {
      if (!dispatch(x, r, args))
        error(x, 500, "control route " + std::string(r.name) + " has no handler in bis-mock");
      return;
    }
    if (allowed.find(r.method) == std::string::npos)
      allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
  }
  if (!allowed.empty()) return method_not_allowed(x, allowed);
  error(x, 404,
        "no control route " + x.req.method + " " + x.req.path + " (see docs/control-protocol.md)");
}

bool AdminRoutes::dispatch(Exchange& x, const protocol::Route& route,
                           const protocol::PathArgs& args) {
  const std::string_view n = route.name;
  const std::string account = protocol::path_arg(args, "account");
  if (n == "health") {
    health(x);
  } else if (n == "reset") {
    reset(x);
  } else if (n == "settle") {
    settle(x);
  } else if (n == "get_clock" || n == "advance_clock") {
    clock(x);
  } else if (n == "fixtures") {
    get_fixtures(x);
  } else if (n == "replace_fixtures") {
    put_fixtures(x);
  } else if (n == "get_flow" || n == "set_flow" || n == "remove_flow" || n == "delete_flow") {
    flow(x, account);
  } else if (n == "get_inventory" || n == "set_inventory") {
    variant(x, account, protocol::path_arg(args, "variant"));
  } else if (n == "subscriptions" || n == "events" || n == "notifications") {
    records(x, n);
  } else if (n == "list_members") {
    members(x, protocol::path_arg(args, "list"));
  } else if (n == "requests" || n == "clear_requests") {
    requests(x);
  } else if (n == "faults" || n == "add_fault" || n == "clear_faults" || n == "remove_fault") {
    fault_route(x, faults_, n, protocol::path_arg(args, "id"));
  } else {
    return false;
  }
  return true;
}

void AdminRoutes::health(Exchange& x) {
  json capabilities = json::array();
  for (std::string_view c : protocol::capability::kAll) capabilities.push_back(c);
  const ServiceStats s = service_.stats();
  const int64_t now = service_.clock().now_ms();
  answer(x, json{{"status", "ok"},
                 {"protocol", std::string(protocol::kVersion)},
                 {"implementation", std::string("bis-mock ") + BIS_VERSION},
                 {"capabilities", std::move(capabilities)},
                 {"defects", service_.defects().names()},
                 {"variations", service_.variations().names()},
                 {"pending", view_.pending(now, now)},
                 // Records are visible once their answer leaves: a client's absence check
                 // needs no settle call first (docs/control-protocol.md).
                 {"synchronous", !view_.async()},
                 {"state", service_.store_description()},
                 {"counts",
                  {{"subscriptions", s.subscriptions},
                   {"events", s.events},
                   {"notifications", s.notifications},
                   {"list_members", s.members},
                   {"pending_batches", s.pending_batches},
                   {"requests", journal_.size()}}}});
}

void AdminRoutes::reset(Exchange& x) {
  if (auto s = service_.reset(); !s) return error(x, 500, s.error());
  if (on_reset_) on_reset_();
  answer(x, json{{"reset", true}});
}

void AdminRoutes::get_fixtures(Exchange& x) { answer(x, fixtures::to_json(service_.fixtures())); }

void AdminRoutes::put_fixtures(Exchange& x) {
  if (read_body(x, kMaxAdminBody) != BodyStatus::kOk)
    return error(x, 413, "fixtures body too large or unreadable");
  auto loaded = load_fixtures(x.body, "<request body>");
  if (!loaded) return error(x, 400, loaded.error().to_string());
  const size_t accounts = loaded->accounts.size();
  if (auto s = service_.replace_fixtures(std::move(*loaded)); !s) return error(x, 500, s.error());
  if (on_fixtures_changed_) on_fixtures_changed_();
  if (on_reset_) on_reset_();
  answer(x, json{{"accounts", accounts}});
}

void AdminRoutes::flow(Exchange& x, const std::string& account) {
  if (x.req.method == "GET") {
    const fixtures::Fixtures f = service_.fixtures();
    const fixtures::Account* a = f.find_account(account);
    if (!a) return error(x, 404, "no account with key '" + account + "'");
    return answer(x, json{{"account", account},
                          {"flow", a->flow ? fixtures::to_json(*a->flow) : json(nullptr)}});
  }
  std::optional<fixtures::Flow> flow;
  if (x.req.method == "PUT") {
    if (read_body(x, kMaxAdminBody) != BodyStatus::kOk)
      return error(x, 413, "body too large or unreadable");
    const json j = json::parse(x.body, nullptr, false);
    if (j.is_discarded()) return error(x, 400, "body is not JSON: expected a flow object or null");
    if (!j.is_null()) {
      auto parsed = fixtures::flow_from_json(j, "flow");
      if (!parsed) return error(x, 400, parsed.error());
      flow = *parsed;
    }
  }
  auto set = service_.set_flow(account, flow);
  if (!set) return error(x, set.error().status, set.error().message);
  answer(x, json{{"account", account}, {"flow", *set ? fixtures::to_json(**set) : json(nullptr)}});
}

void AdminRoutes::variant(Exchange& x, const std::string& account, const std::string& variant) {
  if (x.req.method == "GET") {
    const fixtures::Fixtures f = service_.fixtures();
    const fixtures::Account* a = f.find_account(account);
    if (!a) return error(x, 404, "no account with key '" + account + "'");
    const fixtures::Variant* v = a->find_variant(variant);
    if (!v) return error(x, 404, "account " + account + " has no variant '" + variant + "'");
    return answer(x, json{{"account", account}, {"variant", variant}, {"inventory", v->inventory}});
  }
  if (read_body(x, kMaxAdminBody) != BodyStatus::kOk)
    return error(x, 413, "body too large or unreadable");
  const json j = json::parse(x.body, nullptr, false);
  if (!j.is_object() || !j.contains("inventory") || !j["inventory"].is_number_integer()) {
    return error(x, 400, "body must be {\"inventory\": <integer>}");
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "inventory")
      return error(x, 400, "unknown key '" + it.key() + "' (expected only 'inventory')");
  }
  auto r = service_.set_inventory(account, variant, j["inventory"].get<int64_t>());
  if (!r) return error(x, r.error().status, r.error().message);
  json out{{"account", r->account},       {"variant", r->variant},
           {"inventory", r->inventory},   {"previous_inventory", r->previous_inventory},
           {"created", r->created},       {"restocked", r->restocked},
           {"notified", r->notified},     {"queued", r->queued}};
  if (!r->reason.empty()) {  // as subscribe answers say why nothing was recorded
    out["reason"] = r->reason;
    x.reason = r->reason;
  }
  answer(x, out);
}

void AdminRoutes::records(Exchange& x, std::string_view what) {
  if (std::string why; !known_filters(x.req, kRecordFilters, why) || !known_via(x.req, why))
    return error(x, 400, why);
  const RecordFilter filter = record_filter(x.req);
  uint64_t limit = 0;
  PageRequest page;
  if (!count_param(x.req, "limit", limit)) return error(x, 400, "limit must be a non-negative integer");
  if (!count_param(x.req, "before", page.before))
    return error(x, 400, "before must be a non-negative integer");
  page.limit = static_cast<size_t>(limit);
  json out = what == "subscriptions" ? view_.subscriptions(filter, page)
             : what == "events"      ? view_.events(filter, page)
                                     : view_.notifications(filter, page);
  if (page.paged()) {
    const uint64_t next = out["next_before"].get<uint64_t>();
    out.erase("next_before");
    out["next"] = next != 0 ? json(next_link(x.req, next)) : json(nullptr);
  }
  answer(x, out);
}

void AdminRoutes::members(Exchange& x, const std::string& list) {
  if (std::string why; !known_filters(x.req, kMemberFilters, why)) return error(x, 400, why);
  auto m = view_.members(list, param(x.req, "account"), param(x.req, "email"));
  if (!m) return error(x, m.error().status, m.error().message);
  answer(x, *m);
}

// Contract C (docs/control-protocol.md, "Settle"): answers once the effects of everything
// answered before this call are visible, or when the timeout passes. Waiting is bounded; the
// mock polls its own clock, since the delays are its own and short.
void AdminRoutes::settle(Exchange& x) {
  int64_t timeout_ms = kDefaultSettleMs;
  if (read_body(x, kMaxAdminBody) != BodyStatus::kOk)
    return error(x, 413, "body too large or unreadable");
  if (!x.body.empty() && x.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    const json j = json::parse(x.body, nullptr, false);
    if (!j.is_object()) return error(x, 400, "body must be {\"timeout_ms\": N} or empty");
    if (j.contains("timeout_ms")) {
      const json& t = j["timeout_ms"];
      if (!t.is_number_integer() || t.get<int64_t>() < 0 || t.get<int64_t>() > kMaxSettleMs)
        return error(x, 400, "timeout_ms must be an integer from 0 to 60000");
      timeout_ms = t.get<int64_t>();
    }
  }
  const Clock& clock = service_.clock();
  const VirtualClock& moves = service_.virtual_clock();
  const int64_t cutoff = clock.now_ms();
  const int64_t moved_before = moves.moved_forward_ms();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    service_.scheduler().run_due(clock.now_ms());
    // A clock move during the wait sends a restock's prompt batches (batches-any-order) at
    // the moved time, past the cutoff: the window that counts them moves with the clock.
    const size_t pending =
        view_.pending(clock.now_ms(), cutoff + (moves.moved_forward_ms() - moved_before));
    if (pending == 0) return answer(x, json{{"settled", true}, {"pending", 0}});
    if (std::chrono::steady_clock::now() >= deadline)
      return answer(x, json{{"settled", false}, {"pending", pending}});
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// GET reads the mock's clock; PUT moves it (every shape of move_clock, not only the runner's
// advance) and then sends the batches the move made due, so that the observations after it
// already show them. The timer, woken by the move, may send some first: `sent` counts the
// messages the outbox gained from the move to the answer, whoever sent them.
void AdminRoutes::clock(Exchange& x) {
  VirtualClock& clock = service_.virtual_clock();
  if (x.req.method == "GET") return answer(x, clock_json(clock.read()));
  if (read_body(x, kMaxAdminBody) != BodyStatus::kOk)
    return error(x, 413, "body too large or unreadable");
  const size_t before = service_.stats().notifications;
  auto moved = move_clock(clock, x.body);
  if (!moved) return error(x, 400, moved.error());
  service_.scheduler().run_due(clock.now_ms());
  json out = clock_json(clock.read());
  out["sent"] = service_.stats().notifications - before;
  answer(x, out);
}

void AdminRoutes::requests(Exchange& x) {
  if (x.req.method == "DELETE") return answer(x, json{{"cleared", journal_.clear()}});
  if (std::string why; !known_filters(x.req, kRequestFilters, why) || !known_via(x.req, why))
    return error(x, 400, why);
  JournalFilter f;
  f.via = via_from_string(param(x.req, "via"));
  f.path = param(x.req, "path");
  f.method = param(x.req, "method");
  f.account = param(x.req, "account");
  f.email = param(x.req, "email");
  f.variant = param(x.req, "variant");
  f.outcome = param(x.req, "outcome");
  uint64_t limit = 0, before = 0, wait_ms = 0;
  for (auto [name, out] : {std::pair{"limit", &limit}, {"before", &before}, {"after", &f.after},
                           {"wait_ms", &wait_ms}}) {
    if (!count_param(x.req, name, *out))
      return error(x, 400, std::string(name) + " must be a non-negative integer");
  }
  if (wait_ms > kMaxWaitMs) return error(x, 400, "wait_ms must be at most 30000");
  f.limit = static_cast<size_t>(limit);
  // A long poll (wait_ms): when nothing matches yet, wait for the journal to grow and look
  // again, until a match or the deadline. `seen` is read before each look, so an entry placed
  // during the look wakes the next wait.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  JournalPage page;
  for (;;) {
    const uint64_t seen = journal_.newest_id();
    page = journal_page(journal_, f, before, options_.journal_page_bytes, journal_.redactor());
    if (page.count > 0 || wait_ms == 0 || !journal_.wait_for_newer(seen, deadline)) break;
  }
  const json next = page.next_before != 0 ? json(next_link(x.req, page.next_before)) : json(nullptr);
  set_json(x.res, 200,
           "{\"count\":" + std::to_string(page.count) + ",\"items\":[" + page.items +
               "],\"next\":" + dump(next) + "}");
}

}  // namespace bis::mock::http
