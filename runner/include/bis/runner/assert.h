#pragma once
// The assert stage of the pipeline: an expectation checked against one answer gives
// assertions (data: expected, actual, path, position), never exceptions; captures take
// values out of the answer for later steps.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bis/runner/result.h"
#include "bis/runner/suite.h"
#include "bis/runner/template.h"

namespace bis::runner {

// What a step got back: an HTTP answer, a control answer, or an observation (the records).
class Answer {
 public:
  std::optional<int> status;
  std::vector<Header> headers;
  std::string body;          // raw text (an observation's records as JSON text)
  bool observation = false;  // `count` applies to the records

  // The body parsed as JSON, or nullptr (then json_error() says why). Parsed once.
  const nlohmann::json* json_body() const;
  const std::string& json_error() const { return json_error_; }
  void set_json(nlohmann::json value);
  std::optional<std::string> header(std::string_view name) const;

 private:
  mutable bool parsed_ = false;
  mutable std::optional<nlohmann::json> json_;
  mutable std::string json_error_;
};

struct CheckResult {
  std::vector<Assertion> assertions;
  std::optional<RenderError> error;  // an operand could not be rendered: the step is an error
  bool passed() const;
};

// Checks every part of `expectation`. Each assertion carries `requirements` (what a failure
// breaks). Values in the assertions are redacted by the caller.
CheckResult check_expectation(const Expectation& expectation, const Answer& answer,
                              const Scope& scope, const std::vector<std::string>& requirements);

// Applies the captures to `vars`. A value the answer lacks is a failed assertion.
std::vector<Assertion> apply_captures(const std::vector<Capture>& captures, const Answer& answer,
                                      nlohmann::json& vars,
                                      const std::vector<std::string>& requirements);

}  // namespace bis::runner
