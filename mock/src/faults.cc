#include "bis/mock/faults.h"

#include <algorithm>
#include <array>

#include "jsonapi.h"

namespace bis::mock {
namespace {

using nlohmann::json;

struct KindName {
  FaultKind kind;
  std::string_view name;
  std::string_view keys;  // the keys this kind takes besides the common ones
};

constexpr std::array kKinds = {
    KindName{FaultKind::kLatency, "latency", " ms min_ms max_ms "},
    KindName{FaultKind::kStatus, "status", " status body headers "},
    KindName{FaultKind::kRateLimit, "rate_limit", " retry_after body headers "},
    KindName{FaultKind::kResetBefore, "reset_before", " "},
    KindName{FaultKind::kResetAfter, "reset_after", " "},
    KindName{FaultKind::kEmpty, "empty", " "},
    KindName{FaultKind::kTruncate, "truncate", " bytes "},
    KindName{FaultKind::kSlowBody, "slow_body", " bytes_per_second "},
};
constexpr std::string_view kCommonKeys = " kind path account times probability seed ";

constexpr int64_t kMaxLatencyMs = 60'000;
constexpr int64_t kMaxRetryAfter = 86'400;

Unexpected<FaultError> fail(std::string key, std::string message) {
  return Unexpected{FaultError{std::move(key), std::move(message)}};
}

bool has_key(std::string_view list, std::string_view key) {
  return list.find(" " + std::string(key) + " ") != std::string_view::npos;
}

// A non-negative integer member no larger than `max`.
std::optional<std::string> read_count(const json& j, const char* key, int64_t max, int64_t& out) {
  if (!j.contains(key)) return std::nullopt;
  const json& v = j[key];
  if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > max)
    return std::string(key) + " must be an integer from 0 to " + std::to_string(max);
  out = v.get<int64_t>();
  return std::nullopt;
}

}  // namespace

