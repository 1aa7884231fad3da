#pragma once
// The requirement catalogue (suites/requirements.yaml): one entry per normative sentence of
// the API documents, with its level and where it is quoted from. Loaded with positions and
// validated: IDs match [A-Z0-9-]+ and are unique, levels are MUST/SHOULD/MAY, `text` and
// `source` are present, `why` and `level_reason` are present when `inferred: true`, and an
// inferred requirement is not a MUST (only what the documents state can make a target
// non-conformant).
// Immutable once loaded; safe to read from many threads.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bis/common/expected.h"
#include "bis/common/source.h"
#include "bis/runner/result.h"

namespace bis::runner {

struct Requirement {
  std::string id;
  Level level = Level::kMust;
  // The rule as a failure shows it: the sentence stating it, quoted; for an inferred rule, the
  // rule in our words (no source states it).
  std::string text;
  std::string basis;   // inferred only: the quoted line the inference starts from
  std::string source;  // where `text` (or, inferred, `basis`) is quoted from
  bool inferred = false;
  std::string why;
  std::string level_reason;  // why the level is what it is (inferred or not from the base document)
  SourcePos pos;
};

class Catalogue {
 public:
  static Expected<Catalogue, std::vector<SourceError>> load(std::string_view text,
                                                            std::string_view file);
  static Expected<Catalogue, std::vector<SourceError>> load_file(const std::string& path);

  const std::string& file() const { return file_; }
  const std::vector<Requirement>& requirements() const { return requirements_; }
  const Requirement* find(std::string_view id) const;
  // IDs for "did you mean".
  std::vector<std::string> ids() const;

 private:
  std::string file_;
  std::vector<Requirement> requirements_;
  std::map<std::string, size_t, std::less<>> index_;
};

}  // namespace bis::runner
