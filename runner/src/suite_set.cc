#include "bis/runner/suite_set.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>

#include "bis/common/file.h"
#include "bis/common/text.h"

namespace bis::runner {

namespace fs = std::filesystem;

namespace {

bool is_catalogue_name(const fs::path& p) {
  return p.filename() == "requirements.yaml" || p.filename() == "requirements.yml";
}

bool is_suite_file(const fs::path& p) {
  const std::string ext = p.extension().string();
  return (ext == ".yaml" || ext == ".yml") && !is_catalogue_name(p);
}

// A top-level key starts a line with no indentation: `requirements:` or `requirements: ...`.
bool top_level_key(const std::string& line, std::string_view key) {
  return line.size() > key.size() && line.compare(0, key.size(), key) == 0 &&
         line[key.size()] == ':';
}

void check_requirements(const std::vector<std::string>& ids, const SourcePos& pos,
                        const Catalogue& catalogue, SourceErrors& errors) {
  for (const auto& id : ids) {
    if (catalogue.find(id)) continue;
    std::string m = "unknown requirement '" + id + "' (not in " + catalogue.file() + ")";
    const std::string guess = closest_match(id, catalogue.ids());
    if (!guess.empty()) m = "unknown requirement '" + id + "' (did you mean '" + guess + "'?)";
    errors.push_back(SourceError{pos, m});
  }
}

}  // namespace

bool is_catalogue_file(const std::string& path) {
  if (is_catalogue_name(path)) return true;
  std::ifstream in(path, std::ios::binary);
  bool requirements = false;
  std::string line;
  while (std::getline(in, line)) {
    if (top_level_key(line, "suite")) return false;
    requirements = requirements || top_level_key(line, "requirements");
  }
  return requirements;
}

Expected<SuiteFiles, std::string> suite_files(const std::vector<std::string>& args) {
  SuiteFiles out;
  for (const auto& arg : args) {
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(arg, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && is_suite_file(it->path()))
          found.push_back(it->path().string());
      }
      if (ec) return Unexpected{arg + ": " + ec.message()};
      std::sort(found.begin(), found.end());
      out.suites.insert(out.suites.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(arg, ec)) {
      (is_catalogue_file(arg) ? out.catalogues : out.suites).push_back(arg);
    } else {
      return Unexpected{arg + ": cannot read file: " + unreadable_reason(arg)};
    }
  }
  return out;
}

std::optional<std::string> default_suites_dir() {
  std::error_code ec;
  if (fs::is_directory("suites", ec)) return std::string("suites");
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed =
        self.parent_path().parent_path() / "share" / "bis-conformance" / "suites";
    if (fs::is_directory(installed, ec)) return installed.lexically_normal().string();
  }
#ifdef BIS_SOURCE_SUITES_DIR
  if (fs::is_directory(BIS_SOURCE_SUITES_DIR, ec)) return std::string(BIS_SOURCE_SUITES_DIR);
#endif
  return std::nullopt;
}

Expected<std::optional<std::string>, std::string> find_catalogue(const std::string& explicit_path,
                                                                 const SuiteFiles& files) {
  if (!explicit_path.empty()) return std::optional<std::string>(explicit_path);
  std::error_code ec;
  if (!files.catalogues.empty()) {
    const std::string& first = files.catalogues.front();
    for (const auto& other : files.catalogues) {
      if (!fs::equivalent(first, other, ec)) {
        return Unexpected{"two requirement catalogues given, " + first + " and " + other +
                          ": name one, or pass --requirements FILE"};
      }
    }
    return std::optional<std::string>(first);
  }
  if (!files.suites.empty()) {
    fs::path dir = fs::absolute(files.suites.front(), ec).parent_path();
    for (int up = 0; up < 4 && !dir.empty(); ++up, dir = dir.parent_path()) {
      if (fs::is_regular_file(dir / "requirements.yaml", ec))
        return std::optional<std::string>((dir / "requirements.yaml").string());
      if (dir == dir.root_path()) break;
    }
  }
  if (auto d = default_suites_dir();
      d && fs::is_regular_file(fs::path(*d) / "requirements.yaml", ec)) {
    return std::optional<std::string>((fs::path(*d) / "requirements.yaml").string());
  }
  return std::optional<std::string>();
}

SuiteSet load_suites(const std::vector<std::string>& files, const Catalogue* catalogue) {
  SuiteSet set;
  std::map<std::string, SourcePos> ids;
  // Scenarios run in parallel on a shared target: a variant one restocks is its own.
  std::map<std::string, std::pair<std::string, SourcePos>> restocked;
  for (const auto& file : files) {
    auto suite = load_suite_file(file);
    if (!suite) {
      set.errors.insert(set.errors.end(), suite.error().begin(), suite.error().end());
      continue;
    }
    if (auto [it, fresh] = ids.emplace(suite->id, suite->pos); !fresh) {
      set.errors.push_back(SourceError{suite->pos, "duplicate suite id '" + suite->id + "' (also " +
                                                       it->second.to_string() + ")"});
      continue;
    }
    if (catalogue) {
      for (const Scenario& sc : suite->scenarios) {
        check_requirements(sc.covers, sc.covers_pos, *catalogue, set.errors);
        for (const Step& st : sc.steps)
          check_requirements(st.covers, st.covers_pos, *catalogue, set.errors);
      }
    }
    for (const Scenario& sc : suite->scenarios) {
      for (const auto& path : sc.target_values) {
        if (path.find(".restockable[") == std::string::npos) continue;
        const std::string name = suite->id + "/" + sc.id;
        auto [it, fresh] = restocked.emplace(path, std::pair{name, sc.pos});
        if (!fresh) {
          set.errors.push_back(SourceError{
              sc.pos, name + " uses " + path + ", as " + it->second.first + " does (" +
                          it->second.second.to_string() +
                          "): give each scenario a variant of its own"});
        }
      }
    }
    set.suites.push_back(std::move(*suite));
  }
  return set;
}

}  // namespace bis::runner
