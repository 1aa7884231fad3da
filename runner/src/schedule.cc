#include "schedule.h"

#include <algorithm>
#include <map>

#include "bis/common/control_surface.h"
#include "bis/runner/template.h"

namespace bis::runner::detail {
namespace {

// Flow changes reach another scenario only through a restock (set_inventory crossing the
// threshold, under the flow in force) or what a restock sends (notifications).
bool flow_bound(const Step& s) {
  if (s.kind == Step::Kind::kObserve) return s.observe.what == "notifications";
  if (s.kind != Step::Kind::kControl) return false;
  const std::string& a = s.control.action;
  return a == "set_inventory" || a == "set_flow" || a == "remove_flow";
}

bool changes_account(const Step& s) {
  return s.kind == Step::Kind::kControl &&
         (s.control.action == "set_inventory" || s.control.action == "set_flow" ||
          s.control.action == "remove_flow");
}

bool moves_clock(const Step& s) {
  return s.kind == Step::Kind::kControl && s.control.action == "advance_clock";
}

// A control action that changes shared state other than flows and the clock.
bool shares_more_than_flows(const Step& s) {
  if (s.kind != Step::Kind::kControl) return false;
  const std::string& a = s.control.action;
  if (a == "set_flow" || a == "remove_flow" || a == "advance_clock") return false;
  const protocol::Route* r = protocol::find_route(a, {protocol::RouteKind::kAction});
  return !r || r->shared_state;
}

}  // namespace

Lane lane_of(const Scenario& sc) {
  bool bound = false, more = false, clock = false;
  for (const auto* steps : {&sc.steps, &sc.cleanup}) {
    for (const Step& s : *steps) {
      bound = bound || flow_bound(s);
      more = more || shares_more_than_flows(s);
      clock = clock || moves_clock(s);
    }
  }
  if (sc.exclusive) return more ? Lane::kAlone : clock ? Lane::kClock : Lane::kFlowExclusive;
  return bound ? Lane::kFlowBound : Lane::kFree;
}

Accounts changed_accounts(const Suite& suite, const Scenario& sc,
                          const nlohmann::json& target_values) {
  // Only what is known before the run: target.* and the vars made of it. A var that reads
  // anything else (unique(), a capture) stays undefined, and so does an account made of it.
  nlohmann::json vars = nlohmann::json::object();
  vars["target"] = target_values;
  const TemplateContext ctx{"", suite.id, sc.id};
  for (const auto* list : {&suite.vars, &sc.vars}) {
    for (const Var& v : *list) {
      auto value = render_json(v.value.json, vars, ctx);
      if (value) vars[v.name] = std::move(*value);
    }
  }
  std::set<std::string> accounts;
  for (const auto* steps : {&sc.steps, &sc.cleanup}) {
    for (const Step& s : *steps) {
      if (!changes_account(s)) continue;
      const std::optional<Text>& account = s.control.account;
      if (!account) {
        if (!target_values.contains("key") || !target_values["key"].is_string())
          return std::nullopt;
        accounts.insert(target_values["key"].get<std::string>());
      } else if (!account->parsed) {
        accounts.insert(account->text);
      } else {
        auto key = account->parsed->render_string(vars, ctx);
        if (!key) return std::nullopt;
        accounts.insert(*key);
      }
    }
  }
  return accounts;
}

std::vector<FlowChain> flow_chains(const std::vector<Accounts>& exclusive,
                                   const std::vector<Accounts>& bound) {
  if (exclusive.empty()) return {};
  const bool apart = std::all_of(exclusive.begin(), exclusive.end(),
                                 [](const Accounts& a) { return a && a->size() == 1; });
  std::vector<FlowChain> chains;
  std::vector<std::set<std::string>> chain_accounts;
  if (!apart) {
    chains.push_back({});
    for (size_t i = 0; i < exclusive.size(); ++i) chains[0].scenarios.push_back(i);
  } else {
    std::map<std::string, size_t> chain_of;
    for (size_t i = 0; i < exclusive.size(); ++i) {
      const std::string& key = *exclusive[i]->begin();
      auto [it, added] = chain_of.emplace(key, chains.size());
      if (added) {
        chains.push_back({});
        chain_accounts.push_back({key});
      }
      chains[it->second].scenarios.push_back(i);
    }
  }
  for (size_t c = 0; c < chains.size(); ++c) {
    for (size_t b = 0; b < bound.size(); ++b) {
      bool overlaps = !apart || !bound[b];
      for (const std::string& a : bound[b] ? *bound[b] : std::set<std::string>()) {
        overlaps = overlaps || chain_accounts[c].count(a) > 0;
      }
      if (overlaps) chains[c].after.push_back(b);
    }
  }
  return chains;
}

bool clock_may_overlap(const Scenario& bound, const Accounts& bound_accounts,
                       const Accounts& clock_accounts, const std::set<std::string>& unbatched) {
  if (!bound_accounts || !clock_accounts) return false;
  for (const auto* steps : {&bound.steps, &bound.cleanup}) {
    for (const Step& s : *steps) {
      if (changes_account(s) && s.control.action != "set_inventory") return false;
    }
  }
  for (const std::string& a : *bound_accounts) {
    if (!unbatched.count(a) || clock_accounts->count(a)) return false;
  }
  return true;
}

size_t estimated_round_trips(const Scenario& sc) {
  constexpr auto kRoundTrip = std::chrono::milliseconds(50);
  size_t n = 0;
  for (const auto* steps : {&sc.steps, &sc.cleanup}) {
    for (const Step& s : *steps) {
      const size_t copies = static_cast<size_t>(std::max(1, s.repeat));
      n += s.parallel > 0
               ? (copies + static_cast<size_t>(s.parallel) - 1) / static_cast<size_t>(s.parallel)
           : s.concurrent > 0 ? 1
                              : copies;
      if (s.consistently) {
        n += 1;
        if (s.consistently->duration) {
          n += static_cast<size_t>(*s.consistently->duration / kRoundTrip);
        }
      }
    }
  }
  return n;
}

}  // namespace bis::runner::detail
