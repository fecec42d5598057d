#pragma once
// A DynamoDB table's stream as a Lambda event source: its records in order, one batch in flight at
// a time, a batch the function failed handed out again from its first unprocessed record (AWS's
// default: retried until it succeeds or leaves the stream), the checkpoint moved on success.
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

 private:
  // Records from the checkpoint, when no batch is in flight and no retry pause runs; marks them in flight.
  std::vector<lambda::model::SourceRecord> take(int max_records);

  std::shared_ptr<dynamodb::model::Stream> stream_;
  std::string table_arn_;
  std::string region_;
  const tracing::Clock& clock_;
  std::mutex mutex_;
  std::uint64_t next_ = 0;                         // the first record not yet processed
  std::optional<std::uint64_t> in_flight_end_;     // one past the batch handed out, until it comes back
  tracing::TimePoint retry_at_{};                  // after a failure: not before then
};

}  // namespace localray::emulator
