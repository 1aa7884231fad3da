#include "modern_routes.h"

#include "bis/common/form.h"
#include "bis/common/protocol.h"
#include "bis/common/text.h"
#include "bis/mock/modern_request.h"
#include "bis/mock/printable.h"
#include "bis/mock/api_answers.h"
#include "jsonapi.h"

namespace bis::mock::http {
namespace {

constexpr std::string_view kScheme = "Klaviyo-API-Key";

std::string_view without_trailing_slash(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

jsonapi::Error problem_error(const ModernProblem& p) {
  return jsonapi::invalid(p.detail, p.pointer, p.parameter);
}

// The JSON:API error of a rejection by the core rules, pointing at the field at fault.
jsonapi::Error rejection_error(const SubscribeAnswer& a, ModernEndpoint endpoint) {
  const std::string at_profile = "/data/attributes/profile/data/attributes/";
  const std::string at_variant = "/data/relationships/variant/data/id";
  const std::string_view f = a.field;
  if (f == "private_key") return jsonapi::authentication_failed(a.detail);
  if (f == "a") return jsonapi::invalid(a.detail, "", "company_id");
  if (f == "email" || f == "phone_number") return jsonapi::invalid(a.detail, at_profile + std::string(f));
  if (f == "variant" || f == "integration" || f == "platform")
    return jsonapi::invalid(a.detail, at_variant);
  (void)endpoint;
  return jsonapi::invalid(a.detail);
}

}  // namespace

std::optional<ModernEndpoint> modern_endpoint(std::string_view path, bool trailing_slash) {
  if (trailing_slash) path = without_trailing_slash(path);
  if (path == protocol::kClientBisPath) return ModernEndpoint::kClientBis;
  if (path == protocol::kServerBisPath) return ModernEndpoint::kServerBis;
  if (path == protocol::kClientListPath) return ModernEndpoint::kClientList;
  return std::nullopt;
}

void ModernRoutes::refuse(Exchange& x, const jsonapi::Error& error) const {
  x.outcome = error.status == 500 ? "store-failed" : "rejected";
  x.reason = error.detail;
  x.res.set_header("X-Bis-Mock-Outcome", x.outcome);
  x.res.set_header("X-Bis-Mock-Reason", printable(x.reason, 300));
  jsonapi::set_error(x.res, error);
  if (!rules_.jsonapi_errors) return set_json(x.res, error.status, rejection_body());
  if (rules_.error_ids && rules_.errors_array) return;
  nlohmann::json j = nlohmann::json::parse(x.res.body);
  if (!rules_.error_ids) j["errors"][0].erase("id");
  if (!rules_.errors_array) j["errors"] = j["errors"][0];
  x.res.set_content(j.dump(), std::string(jsonapi::kMediaType));
}

void ModernRoutes::accept(Exchange& x, std::string outcome, std::string reason) const {
  x.outcome = std::move(outcome);
  x.reason = std::move(reason);
  x.res.set_header("X-Bis-Mock-Outcome", x.outcome);
  x.res.set_header("X-Bis-Mock-Reason", printable(x.reason, 300));
  x.res.status = rules_.success_status;
  x.res.body.clear();
  if (rules_.success_body) {
    x.res.set_content(R"({"data": {"type": "back-in-stock-subscription"}})",
                      std::string(jsonapi::kMediaType));
  }
}

void ModernRoutes::method_not_allowed(Exchange& x, std::string_view allow) const {
  x.res.set_header("Allow", std::string(allow));
  refuse(x, jsonapi::method_not_allowed("method " + printable(x.req.method) + " is not allowed on " +
                                        printable(x.req.path) + "; allowed: " + std::string(allow)));
  x.outcome = "method-not-allowed";
}

void ModernRoutes::post(Exchange& x, ModernEndpoint endpoint) {
  const std::string_view first =
      endpoint == ModernEndpoint::kClientList ? kFirstListRevision : kFirstBisRevision;
  const std::string revision = x.req.get_header_value("revision");  // a copy: keep it
  const bool checked = (rules_.revision_required || !revision.empty()) &&
                       (rules_.revision_format || revision.empty());
  if (auto why = checked ? revision_problem(x.req.has_header("revision")
                                                ? std::optional<std::string_view>(revision)
                                                : std::nullopt,
                                            first, utc_today())
                         : std::nullopt)
    return refuse(x, jsonapi::invalid(*why, "", "revision"));

  if (endpoint == ModernEndpoint::kServerBis) {
    const std::string auth = x.req.get_header_value("Authorization");
    if (auth.empty()) {
      return refuse(x, jsonapi::not_authenticated(
                           "no Authorization header (Authorization: Klaviyo-API-Key <private key>)"));
    }
    if (auth.size() <= kScheme.size() + 1 || !iequals(auth.substr(0, kScheme.size()), kScheme) ||
        auth[kScheme.size()] != ' ') {
      return refuse(x, jsonapi::not_authenticated(
                           "the Authorization header must be 'Klaviyo-API-Key <private key>'"));
    }
  } else if (x.req.get_param_value("company_id").empty()) {
    return refuse(x, jsonapi::invalid("the company_id query parameter (the public API key) is required",
                                      "", "company_id"));
  }

  const std::string content_type = x.req.get_header_value("Content-Type");
  const std::string type = form::media_type(content_type);
  if (type != "application/vnd.api+json" && (type != "application/json" || !rules_.json_media_type)) {
    return refuse(x, jsonapi::unsupported_media_type(
                         "Content-Type must be application/vnd.api+json or application/json (got '" +
                         printable(content_type) + "')"));
  }
  switch (read_body(x, options_.max_body)) {
    case BodyStatus::kTooLarge: {
      jsonapi::Error e = jsonapi::invalid("the body is larger than the limit of " +
                                          std::to_string(options_.max_body) + " bytes");
      e.status = 413;
      e.code = "request_too_large";
      e.title = "Request entity too large.";
      return refuse(x, e);
    }
    case BodyStatus::kBroken:
      return refuse(x, jsonapi::invalid("the body could not be read"));
    case BodyStatus::kOk:
      break;
  }
  if (endpoint == ModernEndpoint::kClientList) return list_subscribe(x);
  subscribe(x, endpoint);
}

void ModernRoutes::subscribe(Exchange& x, ModernEndpoint endpoint) {
  auto request = parse_modern_subscribe(x.body);
  if (!request) return refuse(x, problem_error(request.error()));
  const std::string company_id = x.req.get_param_value("company_id");
  const std::string auth = x.req.get_header_value("Authorization");
  SubscribeFields f;
  if (endpoint == ModernEndpoint::kServerBis) {
    const std::string_view key = std::string_view(auth).substr(kScheme.size() + 1);
    if (rules_.server_public_key && key.size() == 6) {
      f.a = key;  // the defect: a public key opens the server endpoint
    } else {
      f.private_key = key;
    }
    f.via = Via::kServer;
  } else {
    if (rules_.client_private_key && company_id.size() != 6) {
      f.private_key = company_id;  // the defect: a private key opens the client endpoint
    } else {
      f.a = company_id;
    }
    f.via = Via::kClient;
  }
  if (request->email) f.email = *request->email;
  if (request->phone) f.phone = *request->phone;
  f.channels = request->channels;
  f.variant = request->variant_id;
  const SubscribeAnswer answer = service_.subscribe(f);
  x.account = answer.account;
  switch (answer.outcome) {
    case SubscribeOutcome::kSubscribed:
    case SubscribeOutcome::kDuplicate:
    case SubscribeOutcome::kUnknownVariant:
      return accept(x, std::string(to_string(answer.outcome)), answer.detail);
    case SubscribeOutcome::kRejected:
      // A rule switched off by a defect answers success to what it would refuse.
      if (answer.success) return accept(x, "rejected", answer.detail);
      return refuse(x, rejection_error(answer, endpoint));
    case SubscribeOutcome::kStoreFailed:
      return refuse(x, jsonapi::server_error(answer.detail));
  }
}

void ModernRoutes::list_subscribe(Exchange& x) {
  auto request = parse_modern_list_subscribe(x.body);
  if (!request) return refuse(x, problem_error(request.error()));
  if (request->email) {
    if (auto why = email_problem(*request->email)) {
      return refuse(x, jsonapi::invalid("email is malformed: " + *why,
                                        "/data/attributes/profile/data/attributes/email"));
    }
  }
  if (request->phone && !is_e164(*request->phone)) {
    return refuse(x, jsonapi::invalid("phone_number must be E.164 (+15005550006)",
                                      "/data/attributes/profile/data/attributes/phone_number"));
  }
  ListProfile profile{request->email, request->phone};
  const ListAnswer answer =
      service_.client_list_subscribe(request->list, x.req.get_param_value("company_id"), profile);
  x.account = answer.account;
  switch (answer.status) {
    case 200:
      return accept(x, "list-subscribed", answer.detail);
    case 403:
      return refuse(x, jsonapi::invalid(answer.detail, "", "company_id"));
    case 404:
      return refuse(x, jsonapi::invalid(answer.detail, "/data/relationships/list/data/id"));
    default:
      return refuse(x, jsonapi::server_error(answer.detail));
  }
}

}  // namespace bis::mock::http
