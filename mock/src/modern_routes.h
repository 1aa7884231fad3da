#pragma once
// The modern JSON:API endpoints (docs/spec/modern-endpoints.md): the client and server
// back-in-stock subscriptions and the client List call. This layer reads the revision, the
// key, the media type and the body, hands the same SubscribeFields as the legacy form to
// Service (one implementation of the rules), and renders 202 or a JSON:API error
// (jsonapi.h). CORS and the preflight are ApiRoutes', as for the legacy paths.
#include <optional>
#include <string_view>

#include "bis/mock/server.h"
#include "bis/mock/service.h"
#include "http_exchange.h"
#include "jsonapi.h"
#include "wire_rules.h"

namespace bis::mock::http {

enum class ModernEndpoint { kClientBis, kServerBis, kClientList };

// The endpoint `path` names, with or without a trailing slash (unless `trailing_slash` is
// off); nullopt for any other path.
std::optional<ModernEndpoint> modern_endpoint(std::string_view path, bool trailing_slash = true);
inline bool is_client(ModernEndpoint e) { return e != ModernEndpoint::kServerBis; }

class ModernRoutes {
 public:
  ModernRoutes(Service& service, const ServerOptions& options, const WireRules::Modern& rules)
      : service_(service), options_(options), rules_(rules) {}

  // Answers a POST to `endpoint`.
  void post(Exchange& x, ModernEndpoint endpoint);
  // Answers any other method: 405 with Allow.
  void method_not_allowed(Exchange& x, std::string_view allow) const;

 private:
  void subscribe(Exchange& x, ModernEndpoint endpoint);
  void list_subscribe(Exchange& x);
  // Records the outcome and answers: 202 and an empty body, or `error` as a JSON:API document
  // (both as the rules say: the defects of docs/defects.md change them here).
  void accept(Exchange& x, std::string outcome, std::string reason) const;
  void refuse(Exchange& x, const jsonapi::Error& error) const;

  Service& service_;
  const ServerOptions& options_;
  const WireRules::Modern& rules_;
};

}  // namespace bis::mock::http
