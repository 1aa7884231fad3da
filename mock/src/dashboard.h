#pragma once
// The dashboard (docs/dashboard.md): a page at /__admin/ui whose HTML, CSS and script are
// compiled into the binary (mock/assets/) and served under a Content-Security-Policy that lets
// the page load nothing but its own files and call nothing but this mock. The page holds no
// state: everything it shows comes from the control protocol's routes, which it calls with
// the admin token when there is one.
#include <string_view>

#include "http_exchange.h"

namespace bis::mock::http {

inline constexpr std::string_view kDashboardPath = "/__admin/ui";
inline constexpr std::string_view kDashboardPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// /__admin/ui and the files under it.
bool is_dashboard_path(std::string_view path);

// Answers a GET of the page or one of its files (404 for another name under /__admin/ui,
// 405 for another method), with the policy, nosniff and no caching.
void serve_dashboard(Exchange& x);

}  // namespace bis::mock::http
