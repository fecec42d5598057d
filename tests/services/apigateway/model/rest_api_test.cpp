#include "services/apigateway/model/rest_api.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "tests/support/await.hpp"
#include "tests/support/recording_sink.hpp"

namespace localray::apigateway::model {
namespace {

namespace asio = boost::asio;

// Answers with what it was called with, so that tests see the request API Gateway made.
class EchoIntegration final : public Integration {
 public:
  explicit EchoIntegration(unsigned status = 200) : status_{status} {}
  std::string service() const override { return "Lambda"; }
  std::string operation() const override { return "Invoke"; }
  void describe_target(nlohmann::json& aws) const override { aws["function_name"] = "echo"; }
  asio::awaitable<IntegrationResponse> call(const IntegrationRequest& r, const tracing::TraceHeader& ctx) override {
    seen = r;
    seen_ctx = ctx;
    IntegrationResponse out;
    out.status = status_;
    out.body = r.resource_path;
    out.request_id = "invoke-1";
    co_return out;
  }
  IntegrationRequest seen;
  tracing::TraceHeader seen_ctx;

 private:
  unsigned status_;
};

TEST(ResourcesTest, TheClosestTemplateWinsLiteralThenVariableThenGreedy) {
  Resources r;
  auto i = std::make_shared<EchoIntegration>();
  ASSERT_TRUE(r.add("/{proxy+}", "ANY", i));
  ASSERT_TRUE(r.add("/items/{id}", "GET", i));
  ASSERT_TRUE(r.add("/items/special", "GET", i));
  ASSERT_TRUE(r.add("/", "ANY", i));
  auto special = r.match("GET", "/items/special");
  ASSERT_TRUE(special && special->method);
  EXPECT_EQ(special->resource->path, "/items/special");
  auto item = r.match("GET", "/items/42/");
  ASSERT_TRUE(item && item->method);
  EXPECT_EQ(item->resource->path, "/items/{id}");
  EXPECT_EQ(item->path_parameters.at("id"), "42");
  auto deep = r.match("GET", "/items/42/reviews");
  ASSERT_TRUE(deep && deep->method);
  EXPECT_EQ(deep->resource->path, "/{proxy+}");
  EXPECT_EQ(deep->path_parameters.at("proxy"), "items/42/reviews");
  auto root = r.match("DELETE", "/");
  ASSERT_TRUE(root && root->method);
  EXPECT_EQ(root->resource->path, "/");
  auto post = r.match("POST", "/items/42");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->method, nullptr) << "the resource fits, but has no POST and no ANY";
}

TEST(ResourcesTest, AnEncodedSlashStaysInsideItsPathParameter) {
  Resources r;
  ASSERT_TRUE(r.add("/files/{name}", "GET", std::make_shared<EchoIntegration>()));
  auto m = r.match("GET", std::vector<std::string>{"files", "a/b"});
  ASSERT_TRUE(m && m->method);
  EXPECT_EQ(m->path_parameters.at("name"), "a/b");
}

TEST(ResourcesTest, MalformedTemplatesAndDuplicateMethodsAreRefused) {
  Resources r;
  auto i = std::make_shared<EchoIntegration>();
  EXPECT_FALSE(r.add("items", "GET", i));
  EXPECT_FALSE(r.add("/{rest+}/more", "GET", i));
  EXPECT_FALSE(r.add("/a{b", "GET", i));
  EXPECT_FALSE(r.add("/x", "FETCH", i));
  ASSERT_TRUE(r.add("/x", "get", i));
  EXPECT_FALSE(r.add("/x/", "GET", i)) << "the same resource and method";
}

class RestApiTest : public ::testing::Test {
 protected:
  asio::io_context io;
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{3}};
  testing::RecordingSink sink;
  tracing::Sampler sampler{clock, ids, tracing::Rng{4}};
  RestApi api{"abc123defg", "shop", {{"prod", {{"env", "p"}}}}, "us-east-1", "000000000000", tracing::Tracer{clock, ids, sampler, sink}};
  std::shared_ptr<EchoIntegration> echo = std::make_shared<EchoIntegration>();

  ApiResponse call(std::string method, std::string path) {
    ApiRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.stage = "prod";
    r.headers = {{"Host", "localhost:4566"}, {"User-Agent", "curl/8"}};
    r.query = {{"x", "1"}, {"x", "2"}};
    r.client_ip = "127.0.0.1";
    r.url = "http://localhost:4566/restapis/abc123defg/prod/_user_request_/items/7";
    r.trace = tracing::TraceHeader::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    return testing::await(io, api.handle(std::move(r)));
  }
};

TEST_F(RestApiTest, AMethodsIntegrationGetsTheWholeRequestAndTheStageRecordsTheCall) {
  ASSERT_TRUE(api.add_method("/items/{id}", "GET", echo));
  auto res = call("GET", "/items/7");
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, "/items/{id}");
  EXPECT_EQ(echo->seen.path_parameters.at("id"), "7");
  EXPECT_EQ(echo->seen.stage_variables.at("env"), "p");
  EXPECT_EQ(echo->seen.query.size(), 2u);
  EXPECT_EQ(echo->seen.domain_name, "localhost:4566");
  EXPECT_EQ(echo->seen.request_id, res.request_id);
  auto segs = sink.segments();
  ASSERT_EQ(segs.size(), 1u);
  const auto& stage = segs[0];
  EXPECT_EQ(stage.name, "shop/prod");
  EXPECT_EQ(stage.origin, "AWS::ApiGateway::Stage");
  EXPECT_EQ(stage.parent_id, "53995c3f42cd8ad8");
  ASSERT_EQ(stage.subsegments.size(), 1u);
  const auto& sub = stage.subsegments.front();
  EXPECT_EQ(sub.name, "Lambda");
  EXPECT_EQ(sub.aws["request_id"], "invoke-1");
  EXPECT_EQ(echo->seen_ctx.parent, sub.id) << "the integration's callee hangs off the integration subsegment";
  EXPECT_EQ(res.trace_header, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=" + stage.id + ";Sampled=1");
}

TEST_F(RestApiTest, NoResourceOrNoMethodIsMissingAuthenticationToken) {
  ASSERT_TRUE(api.add_method("/items/{id}", "GET", echo));
  for (auto [method, path] : {std::pair{"GET", "/nothing"}, std::pair{"POST", "/items/7"}}) {
    auto res = call(method, path);
    EXPECT_EQ(res.status, 403u) << path;
    EXPECT_EQ(res.body, R"({"message":"Missing Authentication Token"})");
    EXPECT_EQ(res.error_type, "MissingAuthenticationTokenException");
  }
  EXPECT_TRUE(sink.segments().back().error) << "a 4xx is an error of the stage";
}

TEST_F(RestApiTest, AnIntegrations5xxIsTheStagesFault) {
  ASSERT_TRUE(api.add_method("/", "ANY", std::make_shared<EchoIntegration>(502)));
  EXPECT_EQ(call("GET", "/").status, 502u);
  EXPECT_TRUE(sink.segments().back().fault);
}

}  // namespace
}  // namespace localray::apigateway::model
