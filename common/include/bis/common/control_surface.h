#pragma once
// The control surface as one table (docs/control-protocol.md, "Routes"): every control action,
// observation and API endpoint a suite can name, with its method, path, capability and the
// arguments a step gives it. The runner's step loader, control client, request builder, target
// profile and connection, and the mock's admin routes all read it; the "known: ..." and
// "did you mean" hints come from it. A new admin route is one row here plus its handler in
// mock/src/admin_routes.cc (tests/mock/admin_test.cc checks that every row has one).
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bis::protocol {

enum class RouteKind {
  kAction,       // a control action: a suite's `control:` step, a profile's command
  kObservation,  // records a suite's `observe:` step reads: {"count": N, "items": [...]}
  kEndpoint,     // an API endpoint a suite's `request: {endpoint: ...}` names
  kMockOnly,     // served by bis-mock for people, never called by the runner
};

// What a control call sends as its JSON body (also what a shell hook gets on stdin).
enum class Body {
  kNone,
  kInventory,  // {"inventory": N}
  kFlow,       // the flow settings
  kNull,       // null (removes a flow)
  kSettle,     // {"timeout_ms": N}, optional
  kFixtures,   // fixtures as YAML or JSON
  kClock,      // {"advance_ms": N} (the mock also takes the other moves of docs/control-protocol.md)
};

struct Route {
  std::string_view name;
  RouteKind kind;
  std::string_view method;
  // Control routes: under kAdminPrefix. Endpoints: the API path. {account}, {variant} and
  // {list} are path arguments, percent-encoded as one segment each.
  std::string_view path;
  // What a target must offer for a suite to use the route ("" = every target has it).
  std::string_view capability;
  // The arguments a step may give, space-separated (observations: the filters, sent as query
  // parameters unless they are path arguments), and those it must give.
  std::string_view args = "";
  std::string_view required = "";
  Body body = Body::kNone;
  bool in_steps = false;         // a suite's step may name it
  bool in_commands = false;      // a profile's control.commands may provide it
  bool default_account = false;  // a step without `account` uses target.key
  bool shared_state = false;     // changes state all scenarios share: needs `exclusive: true`
  // A shell-hook target offering `capability` must have a command for this route.
  bool needed_for_capability = false;
};

// Every route, control routes first, in the order the docs list them.
std::span<const Route> routes();
// The route named `name` of one of `kinds`, or nullptr.
const Route* find_route(std::string_view name, std::initializer_list<RouteKind> kinds);
// Names of the routes of `kind` for which `keep` holds, in table order.
std::vector<std::string> route_names(RouteKind kind, bool (*keep)(const Route&) = nullptr);
// The space-separated list `list` (a Route's args or required) as words.
std::vector<std::string_view> words(std::string_view list);
bool has_word(std::string_view list, std::string_view word);

// Path arguments (name, value) matched from or put into a route's path.
using PathArgs = std::vector<std::pair<std::string, std::string>>;
// The value of path argument `name`, or "".
std::string path_arg(const PathArgs& args, std::string_view name);

// The segments of a path between its slashes, empty ones dropped (still percent-encoded).
std::vector<std::string_view> split_path(std::string_view path);
// Matches decoded path segments (after kAdminPrefix for control routes) against a route path.
bool match_path(std::string_view pattern, const std::vector<std::string>& segments,
                PathArgs& args);
// The route path with its arguments put in, each percent-encoded as one segment.
std::string expand_path(std::string_view pattern, const PathArgs& args);
// Percent-encodes everything but RFC 3986 unreserved characters.
std::string encode_segment(std::string_view s);

}  // namespace bis::protocol
