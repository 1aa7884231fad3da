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

namespace {

// Every name a capture of the scenario binds, with how many captures bind it. At run time a
// capture overwrites a var of the same name.
std::map<std::string, int> captured_names(const Scenario& sc) {
  std::map<std::string, int> names;
  for (const auto* steps : {&sc.steps, &sc.cleanup}) {
    for (const Step& s : *steps) {
      for (const Capture& c : s.captures) ++names[c.name];
    }
  }
  return names;
}

// The vars of a scenario as far as they are known before the run: target.* and the vars made
// of it. A var that reads anything else (unique(), a capture) stays undefined, and so does
// every name a capture may rebind.
nlohmann::json known_vars(const Suite& suite, const Scenario& sc,
                          const nlohmann::json& target_values, const TemplateContext& ctx) {
  nlohmann::json vars = nlohmann::json::object();
  vars["target"] = target_values;
  for (const auto* list : {&suite.vars, &sc.vars}) {
    for (const Var& v : *list) {
      auto value = render_json(v.value.json, vars, ctx);
      if (value) {
        vars[v.name] = std::move(*value);
      } else {
        vars.erase(v.name);  // at run time the scenario's var wins over the suite's
      }
    }
  }
  for (const auto& [name, count] : captured_names(sc)) vars.erase(name);
  return vars;
}

}  // namespace

Accounts changed_accounts(const Suite& suite, const Scenario& sc,
                          const nlohmann::json& target_values) {
  const TemplateContext ctx{"", suite.id, sc.id};
  const nlohmann::json vars = known_vars(suite, sc, target_values, ctx);
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

Duration clock_advance(const Scenario& sc) {
  Duration total{0};
  const auto add = [&total](Duration d) {  // saturating: a sum past the largest is the largest
    total = d > Duration::max() - total ? Duration::max() : total + d;
  };
  for (const auto* steps : {&sc.steps, &sc.cleanup}) {
    for (const Step& s : *steps) {
      if (!moves_clock(s) || !s.control.by) continue;
      for (int i = 0; i < std::max(1, s.repeat); ++i) add(*s.control.by);  // repeat <= 1000
    }
  }
  return total;
}

Duration batch_interval_floor(const Suite& suite, const Scenario& sc, const Accounts& accounts,
                              const nlohmann::json& target_values,
                              const std::set<std::string>& unbatched) {
  constexpr Duration kUnknown{0};
  if (!accounts) return kUnknown;
  // Before its first set_flow, a restock goes under the flow the account has.
  for (const std::string& a : *accounts) {
    if (!unbatched.count(a)) return kUnknown;
  }
  const TemplateContext ctx{"", suite.id, sc.id};
  const nlohmann::json vars = known_vars(suite, sc, target_values, ctx);
  // A flow captured from a get_flow and put back to the same account restores the flow the
  // account had: the fixture's (unbatched, checked above) as long as only this chain changes
  // its flow. Only when nothing else binds that name: no other capture, no var.
  const auto account_text = [](const Step& s) {
    return s.control.account ? s.control.account->text : std::string();
  };
  const std::map<std::string, int> captured = captured_names(sc);
  std::set<std::string> vars_named;
  for (const auto* list : {&suite.vars, &sc.vars}) {
    for (const Var& v : *list) vars_named.insert(v.name);
  }
  std::set<std::pair<std::string, std::string>> read_flows;  // ("{{ var }}", account as written)
  for (const auto* steps : {&sc.steps, &sc.cleanup}) {
    for (const Step& s : *steps) {
      if (s.kind != Step::Kind::kControl || s.control.action != "get_flow") continue;
      for (const Capture& c : s.captures) {
        if (captured.at(c.name) == 1 && !vars_named.count(c.name))
          read_flows.emplace("{{ " + c.name + " }}", account_text(s));
      }
    }
  }
  Duration floor = Duration::max();
  for (const auto* steps : {&sc.steps, &sc.cleanup}) {
    for (const Step& s : *steps) {
      if (s.kind != Step::Kind::kControl || s.control.action != "set_flow") continue;
      if (!s.control.flow) return kUnknown;
      const nlohmann::json& written = s.control.flow->json;
      if (written.is_string() && read_flows.count({written.get<std::string>(), account_text(s)}))
        continue;
      auto flow = render_json(written, vars, ctx);
      if (!flow || !flow->is_object()) return kUnknown;
      const auto enabled = flow->find("enabled");
      if (enabled != flow->end() && enabled->is_boolean() && !enabled->get<bool>()) continue;
      const auto size = flow->find("batch_size");
      if (size != flow->end() && size->is_number() && size->get<double>() == 0) continue;
      const auto interval = flow->find("batch_interval_seconds");
      if (interval == flow->end() || !interval->is_number() || interval->get<double>() <= 0)
        return kUnknown;
      // Clamped before the cast: a larger interval than a hundred years is as good as none.
      const double seconds = std::min(interval->get<double>(), 100 * 365.25 * 86400);
      floor = std::min(floor, std::chrono::duration_cast<Duration>(
                                  std::chrono::duration<double>(seconds)));
    }
  }
  return floor;
}

bool disjoint(const Accounts& a, const Accounts& b) {
  if (!a || !b) return false;
  for (const std::string& k : *a) {
    if (b->count(k)) return false;
  }
  return true;
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
    std::set<std::string> all;
    bool known = true;
    for (size_t i = 0; i < exclusive.size(); ++i) {
      chains[0].scenarios.push_back(i);
      if (exclusive[i]) all.insert(exclusive[i]->begin(), exclusive[i]->end());
      known = known && exclusive[i].has_value();
    }
    if (known) chains[0].accounts = all;
  } else {
    std::map<std::string, size_t> chain_of;
    for (size_t i = 0; i < exclusive.size(); ++i) {
      const std::string& key = *exclusive[i]->begin();
      auto [it, added] = chain_of.emplace(key, chains.size());
      if (added) {
        chains.push_back({});
        chains.back().accounts = std::set<std::string>{key};
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