std::string_view fault_kind_name(FaultKind kind) {
  for (const KindName& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

bool fault_calls_route(FaultKind kind) {
  return kind == FaultKind::kLatency || kind == FaultKind::kResetAfter ||
         kind == FaultKind::kTruncate || kind == FaultKind::kSlowBody;
}

// A fault written without "kind" says what it is by its keys ({"status": 503} is a status).
std::optional<std::string> kind_by_keys(const json& j) {
  for (const auto& [key, kind] : {std::pair{"status", "status"}, {"ms", "latency"},
                                  {"min_ms", "latency"}, {"retry_after", "rate_limit"},
                                  {"bytes_per_second", "slow_body"}, {"bytes", "truncate"}}) {
    if (j.contains(key)) return kind;
  }
  return std::nullopt;
}

Expected<Fault, FaultError> fault_from_json(const json& j_in) {
  if (!j_in.is_object()) return fail("", "a fault is a JSON object with at least \"kind\"");
  json j = j_in;
  if (!j.contains("kind")) {
    if (auto k = kind_by_keys(j)) j["kind"] = *k;
  }
  if (!j.contains("kind") || !j["kind"].is_string()) {
    std::string known;
    for (const KindName& k : kKinds) known += (known.empty() ? "" : ", ") + std::string(k.name);
    return fail("kind", "\"kind\" must be one of " + known);
  }
  const std::string kind = j["kind"].get<std::string>();
  const auto k = std::find_if(kKinds.begin(), kKinds.end(),
                              [&](const KindName& n) { return n.name == kind; });
  if (k == kKinds.end()) {
    std::string known;
    for (const KindName& n : kKinds) known += (known.empty() ? "" : ", ") + std::string(n.name);
    return fail("kind", "unknown kind '" + kind + "' (known: " + known + ")");
  }
  Fault f;
  f.kind = k->kind;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!has_key(kCommonKeys, it.key()) && !has_key(k->keys, it.key()))
      return fail(it.key(), "unknown key '" + it.key() + "' for a " + kind + " fault");
  }
  for (const char* key : {"path", "account"}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_string()) return fail(key, std::string(key) + " must be a string");
    (std::string_view(key) == "path" ? f.path : f.account) = j[key].get<std::string>();
  }
  if (!f.path.empty() && f.path.front() != '/' && f.path.front() != '*')
    return fail("path", "path must start with '/' or '*'");
  // Only a latency may slow the control surface down (to stand for a far target); any other
  // fault there could cut off the way to remove it.
  if (f.path.rfind("/__admin", 0) == 0 && f.kind != FaultKind::kLatency)
    return fail("path", "only a latency fault may apply to the control surface (/__admin...)");
  int64_t times = 0, seed = 1;
  if (auto e = read_count(j, "times", INT64_MAX, times)) return fail("times", *e);
  if (auto e = read_count(j, "seed", INT64_MAX, seed)) return fail("seed", *e);
  f.times = static_cast<uint64_t>(times);
  f.seed = static_cast<uint64_t>(seed);
  if (j.contains("probability")) {
    const json& p = j["probability"];
    if (!p.is_number() || p.get<double>() < 0 || p.get<double>() > 1)
      return fail("probability", "probability must be a number from 0 to 1");
    f.probability = p.get<double>();
  }
  switch (f.kind) {
    case FaultKind::kLatency: {
      const bool fixed = j.contains("ms"), range = j.contains("min_ms") || j.contains("max_ms");
      if (fixed == range)
        return fail("ms", "a latency fault takes \"ms\", or \"min_ms\" and \"max_ms\"");
      if (fixed) {
        if (auto e = read_count(j, "ms", kMaxLatencyMs, f.min_ms)) return fail("ms", *e);
        f.max_ms = f.min_ms;
      } else {
        if (!j.contains("min_ms") || !j.contains("max_ms"))
          return fail("min_ms", "a latency range takes both \"min_ms\" and \"max_ms\"");
        if (auto e = read_count(j, "min_ms", kMaxLatencyMs, f.min_ms)) return fail("min_ms", *e);
        if (auto e = read_count(j, "max_ms", kMaxLatencyMs, f.max_ms)) return fail("max_ms", *e);
        if (f.max_ms < f.min_ms) return fail("max_ms", "max_ms must not be less than min_ms");
      }
      break;
    }
    case FaultKind::kStatus: {
      int64_t status = 0;
      if (!j.contains("status")) return fail("status", "a status fault takes \"status\"");
      if (auto e = read_count(j, "status", 599, status); e || status < 200)
        return fail("status", "status must be an integer from 200 to 599");
      f.status = static_cast<int>(status);
      break;
    }
    case FaultKind::kRateLimit:
      f.status = 429;
      if (auto e = read_count(j, "retry_after", kMaxRetryAfter, f.retry_after))
        return fail("retry_after", *e);
      break;
    case FaultKind::kTruncate: {
      int64_t bytes = 0;
      if (auto e = read_count(j, "bytes", INT32_MAX, bytes)) return fail("bytes", *e);
      f.bytes = static_cast<uint64_t>(bytes);
      break;
    }
    case FaultKind::kSlowBody: {
      int64_t rate = 0;
      if (!j.contains("bytes_per_second") ||
          read_count(j, "bytes_per_second", INT32_MAX, rate) || rate < 1)
        return fail("bytes_per_second", "bytes_per_second must be an integer of at least 1");
      f.bytes_per_second = static_cast<uint64_t>(rate);
      break;
    }
    default:
      break;
  }
  if (j.contains("body")) {
    if (!j["body"].is_string()) return fail("body", "body must be a string");
    f.body = j["body"].get<std::string>();
  } else if (f.kind == FaultKind::kRateLimit) {
    // The JSON:API endpoints' throttled error (docs/control-protocol.md, "Faults"; INFERRED for
    // the legacy path, which documents no 429), one writer for it and the rate limits.
    f.body = jsonapi::error_body({jsonapi::throttled_for(f.retry_after, "bis-mock-fault")});
  }
  if (j.contains("headers")) {
    const json& h = j["headers"];
    if (!h.is_object()) return fail("headers", "headers must be an object of strings");
    for (auto it = h.begin(); it != h.end(); ++it) {
      const std::string& name = it.key();
      if (!it->is_string() || name.empty() ||
          name.find_first_of(" \t\r\n:") != std::string::npos ||
          it->get<std::string>().find_first_of("\r\n") != std::string::npos)
        return fail("headers", "header '" + name + "' must be a token name with a one-line string");
      f.headers.emplace_back(name, it->get<std::string>());
    }
  }
  return f;
}

