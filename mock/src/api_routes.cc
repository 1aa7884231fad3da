#include "api_routes.h"

#include <array>

#include "bis/common/form.h"
#include "bis/common/protocol.h"
#include "bis/common/text.h"
#include "bis/mock/api_answers.h"
#include "bis/mock/list_request.h"
#include "bis/mock/printable.h"
#include "bis/mock/validation.h"

namespace bis::mock::http {
namespace {

constexpr char kReasonHeader[] = "X-Bis-Mock-Reason";
constexpr char kOutcomeHeader[] = "X-Bis-Mock-Outcome";

// The mock's account of a subscribe answer (docs/mock.md), for developers and the journal.
void set_outcome_headers(const Exchange& x) {
  x.res.set_header(kOutcomeHeader, x.outcome);
  x.res.set_header(kReasonHeader, printable(x.reason, 300));
}

// "/api/v2/list/{id}/subscribe" -> id; empty if `path` is not that route.
std::string_view list_id(std::string_view path) {
  constexpr std::string_view prefix = "/api/v2/list/", suffix = "/subscribe";
  if (path.size() <= prefix.size() + suffix.size() || path.substr(0, prefix.size()) != prefix ||
      path.substr(path.size() - suffix.size()) != suffix) {
    return {};
  }
  const std::string_view id =
      path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  return id.find('/') == std::string_view::npos ? id : std::string_view();
}

// A header value a browser accepts in Access-Control-Allow-Headers: tokens, commas, spaces.
bool is_header_list(std::string_view v) {
  for (char c : v) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == ',' || c == ' ';
    if (!ok) return false;
  }
  return !v.empty() && v.size() <= 1024;
}

// A header value that may be echoed back: visible ASCII and spaces only, bounded.
bool is_header_value(std::string_view v) {
  for (char c : v) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return v.size() <= 1024;
}

}  // namespace

void ApiRoutes::handle(Exchange& x) {
  const std::string& path = rules_.path_with_query ? x.req.target : x.req.path;
  const std::string& method = x.req.method;
  const bool onsite = path == protocol::kOnsiteSubscribePath;
  if (onsite || path == protocol::kSubscribePath) {
    const bool cors = rules_.cors && (rules_.onsite_cors || !onsite);
    if (cors) cors_headers(x);
    if (method == "POST" || subscribes_by_query(x)) {
      if (method == "POST") {
        subscribe(x);
      } else {
        form::Fields query;
        for (const auto& [name, value] : x.req.params) query.push_back({name, value, {}, {}});
        answer_fields(x, query);
      }
      if (!rules_.cors_on_errors && x.outcome == to_string(SubscribeOutcome::kRejected)) {
        x.res.headers.erase("Access-Control-Allow-Origin");
      }
      return;
    }
    if (method == "OPTIONS" && cors) return preflight(x);
    if (method == "OPTIONS") return not_found(x);
    if (method == "GET" && rules_.refused_get_records) {
      form::Fields query;
      for (const auto& [name, value] : x.req.params) query.push_back({name, value, {}, {}});
      if (auto fields = subscribe_fields(query)) (void)service_.subscribe(*fields);
    }
    return method_not_allowed(x, cors ? "POST, OPTIONS" : "POST");
  }
  if (const auto endpoint = modern_endpoint(x.req.path, rules_.modern.trailing_slash))
    return modern(x, *endpoint);
  if (const std::string_view list = list_id(path); !list.empty()) {
    if (method == "POST") return list_subscribe(x, list);
    return method_not_allowed(x, "POST");
  }
  not_found(x);
}

void ApiRoutes::modern(Exchange& x, ModernEndpoint endpoint) {
  const bool cors = rules_.cors && is_client(endpoint);
  if (cors) cors_headers(x);
  if (x.req.method == "POST") return modern_.post(x, endpoint);
  if (x.req.method == "OPTIONS" && cors) return preflight(x);
  modern_.method_not_allowed(x, cors ? "POST, OPTIONS" : "POST");
}

bool ApiRoutes::subscribes_by_query(const Exchange& x) const {
  const std::string& method = x.req.method;
  if (method == "HEAD") return rules_.head_subscribes;
  if (method != "GET") return false;
  return rules_.get_subscribes ||
         (rules_.method_override &&
          iequals(x.req.get_header_value("X-HTTP-Method-Override"), "POST"));
}

std::string ApiRoutes::rejection(const Exchange& x) const {
  if (!rules_.onsite_documented_rejection && x.req.path == protocol::kOnsiteSubscribePath) {
    return R"({"success": false})";
  }
  return rejection_body(service_.rules().answer);
}

void ApiRoutes::cors_headers(Exchange& x) const {
  // No credentials are involved, so any origin may read the answer, including the mock's
  // reason headers.
  const Variations& v = service_.variations();
  const std::string origin =
      v.has(Variation::kCorsEchoOrigin) ? x.req.get_header_value("Origin") : std::string();
  if (!origin.empty() && is_header_value(origin)) {
    x.res.set_header("Access-Control-Allow-Origin", origin);
    x.res.set_header("Vary", "Origin");
  } else {
    x.res.set_header("Access-Control-Allow-Origin", "*");
  }
  if (!v.has(Variation::kNoExposeHeaders))
    x.res.set_header("Access-Control-Expose-Headers", "X-Bis-Mock-Reason, X-Bis-Mock-Outcome");
}

