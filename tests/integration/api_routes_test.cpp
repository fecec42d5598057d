// A REST API of the user's own: resources, methods, Lambda proxy integrations, through the binary.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "tests/integration/localray_process.hpp"

namespace localray::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kTopology = R"({
  "functions": [
    {"name": "fetch", "handler": "http", "environment": {"TARGET_URL": "${http_target}"}},
    {"name": "broken", "handler": "sns_subscribe"}
  ],
  "apis": [{"name": "shop", "stages": ["prod", "dev"], "routes": [
    {"path": "/todos/{id}", "method": "GET", "integration": {"type": "lambda_proxy", "function": "fetch"}},
    {"path": "/broken", "method": "ANY", "integration": {"type": "lambda_proxy", "function": "broken"}}
  ]}]
})";

class ApiRoutesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("localray-api-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream{dir_ / "api.json"} << kTopology;
    lr_ = new LocalrayProcess({"--db", ":memory:", "--config", (dir_ / "api.json").string(), "--ssl-failure-rate", "0"});
  }
  static void TearDownTestSuite() {
    delete lr_;
    std::filesystem::remove_all(dir_);
  }
  static std::string stage_path(const std::string& stage) {
    for (const auto& api : lr_->ready().at("apis"))
      if (api.at("stage") == stage) {
        std::string url = api.at("invoke_url");
        return url.substr(url.find("/restapis/"));
      }
    return {};
  }
  static LocalrayProcess* lr_;
  static std::filesystem::path dir_;
};

LocalrayProcess* ApiRoutesTest::lr_ = nullptr;
std::filesystem::path ApiRoutesTest::dir_;

TEST_F(ApiRoutesTest, ALambdaProxyAnswersWithTheFunctionsStatusHeadersAndBody) {
  auto r = http_request(lr_->port(), "GET", stage_path("prod") + "/todos/1?verbose=1");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto body = json::parse(r.body);
  EXPECT_EQ(body.at("served_by"), "localray") << "the function's body, the stand-in's JSON";
  EXPECT_FALSE(r.headers["x-amzn-requestid"].empty());
  EXPECT_NE(r.headers["x-amzn-trace-id"].find("Root=1-"), std::string::npos);
  EXPECT_EQ(http_request(lr_->port(), "GET", stage_path("dev") + "/todos/2").status, 200u) << "every stage serves";
}

TEST_F(ApiRoutesTest, AFailingFunctionIs502AndAnUnknownRouteIs403) {
  auto broken = http_request(lr_->port(), "POST", stage_path("prod") + "/broken", "{}");
  EXPECT_EQ(broken.status, 502u);
  EXPECT_EQ(broken.body, R"({"message":"Internal server error"})");
  auto missing = http_request(lr_->port(), "GET", stage_path("prod") + "/nowhere");
  EXPECT_EQ(missing.status, 403u);
  EXPECT_EQ(missing.body, R"({"message":"Missing Authentication Token"})");
  EXPECT_EQ(missing.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
  auto wrong_method = http_request(lr_->port(), "DELETE", stage_path("prod") + "/todos/1");
  EXPECT_EQ(wrong_method.status, 403u);
  auto prod = stage_path("prod");
  auto qa = prod.substr(0, prod.find("/prod/")) + "/qa/_user_request_/todos/1";
  EXPECT_EQ(http_request(lr_->port(), "GET", qa).status, 403u) << "a stage the API does not have";
  EXPECT_EQ(http_request(lr_->port(), "GET", "/restapis/nope000000/prod/_user_request_/todos/1").status, 404u);
}

TEST_F(ApiRoutesTest, TheFunctionRunsUnderTheStagesLambdaSubsegment) {
  auto r = http_request(lr_->port(), "GET", stage_path("prod") + "/todos/3");
  ASSERT_EQ(r.status, 200u);
  auto header = r.headers["x-amzn-trace-id"];
  std::string root = header.substr(5, header.find(';') - 5);
  json stage, service;
  // The function's segments are stored before the stage's: wait for both.
  ASSERT_TRUE(eventually([&] {
    auto docs = lr_->xray("/Traces", {{"TraceIds", {root}}});
    for (const auto& t : docs.at("Traces"))
      for (const auto& s : t.at("Segments")) {
        auto d = json::parse(s.at("Document").get<std::string>());
        if (d.value("origin", "") == "AWS::ApiGateway::Stage") stage = d;
        if (d.value("origin", "") == "AWS::Lambda") service = d;
      }
    return stage.is_object() && service.is_object();
  }, 10s));
  EXPECT_EQ(stage.at("name"), "shop/prod");
  const auto& call = stage.at("subsegments").at(0);
  EXPECT_EQ(call.at("name"), "Lambda");
  EXPECT_EQ(call.at("aws").at("function_name"), "fetch");
  EXPECT_EQ(service.at("parent_id"), call.at("id"));
  EXPECT_EQ(service.at("aws").at("request_id"), call.at("aws").at("request_id")) << "the invocation's request id";
}

TEST_F(ApiRoutesTest, BrowsersMayCallTheAwsApisButARestApiKeepsItsOwnCors) {
  auto preflight = http_request(lr_->port(), "OPTIONS", "/", {},
                                {{"Origin", "http://localhost:5173"}, {"Access-Control-Request-Method", "POST"},
                                 {"Access-Control-Request-Headers", "content-type,x-amz-target"}});
  EXPECT_EQ(preflight.status, 200u);
  EXPECT_EQ(preflight.headers["access-control-allow-origin"], "*");
  EXPECT_EQ(preflight.headers["access-control-allow-headers"], "content-type,x-amz-target");

  auto listed = http_request(lr_->port(), "POST", "/", "{}",
                             {{"Origin", "http://localhost:5173"}, {"X-Amz-Target", "DynamoDB_20120810.ListTables"},
                              {"Content-Type", "application/x-amz-json-1.0"}});
  EXPECT_EQ(listed.status, 200u) << listed.body;
  EXPECT_EQ(listed.headers["access-control-allow-origin"], "*");
  EXPECT_NE(listed.headers["access-control-expose-headers"].find("x-amz-crc32"), std::string::npos);
  EXPECT_EQ(listed.headers["x-amzn-requestid"].size(), 52u) << "DynamoDB's request id shape";

  auto api = http_request(lr_->port(), "GET", stage_path("prod") + "/broken", {}, {{"Origin", "http://localhost:5173"}});
  EXPECT_EQ(api.headers.count("access-control-allow-origin"), 0u) << "a REST API answers with the CORS headers its methods set";
}

}  // namespace
}  // namespace localray::testing
