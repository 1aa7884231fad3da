// --fault SPEC: the command line's short form of a POST /__admin/faults body. The spec is
// turned into that JSON (remembering where each key was written) and checked by the same
// fault_from_json, so both ways accept exactly the same faults; an error names the column.
#include <charconv>
#include <map>

#include "bis/mock/faults.h"

namespace bis::mock {
namespace {

using nlohmann::json;

struct SpecError {
  size_t column;  // 1-based
  std::string message;
};

// "50ms", "2s", "50" (milliseconds), into milliseconds.
std::optional<int64_t> duration_ms(std::string_view text) {
  int64_t scale = 1;
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    text.remove_suffix(2);
  } else if (text.size() > 1 && text.back() == 's') {
    text.remove_suffix(1);
    scale = 1000;
  }
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0 || n > INT32_MAX)
    return std::nullopt;
  return n * scale;
}

std::optional<int64_t> integer(std::string_view text) {
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 0)
    return std::nullopt;
  return n;
}

std::optional<double> fraction(std::string_view text) {
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return d;
}

class SpecReader {
 public:
  explicit SpecReader(std::string_view spec) : spec_(spec) {}

  Expected<json, SpecError> read() {
    json j = json::object();
    size_t pos = 0;
    bool first = true;
    while (pos <= spec_.size()) {
      const size_t column = pos + 1;
      size_t end = std::min(spec_.find(',', pos), spec_.size());
      std::string_view item = spec_.substr(pos, end - pos);
      const size_t eq = item.find('=');
      const std::string_view key = item.substr(0, eq);
      if (key == "body") {  // takes the rest of the spec, commas included
        item = spec_.substr(pos);
        end = spec_.size();
      }
      const std::string_view value =
          eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      const size_t value_column = column + key.size() + 1;
      if (key.empty()) return Unexpected{SpecError{column, "expected KEY or KEY=VALUE"}};
      if (first) {
        if (auto e = kind(j, key, value, eq != std::string_view::npos, value_column))
          return Unexpected{*e};
      } else if (auto e = option(j, key, value, value_column)) {
        return Unexpected{*e};
      }
      columns_[first ? "kind" : std::string(key)] = column;
      first = false;
      pos = end + 1;
    }
    return j;
  }

  size_t column_of(const std::string& key) const {
    const auto it = columns_.find(key);
    return it == columns_.end() ? 1 : it->second;
  }

 private:
  std::optional<SpecError> kind(json& j, std::string_view kind, std::string_view value,
                                bool has_value, size_t at) {
    const auto bad = [&](std::string what) { return SpecError{at, std::move(what)}; };
    if (kind == "latency") {
      j["kind"] = "latency";
      const size_t dots = value.find("..");
      if (dots == std::string_view::npos) {
        const auto ms = duration_ms(value);
        if (!ms) return bad("expected a duration such as 50ms, 2s or 10ms..80ms");
        j["ms"] = *ms;
        return std::nullopt;
      }
      const auto lo = duration_ms(value.substr(0, dots)), hi = duration_ms(value.substr(dots + 2));
      if (!lo || !hi) return bad("expected a range of durations such as 10ms..80ms");
      j["min_ms"] = *lo;
      j["max_ms"] = *hi;
      return std::nullopt;
    }
    if (kind == "status") {
      const auto status = integer(value);
      if (!status) return bad("expected a status such as status=503");
      j["kind"] = "status";
      j["status"] = *status;
      return std::nullopt;
    }
    if (kind == "rate_limit" || kind == "429") {
      j["kind"] = "rate_limit";
      if (has_value) {
        const auto s = integer(value);
        if (!s) return bad("expected Retry-After seconds, e.g. rate_limit=2");
        j["retry_after"] = *s;
      }
      return std::nullopt;
    }
    if (kind == "reset") {
      if (value != "before" && value != "after") return bad("expected reset=before or reset=after");
      j["kind"] = "reset_" + std::string(value);
      return std::nullopt;
    }
    if (kind == "truncate" || kind == "slow_body") {
      const auto n = integer(value);
      if (!n)
        return bad(kind == "truncate" ? "expected the body bytes to keep, e.g. truncate=10"
                                      : "expected bytes per second, e.g. slow_body=100");
      j["kind"] = std::string(kind);
      j[kind == "truncate" ? "bytes" : "bytes_per_second"] = *n;
      return std::nullopt;
    }
    if ((kind == "reset_before" || kind == "reset_after" || kind == "empty") && !has_value) {
      j["kind"] = std::string(kind);
      return std::nullopt;
    }
    return SpecError{1, "unknown fault '" + std::string(kind) +
                            "' (known: latency=MS, latency=MS..MS, status=N, rate_limit[=S], "
                            "reset=before|after, empty, truncate=BYTES, slow_body=BYTES_PER_S)"};
  }

  std::optional<SpecError> option(json& j, std::string_view key, std::string_view value,
                                  size_t at) {
    const auto bad = [&](std::string what) { return SpecError{at, std::move(what)}; };
    if (key == "path" || key == "account" || key == "body") {
      j[std::string(key)] = std::string(value);
    } else if (key == "times" || key == "seed" || key == "retry_after") {
      const auto n = integer(value);
      if (!n) return bad(std::string(key) + " must be a non-negative integer");
      j[std::string(key)] = *n;
    } else if (key == "probability" || key == "p") {
      const auto p = fraction(value);
      if (!p) return bad("probability must be a number from 0 to 1");
      j["probability"] = *p;
      columns_["probability"] = at - key.size() - 1;
    } else if (key == "header") {
      const size_t colon = value.find(':');
      if (colon == std::string_view::npos || colon == 0)
        return bad("expected header=Name:value");
      std::string_view v = value.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      j["headers"][std::string(value.substr(0, colon))] = std::string(v);
    } else {
      return SpecError{at - key.size() - 1,
                       "unknown key '" + std::string(key) +
                           "' (known: path, account, times, probability, seed, retry_after, "
                           "header, body)"};
    }
    return std::nullopt;
  }

  std::string_view spec_;
  std::map<std::string, size_t, std::less<>> columns_;
};

}  // namespace

Expected<Fault, std::string> parse_fault_spec(std::string_view spec) {
  const auto where = [&](size_t column, const std::string& message) {
    return "--fault '" + std::string(spec) + "': at column " + std::to_string(column) + ": " +
           message;
  };
  SpecReader reader(spec);
  auto j = reader.read();
  if (!j) return Unexpected{where(j.error().column, j.error().message)};
  auto fault = fault_from_json(*j);
  if (!fault) {
    const std::string key = fault.error().key;
    const size_t column =
        reader.column_of(key == "ms" || key == "min_ms" || key == "max_ms" || key == "status" ||
                                 key == "bytes" || key == "bytes_per_second"
                             ? "kind"
                             : key == "headers" ? "header" : key);
    return Unexpected{where(column, fault.error().message)};
  }
  return *fault;
}

}  // namespace bis::mock
