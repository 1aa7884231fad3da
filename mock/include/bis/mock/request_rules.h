#pragma once
// The parameters of the subscribe call's request rules: key, email, required fields,
// platform, integration and answers. The defaults are the documented API; the request-rule
// defects (defects_request.cc) adjust them once, at start-up, so the request path reads
// parameters and never tests a defect.
#include <cstddef>
#include <span>
#include <string_view>

#include "bis/common/fixtures.h"
#include "bis/mock/api_answers.h"
#include "bis/mock/defects.h"
#include "bis/mock/email.h"

namespace bis::mock {

struct KeyRule {
  size_t length = 6;
  bool trim = false;                 // blanks around the key ignored
  bool accept_cut_short = false;     // a key's first length-1 characters name it
  bool accept_one_appended = false;  // a key with one character added names it
  bool match_suffix = false;         // any longer value ending in a key names it
  bool accept_private = false;       // the private key names its account too
  bool like_wildcards = false;       // '_' and '%' match as in SQL LIKE
  bool case_insensitive = false;     // a key in another letter case names it
};

// Which missing or empty fields are refused. One that is not is answered with the success
// body, and nothing is recorded.
struct FieldRule {
  bool refuse_empty_key = true;
  bool refuse_blank_key = true;  // only spaces and tabs
  bool refuse_empty_email = true;
  bool refuse_blank_email = true;
  bool refuse_missing_variant = true;   // absent or empty
  bool refuse_empty_variant = true;     // (read only when refuse_missing_variant)
  bool refuse_missing_platform = true;  // absent
  bool refuse_empty_platform = true;
};

struct PlatformRule {
  std::span<const std::string_view> known = fixtures::kPlatforms;
  bool case_insensitive = false;
  bool trim = false;
  bool prefix_match = false;  // a value starting with a known platform is that platform
  size_t max_length = 0;      // a longer value is unknown; 0: no limit but the list's
  bool check_match = true;    // the platform must be the account's integration's
  bool accept_unsupported = false;               // integrations without back in stock
  bool accept_catalog_without_inventory = false;  // ... served as inventory-aware ("api")
  bool serve_custom_catalog = true;    // inventory-aware custom catalogs ("api") are served
  bool no_integration_as_api = false;  // an account without integration is served as "api"
  // Platforms whose subscriptions are recorded; another valid request is answered success
  // and nothing is recorded.
  std::span<const std::string_view> recorded = fixtures::kPlatforms;
};

struct RequestRules {
  KeyRule key;
  EmailRule email;
  bool profile_case_sensitive = false;  // profiles are the address as sent
  bool record_then_refuse_bad_email = false;
  FieldRule fields;
  PlatformRule platform;
  AnswerRule answer;
};

// The rules with the active request-rule defects applied.
RequestRules request_rules(const Defects& defects);

}  // namespace bis::mock
