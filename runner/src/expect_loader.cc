// The expectation half of the suite loader: `expect`, matchers and `capture`.
#include <algorithm>

#include "bis/common/text.h"
#include "bis/common/yaml.h"
#include "loader.h"

namespace bis::runner::load {

using nlohmann::json;

namespace {

bool is_matcher_key(std::string_view key) {
  const auto& keys = matcher_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string join(const std::vector<long long>& codes) {
  std::string out;
  for (size_t i = 0; i < codes.size(); ++i) out += (i ? ", " : "") + std::to_string(codes[i]);
  return out;
}

}  // namespace

std::optional<Matcher> Loader::matcher_or_value(const YAML::Node& node) {
  if (node.IsMap()) {
    bool any_matcher_key = false;
    for (auto it = node.begin(); it != node.end(); ++it)
      any_matcher_key |= is_matcher_key(it->first.Scalar());
    if (any_matcher_key) return matcher(node);
    // A map of plain keys is a value to compare with, unless a key looks like a misspelt
    // matcher ("tpye"): comparing with {tpye: string} is never what was meant.
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key.size() < 4) continue;
      const std::string guess = closest_match(key, matcher_keys());
      if (!guess.empty()) {
        error(it->first, "unknown matcher '" + key + "' (did you mean '" + guess +
                             "'?); to compare with an object, write equals: {...}");
        return std::nullopt;
      }
    }
  }
  auto v = value(node);
  if (!v) return std::nullopt;
  return Matcher::equal_to(std::move(v->json), v->pos);
}

std::optional<Matcher> Loader::matcher(const YAML::Node& node) {
  if (!check_map(node,
                 {"equals", "type", "matches", "one_of", "absent", "present", "length", "min",
                  "max", "contains", "subset", "not"},
                 "a matcher")) {
    return std::nullopt;
  }
  Matcher m;
  m.pos = pos(node);
  const size_t errors_before = errors().size();
  auto any = [&](const char* key, std::optional<json>& out) {
    if (const YAML::Node n = get(node, key); n.IsDefined()) {
      if (auto v = value(n)) out = std::move(v->json);
    }
  };
  any("equals", m.equals);
  any("contains", m.contains);
  any("subset", m.subset);
  if (const YAML::Node n = get(node, "one_of"); n.IsDefined()) {
    if (!n.IsSequence()) {
      error(n, "one_of must be a list");
    } else if (auto v = value(n)) {
      m.one_of = std::move(v->json);
    }
  }
  if (const YAML::Node n = get(node, "type"); n.IsDefined()) {
    const std::string t = scalar(n, "type").value_or("");
    const auto& types = matcher_types();
    if (std::find(types.begin(), types.end(), t) == types.end()) {
      error(n, "unknown type '" + t + "'" + known_or_did_you_mean(t, types));
    } else {
      m.type = t;
    }
  }
  if (const YAML::Node n = get(node, "matches"); n.IsDefined()) {
    if (auto t = text(n, "matches")) {
      m.matches = t->text;
      if (!is_templated(t->text)) {
        auto re = compile_regex(t->text);
        if (re) {
          m.regex = *re;
        } else {
          error(n, re.error());
        }
      }
    }
  }
  for (const char* key : {"absent", "present"}) {
    if (const YAML::Node n = get(node, key); n.IsDefined()) {
      (key[0] == 'a' ? m.absent : m.present) = boolean(n, key);
    }
  }
  if (const YAML::Node n = get(node, "length"); n.IsDefined()) {
    if (n.IsMap()) {
      if (check_map(n, {"min", "max"}, "length")) {
        if (const YAML::Node a = get(n, "min"); a.IsDefined())
          m.length_min = integer(a, "length min", 0, 1LL << 40);
        if (const YAML::Node b = get(n, "max"); b.IsDefined())
          m.length_max = integer(b, "length max", 0, 1LL << 40);
        if (!m.length_min && !m.length_max) error(n, "length needs 'min' or 'max'");
      }
    } else {
      m.length = integer(n, "length", 0, 1LL << 40);
    }
  }
  for (const char* key : {"min", "max"}) {
    if (const YAML::Node n = get(node, key); n.IsDefined()) {
      const json j = yaml::to_json(n);
      if (!j.is_number()) {
        error(n, std::string(key) + " must be a number");
      } else {
        (key[1] == 'i' ? m.min : m.max) = j.get<double>();
      }
    }
  }
  if (const YAML::Node n = get(node, "not"); n.IsDefined()) {
    if (auto inner = matcher_or_value(n))
      m.negated = std::make_shared<const Matcher>(std::move(*inner));
  }
  if (errors().size() != errors_before) return std::nullopt;
  return m;
}

