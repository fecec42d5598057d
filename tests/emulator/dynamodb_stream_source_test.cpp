// A table's stream as a Lambda event source: retries, splits and give-ups of the mapping's failure
// policy, driven on a manual clock.
#include "emulator/dynamodb_stream_source.hpp"

#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

namespace localray::emulator {
namespace {

namespace asio = boost::asio;
namespace ddb = dynamodb::model;
using lambda::model::FailurePolicy;
using lambda::model::SourceRecord;

class DynamoDbStreamSourceTest : public ::testing::Test {
 protected:
  void write(const std::string& id) {
    ddb::Item item{{"id", ddb::AttributeValue{id}}};
    stream_->record(nullptr, &item, false);
  }
  std::vector<SourceRecord> poll(int max = 100) {
    auto future = asio::co_spawn(io_, source_.poll(max, std::chrono::milliseconds{0}), asio::use_future);
    io_.restart();
    io_.run();
    auto got = future.get();
    EXPECT_TRUE(got.has_value());
    return got ? std::move(*got) : std::vector<SourceRecord>{};
  }
  void settle(asio::awaitable<void> done) {
    auto future = asio::co_spawn(io_, std::move(done), asio::use_future);
    io_.restart();
    io_.run();
    future.get();
    clock_.advance(std::chrono::seconds{1});  // past the retry pause
  }
  static std::vector<std::string> keys(const std::vector<SourceRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(nlohmann::json::parse(r.rendered).at("dynamodb").at("Keys").at("id").at("S"));
    return out;
  }

  asio::io_context io_;
  tracing::ManualClock clock_;
  std::shared_ptr<ddb::Stream> stream_ = std::make_shared<ddb::Stream>(
      "arn:aws:dynamodb:us-east-1:000000000000:table/t", "t", ddb::KeySchema{{"id", ddb::Type::String}}, ddb::StreamViewType::KeysOnly, clock_,
      clock_.now());
  DynamoDbStreamSource source_{stream_, "arn:aws:dynamodb:us-east-1:000000000000:table/t", "us-east-1", false, clock_};
};

TEST_F(DynamoDbStreamSourceTest, BisectHalvesAFailingBatchUntilThePoisonRecordIsAloneThenRetriesAndGivesUp) {
  for (const char* id : {"a", "poison", "b", "c"}) write(id);
  source_.set_failure_policy(FailurePolicy{1, true, -1});
  auto batch = poll();
  ASSERT_EQ(keys(batch), (std::vector<std::string>{"a", "poison", "b", "c"}));
  settle(source_.failed(batch));
  batch = poll();
  ASSERT_EQ(keys(batch), (std::vector<std::string>{"a", "poison"})) << "split in half";
  settle(source_.failed(batch));
  batch = poll();
  ASSERT_EQ(keys(batch), (std::vector<std::string>{"a"}));
  settle(source_.acknowledge(batch));
  batch = poll();
  ASSERT_EQ(keys(batch), (std::vector<std::string>{"poison", "b", "c"})) << "a success goes back to the full batch size";
  settle(source_.failed(batch));
  batch = poll();
  ASSERT_EQ(keys(batch), (std::vector<std::string>{"poison"}));
  settle(source_.failed(batch));
  EXPECT_TRUE(source_.take_discarded().empty()) << "one retry is allowed";
  batch = poll();
  ASSERT_EQ(keys(batch), (std::vector<std::string>{"poison"}));
  settle(source_.failed(batch));
  auto discarded = source_.take_discarded();
  ASSERT_EQ(discarded.size(), 1u);
  EXPECT_EQ(discarded[0].condition, "RetryAttemptsExhausted");
  EXPECT_EQ(discarded[0].attempts, 2);
  EXPECT_EQ(discarded[0].info.at("batchSize"), 1);
  EXPECT_EQ(discarded[0].info.at("startSequenceNumber"), discarded[0].info.at("endSequenceNumber"));
  EXPECT_EQ(keys(poll()), (std::vector<std::string>{"b", "c"})) << "the stream goes on past it";
}

TEST_F(DynamoDbStreamSourceTest, ProgressThroughReportedItemFailuresStartsTheRetryCountAgain) {
  for (const char* id : {"a", "b", "c"}) write(id);
  source_.set_failure_policy(FailurePolicy{1, false, -1});
  auto batch = poll();
  settle(source_.acknowledge({batch[0]}));  // b reported failed
  batch = poll();
  ASSERT_EQ(keys(batch), (std::vector<std::string>{"b", "c"}));
  settle(source_.acknowledge({batch[0]}));  // c reported failed: its first failure
  EXPECT_TRUE(source_.take_discarded().empty()) << "c has failed once; b's failure is not its own";
  batch = poll();
  ASSERT_EQ(keys(batch), (std::vector<std::string>{"c"}));
  settle(source_.failed(batch));
  ASSERT_EQ(source_.take_discarded().size(), 1u) << "c's retry failed too";
}

TEST_F(DynamoDbStreamSourceTest, RecordsOlderThanTheMaximumAgeAreSkippedAndReported) {
  for (const char* id : {"old1", "old2"}) write(id);
  clock_.advance(std::chrono::seconds{120});
  write("fresh");
  source_.set_failure_policy(FailurePolicy{-1, false, 60});
  EXPECT_EQ(keys(poll()), (std::vector<std::string>{"fresh"}));
  auto discarded = source_.take_discarded();
  ASSERT_EQ(discarded.size(), 1u);
  EXPECT_EQ(discarded[0].condition, "RecordAgeExceeded");
  EXPECT_EQ(discarded[0].info.at("batchSize"), 2);
  EXPECT_EQ(discarded[0].info.at("streamArn"), stream_->arn());
}

TEST_F(DynamoDbStreamSourceTest, WithoutAPolicyAFailedBatchComesBackWhole) {
  for (const char* id : {"a", "b"}) write(id);
  auto batch = poll();
  for (int i = 0; i < 5; ++i) {
    settle(source_.failed(batch));
    batch = poll();
    ASSERT_EQ(keys(batch), (std::vector<std::string>{"a", "b"}));
  }
  EXPECT_TRUE(source_.take_discarded().empty());
}

}  // namespace
}  // namespace localray::emulator
