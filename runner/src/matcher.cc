#include "bis/runner/matcher.h"

#include <re2/re2.h>

#include <cmath>

#include "bis/runner/json_diff.h"

namespace bis::runner {

using nlohmann::json;

namespace {

bool has_type(const json& v, std::string_view type) {
  if (type == "string") return v.is_string();
  if (type == "number") return v.is_number();
  if (type == "integer") {
    if (v.is_number_integer()) return true;
    if (!v.is_number_float()) return false;
    const double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
  }
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  if (type == "array") return v.is_array();
  if (type == "object") return v.is_object();
  return false;
}

std::string number_text(double d) {
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return json(d).dump();
}

MatchFailure failure(const std::string& path, std::string expected, const json* actual,
                     std::string message = "") {
  MatchFailure f{path, std::move(expected), render_value(actual), std::move(message)};
  if (f.message.empty()) f.message = "expected " + f.expected + ", got " + f.actual;
  return f;
}

std::string length_description(const Matcher& m) {
  if (m.length) return "length " + std::to_string(*m.length);
  if (m.length_min && m.length_max) {
    return "length " + std::to_string(*m.length_min) + ".." + std::to_string(*m.length_max);
  }
  if (m.length_min) return "length >= " + std::to_string(*m.length_min);
  return "length <= " + std::to_string(*m.length_max);
}

std::optional<long long> length_of(const json& v) {
  if (v.is_string()) return static_cast<long long>(utf8_length(v.get_ref<const std::string&>()));
  if (v.is_array() || v.is_object()) return static_cast<long long>(v.size());
  return std::nullopt;
}

}  // namespace

Matcher Matcher::equal_to(json value, SourcePos pos) {
  Matcher m;
  m.pos = std::move(pos);
  m.equals = std::move(value);
  return m;
}

const std::vector<std::string_view>& matcher_keys() {
  static const std::vector<std::string_view> keys = {"equals", "type",     "matches", "one_of",
                                                     "absent", "present",  "length",  "min",
                                                     "max",    "contains", "subset",  "not"};
  return keys;
}

const std::vector<std::string_view>& matcher_types() {
  static const std::vector<std::string_view> types = {"string", "number", "integer", "boolean",
                                                      "null",   "array",  "object"};
  return types;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

Expected<std::shared_ptr<const re2::RE2>, std::string> compile_regex(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok())
    return Unexpected{"bad regular expression '" + std::string(pattern) + "': " + re->error()};
  return std::shared_ptr<const RE2>(std::move(re));
}

std::string Matcher::describe() const {
  std::vector<std::string> parts;
  if (equals) parts.push_back(render_value(&*equals));
  if (type) parts.push_back("type " + *type);
  if (matches) parts.push_back("matches " + *matches);
  if (one_of) parts.push_back("one of " + render_value(&*one_of));
  if (absent) parts.push_back(*absent ? "absent" : "present");
  if (present) parts.push_back(*present ? "present" : "absent");
  if (length || length_min || length_max) parts.push_back(length_description(*this));
  if (min && max) {
    parts.push_back("number in [" + number_text(*min) + ", " + number_text(*max) + "]");
  } else if (min) {
    parts.push_back("number >= " + number_text(*min));
  } else if (max) {
    parts.push_back("number <= " + number_text(*max));
  }
  if (contains) parts.push_back("contains " + render_value(&*contains));
  if (subset) parts.push_back("contains the JSON " + render_value(&*subset));
  if (negated) parts.push_back("not (" + negated->describe() + ")");
  if (parts.empty()) return "anything";
  std::string out = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) out += " and " + parts[i];
  return out;
}

Expected<std::optional<MatchFailure>, RenderError> Matcher::check(const json* actual,
                                                                  const Scope& scope,
                                                                  const std::string& path) const {
  using Result = std::optional<MatchFailure>;
  const bool want_absent = (absent && *absent) || (present && !*present);
  const bool want_present = (absent && !*absent) || (present && *present);
  if (want_absent) {
    if (actual) return Result(failure(path, "absent", actual));
  } else if (want_present && !actual) {
    return Result(failure(path, "present", actual));
  }
  if (equals) {
    auto e = render_json(*equals, scope.vars, scope.ctx);
    if (!e) return Unexpected{e.error()};
    if (!actual) return Result(failure(path, render_value(&*e), actual));
    if (auto d = json_difference(*e, *actual, false, path)) {
      return Result(MatchFailure{d->path, d->expected, d->actual, d->message});
    }
  }
  const bool needs_value = type || matches || one_of || length || length_min || length_max || min ||
                           max || contains || subset;
  if (needs_value && !actual) return Result(failure(path, describe(), actual));
  if (type && !has_type(*actual, *type)) return Result(failure(path, "type " + *type, actual));
  if (matches) {
    std::shared_ptr<const RE2> re = regex;
    if (!re) {
      auto pattern = render_json(json(*matches), scope.vars, scope.ctx);
      if (!pattern) return Unexpected{pattern.error()};
      auto compiled = compile_regex(value_text(*pattern));
      if (!compiled)
        return Unexpected{RenderError{RenderError::Kind::kBadCall, "", compiled.error()}};
      re = *compiled;
    }
    if (!actual->is_string() || !RE2::PartialMatch(actual->get_ref<const std::string&>(), *re)) {
      return Result(failure(path, "a string matching " + re->pattern(), actual));
    }
  }
  if (one_of) {
    auto options = render_json(*one_of, scope.vars, scope.ctx);
    if (!options) return Unexpected{options.error()};
    bool found = false;
    for (const json& o : *options) found = found || o == *actual;
    if (!found) return Result(failure(path, "one of " + render_value(&*options), actual));
  }
  if (length || length_min || length_max) {
    const auto n = length_of(*actual);
    if (!n || (length && *n != *length) || (length_min && *n < *length_min) ||
        (length_max && *n > *length_max)) {
      std::string message = "expected " + length_description(*this) + ", got ";
      message += n ? "length " + std::to_string(*n) + ": " + render_value(actual, 120)
                   : render_value(actual);
      return Result(failure(path, length_description(*this), actual, message));
    }
  }
  if (min || max) {
    const bool is_number = actual->is_number();
    const double d = is_number ? actual->get<double>() : 0;
    if (!is_number || (min && d < *min) || (max && d > *max)) {
      Matcher range;
      range.min = min;
      range.max = max;
      return Result(failure(path, range.describe(), actual));
    }
  }
  if (contains) {
    auto needle = render_json(*contains, scope.vars, scope.ctx);
    if (!needle) return Unexpected{needle.error()};
    bool found = false;
    if (actual->is_string() && needle->is_string()) {
      found = actual->get_ref<const std::string&>().find(needle->get_ref<const std::string&>()) !=
              std::string::npos;
    } else if (actual->is_array()) {
      for (const json& item : *actual) found = found || item == *needle;
    }
    if (!found) return Result(failure(path, "contains " + render_value(&*needle), actual));
  }
  if (subset) {
    auto expected = render_json(*subset, scope.vars, scope.ctx);
    if (!expected) return Unexpected{expected.error()};
    if (auto d = json_difference(*expected, *actual, true, path)) {
      return Result(MatchFailure{d->path, d->expected, d->actual, d->message});
    }
  }
  if (negated) {
    auto inner = negated->check(actual, scope, path);
    if (!inner) return inner;
    if (!inner->has_value()) {
      return Result(failure(path, "not (" + negated->describe() + ")", actual));
    }
  }
  return Result();
}

}  // namespace bis::runner
