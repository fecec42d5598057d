#include "services/lambda/model/event_source_mappings.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <deque>

#include "tests/support/recording_sink.hpp"

namespace localray::lambda::model {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// An in-memory queue: hands out what was put in, keeps what was acknowledged.
class FakeSource final : public EventSource {
 public:
  explicit FakeSource(asio::any_io_executor ex) : ex_{std::move(ex)} {}
  const std::string& arn() const override { return arn_; }
  SourceNode node() const override { return {"jobs", arn_, "AWS::SQS::Queue", {{"queue_url", "http://q/jobs"}}}; }
  asio::awaitable<Result<std::vector<SourceRecord>>> poll(int max_records, std::chrono::milliseconds) override {
    if (waiting.empty()) {
      // An idle poll waits a little, as a long poll would, rather than spin.
      asio::steady_timer t{ex_, 5ms};
      co_await t.async_wait(asio::use_awaitable);
    }
    std::vector<SourceRecord> out;
    while (!waiting.empty() && static_cast<int>(out.size()) < max_records) {
      out.push_back(waiting.front());
      waiting.pop_front();
    }
    co_return out;
  }
  std::string event(const std::vector<SourceRecord>& records) const override {
    std::string ids;
    for (const auto& r : records) ids += r.id + ";";
    return ids;
  }
  asio::awaitable<void> acknowledge(std::vector<SourceRecord> records) override {
    for (auto& r : records) acknowledged.push_back(r.id);
    co_return;
  }
  asio::awaitable<void> release(std::vector<SourceRecord> records) override {
    for (auto& r : records) released.push_back(r.id);
    co_return;
  }

  std::deque<SourceRecord> waiting;
  std::vector<std::string> acknowledged;
  std::vector<std::string> released;

 private:
  asio::any_io_executor ex_;
  std::string arn_ = "arn:aws:sqs:us-east-1:000000000000:jobs";
};

class FakeSources final : public EventSourceResolver {
 public:
  explicit FakeSources(std::shared_ptr<FakeSource> s) : source_{std::move(s)} {}
  Result<std::shared_ptr<EventSource>> find(const std::string& arn, const std::optional<std::string>&) override {
    if (arn != source_->arn()) return Error{Code::InvalidParameterValue, "Invalid event source: " + arn};
    return std::shared_ptr<EventSource>{source_};
  }

 private:
  std::shared_ptr<FakeSource> source_;
};

// Records what it was invoked with; fails when told to; holds its slot for `hold` when set.
class ConsumerHandler final : public Handler {
 public:
  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    events.push_back(ctx.event);
    traces.push_back(ctx.trace);
    if (hold.count() > 0) {
      asio::steady_timer t{ctx.executor, hold};
      co_await t.async_wait(asio::use_awaitable);
    }
    if (fail) co_return HandlerResult{{}, FunctionError{"Error", "boom"}};
    co_return HandlerResult{respond ? respond(ctx.event) : "{}", std::nullopt};
  }
  std::function<std::string(const std::string& event)> respond;
  std::vector<std::string> events;
  std::vector<tracing::TraceHeader> traces;
  bool fail = false;
  std::chrono::milliseconds hold{0};
};

class EventSourceMappingTest : public ::testing::Test {
 protected:
  asio::io_context io;
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{9}};
  testing::RecordingSink sink;
  tracing::Sampler sampler{clock, ids, tracing::Rng{11}};
  tracing::Tracer tracer{clock, ids, sampler, sink};
  std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>());
  Runner runner{io.get_executor(), tracer, log, "us-east-1", "000000000000"};
  std::shared_ptr<FakeSource> source = std::make_shared<FakeSource>(io.get_executor());
  FakeSources sources{source};
  EventSourceMappings mappings{io.get_executor(), runner, sources, tracer, log};
  std::shared_ptr<ConsumerHandler> handler = std::make_shared<ConsumerHandler>();

  void SetUp() override {
    FunctionConfig c;
    c.name = "consumer";
    c.concurrency = 1;
    ASSERT_TRUE(runner.add_function(c, handler));
  }
  SourceRecord record(const std::string& id, const std::string& trace_header, std::chrono::seconds sent_ago) {
    return {id, tracing::TraceHeader::parse(trace_header), clock.now() - sent_ago, "rh-" + id, "{}"};
  }
  // Runs the io_context until `done` holds or two seconds pass.
  void run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 400 && !done(); ++i) io.run_for(5ms);
  }
  std::vector<tracing::Segment> with_origin(const std::string& origin) {
    std::vector<tracing::Segment> out;
    for (auto& s : sink.segments())
      if (s.origin == origin) out.push_back(s);
    return out;
  }
};

