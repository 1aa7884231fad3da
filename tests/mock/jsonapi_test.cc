// The JSON:API error writer (mock/src/jsonapi.h): the documented shape, one place.
#include "jsonapi.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

namespace bis::mock::jsonapi {
namespace {

TEST(JsonApiTest, ErrorDocumentHasEveryDocumentedMember) {
  httplib::Response res;
  set_error(res, invalid("bad email", "/data/attributes/profile/data/attributes/email"));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(res.get_header_value("Content-Type"), "application/vnd.api+json");
  const auto j = nlohmann::json::parse(res.body);
  ASSERT_EQ(j["errors"].size(), 1u);
  const auto& e = j["errors"][0];
  EXPECT_EQ(e["status"], 400);
  EXPECT_EQ(e["code"], "invalid");
  EXPECT_EQ(e["title"], "Invalid input.");
  EXPECT_EQ(e["detail"], "bad email");
  EXPECT_EQ(e["source"], (nlohmann::json{{"pointer", "/data/attributes/profile/data/attributes/email"}}));
  EXPECT_TRUE(std::regex_match(e["id"].get<std::string>(),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << e["id"];
}

TEST(JsonApiTest, ParameterSourceAndNoSourceWhenNoneIsKnown) {
  const auto j = nlohmann::json::parse(
      error_body({invalid("no revision", "", "revision"), throttled("slow down")}));
  ASSERT_EQ(j["errors"].size(), 2u);
  EXPECT_EQ(j["errors"][0]["source"], (nlohmann::json{{"parameter", "revision"}}));
  EXPECT_EQ(j["errors"][1]["status"], 429);
  EXPECT_EQ(j["errors"][1]["code"], "throttled");
  EXPECT_FALSE(j["errors"][1].contains("source"));
}

TEST(JsonApiTest, StatusesAndCodesOfTheStandardErrors) {
  const std::pair<Error, int> cases[] = {
      {not_authenticated("x"), 401}, {authentication_failed("x"), 401},
      {permission_denied("x"), 403}, {not_found("x"), 404},
      {method_not_allowed("x"), 405}, {unsupported_media_type("x"), 415},
      {throttled("x"), 429},         {server_error("x"), 500}};
  std::set<std::string> codes;
  for (const auto& [e, status] : cases) {
    EXPECT_EQ(e.status, status) << e.code;
    EXPECT_FALSE(e.title.empty()) << e.code;
    codes.insert(e.code);
  }
  EXPECT_EQ(codes.size(), std::size(cases));  // a code names one kind of error
}

TEST(JsonApiTest, IdsDifferAndDetailsThatAreNotUtf8StayValidJson) {
  EXPECT_NE(error_id(), error_id());
  const auto j = nlohmann::json::parse(error_body({invalid("bad \xff byte")}));
  EXPECT_EQ(j["errors"][0]["detail"], "bad \xEF\xBF\xBD byte");
}

}  // namespace
}  // namespace bis::mock::jsonapi
