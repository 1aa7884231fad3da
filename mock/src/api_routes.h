#pragma once
// The served API: subscribe (both paths), the List API call, CORS, and clear JSON errors for
// every other path or method. Bodies are parsed here; the rules are Service's.
#include <string>

#include "bis/mock/server.h"
#include "bis/mock/service.h"
#include "http_exchange.h"

namespace bis::mock::http {

class ApiRoutes {
 public:
  ApiRoutes(Service& service, const ServerOptions& options)
      : service_(service), options_(options) {}

  void handle(Exchange& x);

 private:
  void subscribe(Exchange& x);
  void list_subscribe(Exchange& x, std::string_view list);
  void preflight(Exchange& x);
  void cors_headers(Exchange& x) const;
  // Answers a rejection that happens before Service sees the request.
  void reject(Exchange& x, std::string reason) const;
  void not_found(Exchange& x) const;
  void method_not_allowed(Exchange& x, std::string_view allow) const;
  bool cors() const { return !service_.defects().has(Defect::kNoCors); }

  Service& service_;
  const ServerOptions& options_;
};

}  // namespace bis::mock::http