MappingSettings batch(int size) {
  MappingSettings s;
  s.batch_size = size;
  return s;
}

const std::string kTraceA = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
const std::string kTraceB = "Root=1-5759e988-000000000000000000000001;Parent=0000000000000002;Sampled=1";

TEST_F(EventSourceMappingTest, EachProducersRecordsAreDeliveredInItsTraceBehindTheSourcesSegment) {
  source->waiting = {record("a1", kTraceA, 3s), record("b1", kTraceB, 2s), record("a2", kTraceA, 1s)};
  ASSERT_TRUE(mappings.create(source->arn(), "consumer", batch(10)));
  run_until([&] { return source->acknowledged.size() == 3; });
  mappings.stop_all();

  ASSERT_EQ(handler->events.size(), 2u) << "one invocation per producing trace";
  std::set<std::string> events{handler->events.begin(), handler->events.end()};
  EXPECT_EQ(events, (std::set<std::string>{"a1;a2;", "b1;"}));
  auto queues = with_origin("AWS::SQS::Queue");
  ASSERT_EQ(queues.size(), 2u);
  for (const auto& q : queues) {
    bool a = q.trace_id == "1-5759e988-bd862e3fe1be46a994272793";
    EXPECT_EQ(q.parent_id, a ? "53995c3f42cd8ad8" : "0000000000000002") << "the queue hangs off the producer's send";
    // The wait it stands for: from the first record's send to the hand-over.
    EXPECT_DOUBLE_EQ(q.end_time - q.start_time, a ? 3.0 : 2.0);
    EXPECT_EQ(q.aws["queue_url"], "http://q/jobs");
    EXPECT_EQ(q.aws["message_count"], a ? 2 : 1);
  }
  for (const auto& service : with_origin("AWS::Lambda")) {
    auto queue = std::find_if(queues.begin(), queues.end(), [&](const auto& q) { return q.trace_id == service.trace_id; });
    ASSERT_NE(queue, queues.end());
    EXPECT_EQ(service.parent_id, queue->id) << "the consumer runs in its producer's trace";
    ASSERT_TRUE(service.links.is_array());
    EXPECT_EQ(service.links[0]["id"], queue->parent_id) << "and links to the producer, as AWS records it";
  }
}

TEST_F(EventSourceMappingTest, RecordsAFunctionFailedOnAreLeftToTheSource) {
  handler->fail = true;
  source->waiting = {record("a1", kTraceA, 1s)};
  ASSERT_TRUE(mappings.create(source->arn(), "consumer", batch(10)));
  run_until([&] { return !handler->events.empty(); });
  io.run_for(50ms);
  mappings.stop_all();
  EXPECT_EQ(handler->events.size(), 1u);
  EXPECT_TRUE(source->acknowledged.empty()) << "the source redelivers after its visibility timeout";
}

TEST_F(EventSourceMappingTest, AThrottledInvocationIsRetriedUntilTheFunctionHasRoom) {
  // The function's one slot is busy for a while when the mapping's batch arrives.
  handler->hold = 120ms;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { (void)co_await runner.invoke("consumer", "busy", std::nullopt); }, asio::detached);
  io.run_for(10ms);
  handler->hold = 0ms;
  source->waiting = {record("a1", kTraceA, 1s)};
  ASSERT_TRUE(mappings.create(source->arn(), "consumer", batch(10)));
  run_until([&] { return source->acknowledged.size() == 1; });
  mappings.stop_all();
  EXPECT_EQ(source->acknowledged, (std::vector<std::string>{"a1"}));
  EXPECT_EQ(handler->events.back(), "a1;");
}

