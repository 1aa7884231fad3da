#pragma once
// The redacted copy of a run's tree, made once and shared by every reporter of the run (the
// reporters of one make_reporters call hold the same instance). Not thread-safe: listener
// calls are serialized by the runner.
#include "redact.h"

namespace bis::reports {

class RedactedTree {
 public:
  explicit RedactedTree(Redactor redactor) : redactor_(std::move(redactor)) {}

  const Redactor& redactor() const { return redactor_; }

  // The redacted copy of `result`, computed on the first call for this tree.
  const runner::RunResult& get(const runner::RunResult& result) {
    if (source_ != &result || source_run_id_ != result.run_id) {
      tree_ = redacted(redactor_, result);
      source_ = &result;
      source_run_id_ = result.run_id;
    }
    return tree_;
  }

 private:
  Redactor redactor_;
  const runner::RunResult* source_ = nullptr;
  std::string source_run_id_;
  runner::RunResult tree_;
};

}  // namespace bis::reports
