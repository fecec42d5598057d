#include "emulator/sns_redelivery.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include "emulator/regions.hpp"
#include "tests/support/recording_sink.hpp"

namespace localray::emulator {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using sns::model::DeliveryFailure;
using sns::model::FailedAttempt;

const std::string kDlq = "arn:aws:sqs:us-east-1:000000000000:dlq";

struct SnsRedeliveryTest : ::testing::Test {
  SnsRedeliveryTest() {
    auto region = std::make_unique<Region>();
    region->scope = {"000000000000", "us-east-1"};
    region->sqs = std::make_unique<sqs::model::Backend>(io.get_executor(), clock, ids, "us-east-1", "000000000000", "http://127.0.0.1:4566");
    sqs = region->sqs.get();
    regions.add(std::move(region));
    EXPECT_TRUE(sqs->create_queue("dlq", {}));
  }

  // An attempt that fails `failures` times with `kind`, then gets through; counts its calls.
  SnsRedelivery::Attempt failing(int failures, DeliveryFailure kind) {
    return [this, failures, kind]() -> asio::awaitable<std::optional<FailedAttempt>> {
      if (++calls > failures) co_return std::nullopt;
      co_return FailedAttempt{kind, kind == DeliveryFailure::server ? "RequestThrottled" : "AWS.SimpleQueueService.NonExistentQueue", "attempt failed"};
    };
  }
  SnsRedelivery::DeadLetter letter(std::string target = kDlq) {
    return {std::move(target), R"({"Type":"Notification"})", {{"status", {"String", "ok"}}}, "Root=1-5759e988-bd862e3fe1be46a994272793", "m-1", "r-1"};
  }
  tracing::Tracer tracer() { return tracing::Tracer{clock, ids, sampler, sink}; }
  static SnsRedelivery::Target target(std::string endpoint) {
    return {std::move(endpoint), "SQS", {{"operation", "SendMessage"}, {"queue_url", "http://127.0.0.1:4566/queue/us-east-1/000000000000/q"}}};
  }
  // The context of the first attempt: its parent is the delivery subsegment.
  static tracing::TraceHeader ctx(std::string root) { return {std::move(root), "53995c3f42cd8ad8", tracing::Sampled::Yes, {}}; }
  std::vector<sqs::model::Message> dead_letters() { return (*sqs->find(kDlq))->queue.receive(10, std::nullopt).messages; }

  asio::io_context io;
  tracing::SystemClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{5}};
  tracing::Sampler sampler{clock, ids, tracing::Rng{11}};
  testing::RecordingSink sink;
  Regions regions;
  sqs::model::Backend* sqs = nullptr;
  int calls = 0;
  // One at once, one after 20 ms, two backing off 20 -> 40 ms, one more at 40 ms: 5 retries.
  sns::model::RetrySchedule schedule{1, 1, 20ms, 2, 20ms, 40ms, 1};
};

TEST_F(SnsRedeliveryTest, AThrottledDeliveryIsRetriedUntilItGetsThrough) {
  SnsRedelivery r{io.get_executor(), regions, schedule, tracer(), spdlog::default_logger()};
  calls = 1;  // the first attempt, made by the subscriber, failed
  r.failed(target("queue q"), ctx("1-5759e988-bd862e3fe1be46a994272793"), failing(3, DeliveryFailure::server), letter(),
           {DeliveryFailure::server, "RequestThrottled", "full"});
  EXPECT_EQ(r.counts().waiting, 1u);
  io.run();
  auto c = r.counts();
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(c.retries, 3u);
  EXPECT_EQ(c.delivered_on_retry, 1u);
  EXPECT_EQ(c.dead_lettered + c.discarded + c.dead_letter_failed, 0u);
  EXPECT_EQ(c.waiting, 0u);
  EXPECT_TRUE(dead_letters().empty());
  // Each retry is an SQS subsegment under the first attempt's delivery subsegment.
  auto recorded = sink.segments();
  ASSERT_EQ(recorded.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const auto& s = recorded[i];
    EXPECT_EQ(s.type, "subsegment");
    EXPECT_EQ(s.trace_id, "1-5759e988-bd862e3fe1be46a994272793");
    EXPECT_EQ(s.parent_id, "53995c3f42cd8ad8");
    EXPECT_EQ(s.name, "SQS");
    EXPECT_EQ(s.aws.at("operation"), "SendMessage");
    EXPECT_EQ(s.aws.at("retries"), i + 1);
    EXPECT_EQ(s.throttle, i < 2) << "the first two retries were throttled, the third got through";
    EXPECT_EQ(s.error, i < 2);
  }
}

