#pragma once
// The wire rules' parameters: what the served API accepts on the wire (paths, methods,
// Content-Types, form decoding, CORS). The defaults are the API; the active defects of the
// wire group adjust them once at start-up (docs/defects.md, "Wire rules"), so the request
// path reads parameters instead of testing each defect.
#include <cstddef>
#include <string>
#include <string_view>

#include "bis/common/form.h"
#include "bis/mock/defects.h"

namespace bis::mock::http {

struct WireRules {
  // CORS (BIS-CORS-1, BIS-CORS-2).
  bool cors = true;                   // headers on answers, and a preflight answer
  bool onsite_cors = true;            // ... on the onsite path too
  bool cors_on_errors = true;         // ... on rejections too
  bool preflight_allow_origin = true;  // the preflight carries Access-Control-Allow-Origin
  std::string_view preflight_methods = "POST, OPTIONS";

  // Methods (BIS-ENDPOINT-3). A method listed here subscribes with the query's fields.
  bool get_subscribes = false;
  bool head_subscribes = false;
  bool method_override = false;     // GET with X-HTTP-Method-Override: POST is a POST
  bool refused_get_records = false;  // a refused GET still subscribes its query's fields

  // Content-Type and decoding (BIS-BODY-1, BIS-BODY-2).
  bool form_charset_allowed = true;       // a charset parameter on the form type
  bool charset_case_sensitive = false;    // only the exact spelling "UTF-8"
  bool media_type_case_sensitive = false;  // only the lower-case media type
  bool plus_is_space = true;              // '+' in a form value decodes to a space
  bool sniff_form = false;                // any other Content-Type is read as a form
  bool boundary_from_body = false;        // the multipart boundary is the body's first line
  bool part_content_type_allowed = true;  // a multipart part may carry a Content-Type
  bool part_headers_case_sensitive = false;  // "Content-Disposition: form-data" exactly

  // The onsite path (BIS-ENDPOINT-2).
  bool onsite_requires_variant = true;
  bool onsite_documented_rejection = true;
  bool onsite_refuses = true;  // the onsite path answers Service's refusals as refusals

  // Robustness (BIS-ROBUST-1) and apps (BIS-APP-1).
  size_t variant_crash_length = 0;  // a longer variant answers 500; 0: no such limit
  bool refuse_app_user_agent = false;
  bool require_user_agent = false;         // a request without a User-Agent is refused
  bool refuse_library_user_agent = false;  // okhttp/, Dart/, CFNetwork User-Agents refused

  // Paths and fields (BIS-ENDPOINT-1, BIS-FIELD-1..4).
  bool path_with_query = false;       // the path is matched with its query string
  bool field_names_any_case = false;  // `Email` is read as `email`

  // --- rate limits (rate_limit_gate.h)
  bool rate_limit_retry_after = true;      // a 429 says when to retry
  bool rate_limit_records_refused = false;  // a refused subscribe is recorded first
  bool rate_limit_windows_end = true;      // a window ends after its length
  int rate_limit_remaining_offset = 0;     // added to RateLimit-Remaining
  bool modern_rate_limit_headers = true;   // the modern endpoints' counted answers say RateLimit-*
  bool modern_rate_limit_jsonapi = true;   // ... and their 429 is a JSON:API error document
  bool client_endpoints_counted = true;    // company_id requests count (else only the server's)
  bool bis_endpoints_share_window = false;  // client and server back in stock count as one class
  // The modern JSON:API endpoints (BIS-MODERN-*).
  struct Modern {
    int success_status = 202;
    bool success_body = false;          // 202 with a JSON:API body
    bool revision_required = true;
    bool revision_format = true;        // YYYY-MM-DD[.suffix], a calendar date
    bool jsonapi_errors = true;         // else the legacy error body
    bool error_ids = true;
    bool errors_array = true;
    bool client_private_key = false;    // company_id may be a private key
    bool server_public_key = false;     // Authorization may carry a public key
    bool trailing_slash = true;
    bool json_media_type = true;        // application/json is read as well
  };
  Modern modern;

  static WireRules from(const Defects& defects);
};

// Whether a form Content-Type (its whole value) is acceptable under `rules`.
bool form_type_allowed(const WireRules& rules, std::string_view content_type);

// A multipart body's boundary: the declared one, or under `boundary_from_body` the first
// line's; nullopt if there is none.
std::optional<std::string> boundary_for(const WireRules& rules, std::string_view content_type,
                                        std::string_view body);

// Why a parsed multipart body is refused under `rules` (a part's Content-Type, or a part
// header spelled otherwise than "Content-Disposition: form-data"); empty if it is not.
std::string multipart_refusal(const WireRules& rules, std::string_view body,
                              const form::Fields& fields);

// Whether a User-Agent names a phone app rather than a browser (refuse-app-user-agent).
bool is_app_user_agent(std::string_view user_agent);

// Why a request with this User-Agent (`present`: the header was sent) is refused under
// `rules` (the apps defects); empty if it is not.
std::string user_agent_refusal(const WireRules& rules, bool present, std::string_view user_agent);

}  // namespace bis::mock::http
