#include "bis/runner/requirements.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace bis::runner {
namespace {

std::string catalogue_errors_of(const std::string& text) {
  auto c = Catalogue::load(text, "requirements.yaml");
  if (c) return "";
  std::string out;
  for (const auto& e : c.error()) out += e.to_string() + "\n";
  return out;
}

TEST(CatalogueTest, LoadsRequirementsWithLevelsAndPositions) {
  auto c = Catalogue::load(R"(requirements:
  - id: BIS-EMAIL-1
    level: MUST
    text: "email: must be correctly formatted & valid"
    source: "back-in-stock-for-developers.txt"
    inferred: false
  - id: BIS-STATUS-1
    level: SHOULD
    text: "200 on success"
    source: api-notes.md
    inferred: true
    level_reason: "status codes are not documented"
    why: "Client code treats status !== 200 as failure"
)",
                           "requirements.yaml");
  ASSERT_TRUE(c) << catalogue_errors_of("");
  ASSERT_EQ(c->requirements().size(), 2u);
  EXPECT_EQ(c->find("BIS-STATUS-1")->level, Level::kShould);
  EXPECT_TRUE(c->find("BIS-STATUS-1")->inferred);
  EXPECT_EQ(c->find("BIS-STATUS-1")->level_reason, "status codes are not documented");
  EXPECT_EQ(c->find("BIS-EMAIL-1")->pos.line, 2);
  EXPECT_EQ(c->find("NOPE"), nullptr);
}

// yaml-cpp keeps one of two equal keys silently: a requirement's second `text` would
// quietly replace its first.
TEST(CatalogueTest, RejectsADuplicateKeyWithItsPosition) {
  const std::string e = catalogue_errors_of(R"(requirements:
  - id: A-1
    level: MUST
    text: first sentence
    source: s
    text: second sentence
)");
  EXPECT_NE(e.find("requirements.yaml:6:5: duplicate key 'text'"), std::string::npos) << e;
}

TEST(CatalogueTest, RejectsDuplicatesBadLevelsBadIdsInferredWithoutReasonsAndInferredMusts) {
  const std::string text = R"(requirements:
  - {id: A-1, level: MUST, text: t, source: s}
  - {id: A-1, level: MUST, text: t, source: s}
  - {id: a-2, level: MUST, text: t, source: s}
  - {id: A-3, level: MUSt, text: t, source: s}
  - {id: A-4, level: MAY, text: t, source: s, inferred: true}
  - {id: A-5, level: MAY, source: s, txt: t}
  - {id: A-6, level: MUST, text: t, source: s, inferred: true, why: w, level_reason: r}
  - {id: A-7, level: SHOULD, text: t, source: s, inferred: true, why: w}
)";
  const std::string e = catalogue_errors_of(text);
  EXPECT_NE(e.find("requirements.yaml:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("duplicate requirement ID 'A-1' (first at requirements.yaml:2:5)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("requirement ID 'a-2' must match"), std::string::npos) << e;
  EXPECT_NE(e.find("level must be MUST, SHOULD or MAY, got 'MUSt'"), std::string::npos) << e;
  EXPECT_NE(e.find("an inferred requirement needs 'why'"), std::string::npos) << e;
  EXPECT_NE(e.find("requirements.yaml:8:22: an inferred requirement cannot be MUST"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("requirements.yaml:9:5: an inferred requirement needs 'level_reason'"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("unknown key 'txt' in a requirement (did you mean 'text'?)"), std::string::npos)
      << e;
}

}  // namespace
}  // namespace bis::runner

namespace bis::runner {
namespace {

// A file's text with list bullets dropped and whitespace (no-break spaces too) collapsed, as a
// quote joins lines.
std::string normalized_file(const std::string& path) {
  std::ifstream in(path);
  std::string out, line;
  while (std::getline(in, line)) {
    for (size_t at; (at = line.find("\u00a0")) != std::string::npos;) line.replace(at, 2, " ");
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    for (std::string_view bullet : {"\u2022 ", "- "}) {
      if (line.compare(start, bullet.size(), bullet) == 0) start += bullet.size();
    }
    out += " " + line.substr(start);
  }
  std::string collapsed;
  for (char c : out) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += c;
  }
  return collapsed;
}

// The pieces a quote is made of: "[...]" leaves words out, "lead-in: item" joins a list's
// lead-in to its item.
std::vector<std::string> quoted_pieces(const std::string& quote) {
  std::vector<std::string> pieces;
  std::string rest = quote;
  for (size_t at; (at = rest.find("[...]")) != std::string::npos;) {
    pieces.push_back(rest.substr(0, at));
    rest = rest.substr(at + 5);
  }
  pieces.push_back(rest);
  std::vector<std::string> out;
  for (const auto& p : pieces) {
    size_t from = 0;
    for (size_t at; (at = p.find(": ", from)) != std::string::npos; from = at + 2)
      out.push_back(p.substr(from, at - from));
    out.push_back(p.substr(from));
  }
  for (auto& p : out) {
    while (!p.empty() && (p.front() == ' ' || p.front() == ',')) p.erase(0, 1);
    while (!p.empty() && p.back() == ' ') p.pop_back();
  }
  return out;
}

// What a failure shows of a requirement is its rule: a stated rule quotes its source
// verbatim, an inferred one states the rule in our words (its basis quoted verbatim), no two
// show the same words, and none shows a command or an unrelated line.
TEST(ShippedCatalogueTest, EveryRequirementShowsItsOwnRuleAndQuotesItsSourceVerbatim) {
  auto c = Catalogue::load_file(std::string(BIS_SOURCE_DIR) + "/suites/requirements.yaml");
  ASSERT_TRUE(c);
  const std::map<std::string, std::string> files = {
      {"back-in-stock-for-developers.txt",
       normalized_file(std::string(BIS_SOURCE_DIR) + "/docs/spec/back-in-stock-for-developers.txt")},
      {"api-notes.md", normalized_file(std::string(BIS_SOURCE_DIR) + "/docs/spec/api-notes.md")},
      {"docs/control-protocol.md",
       normalized_file(std::string(BIS_SOURCE_DIR) + "/docs/control-protocol.md")}};
  std::map<std::string, std::string> shown;
  for (const Requirement& r : c->requirements()) {
    SCOPED_TRACE(r.id);
    auto [it, fresh] = shown.emplace(r.text, r.id);
    EXPECT_TRUE(fresh) << r.id << " shows the same text as " << it->second;
    EXPECT_NE(r.text.rfind("curl ", 0), 0u) << "a command is not a rule";
    const std::string& quote = r.inferred ? r.basis : r.text;
    if (r.inferred) {
      EXPECT_FALSE(r.basis.empty()) << "an inferred rule quotes what it is inferred from";
      EXPECT_NE(r.text, r.basis) << "an inferred rule is stated, not quoted";
      if (r.source.rfind("project", 0) == 0) continue;  // the project's own rules, not a file
    }
    std::string haystack;
    for (const auto& [name, text] : files) {
      if (r.source.find(name) != std::string::npos) haystack += text;
    }
    ASSERT_FALSE(haystack.empty()) << "source names no known file: " << r.source;
    for (const auto& piece : quoted_pieces(quote)) {
      if (piece.size() < 4) continue;
      EXPECT_NE(haystack.find(piece), std::string::npos)
          << "not in " << r.source << ": \"" << piece << "\"";
    }
  }
}

}  // namespace
}  // namespace bis::runner
