#include "services/lambda/model/function.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "tests/support/recording_sink.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
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

namespace localray::lambda::model {
namespace {

// Keeps what would be delivered, by target; refuses `events` ARNs as the emulator does.
class RecordingDestinations final : public AsyncDestinations {
 public:
  Result<void> check(const std::string& arn) const override {
    if (arn.rfind("arn:aws:events:", 0) == 0) return Error{Code::InvalidParameterValue, "EventBridge is not emulated"};
    return {};
  }
  std::pair<std::string, std::string> describe(const std::string& arn) const override { return {"SQS", "SendMessage"}; }
  asio::awaitable<Result<void>> deliver(AsyncDelivery d) override {
    delivered.push_back(std::move(d));
    co_return Result<void>{};
  }
  std::vector<AsyncDelivery> delivered;
  std::vector<AsyncDelivery> to(const std::string& arn) const {
    std::vector<AsyncDelivery> out;
    for (const auto& d : delivered)
      if (d.target_arn == arn) out.push_back(d);
    return out;
  }
};

// Holds its run for a real-time while; fails when told.
class HoldingHandler final : public Handler {
 public:
  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    ++runs;
    asio::steady_timer t{ctx.executor, hold};
    co_await t.async_wait(asio::use_awaitable);
    if (fail) co_return HandlerResult{{}, FunctionError{"Error", "broken " + ctx.event}};
    co_return HandlerResult{R"({"done":)" + ctx.event + "}", std::nullopt};
  }
  int runs = 0;
  bool fail = false;
  std::chrono::milliseconds hold{0};
};

class AsyncInvocationTest : public ::testing::Test {
 protected:
  asio::io_context io;
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{9}};
  testing::RecordingSink sink;
  tracing::Sampler sampler{clock, ids, tracing::Rng{11}};
  Runner runner{io.get_executor(), tracing::Tracer{clock, ids, sampler, sink}, std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>()),
                "us-east-1", "000000000000"};
  RecordingDestinations destinations;
  std::shared_ptr<HoldingHandler> handler = std::make_shared<HoldingHandler>();
  const tracing::TraceHeader caller{"1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8", tracing::Sampled::Yes, {}};
  const std::string kOk = "arn:aws:sqs:us-east-1:000000000000:ok", kFailed = "arn:aws:sqs:us-east-1:000000000000:failed",
                    kDlq = "arn:aws:sqs:us-east-1:000000000000:dlq";

  void SetUp() override {
    runner.set_destinations(&destinations);
    FunctionConfig c;
    c.name = "f";
    c.concurrency = 1;
    c.retry_delays = {0ms, 0ms};
    c.dead_letter_target = kDlq;
    ASSERT_TRUE(runner.add_function(c, handler));
    EventInvokeConfig e;
    e.on_success = kOk;
    e.on_failure = kFailed;
    ASSERT_TRUE(runner.put_event_invoke_config("f", e));
  }
  void run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 400 && !done(); ++i) io.run_for(5ms);
  }
};

TEST_F(AsyncInvocationTest, ASuccessSendsTheInvocationRecordToTheOnSuccessDestination) {
  auto id = runner.invoke_async("f", R"({"n":1})", caller);
  ASSERT_TRUE(id);
  run_until([&] { return !destinations.delivered.empty(); });
  auto ok = destinations.to(kOk);
  ASSERT_EQ(ok.size(), 1u);
  auto record = nlohmann::json::parse(ok[0].body);
  EXPECT_EQ(record["version"], "1.0");
  EXPECT_EQ(record["requestContext"]["requestId"], *id);
  EXPECT_EQ(record["requestContext"]["condition"], "Success");
  EXPECT_EQ(record["requestContext"]["approximateInvokeCount"], 1);
  EXPECT_EQ(record["requestContext"]["functionArn"], "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST");
  EXPECT_EQ(record["requestPayload"], nlohmann::json::parse(R"({"n":1})"));
  EXPECT_EQ(record["responsePayload"], nlohmann::json::parse(R"({"done":{"n":1}})"));
  EXPECT_FALSE(record["responseContext"].contains("functionError"));
  EXPECT_TRUE(destinations.to(kDlq).empty());
  // The delivery is a subsegment of the run's Lambda segment, and the message carries it on.
  EXPECT_EQ(ok[0].trace.root, caller.root);
  auto recorded = sink.segments();
  auto call = std::find_if(recorded.begin(), recorded.end(), [](const auto& s) { return s.type == "subsegment"; });
  ASSERT_NE(call, recorded.end());
  EXPECT_EQ(call->id, ok[0].trace.parent);
  auto lambda = std::find_if(recorded.begin(), recorded.end(), [](const auto& s) { return s.origin == "AWS::Lambda"; });
  ASSERT_NE(lambda, recorded.end());
  EXPECT_EQ(call->parent_id, lambda->id);
}

