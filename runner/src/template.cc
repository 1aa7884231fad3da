#include "bis/runner/template.h"

#include <cstdio>
#include <variant>

#include "bis/common/text.h"

namespace bis::runner {

using nlohmann::json;

struct Template::Expr {
  enum class Kind { kPath, kString, kInteger, kCall };
  Kind kind = Kind::kPath;
  std::vector<std::variant<std::string, long long>> path;  // kPath
  std::string text;     // kPath: as written; kString: the value; kCall: function name
  long long integer = 0;
  std::vector<Expr> args;
};

struct Template::Piece {
  std::string literal;               // used when !expr
  std::unique_ptr<Template::Expr> expr;
};

namespace {

using Expr = Template::Expr;

constexpr size_t kMaxRendered = 16 * 1024 * 1024;  // repeat() cannot exhaust memory

struct Function {
  std::string_view name;
  size_t arity;
};
constexpr Function kFunctions[] = {{"email", 1}, {"unique", 1}, {"repeat", 2}, {"hex", 1},
                                   {"upper", 1}, {"lower", 1},  {"json", 1}};

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Expected<Expr, std::string> parse_all() {
    auto e = parse_expr();
    if (!e) return e;
    skip_space();
    if (i_ != s_.size()) return fail("unexpected '" + std::string(s_.substr(i_, 1)) + "'");
    return e;
  }

 private:
  Unexpected<std::string> fail(const std::string& m) const {
    return Unexpected{m + " in '" + std::string(s_) + "'"};
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  static bool ident_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && ((c >= '0' && c <= '9') || c == '-'));
  }
  std::string ident() {
    const size_t start = i_;
    while (i_ < s_.size() && ident_char(s_[i_], i_ == start)) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }

  Expected<Expr, std::string> parse_expr() {
    skip_space();
    if (i_ >= s_.size()) return fail("empty expression");
    const char c = s_[i_];
    Expr e;
    if (c == '"' || c == '\'') {
      ++i_;
      e.kind = Expr::Kind::kString;
      while (i_ < s_.size() && s_[i_] != c) {
        char ch = s_[i_++];
        if (ch == '\\' && i_ < s_.size()) {
          ch = s_[i_++];
          if (ch == 'n') ch = '\n';
          if (ch == 't') ch = '\t';
        }
        e.text.push_back(ch);
      }
      if (i_ >= s_.size()) return fail("unterminated string");
      ++i_;
      return e;
    }
    if ((c >= '0' && c <= '9') || c == '-') {
      const size_t start = i_++;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      const std::string digits(s_.substr(start, i_ - start));
      if (digits == "-" || digits.size() > 18) return fail("bad number '" + digits + "'");
      e.kind = Expr::Kind::kInteger;
      e.integer = std::stoll(digits);
      return e;
    }
    if (!ident_char(c, true)) return fail("unexpected '" + std::string(1, c) + "'");
    const size_t start = i_;
    std::string name = ident();
    const size_t name_end = i_;
    skip_space();
    if (i_ < s_.size() && s_[i_] == '(') return parse_call(std::move(name));
    i_ = name_end;
    e.kind = Expr::Kind::kPath;
    e.path.emplace_back(name);
    while (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == '[')) {
      if (s_[i_] == '.') {
        ++i_;
        std::string member = ident();
        if (member.empty()) return fail("expected a name after '.'");
        e.path.emplace_back(std::move(member));
      } else {
        ++i_;
        const size_t n = i_;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
        if (n == i_ || i_ - n > 12 || i_ >= s_.size() || s_[i_] != ']') return fail("expected [index]");
        e.path.emplace_back(std::stoll(std::string(s_.substr(n, i_ - n))));
        ++i_;
      }
    }
    e.text = std::string(s_.substr(start, i_ - start));
    return e;
  }

  Expected<Expr, std::string> parse_call(std::string name) {
    const Function* fn = nullptr;
    for (const Function& f : kFunctions) {
      if (f.name == name) fn = &f;
    }
    if (!fn) {
      std::string m = "unknown function '" + name + "'";
      const std::string guess = closest_match(name, template_functions());
      if (!guess.empty()) m += " (did you mean '" + guess + "'?)";
      return fail(m);
    }
    ++i_;  // '('
    Expr e;
    e.kind = Expr::Kind::kCall;
    e.text = name;
    skip_space();
    if (i_ < s_.size() && s_[i_] == ')') {
      ++i_;
    } else {
      for (;;) {
        auto arg = parse_expr();
        if (!arg) return arg;
        e.args.push_back(std::move(*arg));
        skip_space();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ')') {
          ++i_;
          break;
        }
        return fail("expected ',' or ')' in call of " + name);
      }
    }
    if (e.args.size() != fn->arity) {
      return fail(name + "() takes " + std::to_string(fn->arity) + " argument" +
                  (fn->arity == 1 ? "" : "s") + ", got " + std::to_string(e.args.size()));
    }
    return e;
  }

  std::string_view s_;
  size_t i_ = 0;
};

