// The wire-rule defects (docs/defects.md, "Wire rules"), one row each: a request that shows
// the deviation, checked against a mock with the defect (it deviates) and without (it keeps
// to the API).
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "server_support.h"

namespace bis::mock {
namespace {
// Its own namespace: the component tests are one unity build.
namespace wire {

using testing::form;
using testing::MockServer;

constexpr char kV1[] = "/api/v1/catalog/subscribe";
constexpr char kOnsite[] = "/onsite/components/back-in-stock/subscribe";
constexpr char kForm[] = "application/x-www-form-urlencoded";

std::string unique_email() {
  static int n = 0;
  return "wire" + std::to_string(++n) + "@example.com";
}

bool succeeded(const httplib::Result& r) {
  if (!r || r->status != 200) return false;
  const auto j = nlohmann::json::parse(r->body, nullptr, false);
  return j.is_object() && j.value("success", false) == true;
}

std::string query(const std::string& email) {
  return std::string(kV1) + "?" + form("Shop01", email, "111", "shopify");
}

std::string multipart(const std::string& email, const std::string& header,
                      const std::string& extra_part_header = "") {
  std::string out;
  const std::pair<const char*, std::string> fields[] = {
      {"a", "Shop01"}, {"email", email}, {"variant", "111"}, {"platform", "shopify"}};
  for (const auto& [name, value] : fields) {
    out += "--Bnd\r\n" + header + "; name=\"" + name + "\"\r\n" + extra_part_header + "\r\n" +
           value + "\r\n";
  }
  return out + "--Bnd--\r\n";
}

// Shop01 counts its legacy calls, one a minute (new fixtures also start the counts again).
void limit_shop01(const MockServer& m) {
  std::string f = testing::kTestFixtures;
  const std::string at = "  - key: Shop01\n";
  f.insert(f.find(at) + at.size(), "    rate_limits: {burst: 100, steady: 1, legacy: true}\n");
  m.client()->Put("/__admin/fixtures", f, "application/yaml");
}

httplib::Result subscribe(const MockServer& m, const std::string& email) {
  return m.post_form(form("Shop01", email, "111", "shopify"));
}

const httplib::Headers kPreflight = {{"Origin", "https://shop.example.com"},
                                     {"Access-Control-Request-Method", "POST"}};

// A modern server-endpoint subscription on a fresh address; `headers` replace the defaults
// (an empty value drops the header).
httplib::Result modern_post(const MockServer& m, const httplib::Headers& headers = {},
                            const std::string& path = "/api/back-in-stock-subscriptions",
                            const std::string& type = "application/vnd.api+json") {
  httplib::Headers h = {{"revision", "2026-07-15"}, {"Authorization", "Klaviyo-API-Key pk_shop"}};
  for (const auto& [name, value] : headers) {
    h.erase(name);
    if (!value.empty()) h.emplace(name, value);
  }
  const nlohmann::json body = {
      {"data",
       {{"type", "back-in-stock-subscription"},
        {"attributes",
         {{"channels", {"EMAIL"}},
          {"profile", {{"data", {{"type", "profile"}, {"attributes", {{"email", unique_email()}}}}}}}}},
        {"relationships",
         {{"variant", {{"data", {{"type", "catalog-variant"}, {"id", "$shopify:::$default:::111"}}}}}}}}}};
  return m.client()->Post(path, h, body.dump(), type.c_str());
}

// The answer to a modern body that is not JSON, parsed (null if it is not JSON).
nlohmann::json modern_error(const MockServer& m) {
  auto r = m.client()->Post("/api/back-in-stock-subscriptions",
                            {{"revision", "2026-07-15"}, {"Authorization", "Klaviyo-API-Key pk_shop"}},
                            "{not json", "application/vnd.api+json");
  return r ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json();
}

struct Row {
  Defect defect;
  // Makes requests on a fresh address; true when the answer or the state deviates.
  std::function<bool(const MockServer&)> deviates;
};

const Row kRows[] = {
    {Defect::kPreflightWithoutAllowOrigin,
     [](const MockServer& m) {
       auto r = m.client()->Options(kV1, kPreflight);
       return r && !r->has_header("Access-Control-Allow-Origin");
     }},
    {Defect::kPreflightWithoutPost,
     [](const MockServer& m) {
       auto r = m.client()->Options(kV1, kPreflight);
       return r && r->get_header_value("Access-Control-Allow-Methods").find("POST") ==
                       std::string::npos;
     }},
    {Defect::kOnsiteNoCors,
     [](const MockServer& m) {
       auto r = m.client()->Post(kOnsite, {{"Origin", "https://shop.example.com"}},
                                 form("Shop01", unique_email(), "111", "shopify"), kForm);
       return succeeded(r) && !r->has_header("Access-Control-Allow-Origin");
     }},
    {Defect::kCorsOnSuccessOnly,
     [](const MockServer& m) {
       auto r = m.client()->Post(kV1, {{"Origin", "https://shop.example.com"}},
                                 form("BadKey", unique_email(), "111", "shopify"), kForm);
       return r && !r->has_header("Access-Control-Allow-Origin");
     }},
    {Defect::kGetSubscribes,
     [](const MockServer& m) {
       const std::string e = unique_email();
       return succeeded(m.client()->Get(query(e))) && m.count("subscriptions", "email=" + e) == 1;
     }},
    {Defect::kHeadSubscribes,
     [](const MockServer& m) {
       const std::string e = unique_email();
       auto r = m.client()->Head(query(e));
       return r && r->status == 200 && m.count("subscriptions", "email=" + e) == 1;
     }},
    {Defect::kMethodOverrideHonoured,
     [](const MockServer& m) {
       const std::string e = unique_email();
       auto r = m.client()->Get(query(e), {{"X-HTTP-Method-Override", "POST"}});
       return succeeded(r) && m.count("subscriptions", "email=" + e) == 1;
     }},
    {Defect::kRefusedGetRecords,
     [](const MockServer& m) {
       const std::string e = unique_email();
       auto r = m.client()->Get(query(e));
       return r && r->status == 405 && m.count("subscriptions", "email=" + e) == 1;
     }},
    {Defect::kFormCharsetRefused,
     [](const MockServer& m) {
       return !succeeded(m.client()->Post(kV1, form("Shop01", unique_email(), "111", "shopify"),
                                          "application/x-www-form-urlencoded; charset=UTF-8"));
     }},
    {Defect::kCharsetCaseSensitive,
     [](const MockServer& m) {
       return !succeeded(m.client()->Post(kV1, form("Shop01", unique_email(), "111", "shopify"),
                                          "application/x-www-form-urlencoded; charset=utf-8"));
     }},
    {Defect::kMediaTypeCaseSensitive,
     [](const MockServer& m) {
       return !succeeded(m.client()->Post(kV1, form("Shop01", unique_email(), "111", "shopify"),
                                          "Application/X-WWW-Form-Urlencoded"));
     }},
    {Defect::kPlusNotSpace,
     [](const MockServer& m) {
       // '+' is a space: "first last@..." is no address, "first+last@..." is one.
       const std::string body = "a=Shop01&email=first+" + unique_email() +
                                "&variant=111&platform=shopify";
       return succeeded(m.post_form(body));
     }},
    {Defect::kContentTypeSniffed,
     [](const MockServer& m) {
       return succeeded(
           m.client()->Post(kV1, form("Shop01", unique_email(), "111", "shopify"), "text/plain"));
     }},
    {Defect::kMultipartBoundaryFromBody,
     [](const MockServer& m) {
       return succeeded(m.client()->Post(
           kV1, multipart(unique_email(), "Content-Disposition: form-data"),
           "multipart/form-data; boundary=NotTheBoundary"));
     }},
    {Defect::kMultipartPartTypeRefused,
     [](const MockServer& m) {
       return !succeeded(m.client()->Post(
           kV1,
           multipart(unique_email(), "Content-Disposition: form-data",
                     "Content-Type: text/plain; charset=UTF-8\r\n"),
           "multipart/form-data; boundary=Bnd"));
     }},
    {Defect::kMultipartHeaderCaseSensitive,
     [](const MockServer& m) {
       return !succeeded(m.client()->Post(kV1,
                                          multipart(unique_email(), "content-disposition: Form-Data"),
                                          "multipart/form-data; boundary=Bnd"));
     }},
    {Defect::kOnsiteVariantOptional,
     [](const MockServer& m) {
       const std::string body = form::encode_urlencoded(
           {testing::field("a", "Shop01"), testing::field("email", unique_email()),
            testing::field("platform", "shopify")});
       return succeeded(m.post_form(body, kOnsite));
     }},
    {Defect::kOnsiteRejectionShape,
     [](const MockServer& m) {
       auto r = m.post_form(form("BadKey", unique_email(), "111", "shopify"), kOnsite);
       return r && r->body.find("errors") == std::string::npos;
     }},
    {Defect::kOnsiteRejectionsSucceed,
     [](const MockServer& m) {
       return succeeded(m.post_form(form("Shop01", "test@klaviyo", "111", "shopify"), kOnsite));
     }},
    {Defect::kLongVariant5xx,
     [](const MockServer& m) {
       auto r = m.post_form(form("Shop01", unique_email(), std::string(20000, '9'), "shopify"));
       return r && r->status >= 500;
     }},
    {Defect::kRefuseAppUserAgent,
     [](const MockServer& m) {
       return !succeeded(m.client()->Post(
           kV1, {{"User-Agent", "BisConformanceApp/1.0 (iPhone; iOS 17.0)"}},
           form("Shop01", unique_email(), "111", "shopify"), kForm));
     }},
    {Defect::kFieldNamesAnyCase,
     [](const MockServer& m) {
       const std::string body = form::encode_urlencoded(
           {testing::field("a", "Shop01"), testing::field("Email", unique_email()),
            testing::field("variant", "111"), testing::field("platform", "shopify")});
       return succeeded(m.post_form(body));
     }},
    {Defect::kPathWithQuery,
     [](const MockServer& m) {
       return !succeeded(m.post_form(form("Shop01", unique_email(), "111", "shopify"),
                                     std::string(kV1) + "?source=app"));
     }},
    {Defect::kRequireUserAgent,
     [](const MockServer& m) {
       return !succeeded(m.client()->Post(kV1, {{"User-Agent", ""}},
                                          form("Shop01", unique_email(), "111", "shopify"),
                                          kForm));
     }},
    {Defect::kRefuseLibraryUserAgent,
     [](const MockServer& m) {
       return !succeeded(m.client()->Post(kV1, {{"User-Agent", "okhttp/4.12.0"}},
                                          form("Shop01", unique_email(), "111", "shopify"),
                                          kForm));
     }},
    {Defect::kRateLimitWithoutRetryAfter,
     [](const MockServer& m) {
       limit_shop01(m);
       subscribe(m, unique_email());
       auto r = subscribe(m, unique_email());
       return !r || r->status != 429 || !r->has_header("Retry-After");
     }},
    {Defect::kRateLimitRecordsRefused,
     [](const MockServer& m) {
       limit_shop01(m);
       subscribe(m, unique_email());
       const std::string refused = unique_email();
       subscribe(m, refused);
       return m.count("subscriptions", "email=" + refused) != 0;
     }},
    {Defect::kRateLimitWindowNeverEnds,
     [](const MockServer& m) {
       limit_shop01(m);
       subscribe(m, unique_email());
       m.client()->Put("/__admin/clock", R"({"advance": "61s"})", "application/json");
       auto r = subscribe(m, unique_email());
       return !r || r->status == 429;
     }},
    {Defect::kRateLimitRemainingOffByOne,
     [](const MockServer& m) {
       limit_shop01(m);
       auto r = subscribe(m, unique_email());
       return !r || r->get_header_value("RateLimit-Remaining") != "0";
       }},
    // The modern endpoints (modern_test.cc checks the API's answers in detail).
    {Defect::kModern200InsteadOf202,
     [](const MockServer& m) { return modern_post(m)->status != 202; }},
    {Defect::kModernSuccessBody, [](const MockServer& m) { return !modern_post(m)->body.empty(); }},
    {Defect::kModernIgnoresRevision,
     [](const MockServer& m) { return modern_post(m, {{"revision", ""}})->status == 202; }},
    {Defect::kModernRevisionAnyFormat,
     [](const MockServer& m) { return modern_post(m, {{"revision", "latest"}})->status == 202; }},
    {Defect::kModernErrorNotJsonApi,
     [](const MockServer& m) { return !modern_error(m).contains("errors") || !modern_error(m)["errors"].is_array() || !modern_error(m)["errors"][0].is_object(); }},
    {Defect::kModernErrorWithoutId,
     [](const MockServer& m) {
       const auto j = modern_error(m);
       return !(j["errors"].is_array() && j["errors"][0].contains("id"));
     }},
    {Defect::kModernErrorsObject,
     [](const MockServer& m) { return !modern_error(m)["errors"].is_array(); }},
    {Defect::kModernClientAcceptsPrivateKey,
     [](const MockServer& m) {
       return modern_post(m, {}, "/client/back-in-stock-subscriptions?company_id=pk_shop")->status ==
              202;
     }},
    {Defect::kModernServerAcceptsPublicKey,
     [](const MockServer& m) {
       return modern_post(m, {{"Authorization", "Klaviyo-API-Key Shop01"}})->status == 202;
     }},
    {Defect::kModernNoTrailingSlash,
     [](const MockServer& m) {
       return modern_post(m, {}, "/api/back-in-stock-subscriptions/")->status != 202;
     }},
    {Defect::kModernRefusesJson,
     [](const MockServer& m) {
       return modern_post(m, {}, "/api/back-in-stock-subscriptions", "application/json")->status !=
              202;
     }},
    // Rate limits on the modern endpoints (Shop01 limited to one request a minute per class).
    {Defect::kModernRateLimitNoHeaders,
     [](const MockServer& m) {
       limit_shop01(m);
       return !modern_post(m)->has_header("RateLimit-Limit");
     }},
    {Defect::kModernRateLimitNotJsonApi,
     [](const MockServer& m) {
       limit_shop01(m);
       modern_post(m);
       auto r = modern_post(m);
       return r->status != 429 || r->get_header_value("Content-Type") != "application/vnd.api+json" ||
              r->body.find(R"("errors")") == std::string::npos;
     }},
    {Defect::kModernRateLimitServerOnly,
     [](const MockServer& m) {
       limit_shop01(m);
       const std::string client = "/client/back-in-stock-subscriptions?company_id=Shop01";
       modern_post(m, {{"Authorization", ""}}, client);
       return modern_post(m, {{"Authorization", ""}}, client)->status != 429;
     }},
    {Defect::kModernRateLimitSharedWindow,
     [](const MockServer& m) {
       limit_shop01(m);
       modern_post(m, {{"Authorization", ""}}, "/client/back-in-stock-subscriptions?company_id=Shop01");
       return modern_post(m)->status == 429;
     }},
};

}  // namespace wire

TEST(WireDefectsTest, EachDefectDeviatesAndTheDefaultMockDoesNot) {
  for (const wire::Row& row : wire::kRows) {
    const std::string name(info(row.defect).name);
    // A fresh mock for each row: a row may change the fixtures (the rate-limit rows limit
    // Shop01 to one request a minute, which would refuse the next rows' requests).
    const MockServer plain;
    EXPECT_FALSE(row.deviates(plain)) << name << " without the defect";
    const MockServer defective(Defects().add(row.defect));
    EXPECT_TRUE(row.deviates(defective)) << name << " with the defect";
  }
}

TEST(WireDefectsTest, EveryWireDefectHasARow) {
  // no-cors has its own test in server_test.cc.
  EXPECT_EQ(std::size(wire::kRows) + 1, wire_defects().size());
}

}  // namespace
}  // namespace bis::mock