void ApiRoutes::preflight(Exchange& x) {
  x.res.status = 204;
  if (!service_.variations().has(Variation::kPreflightWithoutMethods))
    x.res.set_header("Access-Control-Allow-Methods", std::string(rules_.preflight_methods));
  if (!rules_.preflight_allow_origin) x.res.headers.erase("Access-Control-Allow-Origin");
  const std::string requested = x.req.get_header_value("Access-Control-Request-Headers");
  x.res.set_header("Access-Control-Allow-Headers",
                   is_header_list(requested) ? requested : "Content-Type");
  x.res.set_header("Access-Control-Max-Age", "86400");
  if (!x.res.has_header("Vary")) {
    x.res.set_header("Vary", "Access-Control-Request-Headers");
  } else {  // cors-echo-origin varies on Origin too
    x.res.headers.erase("Vary");
    x.res.set_header("Vary", "Origin, Access-Control-Request-Headers");
  }
  x.outcome = "preflight";
}

void ApiRoutes::reject(Exchange& x, std::string reason) const {
  x.outcome = to_string(SubscribeOutcome::kRejected);
  x.reason = std::move(reason);
  set_outcome_headers(x);
  const AnswerRule& rule = service_.rules().answer;
  set_json(x.res,
           refusal_status(service_.variations().refusal_status(x.account, kDefaultErrorStatus), rule),
           rejection(x));
}

void ApiRoutes::not_found(Exchange& x) const {
  std::string message = "no route for " + printable(x.req.method) + " " + printable(x.req.path);
  const std::array<std::string_view, 2> paths = {protocol::kSubscribePath,
                                                 protocol::kOnsiteSubscribePath};
  const std::string guess = closest_match(x.req.path, std::span<const std::string_view>(paths));
  message += guess.empty()
                 ? "; the subscribe endpoint is POST " + std::string(protocol::kSubscribePath)
                 : " (did you mean " + guess + "?)";
  x.outcome = "not-found";
  x.reason = message;
  set_json(x.res, 404, route_error_body(message));
}

void ApiRoutes::method_not_allowed(Exchange& x, std::string_view allow) const {
  const std::string message = "method " + printable(x.req.method) + " is not allowed on " +
                              x.req.path + "; allowed: " + std::string(allow);
  x.outcome = "method-not-allowed";
  x.reason = message;
  x.res.set_header("Allow", std::string(allow));
  // refusal-200 refuses every request with 200 and the error body, a wrong method too (and
  // HEAD, answered as GET would be, then gets 200 without a body).
  const bool ok_status = service_.variations().refusal_status("", 405) == 200;
  set_json(x.res, ok_status ? 200 : 405, route_error_body(message));
}

void ApiRoutes::subscribe(Exchange& x) {
  const std::string content_type = x.req.get_header_value("Content-Type");
  switch (read_body(x, options_.max_body)) {
    case BodyStatus::kTooLarge: {
      const std::string message =
          "body is larger than the limit of " + std::to_string(options_.max_body) + " bytes";
      x.outcome = "too-large";
      x.reason = message;
      return set_json(x.res, 413, route_error_body(message));
    }
    case BodyStatus::kBroken:
      return reject(x, "body could not be read (broken chunked encoding, or a "
                       "Transfer-Encoding other than chunked)");
    case BodyStatus::kOk:
      break;
  }
  if (rules_.refuse_app_user_agent || rules_.require_user_agent ||
      rules_.refuse_library_user_agent) {
    const std::string why = user_agent_refusal(rules_, x.req.has_header("User-Agent"),
                                               x.req.get_header_value("User-Agent"));
    if (!why.empty()) return reject(x, why);
  }
  const std::string type = form::media_type(content_type);
  Expected<form::Fields, std::string> parsed = form::Fields{};
  const bool plain_form =
      type == "text/plain" && service_.variations().has(Variation::kTextPlainForm);
  if (type == "application/x-www-form-urlencoded" || plain_form) {
    if (!form_type_allowed(rules_, content_type)) {
      return reject(x, "Content-Type '" + printable(content_type) + "' refused (a wire defect)");
    }
    if (rules_.plus_is_space) {
      parsed = form::parse_urlencoded(x.body);
    } else {
      std::string kept;
      for (const char c : x.body) {
        if (c == '+') {
          kept += "%2B";
        } else {
          kept += c;
        }
      }
      parsed = form::parse_urlencoded(kept);
    }
  } else if (type == "multipart/form-data") {
    const auto boundary = boundary_for(rules_, content_type, x.body);
    if (!boundary) return reject(x, "multipart/form-data without a usable boundary");
    parsed = form::parse_multipart(x.body, *boundary);
    if (parsed) {
      if (std::string why = multipart_refusal(rules_, x.body, *parsed); !why.empty()) {
        return reject(x, why + " (a wire defect)");
      }
    }
  } else if (rules_.sniff_form) {
    parsed = form::parse_urlencoded(x.body);
  } else {
    return reject(
        x, "Content-Type must be application/x-www-form-urlencoded or multipart/form-data (got '" +
               printable(content_type) + "')");
  }
  if (!parsed) return reject(x, "body is not valid " + type + ": " + parsed.error());
  answer_fields(x, *parsed);
}