json to_json(const Fault& f) {
  json j{{"id", f.id}, {"kind", std::string(fault_kind_name(f.kind))}};
  j["path"] = f.path.empty() ? json(nullptr) : json(f.path);
  j["account"] = f.account.empty() ? json(nullptr) : json(f.account);
  j["times"] = f.times == 0 ? json(nullptr) : json(f.times);
  j["probability"] = f.probability;
  j["seed"] = f.seed;
  switch (f.kind) {
    case FaultKind::kLatency:
      if (f.min_ms == f.max_ms) {
        j["ms"] = f.min_ms;
      } else {
        j["min_ms"] = f.min_ms;
        j["max_ms"] = f.max_ms;
      }
      break;
    case FaultKind::kStatus:
    case FaultKind::kRateLimit:
      if (f.kind == FaultKind::kStatus) j["status"] = f.status;
      if (f.kind == FaultKind::kRateLimit) j["retry_after"] = f.retry_after;
      j["body"] = f.body;
      j["headers"] = json::object();
      for (const auto& [name, value] : f.headers) j["headers"][name] = value;
      break;
    case FaultKind::kTruncate:
      j["bytes"] = f.bytes;
      break;
    case FaultKind::kSlowBody:
      j["bytes_per_second"] = f.bytes_per_second;
      break;
    default:
      break;
  }
  return j;
}

std::string FaultPlan::description() const {
  std::string out;
  for (const std::string& a : applied) out += (out.empty() ? "" : "; ") + a;
  return out;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative wildcard match with one backtrack point: linear in practice, never exponential.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p, ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Fault FaultSet::add(Fault fault) {
  std::lock_guard lock(mu_);
  fault.id = "f-" + std::to_string(next_id_++);
  entries_.push_back(Entry{fault, std::mt19937_64(fault.seed), 0, 0});
  return fault;
}

bool FaultSet::remove(std::string_view id) {
  std::lock_guard lock(mu_);
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const Entry& e) { return e.fault.id == id; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

size_t FaultSet::clear() {
  std::lock_guard lock(mu_);
  const size_t n = entries_.size();
  entries_.clear();
  return n;
}

json FaultSet::list() const {
  std::lock_guard lock(mu_);
  json items = json::array();
  for (const Entry& e : entries_) {
    json j = to_json(e.fault);
    j["hits"] = e.hits;
    j["matched"] = e.matched;
    j["remaining"] = e.fault.times == 0 ? json(nullptr) : json(e.fault.times - e.hits);
    items.push_back(std::move(j));
  }
  return json{{"count", items.size()}, {"items", std::move(items)}};
}

bool FaultSet::empty() const {
  std::lock_guard lock(mu_);
  return entries_.empty();
}

bool FaultSet::needs_account() const {
  std::lock_guard lock(mu_);
  return std::any_of(entries_.begin(), entries_.end(),
                     [](const Entry& e) { return !e.fault.account.empty(); });
}

FaultPlan FaultSet::decide(std::string_view path, std::string_view account, bool control) {
  FaultPlan plan;
  std::lock_guard lock(mu_);
  for (Entry& e : entries_) {
    const Fault& f = e.fault;
    // Latencies add up over every fault; of the others, the first that fires is the action.
    if (plan.action && f.kind != FaultKind::kLatency) continue;
    if (f.times != 0 && e.hits >= f.times) continue;
    if ((f.path.rfind("/__admin", 0) == 0) != control) continue;
    if (!f.path.empty() && !glob_match(f.path, path)) continue;
    if (!f.account.empty() && f.account != account) continue;
    ++e.matched;
    // 53 random bits as a fraction in [0, 1): the same on every platform, unlike the
    // standard distributions, so a seed gives the same decisions everywhere.
    const double draw = static_cast<double>(e.random() >> 11) * 0x1.0p-53;
    if (f.probability < 1.0 && draw >= f.probability) continue;
    ++e.hits;
    if (f.kind == FaultKind::kLatency) {
      const int64_t span = f.max_ms - f.min_ms;
      const int64_t ms =
          span == 0 ? f.min_ms : f.min_ms + static_cast<int64_t>(e.random() % (span + 1));
      plan.delay_ms += ms;
      plan.applied.push_back(f.id + " latency " + std::to_string(ms) + "ms");
      continue;
    }
    std::string what = f.id + " " + std::string(fault_kind_name(f.kind));
    if (f.kind == FaultKind::kStatus) what += " " + std::to_string(f.status);
    plan.applied.push_back(std::move(what));
    plan.action = f;
  }
  return plan;
}

}  // namespace bis::mock
