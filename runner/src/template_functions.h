#pragma once
// Internal to templates: the functions a template may call (template.h lists them).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bis/runner/template.h"

namespace bis::runner {

inline constexpr size_t kMaxRendered = 16 * 1024 * 1024;  // repeat() cannot exhaust memory

struct Function {
  std::string_view name;
  size_t arity;
};
inline constexpr Function kFunctions[] = {{"email", 1}, {"unique", 1}, {"repeat", 2}, {"hex", 1},
                                          {"upper", 1}, {"lower", 1}, {"swapcase", 1},  {"json", 1},   {"slice", 3}};

// Calls function `fn` (known, with its arity checked by the parser) on evaluated arguments.
Expected<nlohmann::json, RenderError> call_function(const std::string& fn,
                                                    std::vector<nlohmann::json> args,
                                                    const TemplateContext& ctx);

}  // namespace bis::runner
