#include "template_functions.h"

#include <algorithm>
#include <cstdio>

#include "bis/common/text.h"

namespace bis::runner {

using nlohmann::json;

namespace {

uint32_t fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

// Keeps what is safe in an email local part without quoting.
std::string local_safe(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    out.push_back(ok ? c : '-');
  }
  return out;
}

Unexpected<RenderError> bad_call(std::string message) {
  return Unexpected{RenderError{RenderError::Kind::kBadCall, "", std::move(message)}};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Expected<json, RenderError> call_function(const std::string& fn, std::vector<json> args,
                                          const TemplateContext& ctx) {
  if (fn == "email") return json(scenario_email(ctx, value_text(args[0])));
  if (fn == "unique") {
    if (!ctx.unique_counter) return bad_call("unique() is not available here");
    const uint64_t n = ctx.unique_counter->fetch_add(1) + 1;
    return json(value_text(args[0]) + "-" + ctx.run_id + "-" + std::to_string(n));
  }
  if (fn == "repeat") {
    if (!args[1].is_number_integer() || args[1].get<long long>() < 0) {
      return bad_call("repeat(): the count must be a non-negative integer");
    }
    const std::string s = value_text(args[0]);
    const auto n = args[1].get<unsigned long long>();
    if (!s.empty() && n > kMaxRendered / s.size()) return bad_call("repeat(): result too large");
    std::string out;
    out.reserve(s.size() * n);
    for (unsigned long long k = 0; k < n; ++k) out += s;
    return json(std::move(out));
  }
  if (fn == "hex") {
    const std::string s = value_text(args[0]);
    std::string out;
    int hi = -1;
    for (const char c : s) {
      if (c == ' ' || c == ':' || c == '\t') continue;
      const int v = hex_digit(c);
      if (v < 0) return bad_call("hex(): '" + std::string(1, c) + "' is not a hex digit");
      if (hi < 0) {
        hi = v;
      } else {
        out.push_back(static_cast<char>(hi * 16 + v));
        hi = -1;
      }
    }
    if (hi >= 0) return bad_call("hex(): odd number of hex digits");
    return json(std::move(out));
  }
  if (fn == "upper" || fn == "lower" || fn == "swapcase") {
    std::string s = value_text(args[0]);
    for (char& c : s) {
      const bool is_lower = c >= 'a' && c <= 'z', is_upper = c >= 'A' && c <= 'Z';
      if (is_lower && fn != "lower") c = static_cast<char>(c - 'a' + 'A');
      if (is_upper && fn != "upper") c = static_cast<char>(c - 'A' + 'a');
    }
    return json(std::move(s));
  }
  if (fn == "slice") {
    // Bytes [start, end) of the text, Python-style: negative positions count from the end and
    // positions are clamped to the text (how a suite cuts a real key short).
    if (!args[1].is_number_integer() || !args[2].is_number_integer()) {
      return bad_call("slice(): start and end must be integers");
    }
    const std::string s = value_text(args[0]);
    const auto size = static_cast<long long>(s.size());
    const auto clamp = [size](long long i) { return std::clamp(i < 0 ? size + i : i, 0LL, size); };
    const long long start = clamp(args[1].get<long long>()), end = clamp(args[2].get<long long>());
    return json(start < end ? s.substr(start, end - start) : std::string());
  }
  return json(args[0].dump(-1, ' ', false, json::error_handler_t::replace));  // json()
}

std::string scenario_email(const TemplateContext& ctx, std::string_view tag) {
  constexpr size_t kMaxLocal = 64;  // RFC 5321
  std::string local = "bis." + local_safe(ctx.run_id) + "." + local_safe(ctx.suite_id) + "." +
                      local_safe(ctx.scenario_id);
  if (!tag.empty()) local += "." + local_safe(tag);
  if (local.size() > kMaxLocal) {
    char hash[9];
    std::snprintf(hash, sizeof hash, "%08x", fnv1a(local));
    local.resize(kMaxLocal - 9);
    while (!local.empty() && (local.back() == '.' || local.back() == '-')) local.pop_back();
    local += "." + std::string(hash);
  }
  return local + "@" + ascii_lower(ctx.email_domain);
}

const std::vector<std::string>& template_functions() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const Function& f : kFunctions) n.emplace_back(f.name);
    return n;
  }();
  return names;
}

}  // namespace bis::runner