TEST_F(EventSourceMappingTest, AnUnsampledProducerRecordsNothingDownstream) {
  source->waiting = {record("a1", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", 1s)};
  ASSERT_TRUE(mappings.create(source->arn(), "consumer", batch(10)));
  run_until([&] { return source->acknowledged.size() == 1; });
  mappings.stop_all();
  ASSERT_EQ(handler->traces.size(), 1u);
  EXPECT_EQ(handler->traces[0].sampled, tracing::Sampled::No);
  EXPECT_TRUE(sink.segments().empty());
}

TEST_F(EventSourceMappingTest, BadBatchSizesAndUnknownSourcesAreRefused) {
  EXPECT_EQ(mappings.create(source->arn(), "consumer", batch(0)).error().code, Code::InvalidParameterValue);
  EXPECT_EQ(mappings.create(source->arn(), "consumer", batch(kMaxBatchSizeWithoutWindow + 1)).error().code, Code::InvalidParameterValue);
  EXPECT_EQ(mappings.create("arn:aws:sqs:us-east-1:000000000000:nope", "consumer", batch(1)).error().code, Code::InvalidParameterValue);
  EXPECT_EQ(mappings.create(source->arn(), "nobody", batch(1)).error().code, Code::ResourceNotFound);
  auto made = mappings.create(source->arn(), "consumer", batch(5));
  ASSERT_TRUE(made);
  EXPECT_EQ(made->function_arn, "arn:aws:lambda:us-east-1:000000000000:function:consumer");
  EXPECT_EQ(mappings.get(made->uuid)->settings.batch_size, 5);
  EXPECT_EQ(mappings.remove(made->uuid)->state, "Deleting");
  EXPECT_FALSE(mappings.get(made->uuid));
  io.run_for(20ms);
}

TEST(BatchItemFailures, AreReadAsLambdaReadsThem) {
  std::vector<SourceRecord> batch(2);
  batch[0].id = "m1";
  batch[1].id = "m2";
  using Ids = std::vector<std::string>;
  for (const char* success : {"", "null", "{}", R"({"batchItemFailures":[]})", R"({"batchItemFailures":null})", R"("done")"})
    EXPECT_EQ(batch_item_failures(success, batch), Ids{}) << success;
  EXPECT_EQ(batch_item_failures(R"({"batchItemFailures":[{"itemIdentifier":"m2"}]})", batch), Ids{"m2"});
  for (const char* whole_batch : {"not json", R"({"batchItemFailures":[{"itemIdentifier":""}]})", R"({"batchItemFailures":[{"itemIdentifier":null}]})",
                                  R"({"batchItemFailures":[{"id":"m1"}]})", R"({"batchItemFailures":[{"itemIdentifier":"m9"}]})",
                                  R"({"batchItemFailures":"m1"})"})
    EXPECT_EQ(batch_item_failures(whole_batch, batch), std::nullopt) << whole_batch;
}

TEST_F(EventSourceMappingTest, WithReportBatchItemFailuresOnlyTheRecordsNotReportedAreAcknowledged) {
  handler->respond = [](const std::string&) { return R"({"batchItemFailures":[{"itemIdentifier":"a2"}]})"; };
  source->waiting = {record("a1", kTraceA, 1s), record("a2", kTraceA, 1s), record("a3", kTraceA, 1s)};
  auto settings = batch(10);
  settings.report_batch_item_failures = true;
  ASSERT_TRUE(mappings.create(source->arn(), "consumer", settings));
  run_until([&] { return source->acknowledged.size() == 2; });
  io.run_for(20ms);
  mappings.stop_all();
  EXPECT_EQ(source->acknowledged, (std::vector<std::string>{"a1", "a3"}));
}

TEST_F(EventSourceMappingTest, AResponseNamingARecordNotInTheBatchFailsTheWholeBatch) {
  handler->respond = [](const std::string&) { return R"({"batchItemFailures":[{"itemIdentifier":"elsewhere"}]})"; };
  source->waiting = {record("a1", kTraceA, 1s), record("a2", kTraceA, 1s)};
  auto settings = batch(10);
  settings.report_batch_item_failures = true;
  ASSERT_TRUE(mappings.create(source->arn(), "consumer", settings));
  run_until([&] { return !handler->events.empty(); });
  io.run_for(20ms);
  mappings.stop_all();
  EXPECT_TRUE(source->acknowledged.empty());
}

TEST_F(EventSourceMappingTest, ABatchingWindowGathersPastOnePollUpToTheBatchSize) {
  for (int i = 0; i < 25; ++i) source->waiting.push_back(record("r" + std::to_string(i), kTraceA, 1s));
  auto settings = batch(25);
  settings.batching_window = 1s;
  ASSERT_TRUE(mappings.create(source->arn(), "consumer", settings));
  run_until([&] { return source->acknowledged.size() == 25; });
  mappings.stop_all();
  ASSERT_EQ(handler->events.size(), 1u) << "25 records from three polls, one invocation";
  EXPECT_EQ(std::count(handler->events[0].begin(), handler->events[0].end(), ';'), 25);
}

TEST_F(EventSourceMappingTest, AThrottledBatchIsLeftToTheSourceOnceItsVisibilityTimeoutWouldPass) {
  handler->hold = 300ms;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> { (void)co_await runner.invoke("consumer", "busy", std::nullopt); }, asio::detached);
  io.run_for(10ms);
  auto r = record("a1", kTraceA, 1s);
  r.hidden_until = clock.now() + 20ms;  // the clock stands still: every backoff would pass it
  source->waiting = {r};
  ASSERT_TRUE(mappings.create(source->arn(), "consumer", batch(10)));
  io.run_for(400ms);
  mappings.stop_all();
  EXPECT_TRUE(source->acknowledged.empty());
  EXPECT_EQ(handler->events, (std::vector<std::string>{"busy"})) << "not retried past the visibility timeout";
}

TEST_F(EventSourceMappingTest, PollersStartAtFiveScaleUpWhileBatchesComeFullAndRetireWhenIdle) {
  FunctionConfig c;
  c.name = "wide";
  c.concurrency = 8;
  auto wide = std::make_shared<ConsumerHandler>();
  wide->hold = 30ms;
  ASSERT_TRUE(runner.add_function(c, wide));
  for (int i = 0; i < 400; ++i) source->waiting.push_back(record("r" + std::to_string(i), kTraceA, 1s));
  auto m = mappings.create(source->arn(), "wide", batch(1));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->pollers, kInitialPollers);
  int most = 0;
  for (int i = 0; i < 400 && source->acknowledged.size() < 400; ++i) {
    io.run_for(5ms);
    most = std::max(most, mappings.get(m->uuid)->pollers);
  }
  EXPECT_EQ(most, 8) << "one more per full batch and 200 ms, up to the function's concurrency";
  run_until([&] { return mappings.get(m->uuid)->pollers == kInitialPollers; });
  EXPECT_EQ(mappings.get(m->uuid)->pollers, kInitialPollers) << "idle pollers retire";
  mappings.stop_all();
  io.run_for(50ms);
}

