// The Runtime API codec: routes and headers to calls on the environment, acks to status codes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "functions/runtime/runtime_api.hpp"
#include "tests/support/await.hpp"

namespace localray::functions::runtime {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

struct RecordingEndpoint : RuntimeEndpoint {
  std::optional<NextInvocation> queued;
  Ack ack = Ack::Accepted;
  std::string last_id, last_payload;
  std::optional<RuntimeError> last_error, last_init_error;

  asio::awaitable<std::optional<NextInvocation>> next() override { co_return queued; }
  asio::awaitable<Ack> respond(std::string id, std::string payload) override {
    last_id = id;
    last_payload = payload;
    co_return ack;
  }
  asio::awaitable<Ack> fail(std::string id, RuntimeError e) override {
    last_id = id;
    last_error = e;
    co_return ack;
  }
  asio::awaitable<Ack> fail_init(RuntimeError e) override {
    last_init_error = e;
    co_return ack;
  }
};

http::Request request(std::string method, std::string path, std::string body = {}) {
  http::Request r;
  r.method = std::move(method);
  r.path = r.target = std::move(path);
  r.body = std::move(body);
  return r;
}

class RuntimeApiTest : public ::testing::Test {
 protected:
  http::Response serve(http::Request r) { return testing::await(io, serve_runtime_api(std::move(r), endpoint)); }
  asio::io_context io;
  RecordingEndpoint endpoint;
};

TEST_F(RuntimeApiTest, NextCarriesTheEventAndOnlyTheHeadersThatHaveValues) {
  endpoint.queued = NextInvocation{"req-1", R"({"a":1})", 1700000003000, "arn:aws:lambda:us-east-1:000000000000:function:f",
                                   "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", "", ""};
  auto res = serve(request("GET", "/2018-06-01/runtime/invocation/next"));
  EXPECT_EQ(res.status, 200u);
  EXPECT_EQ(res.body, R"({"a":1})");
  EXPECT_EQ(res.headers.get("Lambda-Runtime-Aws-Request-Id"), "req-1");
  EXPECT_EQ(res.headers.get("Lambda-Runtime-Deadline-Ms"), "1700000003000");
  EXPECT_EQ(res.headers.get("Lambda-Runtime-Invoked-Function-Arn"), "arn:aws:lambda:us-east-1:000000000000:function:f");
  EXPECT_EQ(res.headers.get("Lambda-Runtime-Trace-Id"), "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
  EXPECT_FALSE(res.headers.has("Lambda-Runtime-Client-Context"));
  EXPECT_FALSE(res.headers.has("Lambda-Runtime-Cognito-Identity"));
}

TEST_F(RuntimeApiTest, ResponseIsAcceptedWith202AndAnUnknownIdIsRefused) {
  auto ok = serve(request("POST", "/2018-06-01/runtime/invocation/req-1/response", R"({"r":2})"));
  EXPECT_EQ(ok.status, 202u);
  EXPECT_EQ(endpoint.last_id, "req-1");
  EXPECT_EQ(endpoint.last_payload, R"({"r":2})");
  endpoint.ack = Ack::UnknownRequest;
  auto unknown = serve(request("POST", "/2018-06-01/runtime/invocation/other/response", "{}"));
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(json::parse(unknown.body).at("errorType"), "InvalidRequestID");
  endpoint.ack = Ack::NotNow;
  EXPECT_EQ(serve(request("POST", "/2018-06-01/runtime/invocation/req-1/response", "{}")).status, 403u);
  endpoint.ack = Ack::TooLarge;
  EXPECT_EQ(serve(request("POST", "/2018-06-01/runtime/invocation/req-1/response", "{}")).status, 413u);
}

TEST_F(RuntimeApiTest, ErrorTypesFollowAwsRule) {
  auto r = request("POST", "/2018-06-01/runtime/invocation/req-1/error", R"({"errorType":"TypeError","errorMessage":"x"})");
  r.headers.set("Lambda-Runtime-Function-Error-Type", "Function.MyError");
  EXPECT_EQ(serve(r).status, 202u);
  EXPECT_EQ(endpoint.last_error->type, "Function.MyError");
  EXPECT_EQ(endpoint.last_error->body, R"({"errorType":"TypeError","errorMessage":"x"})");

  r.headers.set("Lambda-Runtime-Function-Error-Type", "not a valid type");
  serve(r);
  EXPECT_EQ(endpoint.last_error->type, "Runtime.Unknown");
  r.headers.set("Lambda-Runtime-Function-Error-Type", "Function.lowercase");
  serve(r);
  EXPECT_EQ(endpoint.last_error->type, "Function.Unknown");
  r.headers.erase("Lambda-Runtime-Function-Error-Type");
  serve(r);
  EXPECT_EQ(endpoint.last_error->type, "TypeError") << "without the header, the document's own errorType";
}

TEST_F(RuntimeApiTest, InitErrorReachesTheEnvironment) {
  auto r = request("POST", "/2018-06-01/runtime/init/error", R"({"errorType":"Runtime.ImportModuleError","errorMessage":"no"})");
  r.headers.set("Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError");
  EXPECT_EQ(serve(r).status, 202u);
  ASSERT_TRUE(endpoint.last_init_error);
  EXPECT_EQ(endpoint.last_init_error->type, "Runtime.ImportModuleError");
}

TEST_F(RuntimeApiTest, NextWhenTheEnvironmentStopsAndUnknownRoutes) {
  endpoint.queued.reset();
  EXPECT_EQ(serve(request("GET", "/2018-06-01/runtime/invocation/next")).status, 410u);
  EXPECT_EQ(serve(request("GET", "/2018-06-01/runtime/whatever")).status, 404u);
  EXPECT_EQ(serve(request("POST", "/2015-03-31/functions/f/invocations")).status, 404u);
}

}  // namespace
}  // namespace localray::functions::runtime

