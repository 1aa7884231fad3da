#pragma once
// The control protocol (docs/control-protocol.md) under /__admin: one small handler per
// route, JSON in and out, errors as {"error": "..."}. Access: loopback clients only, unless
// an admin token is set, which every request must then carry.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/control_surface.h"
#include "bis/mock/faults.h"
#include "bis/mock/journal.h"
#include "bis/mock/server.h"
#include "bis/mock/service.h"
#include "http_exchange.h"
#include "record_view.h"

namespace bis::mock::http {

// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses.
bool is_loopback(std::string_view address);

// The /__admin/faults routes (fault_routes.cc): list, add, remove one, remove all.
void fault_route(Exchange& x, FaultSet& faults, std::string_view route, const std::string& id);

// POST /__admin/settle: the default wait and the largest one a caller may ask for.
inline constexpr int64_t kDefaultSettleMs = 10000;
inline constexpr int64_t kMaxSettleMs = 60000;

class AdminRoutes {
 public:
  // `seed` keys the variations' random delays and opaque ids.
  AdminRoutes(Service& service, Journal& journal, FaultSet& faults, const ServerOptions& options,
              std::function<void()> on_fixtures_changed, uint64_t seed = 0,
              std::function<void()> on_reset = nullptr)
      : service_(service),
        journal_(journal),
        faults_(faults),
        options_(options),
        on_fixtures_changed_(std::move(on_fixtures_changed)),
        on_reset_(std::move(on_reset)),
        view_(service, seed) {}

  void handle(Exchange& x);

 private:
  bool authorized(Exchange& x) const;
  // Runs the handler of a row of the control-surface table; false if it has none.
  bool dispatch(Exchange& x, const protocol::Route& route, const protocol::PathArgs& args);
  void health(Exchange& x);
  void reset(Exchange& x);
  void settle(Exchange& x);
  void clock(Exchange& x);
  void get_fixtures(Exchange& x);
  void put_fixtures(Exchange& x);
  void flow(Exchange& x, const std::string& account);
  void variant(Exchange& x, const std::string& account, const std::string& variant);
  void records(Exchange& x, std::string_view what);
  void members(Exchange& x, const std::string& list);
  void requests(Exchange& x);

  Service& service_;
  Journal& journal_;
  FaultSet& faults_;
  const ServerOptions& options_;
  std::function<void()> on_fixtures_changed_;
  std::function<void()> on_reset_;  // after a reset (the rate-limit counts start again)
  RecordView view_;
};

}  // namespace bis::mock::http