TEST_F(EventSourceMappingTest, ABatchSplitByTraceNeverInvokesPastTheFunctionsConcurrency) {
  FunctionConfig c;
  c.name = "narrow";
  c.concurrency = 2;
  auto narrow = std::make_shared<ConsumerHandler>();
  narrow->hold = 20ms;
  ASSERT_TRUE(runner.add_function(c, narrow));
  for (int i = 0; i < 6; ++i) {
    char root[64];
    std::snprintf(root, sizeof root, "Root=1-5759e988-%024d;Parent=53995c3f42cd8ad8;Sampled=1", i);
    auto r = record("r" + std::to_string(i), root, 1s);
    r.hidden_until = clock.now() + 10ms;  // the clock stands still: a throttled group would be given up
    source->waiting.push_back(r);
  }
  ASSERT_TRUE(mappings.create(source->arn(), "narrow", batch(10)));
  run_until([&] { return source->acknowledged.size() == 6; });
  mappings.stop_all();
  EXPECT_EQ(narrow->events.size(), 6u) << "one invocation per trace";
  EXPECT_EQ(source->acknowledged.size(), 6u) << "none throttled: groups waited for a slot instead";
}

TEST_F(EventSourceMappingTest, MaximumConcurrencyAndBatchSizeOverTenWithoutAWindowAreChecked) {
  auto settings = batch(100);
  EXPECT_EQ(mappings.create(source->arn(), "consumer", settings).error().message,
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
  settings.batching_window = 5s;
  EXPECT_TRUE(mappings.create(source->arn(), "consumer", settings));
  settings.maximum_concurrency = 1;
  EXPECT_EQ(mappings.create(source->arn(), "consumer", settings).error().code, Code::InvalidParameterValue);
  io.run_for(10ms);
  mappings.stop_all();
}

}  // namespace
}  // namespace localray::lambda::model

namespace localray::lambda::model {
namespace {

// A batch waiting for a slot when the mapping stops goes back to the source at once, and is not
// traced: its later delivery records the only source segment.
TEST_F(EventSourceMappingTest, ABatchStillWaitingForASlotAtTheStopIsHandedBackUntraced) {
  handler->hold = 100ms;  // the first run holds the function's one slot
  source->waiting.push_back(record("first", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", 1s));
  source->waiting.push_back(record("second", "Root=1-5759e988-bd862e3fe1be46a994272794;Parent=53995c3f42cd8ad9;Sampled=1", 1s));
  ASSERT_TRUE(mappings.create(source->arn(), "consumer", batch(10)));
  run_until([&] { return handler->events.size() == 1; });
  ASSERT_EQ(handler->events.size(), 1u) << "the two traces are two deliveries, and the function runs one at a time";
  EXPECT_GT(mappings.busy(), 0);
  mappings.stop_all();
  run_until([&] { return source->acknowledged.size() == 1 && source->released.size() == 1; });
  EXPECT_EQ(handler->events.size(), 1u) << "the second never ran";
  ASSERT_EQ(source->acknowledged.size(), 1u);
  ASSERT_EQ(source->released.size(), 1u);
  EXPECT_NE(source->acknowledged[0], source->released[0]);
  EXPECT_EQ(with_origin("AWS::SQS::Queue").size(), 1u) << "only the delivery that ran is traced";
  EXPECT_EQ(mappings.busy(), 0) << "a clean stop waits for this to reach 0";
}

}  // namespace
}  // namespace localray::lambda::model
