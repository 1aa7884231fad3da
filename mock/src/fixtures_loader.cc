#include "bis/mock/fixtures_loader.h"

#include <set>

#include "bis/common/file.h"
#include "bis/common/yaml.h"
#include "bis/common/yaml_reader.h"

namespace bis::embedded {
extern const std::string_view default_fixtures_yaml;
}

namespace bis::mock {
namespace {

// The node a model path ("accounts[2].flow.threshold") names, or the deepest one that exists.
YAML::Node locate(const YAML::Node& root, std::string_view path) {
  YAML::Node node = root;
  size_t pos = 0;
  bool first = true;
  while (pos < path.size()) {
    size_t end = path.find_first_of(".[", pos);
    if (end == std::string_view::npos) end = path.size();
    const std::string key(path.substr(pos, end - pos));
    if (!key.empty() && !(first && key == "fixtures")) {
      if (!node.IsMap() || !node[key].IsDefined()) return node;
      node = node[key];
    }
    first = false;
    pos = end;
    while (pos < path.size() && path[pos] == '[') {
      const size_t close = path.find(']', pos);
      if (close == std::string_view::npos) return node;
      const size_t index = std::stoul(std::string(path.substr(pos + 1, close - pos - 1)));
      if (!node.IsSequence() || index >= node.size()) return node;
      node = node[index];
      pos = close + 1;
    }
    if (pos < path.size() && path[pos] == '.') ++pos;
  }
  return node;
}

// Turns a model error ("path: message") into a positioned one.
SourceError position_error(const YAML::Node& root, std::string_view file,
                           const std::string& error) {
  const size_t colon = error.find(": ");
  if (colon == std::string::npos) return yaml::error_at(root, file, error);
  const std::string_view path = std::string_view(error).substr(0, colon);
  const std::string message = error.substr(colon + 2);
  const YAML::Node node = locate(root, path);
  // An unknown key is best shown at the key itself.
  const std::string unknown = "unknown key '";
  if (message.rfind(unknown, 0) == 0 && node.IsMap()) {
    const std::string key =
        message.substr(unknown.size(), message.find('\'', unknown.size()) - unknown.size());
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.Scalar() == key)
        return yaml::error_at(it->first, file, std::string(path) + ": " + message);
    }
  }
  return yaml::error_at(node, file, std::string(path) + ": " + message);
}

// Rules the model does not check itself.
std::optional<std::string> check_rules(const fixtures::Fixtures& f) {
  std::set<std::string> private_keys;
  for (size_t i = 0; i < f.accounts.size(); ++i) {
    const fixtures::Account& a = f.accounts[i];
    const std::string path = "accounts[" + std::to_string(i) + "]";
    if (a.key.size() != 6) {
      return path + ".key: a public key has 6 characters ('" + a.key + "' has " +
             std::to_string(a.key.size()) + ")";
    }
    if (!a.private_key.empty() && !private_keys.insert(a.private_key).second) {
      return path + ".private_key: duplicate private key";
    }
    if (a.error_status != 200 && a.error_status < 400) {
      return path + ".error_status: must be 200 or an error status (400-599)";
    }
    std::set<std::string> lists;
    for (size_t k = 0; k < a.lists.size(); ++k) {
      if (!lists.insert(a.lists[k].id).second) {
        return path + ".lists[" + std::to_string(k) + "].id: duplicate list '" + a.lists[k].id +
               "'";
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view default_fixtures_yaml() { return embedded::default_fixtures_yaml; }

Expected<fixtures::Fixtures, SourceError> load_fixtures(std::string_view text,
                                                        std::string_view file) {
  auto root = yaml::parse(text, file);
  if (!root) return Unexpected{root.error()};
  if (!root->IsMap()) {
    return Unexpected{
        SourceError{SourcePos{std::string(file), 1, 1},
                    "expected a map with 'accounts', got " + std::string(yaml::describe(*root))}};
  }
  if (auto dups = yaml::duplicate_keys(*root, file); !dups.empty()) return Unexpected{dups[0]};
  auto parsed = fixtures::fixtures_from_json(yaml::to_json(*root));
  if (!parsed) return Unexpected{position_error(*root, file, parsed.error())};
  if (auto problem = check_rules(*parsed)) return Unexpected{position_error(*root, file, *problem)};
  return std::move(*parsed);
}

Expected<fixtures::Fixtures, SourceError> load_fixtures_file(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Unexpected{text.error()};
  return load_fixtures(*text, path);
}

Expected<fixtures::Fixtures, SourceError> load_default_fixtures() {
  return load_fixtures(default_fixtures_yaml(), kDefaultFixturesName);
}

}  // namespace bis::mock
