#include "dashboard.h"

#include <nlohmann/json.hpp>
#include <string>

namespace bis::embedded {
extern const std::string_view dashboard_html;
extern const std::string_view dashboard_css;
extern const std::string_view dashboard_js;
}  // namespace bis::embedded

namespace bis::mock::http {
namespace {

struct Asset {
  std::string_view path;
  std::string_view type;
  const std::string_view* body;
};

const Asset kAssets[] = {
    {"/__admin/ui", "text/html; charset=utf-8", &embedded::dashboard_html},
    {"/__admin/ui/", "text/html; charset=utf-8", &embedded::dashboard_html},
    {"/__admin/ui/dashboard.css", "text/css; charset=utf-8", &embedded::dashboard_css},
    {"/__admin/ui/dashboard.js", "text/javascript; charset=utf-8", &embedded::dashboard_js},
};

void refuse(Exchange& x, int status, const std::string& message) {
  x.outcome = "error";
  x.reason = message;
  set_json(x.res, status, nlohmann::json{{"error", message}}.dump());
}

}  // namespace

bool is_dashboard_path(std::string_view path) {
  return path.substr(0, kDashboardPath.size()) == kDashboardPath &&
         (path.size() == kDashboardPath.size() || path[kDashboardPath.size()] == '/');
}

void serve_dashboard(Exchange& x) {
  const Asset* asset = nullptr;
  for (const Asset& a : kAssets) {
    if (a.path == x.req.path) asset = &a;
  }
  if (!asset) return refuse(x, 404, "no dashboard file " + x.req.path);
  if (x.req.method != "GET") {
    x.res.set_header("Allow", "GET");
    return refuse(x, 405, "method " + x.req.method + " is not allowed on " + x.req.path +
                              "; allowed: GET");
  }
  x.res.status = 200;
  x.res.set_header("Content-Security-Policy", std::string(kDashboardPolicy));
  x.res.set_header("X-Content-Type-Options", "nosniff");
  x.res.set_header("Referrer-Policy", "no-referrer");
  x.res.set_header("Cache-Control", "no-store");
  x.res.set_content(std::string(*asset->body), std::string(asset->type));
}

}  // namespace bis::mock::http
