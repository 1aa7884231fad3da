#include "bis/runner/requirements.h"

#include <gtest/gtest.h>

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
