#include "bis/runner/requirements.h"

#include "bis/common/file.h"
#include "bis/common/yaml.h"
#include "bis/common/yaml_reader.h"
#include "loader.h"

namespace bis::runner {

const Requirement* Catalogue::find(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &requirements_[it->second];
}

std::vector<std::string> Catalogue::ids() const {
  std::vector<std::string> out;
  for (const auto& r : requirements_) out.push_back(r.id);
  return out;
}

Expected<Catalogue, std::vector<SourceError>> Catalogue::load(std::string_view text,
                                                              std::string_view file) {
  Catalogue c;
  c.file_ = std::string(file);
  auto root = yaml::parse(text, file);
  if (!root) return Unexpected{std::vector<SourceError>{root.error()}};
  yaml::Reader reader{std::string(file)};
  std::vector<SourceError>& errors = reader.errors();
  auto error = [&](const YAML::Node& n, std::string m) { reader.error(n, std::move(m)); };
  try {
    const YAML::Node& top = *root;
    if (!top.IsMap()) {
      error(top, "the catalogue must be a map with 'requirements'");
      return Unexpected{errors};
    }
    reader.check_duplicates(top);
    reader.check_map(top, {"requirements"}, "the catalogue");
    const YAML::Node list = top["requirements"];
    if (!list.IsDefined() || !list.IsSequence()) {
      error(top, "'requirements' must be a list");
      return Unexpected{errors};
    }
    for (const YAML::Node& n : list) {
      if (!reader.check_map(
              n, {"id", "level", "text", "basis", "source", "inferred", "level_reason", "why"},
              "a requirement")) {
        continue;
      }
      Requirement r;
      r.pos = yaml::position(n, file);
      auto str = [&](const char* key, bool required) -> std::string {
        const YAML::Node v = n[key];
        if (!v.IsDefined() || v.IsNull()) {
          if (required) error(n, std::string("a requirement needs '") + key + "'");
          return "";
        }
        if (!v.IsScalar()) {
          error(v, std::string(key) + " must be a string");
          return "";
        }
        return v.Scalar();
      };
      r.id = str("id", true);
      const std::string level = str("level", true);
      r.text = str("text", true);
      r.basis = str("basis", false);
      r.source = str("source", true);
      r.why = str("why", false);
      r.level_reason = str("level_reason", false);
      if (const YAML::Node inf = n["inferred"]; inf.IsDefined())
        r.inferred = reader.boolean(inf, "inferred").value_or(false);
      if (!r.id.empty() && !load::is_requirement_id(r.id))
        error(n["id"], "requirement ID '" + r.id + "' must match [A-Z0-9-]+");
      if (level == "MUST") {
        r.level = Level::kMust;
      } else if (level == "SHOULD") {
        r.level = Level::kShould;
      } else if (level == "MAY") {
        r.level = Level::kMay;
      } else if (!level.empty()) {
        error(n["level"], "level must be MUST, SHOULD or MAY, got '" + level + "'");
      }
      if (!r.inferred && !r.basis.empty())
        error(n["basis"], "only an inferred requirement has a 'basis': a stated one quotes its rule in 'text'");
      if (r.inferred && r.why.empty())
        error(n, "an inferred requirement needs 'why' (how the sentence is read as a rule)");
      if (r.inferred && r.level_reason.empty())
        error(n, "an inferred requirement needs 'level_reason' (why its level is what it is)");
      // Only what the API document or api-notes.md states can make a target non-conformant.
      if (r.inferred && r.level == Level::kMust) {
        error(n["level"],
              "an inferred requirement cannot be MUST: only what the documents state can make a "
              "target non-conformant; make it SHOULD (it warns, and fails under --strict)");
      }
      if (r.id.empty()) continue;
      if (c.index_.count(r.id)) {
        error(n["id"], "duplicate requirement ID '" + r.id + "' (first at " +
                           c.requirements_[c.index_.find(r.id)->second].pos.to_string() + ")");
        continue;
      }
      c.index_.emplace(r.id, c.requirements_.size());
      c.requirements_.push_back(std::move(r));
    }
  } catch (const YAML::Exception& e) {
    errors.push_back(
        SourceError{SourcePos{std::string(file), e.mark.line + 1, e.mark.column + 1}, e.msg});
  }
  if (!errors.empty()) return Unexpected{errors};
  return c;
}

Expected<Catalogue, std::vector<SourceError>> Catalogue::load_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Unexpected{std::vector<SourceError>{text.error()}};
  return load(*text, path);
}

}  // namespace bis::runner
