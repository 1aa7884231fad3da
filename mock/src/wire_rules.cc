#include "wire_rules.h"

#include "bis/common/text.h"

namespace bis::mock::http {

WireRules WireRules::from(const Defects& d) {
  WireRules r;
  r.cors = !d.has(Defect::kNoCors);
  r.onsite_cors = !d.has(Defect::kOnsiteNoCors);
  r.cors_on_errors = !d.has(Defect::kCorsOnSuccessOnly);
  r.preflight_allow_origin = !d.has(Defect::kPreflightWithoutAllowOrigin);
  if (d.has(Defect::kPreflightWithoutPost)) r.preflight_methods = "GET, OPTIONS";
  r.get_subscribes = d.has(Defect::kGetSubscribes);
  r.head_subscribes = d.has(Defect::kHeadSubscribes);
  r.method_override = d.has(Defect::kMethodOverrideHonoured);
  r.refused_get_records = d.has(Defect::kRefusedGetRecords);
  r.form_charset_allowed = !d.has(Defect::kFormCharsetRefused);
  r.charset_case_sensitive = d.has(Defect::kCharsetCaseSensitive);
  r.media_type_case_sensitive = d.has(Defect::kMediaTypeCaseSensitive);
  r.plus_is_space = !d.has(Defect::kPlusNotSpace);
  r.sniff_form = d.has(Defect::kContentTypeSniffed);
  r.boundary_from_body = d.has(Defect::kMultipartBoundaryFromBody);
  r.part_content_type_allowed = !d.has(Defect::kMultipartPartTypeRefused);
  r.part_headers_case_sensitive = d.has(Defect::kMultipartHeaderCaseSensitive);
  r.onsite_requires_variant = !d.has(Defect::kOnsiteVariantOptional);
  r.onsite_documented_rejection = !d.has(Defect::kOnsiteRejectionShape);
  r.onsite_refuses = !d.has(Defect::kOnsiteRejectionsSucceed);
  if (d.has(Defect::kLongVariant5xx)) r.variant_crash_length = 10000;
  r.refuse_app_user_agent = d.has(Defect::kRefuseAppUserAgent);
  r.require_user_agent = d.has(Defect::kRequireUserAgent);
  r.refuse_library_user_agent = d.has(Defect::kRefuseLibraryUserAgent);
  r.path_with_query = d.has(Defect::kPathWithQuery);
  r.field_names_any_case = d.has(Defect::kFieldNamesAnyCase);
  r.rate_limit_retry_after = !d.has(Defect::kRateLimitWithoutRetryAfter);
  r.rate_limit_records_refused = d.has(Defect::kRateLimitRecordsRefused);
  r.rate_limit_windows_end = !d.has(Defect::kRateLimitWindowNeverEnds);
  if (d.has(Defect::kRateLimitRemainingOffByOne)) r.rate_limit_remaining_offset = 1;
  r.modern_rate_limit_headers = !d.has(Defect::kModernRateLimitNoHeaders);
  r.modern_rate_limit_jsonapi = !d.has(Defect::kModernRateLimitNotJsonApi);
  r.client_endpoints_counted = !d.has(Defect::kModernRateLimitServerOnly);
  r.bis_endpoints_share_window = d.has(Defect::kModernRateLimitSharedWindow);
  if (d.has(Defect::kModern200InsteadOf202)) r.modern.success_status = 200;
  r.modern.success_body = d.has(Defect::kModernSuccessBody);
  r.modern.revision_required = !d.has(Defect::kModernIgnoresRevision);
  r.modern.revision_format = !d.has(Defect::kModernRevisionAnyFormat);
  r.modern.jsonapi_errors = !d.has(Defect::kModernErrorNotJsonApi);
  r.modern.error_ids = !d.has(Defect::kModernErrorWithoutId);
  r.modern.errors_array = !d.has(Defect::kModernErrorsObject);
  r.modern.client_private_key = d.has(Defect::kModernClientAcceptsPrivateKey);
  r.modern.server_public_key = d.has(Defect::kModernServerAcceptsPublicKey);
  r.modern.trailing_slash = !d.has(Defect::kModernNoTrailingSlash);
  r.modern.json_media_type = !d.has(Defect::kModernRefusesJson);
  return r;
}

bool form_type_allowed(const WireRules& rules, std::string_view content_type) {
  if (rules.form_charset_allowed && !rules.charset_case_sensitive &&
      !rules.media_type_case_sensitive) {
    return true;  // the API: any spelling, with or without parameters
  }
  const size_t semi = content_type.find(';');
  if (rules.media_type_case_sensitive &&
      content_type.substr(0, semi).find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
          std::string_view::npos) {
    return false;
  }
  if (semi == std::string_view::npos) return true;
  if (!rules.form_charset_allowed) return false;
  if (rules.charset_case_sensitive) {
    const size_t at = content_type.find("charset=", semi);
    if (at != std::string_view::npos && content_type.substr(at + 8, 5) != "UTF-8") return false;
  }
  return true;
}

std::optional<std::string> boundary_for(const WireRules& rules, std::string_view content_type,
                                        std::string_view body) {
  if (rules.boundary_from_body && body.substr(0, 2) == "--") {
    const size_t eol = body.find("\r\n");
    if (eol != std::string_view::npos && eol > 2) return std::string(body.substr(2, eol - 2));
  }
  return form::multipart_boundary(content_type);
}

std::string multipart_refusal(const WireRules& rules, std::string_view body,
                              const form::Fields& fields) {
  if (!rules.part_content_type_allowed) {
    for (const form::Field& f : fields) {
      if (f.content_type) return "part '" + f.name + "' carries a Content-Type";
    }
  }
  if (rules.part_headers_case_sensitive) {
    size_t exact = 0;
    for (size_t at = body.find("Content-Disposition: form-data"); at != std::string_view::npos;
         at = body.find("Content-Disposition: form-data", at + 1)) {
      ++exact;
    }
    if (exact < fields.size()) return "a part header is not spelled 'Content-Disposition: form-data'";
  }
  return {};
}

bool is_app_user_agent(std::string_view ua) {
  if (ua.find("Mozilla/") != std::string_view::npos) return false;
  for (std::string_view os : {"iPhone", "iOS", "Android", "iPad"}) {
    if (ua.find(os) != std::string_view::npos) return true;
  }
  return false;
}

std::string user_agent_refusal(const WireRules& rules, bool present, std::string_view ua) {
  if (rules.refuse_app_user_agent && is_app_user_agent(ua)) {
    return "requests from app User-Agents are refused (defect refuse-app-user-agent)";
  }
  if (rules.require_user_agent && (!present || ua.empty())) {
    return "a request without a User-Agent is refused (defect require-user-agent)";
  }
  if (rules.refuse_library_user_agent) {
    for (std::string_view lib : {"okhttp/", "Dart/", "CFNetwork/"}) {
      if (ua.find(lib) != std::string_view::npos) {
        return "User-Agent of an HTTP library refused (defect refuse-library-user-agent)";
      }
    }
  }
  return {};
}

}  // namespace bis::mock::http