TEST_F(AsyncInvocationTest, GivenUpAfterMaximumRetryAttemptsTheRecordAndTheDeadLetterAreSent) {
  handler->fail = true;
  auto config = *runner.event_invoke_config("f");
  config.maximum_retry_attempts = 1;
  ASSERT_TRUE(runner.put_event_invoke_config("f", config));
  auto id = runner.invoke_async("f", R"({"n":2})", caller);
  run_until([&] { return destinations.delivered.size() == 2; });
  EXPECT_EQ(handler->runs, 2) << "the first try and one retry";
  auto failed = destinations.to(kFailed);
  ASSERT_EQ(failed.size(), 1u);
  auto record = nlohmann::json::parse(failed[0].body);
  EXPECT_EQ(record["requestContext"]["condition"], "RetriesExhausted");
  EXPECT_EQ(record["requestContext"]["approximateInvokeCount"], 2);
  EXPECT_EQ(record["responseContext"]["functionError"], "Unhandled");
  EXPECT_EQ(record["responsePayload"]["errorMessage"], R"(broken {"n":2})");
  auto dlq = destinations.to(kDlq);
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_EQ(dlq[0].body, R"({"n":2})") << "the dead letter is the event itself";
  EXPECT_EQ(dlq[0].attributes.at("RequestID").second, *id);
  EXPECT_EQ(dlq[0].attributes.at("ErrorCode"), (std::pair<std::string, std::string>{"Number", "200"}));
  EXPECT_EQ(dlq[0].attributes.at("ErrorMessage").second, R"(broken {"n":2})");
  EXPECT_EQ(runner.find("f").value()->pending(), 0u);
}

TEST_F(AsyncInvocationTest, AnEventOlderThanItsMaximumAgeWhenItsTurnComesIsNotRun) {
  auto config = *runner.event_invoke_config("f");
  config.maximum_event_age = std::chrono::seconds{60};
  ASSERT_TRUE(runner.put_event_invoke_config("f", config));
  handler->hold = 100ms;
  ASSERT_TRUE(runner.invoke_async("f", R"({"n":1})", caller));
  ASSERT_TRUE(runner.invoke_async("f", R"({"n":2})", caller));
  io.run_for(20ms);  // the first runs and holds the only slot
  clock.advance(std::chrono::seconds{61});
  run_until([&] { return destinations.delivered.size() == 2; });
  EXPECT_EQ(handler->runs, 1);
  auto failed = destinations.to(kFailed);
  ASSERT_EQ(failed.size(), 1u);
  auto record = nlohmann::json::parse(failed[0].body);
  EXPECT_EQ(record["requestContext"]["condition"], "EventAgeExceeded");
  EXPECT_EQ(record["requestContext"]["approximateInvokeCount"], 0);
  EXPECT_FALSE(record.contains("responseContext"));
  EXPECT_EQ(destinations.to(kDlq).size(), 1u);
}

TEST_F(AsyncInvocationTest, ConfigurationsOutsideLambdasLimitsAreRefused) {
  EventInvokeConfig c;
  c.maximum_retry_attempts = 3;
  EXPECT_EQ(runner.put_event_invoke_config("f", c).error().code, Code::InvalidParameterValue);
  c = {};
  c.maximum_event_age = std::chrono::seconds{59};
  EXPECT_EQ(runner.put_event_invoke_config("f", c).error().code, Code::InvalidParameterValue);
  c = {};
  c.on_failure = "arn:aws:events:us-east-1:000000000000:event-bus/default";
  EXPECT_EQ(runner.put_event_invoke_config("f", c).error().code, Code::InvalidParameterValue);
  EXPECT_EQ(runner.put_event_invoke_config("nobody", {}).error().code, Code::ResourceNotFound);
  ASSERT_TRUE(runner.delete_event_invoke_config("f"));
  EXPECT_EQ(runner.delete_event_invoke_config("f").error().code, Code::ResourceNotFound);
}

TEST_F(AsyncInvocationTest, AFunctionHoldingTooManyEventsThrottlesAsynchronousInvokes) {
  // Nothing runs while the io_context stands still: every event stays held.
  for (std::size_t i = 0; i < kMaxQueuedEvents; ++i) ASSERT_TRUE(runner.invoke_async("f", "{}", std::nullopt)) << i;
  auto refused = runner.invoke_async("f", "{}", std::nullopt);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Code::TooManyRequests);
}

}  // namespace
}  // namespace localray::lambda::model

namespace localray::lambda::model {
namespace {

class CountingHandler final : public Handler {
 public:
  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    ++runs;
    co_return HandlerResult{R"({"ok":true})", std::nullopt};
  }
  std::atomic<int> runs{0};
};

// Synchronous and asynchronous invocations from many strands on four threads while the function's
// configuration is replaced again and again: under ThreadSanitizer (scripts/tsan.sh) a race fails
// it; here every call ends in an answer and every event runs exactly once.
TEST_F(RunnerTest, InvocationsOnFourThreadsWhileTheConfigurationChanges) {
  auto handler = std::make_shared<CountingHandler>();
  auto c = config("busy");
  c.concurrency = 1000;
  ASSERT_TRUE(runner.add_function(c, handler));
  constexpr int kCalls = 200, kEvents = 200, kUpdates = 50;
  std::atomic<int> answered{0}, accepted{0}, updated{0};
  for (int i = 0; i < kCalls; ++i)
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      auto r = co_await runner.invoke("busy", "{}", caller);
      if (r && !r->error) ++answered;
    }, asio::detached);
  for (int i = 0; i < kEvents; ++i)
    asio::post(io, [&] {
      if (runner.invoke_async("busy", "{}", caller)) ++accepted;
    });
  for (int i = 0; i < kUpdates; ++i)
    asio::post(io, [&, i] {
      auto r = runner.update_configuration("busy", [i](FunctionConfig& fc) -> Result<void> {
        fc.environment["N"] = std::to_string(i);
        return {};
      });
      if (r) ++updated;
    });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([this] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered.load(), kCalls);
  EXPECT_EQ(accepted.load(), kEvents);
  EXPECT_GT(updated.load(), 0) << "an update may lose to a concurrent one (ResourceConflict), never all of them";
  EXPECT_EQ(handler->runs.load(), kCalls + kEvents);
  EXPECT_EQ(runner.pending(), 0u);
}

}  // namespace
}  // namespace localray::lambda::model