TEST_F(SnsRedeliveryTest, WhatNeverGetsThroughGoesToTheDeadLetterQueueWithTheError) {
  SnsRedelivery r{io.get_executor(), regions, schedule, tracer(), spdlog::default_logger()};
  auto started = std::chrono::steady_clock::now();
  r.failed(target("queue q"), ctx("1-5759e988-bd862e3fe1be46a994272793"), failing(1000, DeliveryFailure::server), letter(),
           {DeliveryFailure::server, "RequestThrottled", "full"});
  io.run();
  EXPECT_EQ(calls, schedule.total_retries());
  EXPECT_GE(std::chrono::steady_clock::now() - started, 20ms + 20ms + 40ms + 40ms) << "the retries waited as the schedule says";
  EXPECT_EQ(r.counts().dead_lettered, 1u);
  auto got = dead_letters();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, R"({"Type":"Notification"})");
  EXPECT_EQ(got[0].attributes["ErrorCode"].value, "RequestThrottled");
  EXPECT_EQ(got[0].attributes["ErrorMessage"].value, "attempt failed");
  EXPECT_EQ(got[0].attributes["RequestID"].value, "r-1");
  EXPECT_EQ(got[0].attributes["status"].value, "ok") << "a raw delivery's own attributes stay";
  EXPECT_EQ(got[0].trace_header, "Root=1-5759e988-bd862e3fe1be46a994272793");
  auto recorded = sink.segments();
  ASSERT_EQ(recorded.size(), static_cast<std::size_t>(schedule.total_retries()) + 1) << "every retry, then the move to the dead-letter queue";
  const auto& move = recorded.back();
  EXPECT_EQ(move.aws.at("dead_letter"), true);
  EXPECT_EQ(move.aws.at("queue_url"), "http://127.0.0.1:4566/queue/us-east-1/000000000000/dlq");
  EXPECT_FALSE(move.error);
  EXPECT_EQ(move.parent_id, "53995c3f42cd8ad8");
}

TEST_F(SnsRedeliveryTest, AClientErrorIsNotRetried) {
  SnsRedelivery r{io.get_executor(), regions, schedule, tracer(), spdlog::default_logger()};
  r.failed(target("queue q"), ctx("t"), failing(1000, DeliveryFailure::client), letter(),
           {DeliveryFailure::client, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist."});
  io.run();
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(r.counts().retries, 0u);
  auto got = dead_letters();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].attributes["ErrorCode"].value, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(got[0].attributes["ErrorMessage"].value, "The specified queue does not exist.");
}

TEST_F(SnsRedeliveryTest, WithoutADeadLetterQueueItIsDiscardedAndCounted) {
  SnsRedelivery r{io.get_executor(), regions, schedule, tracer(), spdlog::default_logger()};
  r.failed(target("function f"), ctx("t"), failing(1000, DeliveryFailure::client), letter(""), {DeliveryFailure::client, "ResourceNotFoundException", "gone"});
  r.failed(target("function f"), ctx("t"), failing(1000, DeliveryFailure::client), letter("arn:aws:sqs:us-east-1:000000000000:missing"),
           {DeliveryFailure::client, "ResourceNotFoundException", "gone"});
  io.run();
  EXPECT_EQ(r.counts().discarded, 1u);
  EXPECT_EQ(r.counts().dead_letter_failed, 1u) << "a dead-letter queue that does not exist loses the message, counted";
  EXPECT_TRUE(dead_letters().empty());
}

TEST_F(SnsRedeliveryTest, StopMakesTheLastAttemptAtOnce) {
  sns::model::RetrySchedule slow{0, 1, 60s, 0, 1s, 1s, 0};
  SnsRedelivery r{io.get_executor(), regions, slow, tracer(), spdlog::default_logger()};
  r.failed(target("queue q"), ctx("t"), failing(1000, DeliveryFailure::server), letter(), {DeliveryFailure::server, "RequestThrottled", "full"});
  r.failed(target("queue q"), ctx("t"), failing(0, DeliveryFailure::server), letter(), {DeliveryFailure::server, "RequestThrottled", "full"});
  asio::steady_timer later{io, 50ms};
  later.async_wait([&](auto) { r.stop(); });
  auto started = std::chrono::steady_clock::now();
  io.run();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s) << "stop() did not cut the 60 s wait short";
  auto c = r.counts();
  EXPECT_EQ(c.retries, 2u);
  EXPECT_EQ(c.delivered_on_retry + c.dead_lettered, 2u) << "each delivery either got through on its last attempt or was dead-lettered";
  EXPECT_EQ(c.waiting, 0u);
  // After stop a failed delivery is not retried.
  r.failed(target("queue q"), ctx("t"), failing(1000, DeliveryFailure::server), letter(), {DeliveryFailure::server, "RequestThrottled", "full"});
  io.restart();
  io.run();
  EXPECT_EQ(r.counts().retries, 2u);
  EXPECT_EQ(dead_letters().size(), c.dead_lettered + 1);
}

}  // namespace
}  // namespace localray::emulator
