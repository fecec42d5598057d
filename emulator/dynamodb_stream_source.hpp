#pragma once
// A DynamoDB table's stream as a Lambda event source: its records in order, one batch in flight at
// a time, the checkpoint moved on success. A batch the function failed comes again from its first
// unprocessed record, as the mapping's failure policy says: by default until it succeeds or leaves
// the stream; with BisectBatchOnFunctionError split in half first (a split is not counted as a
// retry); given up on after MaximumRetryAttempts retries, or once its records are older than
// MaximumRecordAgeInSeconds. What is given up on is skipped and reported (take_discarded).
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "services/dynamodb/model/stream.hpp"
#include "services/lambda/model/event_source.hpp"

namespace localray::emulator {

class DynamoDbStreamSource final : public lambda::model::EventSource {
 public:
  // Starts at TRIM_HORIZON (the oldest record kept) or LATEST (what is written from now on).
  DynamoDbStreamSource(std::shared_ptr<dynamodb::model::Stream> stream, std::string table_arn, std::string region, bool from_latest,
                       const tracing::Clock& clock);

  const std::string& arn() const override { return stream_->arn(); }
  lambda::model::SourceNode node() const override;
  boost::asio::awaitable<lambda::model::Result<std::vector<lambda::model::SourceRecord>>> poll(int max_records,
                                                                                             std::chrono::milliseconds wait) override;
  std::string event(const std::vector<lambda::model::SourceRecord>& records) const override;
  boost::asio::awaitable<void> acknowledge(std::vector<lambda::model::SourceRecord> records) override;
  boost::asio::awaitable<void> release(std::vector<lambda::model::SourceRecord> records) override;
  boost::asio::awaitable<void> failed(std::vector<lambda::model::SourceRecord> records) override;
  bool is_stream() const override { return true; }
  int max_per_poll() const override { return 1000; }  // GetRecords' limit
  void set_failure_policy(const lambda::model::FailurePolicy& policy) override;
  std::vector<lambda::model::DiscardedBatch> take_discarded() override;

 private:
  // Records from the checkpoint, when no batch is in flight and no retry pause runs; marks them in flight.
  std::vector<lambda::model::SourceRecord> take(int max_records);
  // Under mutex_: the batch in flight came back with `unprocessed` (its tail) not done.
  void failed_records(std::vector<lambda::model::SourceRecord> unprocessed);
  // Under mutex_: skips `records` (from the checkpoint on) and keeps their report.
  void discard(const std::vector<lambda::model::SourceRecord>& records, std::string condition);

  std::shared_ptr<dynamodb::model::Stream> stream_;
  std::string table_arn_;
  std::string region_;
  const tracing::Clock& clock_;
  std::mutex mutex_;
  std::uint64_t next_ = 0;                         // the first record not yet processed
  std::optional<std::uint64_t> in_flight_end_;     // one past the batch handed out, until it comes back
  tracing::TimePoint retry_at_{};                  // after a failure: not before then
  std::vector<lambda::model::SourceRecord> in_flight_;
  lambda::model::FailurePolicy policy_;
  int failures_ = 0;                               // failed invocations of the records at the checkpoint
  std::optional<std::size_t> bisected_;            // the size of the next batch after a split
  std::vector<lambda::model::DiscardedBatch> discarded_;
};

}  // namespace localray::emulator
