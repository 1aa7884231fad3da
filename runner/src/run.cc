#include "bis/runner/run.h"

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "bis/common/text.h"
#include "bis/runner/scenario_runner.h"
#include "bis/runner/verdict.h"
#include "schedule.h"

namespace bis::runner {

std::string_view tool_version() { return BIS_VERSION; }

std::string new_run_id() {
  static std::atomic<uint64_t> counter{0};
  std::random_device rd;
  const uint64_t bits =
      (static_cast<uint64_t>(rd()) << 32 | rd()) ^
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
      counter.fetch_add(0x9E3779B97F4A7C15ull);
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(bits ^ (bits >> 32)));
  return buf;
}

namespace {

bool glob(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

template <class F>
bool any(const std::vector<std::string>& list, F f) {
  for (const auto& x : list) {
    if (f(x)) return true;
  }
  return false;
}

}  // namespace

bool Selection::selects(const Suite& suite, const Scenario& sc) const {
  auto tagged = [&](const std::string& t) {
    return any(sc.tags, [&](const std::string& x) { return x == t; });
  };
  if (!tags.empty() && !any(tags, tagged)) return false;
  if (any(skip_tags, tagged)) return false;
  if (!requirements.empty()) {
    std::vector<std::string> covers = sc.covers;
    for (const auto& st : sc.steps) covers.insert(covers.end(), st.covers.begin(), st.covers.end());
    const bool covered = any(requirements, [&](const std::string& p) {
      return any(covers, [&](const std::string& c) { return glob(p, c); });
    });
    if (!covered) return false;
  }
  if (!scenarios.empty()) {
    const std::string full = suite.id + "/" + sc.id;
    const bool named = any(scenarios, [&](const std::string& p) {
      return glob(p, full) || glob(p, sc.id) || (!sc.name.empty() && glob(p, sc.name));
    });
    if (!named) return false;
  }
  return true;
}

bool Selection::filtered() const {
  return !tags.empty() || !skip_tags.empty() || !requirements.empty() || !scenarios.empty();
}

bool Selection::names_requirement(const std::string& id) const {
  return any(requirements, [&](const std::string& p) { return glob(p, id); });
}

std::vector<std::string> empty_selection_hints(const std::vector<Suite>& suites,
                                               const Selection& selection) {
  std::set<std::string> tags, covers, names;
  for (const Suite& suite : suites) {
    for (const Scenario& sc : suite.scenarios) {
      tags.insert(sc.tags.begin(), sc.tags.end());
      covers.insert(sc.covers.begin(), sc.covers.end());
      for (const auto& st : sc.steps) covers.insert(st.covers.begin(), st.covers.end());
      names.insert(suite.id + "/" + sc.id);
      names.insert(sc.id);
      if (!sc.name.empty()) names.insert(sc.name);
    }
  }
  std::vector<std::string> lines;
  // A glob that matches none of `known`: say so, with the case-insensitive match if any.
  auto check = [&](const char* flag, const std::string& pattern, const std::set<std::string>& known,
                   const char* what) {
    for (const auto& k : known) {
      if (glob(pattern, k)) return;
    }
    std::string line = std::string(flag) + " '" + pattern + "' matches no " + what;
    bool case_hint = false;
    for (const auto& k : known) {
      if (fnmatch(pattern.c_str(), k.c_str(), FNM_CASEFOLD) != 0) continue;
      std::string upper = pattern, lower = pattern;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::string guess = glob(upper, k) ? upper : glob(lower, k) ? lower : k;
      line += " (globs are case-sensitive: did you mean '" + guess + "'?)";
      case_hint = true;
      break;
    }
    if (!case_hint) {
      const std::string guess =
          closest_match(pattern, std::vector<std::string>(known.begin(), known.end()));
      if (!guess.empty()) line += " (did you mean '" + guess + "'?)";
    }
    lines.push_back(line);
  };
  for (const auto& p : selection.requirements)
    check("--requirement", p, covers, "covered requirement");
  for (const auto& p : selection.scenarios) check("--scenario", p, names, "scenario");
  for (const auto& t : selection.tags) {
    if (!tags.count(t)) check("--tag", t, tags, "tag");
  }
  if (lines.empty()) lines.push_back("the filters together select no scenario");
  return lines;
}

size_t default_jobs() {
  return std::max<size_t>(kDefaultJobs, std::thread::hardware_concurrency());
}

RunResult run(const std::vector<Suite>& suites, const Selection& selection,
              const Catalogue& catalogue, const Target& target, const RunOptions& options,
              ResultListener& listener) {
  RunResult result;
  result.tool_version = std::string(tool_version());
  result.run_id = options.run_id.empty() ? new_run_id() : options.run_id;
  result.target = target.info;
  result.strict = options.strict;
  result.require_all = options.require_all;
  result.started_at = std::chrono::system_clock::now();
  Env& env = options.env ? *options.env : Env::real();
  const auto start = env.now();

  // Slots in declaration order; the work lists by lane (schedule.h).
  struct Job {
    size_t source, scenario;  // in `suites`
    size_t suite, slot;       // in result.suites
    size_t round_trips;       // estimated: the longest start first
  };
  std::vector<Job> bound, free_jobs, flow_exclusive, clock, exclusive;
  std::vector<detail::Accounts> bound_accounts, exclusive_accounts;
  for (size_t i = 0; i < suites.size(); ++i) {
    SuiteResult sr;
    sr.id = suites[i].id;
    sr.name = suites[i].name;
    sr.description = suites[i].description;
    sr.file = suites[i].file;
    for (size_t k = 0; k < suites[i].scenarios.size(); ++k) {
      const Scenario& sc = suites[i].scenarios[k];
      if (!selection.selects(suites[i], sc)) continue;
      const Job job{i, k, result.suites.size(), sr.scenarios.size(),
                    detail::estimated_round_trips(sc)};
      switch (detail::lane_of(sc)) {
        case detail::Lane::kFlowBound:
          bound.push_back(job);
          break;
        case detail::Lane::kFree:
          free_jobs.push_back(job);
          break;
        case detail::Lane::kFlowExclusive:
          flow_exclusive.push_back(job);
          exclusive_accounts.push_back(detail::changed_accounts(suites[i], sc, target.values));
          break;
        case detail::Lane::kClock:
          clock.push_back(job);
          break;
        case detail::Lane::kAlone:
          exclusive.push_back(job);
          break;
      }
      sr.scenarios.push_back(scenario_header(sc));
    }
    if (!sr.scenarios.empty()) result.suites.push_back(std::move(sr));
  }
  // The flow-bound scenarios go first (flow-exclusive ones wait for them), each lane the
  // longest first; parallel[i] for i < bound.size() is bound[i].
  const auto longest_first = [](std::vector<Job>& jobs) {
    std::stable_sort(jobs.begin(), jobs.end(),
                     [](const Job& a, const Job& b) { return a.round_trips > b.round_trips; });
  };
  longest_first(bound);
  longest_first(free_jobs);
  for (const Job& job : bound)
    bound_accounts.push_back(detail::changed_accounts(
        suites[job.source], suites[job.source].scenarios[job.scenario], target.values));
  std::vector<Job> parallel = bound;
  parallel.insert(parallel.end(), free_jobs.begin(), free_jobs.end());
  const size_t flow_bound = bound.size();
  const std::vector<detail::FlowChain> chains =
      detail::flow_chains(exclusive_accounts, bound_accounts);

  RunHeader header;
  header.run_id = result.run_id;
  header.target = target.info;
  header.strict = options.strict;
  header.scenario_count =
      parallel.size() + flow_exclusive.size() + clock.size() + exclusive.size();
  std::mutex listener_mutex;
  listener.run_started(header);

  std::optional<RateLimiter> limiter;
  if (options.max_rps > 0) limiter.emplace(options.max_rps, env);
  RunContext ctx{target,
                 catalogue,
                 result.run_id,
                 options.request_timeout,
                 options.scenario_timeout,
                 limiter ? &*limiter : nullptr,
                 &env,
                 start};
  std::atomic<bool> stop{false};

  auto execute = [&](const Job& job) {
    const Suite& suite = suites[job.source];
    const Scenario& sc = suite.scenarios[job.scenario];
    ScenarioResult r;
    if (stop) {
      r = scenario_header(sc);
      r.verdict = Verdict::kNotApplicable;
      r.reason = "not run: --fail-fast stopped the run";
    } else {
      r = run_scenario(suite, sc, ctx);
    }
    const bool bad = r.verdict == Verdict::kFail || r.verdict == Verdict::kError ||
                     (options.strict && r.verdict == Verdict::kWarn);
    if (options.fail_fast && bad) stop = true;
    std::lock_guard<std::mutex> lock(listener_mutex);
    SuiteResult& slot = result.suites[job.suite];
    slot.scenarios[job.slot] = std::move(r);
    SuiteResult header_only{slot.id, slot.name, slot.description, slot.file, {}, Millis(0)};
    listener.scenario_finished(header_only, slot.scenarios[job.slot]);
  };

  size_t jobs = options.jobs ? options.jobs : default_jobs();
  jobs = std::min(jobs, std::max<size_t>(parallel.size(), 1));
  // Each chain of flow-exclusive scenarios (one per account) runs on its own lane, beside the
  // rest, once the flow-bound scenarios that change its accounts have finished; the scenarios
  // moving the clock run one at a time on a lane of their own, beside the rest, when the
  // clock cannot change what a chain or a flow-bound scenario running beside them observes.
  std::atomic<size_t> next{0};
  std::mutex bound_mutex;
  std::condition_variable bound_cv;
  std::vector<char> bound_done(flow_bound, 0);
  // What the clock lane may run beside a chain (schedule.h): the chain's shortest batch
  // interval less the longest the chain may take (its scenarios' deadlines and the request
  // timeouts of their `finally` steps: the virtual clock also runs with real time), and how far
  // the clock has moved since the chain started.
  enum class ChainState { kWaiting, kRunning, kDone };
  std::vector<ChainState> chain_state(chains.size(), ChainState::kWaiting);
  std::vector<Duration> chain_floor(chains.size(), Duration::max());
  std::vector<Duration> chain_moved(chains.size(), Duration{0});
  for (size_t c = 0; c < chains.size(); ++c) {
    Duration longest{0};
    for (size_t i : chains[c].scenarios) {
      const Job& job = flow_exclusive[i];
      const Scenario& sc = suites[job.source].scenarios[job.scenario];
      chain_floor[c] = std::min(
          chain_floor[c], detail::batch_interval_floor(suites[job.source], sc, chains[c].accounts,
                                                       target.values, target.unbatched_accounts));
      for (Duration d : {sc.timeout.value_or(options.scenario_timeout),
                         options.request_timeout * static_cast<int64_t>(sc.cleanup.size())})
        longest = d > Duration::max() - longest ? Duration::max() : longest + d;
    }
    if (chain_floor[c] != Duration::max())
      chain_floor[c] = chain_floor[c] > longest ? chain_floor[c] - longest : Duration{0};
  }
  std::optional<Duration> clock_moving;  // the running clock scenario's advance
  detail::Accounts clock_accounts;       // and the accounts it changes
  // A chain and a clock scenario may overlap when they change different accounts and the
  // clock moves, in all while the chain runs, stay under the chain's shortest batch interval.
  const auto clock_fits = [&](size_t c, Duration more, const detail::Accounts& accounts) {
    return detail::disjoint(chains[c].accounts, accounts) && chain_moved[c] < chain_floor[c] &&
           more < chain_floor[c] - chain_moved[c];
  };
  std::vector<std::thread> workers;
  for (size_t w = 0; w < jobs; ++w) {
    workers.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < parallel.size();) {
        execute(parallel[i]);
        if (i >= flow_bound) continue;
        std::lock_guard<std::mutex> lock(bound_mutex);
        bound_done[i] = 1;
        bound_cv.notify_all();
      }
    });
  }
  for (size_t c = 0; c < chains.size(); ++c) {
    workers.emplace_back([&, c] {
      const detail::FlowChain& chain = chains[c];
      {
        std::unique_lock<std::mutex> lock(bound_mutex);
        bound_cv.wait(lock, [&] {
          return std::all_of(chain.after.begin(), chain.after.end(),
                             [&](size_t b) { return bound_done[b] != 0; }) &&
                 (!clock_moving || clock_fits(c, *clock_moving, clock_accounts));
        });
        chain_state[c] = ChainState::kRunning;
        chain_moved[c] = clock_moving.value_or(Duration{0});
      }
      for (size_t i : chain.scenarios) execute(flow_exclusive[i]);
      std::lock_guard<std::mutex> lock(bound_mutex);
      chain_state[c] = ChainState::kDone;
      bound_cv.notify_all();
    });
  }
  // Scenarios that move the clock (which decides when a restock's later batches go) run one at
  // a time, beside the rest, each once every flow-bound scenario has finished whose restocks
  // the clock could change, and every flow-exclusive chain whose batches it could send early
  // (schedule.h).
  workers.emplace_back([&] {
    for (const Job& job : clock) {
      const Scenario& sc = suites[job.source].scenarios[job.scenario];
      const detail::Accounts accounts =
          detail::changed_accounts(suites[job.source], sc, target.values);
      std::vector<char> may_overlap(flow_bound);
      for (size_t b = 0; b < flow_bound; ++b) {
        may_overlap[b] = detail::clock_may_overlap(
            suites[bound[b].source].scenarios[bound[b].scenario], bound_accounts[b], accounts,
            target.unbatched_accounts);
      }
      const Duration moves = detail::clock_advance(sc);
      {
        std::unique_lock<std::mutex> lock(bound_mutex);
        bound_cv.wait(lock, [&] {
          for (size_t c = 0; c < chains.size(); ++c) {
            if (chain_state[c] != ChainState::kDone && !clock_fits(c, moves, accounts))
              return false;
          }
          for (size_t b = 0; b < flow_bound; ++b) {
            if (!bound_done[b] && !may_overlap[b]) return false;
          }
          return true;
        });
        for (size_t c = 0; c < chains.size(); ++c) {  // saturating; fits() keeps it under floor
          if (chain_state[c] == ChainState::kRunning)
            chain_moved[c] = moves > Duration::max() - chain_moved[c] ? Duration::max()
                                                                      : chain_moved[c] + moves;
        }
        clock_moving = moves;
        clock_accounts = accounts;
      }
      execute(job);
      std::lock_guard<std::mutex> lock(bound_mutex);
      clock_moving.reset();
      bound_cv.notify_all();
    }
  });
  for (auto& w : workers) w.join();
  for (const Job& job : exclusive) execute(job);

  // A suite's duration spans its first scenario's start to its last one's end.
  for (SuiteResult& s : result.suites) {
    Millis first{1e300}, last{0};
    for (const ScenarioResult& sc : s.scenarios) {
      if (sc.steps.empty() && sc.duration.count() == 0) continue;  // not run
      first = std::min(first, sc.started);
      last = std::max(last, sc.started + sc.duration);
    }
    if (last >= first) s.duration = last - first;
  }
  result.requirements = requirement_results(catalogue, result.suites);
  // A run claims what it selected: the requirements a --requirement glob names, else those the
  // scenarios selected by the other filters cover, else (no filter) all of the catalogue.
  std::vector<RequirementResult> in_run;
  for (RequirementResult& r : result.requirements) {
    const bool selected = !selection.requirements.empty() ? selection.names_requirement(r.id)
                          : selection.filtered()          ? r.in_run
                                                          : true;
    if (selected) {
      if (!r.in_run && r.reason.empty()) r.reason = "no scenario of the run covers it";
      r.in_run = true;
      in_run.push_back(std::move(r));
    }
  }
  result.requirements = std::move(in_run);
  result.duration = env.now() - start;
  return result;
}

void ListenerList::run_started(const RunHeader& header) {
  for (auto* l : listeners_) l->run_started(header);
}

void ListenerList::scenario_finished(const SuiteResult& suite, const ScenarioResult& scenario) {
  for (auto* l : listeners_) l->scenario_finished(suite, scenario);
}

bool ListenerList::run_finished(const RunResult& result, std::string& error) {
  bool ok = true;
  for (auto* l : listeners_) {
    std::string e;
    if (!l->run_finished(result, e)) {
      ok = false;
      error += (error.empty() ? "" : "\n") + e;
    }
  }
  return ok;
}

}  // namespace bis::runner
