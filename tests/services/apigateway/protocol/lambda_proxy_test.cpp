#include "services/apigateway/protocol/lambda_proxy.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace localray::apigateway::protocol {
namespace {

using nlohmann::json;

model::IntegrationRequest request() {
  model::IntegrationRequest r;
  r.method = "GET";
  r.path = "/items/42";
  r.resource_path = "/items/{id}";
  r.resource_id = "r1";
  r.path_parameters = {{"id", "42"}};
  r.query = {{"x", "1"}, {"x", "2"}};
  r.headers = {{"Host", "api.localhost"}, {"Accept", "a"}, {"Accept", "b"}};
  r.stage = "prod";
  r.request_id = "req-1";
  r.api_id = "abc";
  r.account_id = "000000000000";
  r.source_ip = "127.0.0.1";
  r.user_agent = "curl/8";
  r.domain_name = "api.localhost";
  r.request_time = tracing::TimePoint{std::chrono::milliseconds{1714564800123}};
  return r;
}

TEST(LambdaProxyTest, TheEventIsPayloadFormatOne) {
  auto e = json::parse(proxy_event(request()));
  EXPECT_EQ(e["resource"], "/items/{id}");
  EXPECT_EQ(e["path"], "/items/42") << "without the stage";
  EXPECT_EQ(e["requestContext"]["path"], "/prod/items/42") << "with the stage";
  EXPECT_EQ(e["httpMethod"], "GET");
  EXPECT_EQ(e["pathParameters"]["id"], "42");
  EXPECT_EQ(e["queryStringParameters"]["x"], "2") << "the last value";
  EXPECT_EQ(e["multiValueQueryStringParameters"]["x"], json::array({"1", "2"}));
  EXPECT_EQ(e["multiValueHeaders"]["Accept"], json::array({"a", "b"}));
  EXPECT_TRUE(e["stageVariables"].is_null()) << "an empty map is null";
  EXPECT_TRUE(e["body"].is_null());
  EXPECT_EQ(e["isBase64Encoded"], false);
  EXPECT_EQ(e["requestContext"]["requestTimeEpoch"], 1714564800123);
  EXPECT_EQ(e["requestContext"]["requestTime"], "01/May/2024:12:00:00 +0000");
  EXPECT_EQ(e["requestContext"]["identity"]["sourceIp"], "127.0.0.1");
  EXPECT_EQ(e["requestContext"]["domainPrefix"], "api");
  auto binary = request();
  binary.body = std::string{"\xff\xfe", 2};
  auto b = json::parse(proxy_event(binary));
  EXPECT_EQ(b["isBase64Encoded"], true);
  EXPECT_EQ(b["body"], "//4=");
}

TEST(LambdaProxyTest, TheResponseMergesHeadersAndDecodesItsBody) {
  auto r = parse_proxy_response(
      R"({"statusCode":201,"headers":{"A":"1","B":"x"},"multiValueHeaders":{"B":["y","z"]},"body":"aGk=","isBase64Encoded":true})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 201u);
  EXPECT_EQ(r->body, "hi");
  EXPECT_EQ(r->headers, (model::Pairs{{"A", "1"}, {"B", "y"}, {"B", "z"}})) << "multiValueHeaders wins";
  auto bare = parse_proxy_response(R"({"body":"ok"})");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 200u);
}

TEST(LambdaProxyTest, AHeaderOverApiGatewaysSizeIsMalformed) {
  auto big = parse_proxy_response(R"({"headers":{"X-Big":")" + std::string(10241, 'x') + R"("}})");
  ASSERT_FALSE(big);
  EXPECT_TRUE(parse_proxy_response(R"({"headers":{"X-Fits":")" + std::string(10240, 'x') + R"("}})"));
}

TEST(LambdaProxyTest, WhatApiGatewayCannotReadIsMalformed) {
  for (const char* payload : {"\"just a string\"", "not json", R"({"statusCode":200,"extra":1})", R"({"statusCode":"abc"})",
                              R"({"statusCode":200,"body":{"a":1}})", R"({"headers":{"A":{"nested":1}}})", R"({"statusCode":99})"}) {
    auto r = parse_proxy_response(payload);
    ASSERT_FALSE(r) << payload;
    EXPECT_EQ(r.error().message.rfind("Malformed Lambda proxy response", 0), 0u) << r.error().message;
  }
}

}  // namespace
}  // namespace localray::apigateway::protocol