void collect(const Expr& e, std::vector<std::string>& out) {
  if (e.kind == Expr::Kind::kPath) out.push_back(e.text);
  for (const Expr& a : e.args) collect(a, out);
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

Expected<json, RenderError> call(const Expr& e, std::vector<json> args, const TemplateContext& ctx) {
  const std::string& fn = e.text;
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
  if (fn == "upper" || fn == "lower") {
    std::string s = value_text(args[0]);
    for (char& c : s) {
      if (fn == "upper" && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (fn == "lower" && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return json(std::move(s));
  }
  return json(args[0].dump(-1, ' ', false, json::error_handler_t::replace));  // json()
}

Expected<json, RenderError> eval(const Expr& e, const json& vars, const TemplateContext& ctx) {
  switch (e.kind) {
    case Expr::Kind::kString: return json(e.text);
    case Expr::Kind::kInteger: return json(e.integer);
    case Expr::Kind::kCall: {
      std::vector<json> args;
      for (const Expr& a : e.args) {
        auto v = eval(a, vars, ctx);
        if (!v) return v;
        args.push_back(std::move(*v));
      }
      return call(e, std::move(args), ctx);
    }
    case Expr::Kind::kPath: break;
  }
  const json* cur = &vars;
  for (const auto& seg : e.path) {
    const json* next = nullptr;
    if (const auto* name = std::get_if<std::string>(&seg)) {
      if (cur->is_object()) {
        auto it = cur->find(*name);
        if (it != cur->end()) next = &*it;
      }
    } else if (cur->is_array()) {
      const auto index = static_cast<size_t>(std::get<long long>(seg));
      if (index < cur->size()) next = &(*cur)[index];
    }
    if (!next) {
      const bool target = std::get<std::string>(e.path.front()) == "target";
      RenderError err;
      err.kind = target ? RenderError::Kind::kMissingTargetValue : RenderError::Kind::kUndefined;
      err.variable = e.text;
      err.message = target ? "the target does not define '" + e.text + "'"
                           : "undefined variable '" + e.text + "'";
      return Unexpected{std::move(err)};
    }
    cur = next;
  }
  return *cur;
}

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

}  // namespace

Template::Template() = default;
Template::~Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::Template(const Template& other) : text_(other.text_) {
  for (const Piece& p : other.pieces_) {
    Piece copy;
    copy.literal = p.literal;
    if (p.expr) copy.expr = std::make_unique<Expr>(*p.expr);
    pieces_.push_back(std::move(copy));
  }
}
Template& Template::operator=(const Template& other) {
  if (this != &other) *this = Template(other);
  return *this;
}

Expected<Template, std::string> Template::parse(std::string_view text) {
  Template t;
  t.text_ = std::string(text);
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      t.pieces_.push_back(Piece{std::string(text.substr(pos)), nullptr});
      break;
    }
    if (open > pos) t.pieces_.push_back(Piece{std::string(text.substr(pos, open - pos)), nullptr});
    // The closing braces are the first "}}" outside a string literal.
    size_t close = open + 2;
    char quote = 0;
    for (; close + 1 < text.size(); ++close) {
      const char c = text[close];
      if (quote) {
        if (c == '\\') {
          ++close;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '}' && text[close + 1] == '}') {
        break;
      }
    }
    if (close + 1 >= text.size()) return Unexpected{"unterminated '{{' in '" + std::string(text) + "'"};
    auto expr = Parser(text.substr(open + 2, close - open - 2)).parse_all();
    if (!expr) return Unexpected{expr.error()};
    t.pieces_.push_back(Piece{"", std::make_unique<Expr>(std::move(*expr))});
    pos = close + 2;
  }
  return t;
}

bool Template::has_expressions() const {
  for (const Piece& p : pieces_) {
    if (p.expr) return true;
  }
  return false;
}

bool Template::is_single_expression() const { return pieces_.size() == 1 && pieces_[0].expr; }

std::vector<std::string> Template::variables() const {
  std::vector<std::string> out;
  for (const Piece& p : pieces_) {
    if (p.expr) collect(*p.expr, out);
  }
  return out;
}

Expected<json, RenderError> Template::render(const json& vars, const TemplateContext& ctx) const {
  if (is_single_expression()) return eval(*pieces_[0].expr, vars, ctx);
  std::string out;
  for (const Piece& p : pieces_) {
    if (!p.expr) {
      out += p.literal;
      continue;
    }
    auto v = eval(*p.expr, vars, ctx);
    if (!v) return v;
    out += value_text(*v);
    if (out.size() > kMaxRendered) return bad_call("rendered text too large");
  }
  return json(std::move(out));
}

Expected<std::string, RenderError> Template::render_string(const json& vars,
                                                          const TemplateContext& ctx) const {
  auto v = render(vars, ctx);
  if (!v) return Unexpected{v.error()};
  return value_text(*v);
}

bool is_templated(std::string_view s) { return s.find("{{") != std::string_view::npos; }

std::string value_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Expected<json, RenderError> render_json(const json& value, const json& vars,
                                        const TemplateContext& ctx) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (!is_templated(s)) return value;
    auto t = Template::parse(s);
    if (!t) return bad_call(t.error());
    return t->render(vars, ctx);
  }
  if (value.is_array()) {
    json out = json::array();
    for (const json& item : value) {
      auto v = render_json(item, vars, ctx);
      if (!v) return v;
      out.push_back(std::move(*v));
    }
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      auto v = render_json(it.value(), vars, ctx);
      if (!v) return v;
      out[it.key()] = std::move(*v);
    }
    return out;
  }
  return value;
}

Expected<bool, std::string> collect_variables(const json& value, std::vector<std::string>& out) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (!is_templated(s)) return true;
    auto t = Template::parse(s);
    if (!t) return Unexpected{t.error()};
    for (auto& v : t->variables()) out.push_back(std::move(v));
    return true;
  }
  if (value.is_array() || value.is_object()) {
    for (const json& item : value) {
      auto r = collect_variables(item, out);
      if (!r) return r;
    }
  }
  return true;
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
