// --fault at start-up, as app teams start bis-mock.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "mock_process.h"

namespace bis::mock {
namespace {

using testing::ChildProcess;
using testing::start;

const std::string kFaultBinary = BIS_MOCK_BINARY;  // unity builds share the namespace

TEST(FaultProcessTest, AFaultFromTheCommandLineIsInForceFromTheStart) {
  ChildProcess p({kFaultBinary, "--port", "0", "--quiet", "--fault", "status=503,times=1",
                  "--fault", "latency=1ms,path=/api/*"});
  const int port = start(p);
  ASSERT_GT(port, 0);
  httplib::Client c("127.0.0.1", port);
  const char* body = "a=PkShop&email=cli@example.com&variant=44221714950&platform=shopify";
  auto r = c.Post("/api/v1/catalog/subscribe", body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  r = c.Post("/api/v1/catalog/subscribe", body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  auto l = c.Get("/__admin/faults");
  ASSERT_TRUE(l);
  const auto j = nlohmann::json::parse(l->body);
  ASSERT_EQ(j["count"], 2) << l->body;
  EXPECT_EQ(j["items"][0]["hits"], 1);
  EXPECT_EQ(j["items"][1]["hits"], 2);
}

TEST(FaultProcessTest, ABadSpecIsAUsageErrorNamingTheSpecAndColumn) {
  ChildProcess p({kFaultBinary, "--port", "0", "--fault", "latency=50ms,tims=2"});
  const std::string err = p.read_rest();
  EXPECT_EQ(p.wait(), 2);
  EXPECT_NE(err.find("--fault 'latency=50ms,tims=2': at column 14: unknown key 'tims'"),
            std::string::npos)
      << err;
}

}  // namespace
}  // namespace bis::mock