namespace localray::functions::runtime {
namespace {

TEST(RuntimeErrorTypeTest, AWSsFormIsKeptAndAnythingElseBecomesUnknown) {
  EXPECT_EQ(normalise_error_type("Function.MyError", ""), "Function.MyError");
  EXPECT_EQ(normalise_error_type("Runtime.ExitError", ""), "Runtime.ExitError");
  EXPECT_EQ(normalise_error_type("Function.X", ""), "Function.Unknown") << "one letter is too short";
  EXPECT_EQ(normalise_error_type("Function.my", ""), "Function.Unknown") << "the name starts upper case";
  EXPECT_EQ(normalise_error_type("Function.My-Error", ""), "Function.Unknown");
  EXPECT_EQ(normalise_error_type("Other.MyError", ""), "Runtime.Unknown");
  EXPECT_EQ(normalise_error_type("", R"({"errorType":"TypeError"})"), "TypeError");
  EXPECT_EQ(normalise_error_type("", "not json"), "Runtime.Unknown");
}

TEST(RuntimeErrorTypeTest, AHeaderAsLongAsAWorkerCanSendIsCheckedWithoutRecursion) {
  // 64 KB is the edge's header limit; std::regex overflowed the stack on a third of it.
  std::string long_type = "Function.A" + std::string(64 * 1024, 'a');
  EXPECT_EQ(normalise_error_type(long_type, ""), long_type);
  EXPECT_EQ(normalise_error_type(long_type + "!", ""), "Function.Unknown");
}

}  // namespace
}  // namespace localray::functions::runtime

namespace localray::functions::runtime {
namespace {

TEST_F(RuntimeApiTest, APathThatIsNotUtf8GetsA404NotAnException) {
  // Found by tests/fuzz/runtime_api.cpp: the error document quoting the path could not be written.
  auto res = serve(request("GET", "/2018-06-01/runtime/invo\xff\xffnext"));
  EXPECT_EQ(res.status, 404u);
  EXPECT_EQ(json::parse(res.body).at("errorType"), "NotFound");
  endpoint.ack = Ack::UnknownRequest;
  auto unknown = serve(request("POST", "/2018-06-01/runtime/invocation/\xfe/response", "{}"));
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(json::parse(unknown.body).at("errorType"), "InvalidRequestID");
}

}  // namespace
}  // namespace localray::functions::runtime
