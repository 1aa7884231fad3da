#pragma once
// The served API: subscribe (both paths), the List API call, CORS, and clear JSON errors for
// every other path or method. Bodies are parsed here; the rules are Service's.
#include <string>

#include "bis/mock/server.h"
#include "bis/mock/service.h"
#include "http_exchange.h"
#include "modern_routes.h"
#include "rate_limit_gate.h"
#include "wire_rules.h"

namespace bis::mock::http {

class ApiRoutes {
 public:
  ApiRoutes(Service& service, const ServerOptions& options, RateLimitGate& rates)
      : service_(service),
        options_(options),
        rates_(rates),
        rules_(WireRules::from(service.defects())),
        modern_(service, options, rules_.modern) {}

  void handle(Exchange& x);

 private:
  void subscribe(Exchange& x);
  // The modern JSON:API endpoints: CORS here (client paths), the rest is ModernRoutes'.
  void modern(Exchange& x, ModernEndpoint endpoint);
  // Answers a subscribe whose fields are read (from the body, or the query where a wire
  // defect lets a method other than POST subscribe).
  void answer_fields(Exchange& x, const form::Fields& parsed);
  // A method other than POST that the wire rules let subscribe with its query's fields.
  bool subscribes_by_query(const Exchange& x) const;
  void list_subscribe(Exchange& x, std::string_view list);
  void preflight(Exchange& x);
  void cors_headers(Exchange& x) const;
  // Answers a rejection that happens before Service sees the request.
  void reject(Exchange& x, std::string reason) const;
  void not_found(Exchange& x) const;
  void method_not_allowed(Exchange& x, std::string_view allow) const;
  // The documented rejection, or the onsite path's deviating one (onsite-rejection-shape).
  std::string rejection(const Exchange& x) const;

  Service& service_;
  const ServerOptions& options_;
  RateLimitGate& rates_;
  const WireRules rules_;
  ModernRoutes modern_;
};

}  // namespace bis::mock::http
