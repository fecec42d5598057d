#include "services/lambda/model/function.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "tests/support/recording_sink.hpp"

#include <algorithm>
#include <set>

namespace localray::lambda::model {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Fails its first `failures` runs, then succeeds; records a custom subsegment each time.
class FlakyHandler final : public Handler {
 public:
  explicit FlakyHandler(int failures) : failures_{failures} {}
  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    ++runs;
    auto& sub = ctx.open(ctx.invocation, "work");
    seen_parent = ctx.trace.parent;
    ctx.close(sub);
    if (runs <= failures_) co_return HandlerResult{{}, FunctionError{"Error", "boom"}};
    co_return HandlerResult{R"({"ok":true})", std::nullopt};
  }
  int runs = 0;
  std::string seen_parent;

 private:
  int failures_;
};

class SlowHandler final : public Handler {
 public:
  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    asio::steady_timer t{ctx.executor, 10s};
    co_await t.async_wait(asio::use_awaitable);
    co_return HandlerResult{"{}", std::nullopt};
  }
};

class RunnerTest : public ::testing::Test {
 protected:
  asio::io_context io;
  tracing::SystemClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{9}};
  testing::RecordingSink sink;
  tracing::Sampler sampler{clock, ids, tracing::Rng{11}};
  Runner runner{io.get_executor(), tracing::Tracer{clock, ids, sampler, sink}, std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>()),
                "us-east-1", "000000000000"};
  const tracing::TraceHeader caller{"1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8", tracing::Sampled::Yes, {}};

  FunctionConfig config(std::string name) {
    FunctionConfig c;
    c.name = std::move(name);
    c.retry_delays = {0ms, 0ms};
    return c;
  }
  std::vector<tracing::Segment> with_origin(const std::string& origin) {
    std::vector<tracing::Segment> out;
    for (auto& s : sink.segments())
      if (s.origin == origin) out.push_back(s);
    return out;
  }
};

TEST_F(RunnerTest, FunctionsAreFoundByNameQualifiedNamePartialArnOrArnOfTheirOwnScope) {
  ASSERT_TRUE(runner.add_function(config("my-function"), std::make_shared<FlakyHandler>(0)));
  for (const char* key : {"my-function", "my-function:1", "000000000000:function:my-function", "arn:aws:lambda:us-east-1:000000000000:function:my-function",
                          "arn:aws:lambda:us-east-1:000000000000:function:my-function:$LATEST"})
    EXPECT_TRUE(runner.find(key)) << key;
  for (const char* key : {"arn:aws:lambda:eu-west-1:000000000000:function:my-function", "111111111111:function:my-function", "other"})
    EXPECT_EQ(runner.find(key).error().code, Code::ResourceNotFound) << key;
}

TEST_F(RunnerTest, SyncInvocationRecordsServiceAndFunctionSegmentsLinkedToTheCaller) {
  auto handler = std::make_shared<FlakyHandler>(0);
  ASSERT_TRUE(runner.add_function(config("f"), handler));
  std::optional<Result<InvokeResult>> result;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { result = co_await runner.invoke("f", "{}", caller); }, asio::detached);
  io.run();
  ASSERT_TRUE(result && *result);
  EXPECT_EQ((*result)->payload, R"({"ok":true})");
  EXPECT_NE((*result)->log_tail.find("START RequestId: " + (*result)->request_id), std::string::npos);

  auto service = with_origin("AWS::Lambda");
  auto function = with_origin("AWS::Lambda::Function");
  ASSERT_EQ(service.size(), 1u);
  ASSERT_EQ(function.size(), 1u);
  EXPECT_EQ(service[0].parent_id, caller.parent);
  EXPECT_EQ(service[0].trace_id, caller.root);
  EXPECT_EQ(function[0].parent_id, service[0].id);
  std::vector<std::string> names;
  for (const auto& s : function[0].subsegments) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Initialization", "Invocation", "Overhead"})) << "first run is a cold start";
  const auto& invocation = *std::next(function[0].subsegments.begin());
  EXPECT_EQ(handler->seen_parent, invocation.id) << "the handler's context hangs off Invocation";
  ASSERT_EQ(invocation.subsegments.size(), 1u);
  EXPECT_EQ(invocation.subsegments.front().name, "work");
}

