#include "bis/runner/template.h"

#include <cstdio>
#include <variant>

#include "bis/common/text.h"
#include "template_functions.h"

namespace bis::runner {

using nlohmann::json;

struct Template::Expr {
  enum class Kind { kPath, kString, kInteger, kCall };
  Kind kind = Kind::kPath;
  std::vector<std::variant<std::string, long long>> path;  // kPath
  std::string text;  // kPath: as written; kString: the value; kCall: function name
  long long integer = 0;
  std::vector<Expr> args;
};

struct Template::Piece {
  std::string literal;  // used when !expr
  std::unique_ptr<Template::Expr> expr;
};

namespace {

using Expr = Template::Expr;

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
        if (n == i_ || i_ - n > 12 || i_ >= s_.size() || s_[i_] != ']')
          return fail("expected [index]");
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
      m += did_you_mean(name, template_functions());
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

Expected<json, RenderError> eval(const Expr& e, const json& vars, const TemplateContext& ctx) {
  switch (e.kind) {
    case Expr::Kind::kString:
      return json(e.text);
    case Expr::Kind::kInteger:
      return json(e.integer);
    case Expr::Kind::kCall: {
      std::vector<json> args;
      for (const Expr& a : e.args) {
        auto v = eval(a, vars, ctx);
        if (!v) return v;
        args.push_back(std::move(*v));
      }
      return call_function(e.text, std::move(args), ctx);
    }
    case Expr::Kind::kPath:
      break;
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
    if (close + 1 >= text.size())
      return Unexpected{"unterminated '{{' in '" + std::string(text) + "'"};
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
    if (out.size() > kMaxRendered) {
      return Unexpected{RenderError{RenderError::Kind::kBadCall, "", "rendered text too large"}};
    }
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
    if (!t) return Unexpected{RenderError{RenderError::Kind::kBadCall, "", t.error()}};
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

}  // namespace bis::runner
