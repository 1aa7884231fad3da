#pragma once
// Templates: `{{ expr }}` inside any string of a step. An expression is a variable path
// (`target.variants.in_stock`, `item[0].id`), a string or integer literal, or a function call
// (`email("b")`, `unique("v")`, `repeat("ab", 3)`, `hex("ff 00")`, `upper(x)`, `lower(x)`,
// `json(x)`). A template that is exactly one expression keeps the JSON type of its value;
// otherwise values are spliced in as text (strings as they are, other values as JSON text).
//
// Templates are parsed when a suite loads (so lint reports bad ones with positions and knows
// every variable they read) and rendered per scenario. Parsed templates are immutable and
// safe to render from many threads.
#include <atomic>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"

namespace bis::runner {

// What rendering needs beyond the variables.
struct TemplateContext {
  std::string run_id;
  std::string suite_id;
  std::string scenario_id;
  std::string email_domain = "example.com";
  std::atomic<uint64_t>* unique_counter = nullptr;  // shared by the run; unique() needs it
};

struct RenderError {
  enum class Kind {
    kUndefined,           // a variable nobody defined (a suite bug)
    kMissingTargetValue,  // a target.* value this target does not define (not applicable)
    kBadCall,             // a function refused its arguments
  };
  Kind kind = Kind::kUndefined;
  std::string variable;  // the dotted path, for kUndefined and kMissingTargetValue
  std::string message;
};

class Template {
 public:
  struct Expr;

  Template();
  ~Template();
  Template(const Template&);
  Template& operator=(const Template&);
  Template(Template&&) noexcept;
  Template& operator=(Template&&) noexcept;

  // Fails with a message such as "unknown function 'emial' (did you mean 'email'?)".
  static Expected<Template, std::string> parse(std::string_view text);

  const std::string& text() const { return text_; }
  bool has_expressions() const;
  bool is_single_expression() const;
  // Every variable path the template reads, as written ("target.key", "index").
  std::vector<std::string> variables() const;

  // `vars` is an object: the root names are its members.
  Expected<nlohmann::json, RenderError> render(const nlohmann::json& vars,
                                               const TemplateContext& ctx) const;
  // As render, then converted to text.
  Expected<std::string, RenderError> render_string(const nlohmann::json& vars,
                                                   const TemplateContext& ctx) const;

 private:
  struct Piece;
  std::string text_;
  std::vector<Piece> pieces_;
};

// Variables plus context: everything a rendering needs.
struct Scope {
  const nlohmann::json& vars;
  const TemplateContext& ctx;
};

// True if the string holds a template expression ("{{").
bool is_templated(std::string_view s);

// Text of a value when spliced into a string: strings as they are, the rest as JSON text.
std::string value_text(const nlohmann::json& value);

// Renders every string inside `value` (keys stay literal). Strings that fail to parse as a
// template are an error (loaders check them first, so this does not happen for loaded suites).
Expected<nlohmann::json, RenderError> render_json(const nlohmann::json& value,
                                                  const nlohmann::json& vars,
                                                  const TemplateContext& ctx);

// Parses every template inside a JSON value; appends the variables they read. Fails with the
// first parse error.
Expected<bool, std::string> collect_variables(const nlohmann::json& value,
                                              std::vector<std::string>& out);

// The address of the `unique_email` variable (tag empty) and of `email("tag")`:
// bis.<run>.<suite>.<scenario>[.<tag>]@<domain>, lower case; a local part longer than 64
// characters is shortened and ends in a hash of what it stood for, so it stays unique and valid.
std::string scenario_email(const TemplateContext& ctx, std::string_view tag);

// The functions a template may call, for messages.
const std::vector<std::string>& template_functions();

}  // namespace bis::runner