TEST_F(RunnerTest, FailedAsyncEventIsRetriedTwiceThenGivenUp) {
  auto handler = std::make_shared<FlakyHandler>(10);
  ASSERT_TRUE(runner.add_function(config("f"), handler));
  ASSERT_TRUE(runner.invoke_async("f", "{}", caller));
  io.run();
  EXPECT_EQ(handler->runs, 3);
  auto service = with_origin("AWS::Lambda");
  ASSERT_EQ(service.size(), 3u);
  std::set<std::string> attempts;
  for (const auto& s : service) {
    ASSERT_EQ(s.subsegments.size(), 2u);
    EXPECT_EQ(s.subsegments.front().name, "Dwell Time");
    attempts.insert(s.subsegments.back().name);
    EXPECT_EQ(s.aws["request_id"], service[0].aws["request_id"]) << "retries keep the request id";
  }
  EXPECT_EQ(attempts, (std::set<std::string>{"Attempt #1", "Attempt #2", "Attempt #3"}));
  for (const auto& f : with_origin("AWS::Lambda::Function")) {
    EXPECT_TRUE(f.fault);
    EXPECT_EQ(f.cause["exceptions"][0]["message"], "boom");
  }
  EXPECT_EQ(runner.pending(), 0u);
}

TEST_F(RunnerTest, AsyncEventThatSucceedsOnRetryStopsRetrying) {
  auto handler = std::make_shared<FlakyHandler>(1);
  ASSERT_TRUE(runner.add_function(config("f"), handler));
  ASSERT_TRUE(runner.invoke_async("f", "{}", caller));
  io.run();
  EXPECT_EQ(handler->runs, 2);
  auto function = with_origin("AWS::Lambda::Function");
  ASSERT_EQ(function.size(), 2u);
  EXPECT_EQ(function[0].fault + function[1].fault, 1);
}

TEST_F(RunnerTest, RunLongerThanTheTimeoutFailsWithTaskTimedOut) {
  auto c = config("slow");
  c.timeout = 50ms;
  ASSERT_TRUE(runner.add_function(c, std::make_shared<SlowHandler>()));
  std::optional<Result<InvokeResult>> result;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { result = co_await runner.invoke("slow", "{}", caller); }, asio::detached);
  io.run();
  ASSERT_TRUE(result && *result);
  ASSERT_TRUE((*result)->error);
  EXPECT_EQ((*result)->error->type, "Sandbox.Timedout");
  EXPECT_EQ((*result)->error->message, "RequestId: " + (*result)->request_id + " Error: Task timed out after 0.05 seconds");
}

TEST_F(RunnerTest, SyncInvocationBeyondConcurrencyIsThrottled) {
  auto c = config("one");
  c.concurrency = 1;
  c.timeout = 100ms;
  ASSERT_TRUE(runner.add_function(c, std::make_shared<SlowHandler>()));
  std::vector<std::optional<Code>> outcomes;
  for (int i = 0; i < 2; ++i)
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      auto r = co_await runner.invoke("one", "{}", caller);
      outcomes.push_back(r ? std::nullopt : std::optional<Code>{r.error().code});
    }, asio::detached);
  io.run();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), std::optional<Code>{Code::TooManyRequests}), 1);
}

TEST_F(RunnerTest, FindsFunctionsByNameQualifiedNameAndArn) {
  ASSERT_TRUE(runner.add_function(config("f"), std::make_shared<FlakyHandler>(0)));
  EXPECT_TRUE(runner.find("f"));
  EXPECT_TRUE(runner.find("f:$LATEST"));
  EXPECT_TRUE(runner.find("arn:aws:lambda:us-east-1:000000000000:function:f"));
  auto missing = runner.find("g");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Code::ResourceNotFound);
}

}  // namespace
}  // namespace localray::lambda::model