void ApiRoutes::answer_fields(Exchange& x, const form::Fields& body) {
  form::Fields renamed;
  if (rules_.field_names_any_case) {
    renamed = body;
    for (form::Field& f : renamed) f.name = ascii_lower(f.name);
  }
  const form::Fields& parsed = rules_.field_names_any_case ? renamed : body;
  auto fields = subscribe_fields(parsed);
  if (!fields) return reject(x, fields.error());
  fields->via = x.req.path == protocol::kOnsiteSubscribePath ? Via::kOnsite : Via::kLegacy;
  if (rules_.variant_crash_length > 0 && fields->variant &&
      fields->variant->size() > rules_.variant_crash_length) {
    x.outcome = "crash";
    x.reason = "variant longer than the defect long-variant-5xx allows";
    return set_json(x.res, 500, route_error_body("internal server error"));
  }
  if (!rules_.onsite_requires_variant && x.req.path == protocol::kOnsiteSubscribePath &&
      (!fields->variant || fields->variant->empty()) && fields->email) {
    x.outcome = "accepted-without-variant";
    x.reason = "the onsite path does not require a variant (defect onsite-variant-optional)";
    set_outcome_headers(x);
    return set_json(x.res, 200, success_body(*fields->email, service_.rules().answer));
  }

  if (fields->a && !rates_.admit_legacy(x, EndpointClass::kLegacySubscribe, *fields->a)) {
    if (rules_.rate_limit_records_refused) (void)service_.subscribe(*fields);
    return;
  }
  SubscribeAnswer answer = service_.subscribe(*fields);
  if (!answer.success && !rules_.onsite_refuses && fields->email &&
      x.req.path == protocol::kOnsiteSubscribePath) {
    answer.success = true;
    answer.status = 200;
  }
  x.outcome = to_string(answer.outcome);
  x.reason = answer.detail;
  if (answer.outcome == SubscribeOutcome::kRejected && x.req.method == "POST") {
    // A field left out of the body but put in the query string: say why it did not count.
    const std::pair<const char*, const std::optional<std::string_view>&> required[] = {
        {"a", fields->a}, {"email", fields->email}, {"variant", fields->variant},
        {"platform", fields->platform}};
    for (const auto& [name, value] : required) {
      if (!value && x.req.has_param(name)) {
        x.reason += " (fields in the query string are not read)";
        break;
      }
    }
  }
  x.account = answer.account;
  set_outcome_headers(x);
  if (!answer.body.empty()) return set_json(x.res, answer.status, answer.body);
  const AnswerRule& rule = service_.rules().answer;
  if (answer.success) {
    set_json(x.res, answer.status == 200 ? rule.success_status : answer.status,
             success_body(fields->email.value_or(std::string_view()), rule, fields->store));
  } else if (answer.outcome == SubscribeOutcome::kStoreFailed) {
    set_json(x.res, answer.status, rejection(x));
  } else {
    set_json(x.res,
             refusal_status(service_.variations().refusal_status(answer.account, answer.status),
                            rule),
             rejection(x));
  }
}

void ApiRoutes::list_subscribe(Exchange& x, std::string_view list) {
  const auto detail = [](std::string_view message) {
    return nlohmann::json{{"detail", message}}.dump();
  };
  switch (read_body(x, options_.max_body)) {
    case BodyStatus::kTooLarge: {
      x.reason = "body is larger than the limit of " + std::to_string(options_.max_body) + " bytes";
      x.outcome = "too-large";
      return set_json(x.res, 413, detail(x.reason));
    }
    case BodyStatus::kBroken:
      x.outcome = "rejected";
      x.reason = "body could not be read";
      return set_json(x.res, 400, detail(x.reason));
    case BodyStatus::kOk:
      break;
  }
  auto request = parse_list_subscribe(x.body);
  if (!request) {
    x.outcome = "rejected";
    x.reason = request.error();
    return set_json(x.res, 400, detail(x.reason));
  }
  std::vector<HeaderField> headers(x.req.headers.begin(), x.req.headers.end());
  const std::string key = list_private_key(service_.state_rules(), headers,
                                           x.req.get_param_value("api_key"), request->api_key);
  if (key.empty()) {
    x.outcome = "rejected";
    x.reason = "no private API key (header api-key or body field api_key)";
    return set_json(x.res, 403, detail("A private API key is required."));
  }
  if (!rates_.admit_legacy(x, EndpointClass::kLegacyList, key)) return;
  const ListAnswer answer = service_.list_subscribe(list, key, request->profiles);
  x.outcome = answer.status == 200 ? "list-subscribed" : "rejected";
  x.reason = answer.detail;
  x.account = answer.account;
  set_json(x.res, answer.status, answer.body);
}

}  // namespace bis::mock::http