std::optional<Expectation> Loader::expectation(const YAML::Node& node, bool observe) {
  if (!check_map(node,
                 {"status", "headers", "json", "json_subset", "body", "match", "count", "any_of"},
                 "an expectation")) {
    return std::nullopt;
  }
  Expectation e;
  e.pos = pos(node);
  if (const YAML::Node n = get(node, "status"); n.IsDefined()) {
    StatusExpectation s;
    s.pos = pos(n);
    const json j = yaml::to_json(n);
    if (n.IsMap()) {
      if (auto m = matcher(n)) {
        s.matcher = *m;
        s.description = m->describe();
        e.status = s;
      }
    } else if (j.is_number_integer()) {
      s.matcher = Matcher::equal_to(j, s.pos);
      s.description = j.dump();
      e.status = s;
    } else if (j.is_array()) {
      std::vector<long long> codes;
      for (const json& c : j) {
        if (c.is_number_integer()) codes.push_back(c.get<long long>());
      }
      if (codes.size() != j.size() || codes.empty()) {
        error(n, "status list must hold HTTP status codes");
      } else {
        s.matcher.pos = s.pos;
        s.matcher.one_of = j;
        s.description = "one of [" + join(codes) + "]";
        e.status = s;
      }
    } else if (j.is_string() && j.get<std::string>().size() == 3 &&
               j.get<std::string>()[0] >= '1' && j.get<std::string>()[0] <= '5' &&
               j.get<std::string>().substr(1) == "xx") {
      const double base = (j.get<std::string>()[0] - '0') * 100;
      s.matcher.pos = s.pos;
      s.matcher.min = base;
      s.matcher.max = base + 99;
      s.description = j.get<std::string>();
      e.status = s;
    } else {
      error(n, "status must be a code (200), a list of codes, a class (\"4xx\") or a matcher");
    }
  }
  if (const YAML::Node n = get(node, "headers"); n.IsDefined()) {
    if (!n.IsMap()) {
      error(n, "headers must be a map of header name to value or matcher");
    } else {
      for (auto it = n.begin(); it != n.end(); ++it) {
        // Header values are text: `X-Count: 5` means the text "5".
        std::optional<Matcher> m;
        if (it->second.IsScalar()) {
          if (auto t = text(it->second, "header value"))
            m = Matcher::equal_to(json(t->text), t->pos);
        } else {
          m = matcher_or_value(it->second);
        }
        if (m) e.headers.push_back(HeaderExpectation{it->first.Scalar(), std::move(*m)});
      }
    }
  }
  if (const YAML::Node n = get(node, "json"); n.IsDefined()) e.json = value(n);
  if (const YAML::Node n = get(node, "json_subset"); n.IsDefined()) e.json_subset = value(n);
  if (const YAML::Node n = get(node, "body"); n.IsDefined()) {
    if (n.IsMap()) {
      e.body = matcher(n);
    } else if (auto t = text(n, "body")) {
      e.body = Matcher::equal_to(json(t->text), t->pos);
    }
  }
  if (const YAML::Node n = get(node, "match"); n.IsDefined()) {
    if (!n.IsMap()) {
      error(n, "match must be a map of JSON path to value or matcher");
    } else {
      for (auto it = n.begin(); it != n.end(); ++it) {
        auto path = JsonPath::parse(it->first.Scalar());
        if (!path) {
          error(it->first, path.error());
          continue;
        }
        if (auto m = matcher_or_value(it->second)) {
          m->pos = pos(it->first);
          e.match.push_back(PathExpectation{std::move(*path), std::move(*m)});
        }
      }
    }
  }
  if (const YAML::Node n = get(node, "count"); n.IsDefined()) {
    if (!observe) {
      error(n, "count applies to observe steps (for a body array, use match: {$: {length: N}})");
    } else if (n.IsMap()) {
      e.count = matcher(n);
    } else if (auto c = integer(n, "count", 0, 1LL << 40)) {
      e.count = Matcher::equal_to(json(*c), pos(n));
    }
  }
  if (const YAML::Node n = get(node, "any_of"); n.IsDefined()) {
    if (!n.IsSequence() || n.size() < 2) {
      error(n, "any_of must be a list of at least two expectation blocks");
    } else {
      for (const auto& alt : n) {
        if (auto x = expectation(alt, observe)) e.any_of.push_back(std::move(*x));
      }
    }
  }
  if (e.empty()) error(node, "an empty expectation checks nothing");
  return e;
}

std::vector<Capture> Loader::captures(const YAML::Node& node) {
  std::vector<Capture> out;
  if (!node.IsMap()) {
    error(node, "capture must be a map of variable name to what to capture");
    return out;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    Capture c;
    c.name = it->first.Scalar();
    c.pos = pos(it->first);
    if (!is_variable_name(c.name) || is_builtin_variable(c.name)) {
      error(it->first,
            "'" + c.name + "' cannot be a variable name (built-in, or not [A-Za-z_][A-Za-z0-9_]*)");
      continue;
    }
    const YAML::Node v = it->second;
    if (v.IsScalar()) {
      auto path = JsonPath::parse(v.Scalar());
      if (!path) {
        error(v, path.error());
        continue;
      }
      c.kind = Capture::Kind::kJsonPath;
      c.path = std::move(*path);
    } else if (v.IsMap() && v.size() == 1 &&
               check_map(v, {"header", "status", "body"}, "a capture")) {
      const std::string key = v.begin()->first.Scalar();
      if (key == "header") {
        c.kind = Capture::Kind::kHeader;
        c.header = scalar(v.begin()->second, "header").value_or("");
      } else {
        if (!boolean(v.begin()->second, key).value_or(false)) continue;
        c.kind = key == "status" ? Capture::Kind::kStatus : Capture::Kind::kBody;
      }
    } else {
      error(v,
            "a capture is a JSON path ($.email), {header: NAME}, {status: true} or {body: true}");
      continue;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace bis::runner::load
