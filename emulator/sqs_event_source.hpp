#pragma once
// An SQS queue as a Lambda event source: long polls, renders messages as the SQS event's records,
// deletes what the function processed.
#include <memory>
#include <string>

#include "services/lambda/model/event_source.hpp"
#include "services/dynamodb/model/backend.hpp"
#include "services/sqs/model/backend.hpp"

namespace localray::emulator {

class SqsEventSource final : public lambda::model::EventSource {
 public:
  SqsEventSource(sqs::model::Backend& sqs, std::shared_ptr<sqs::model::QueueHandle> queue, std::string region)
      : sqs_{sqs}, queue_{std::move(queue)}, region_{std::move(region)} {}

  const std::string& arn() const override { return queue_->queue.arn(); }
  lambda::model::SourceNode node() const override;
  boost::asio::awaitable<lambda::model::Result<std::vector<lambda::model::SourceRecord>>> poll(int max_records,
                                                                                             std::chrono::milliseconds wait) override;
  std::string event(const std::vector<lambda::model::SourceRecord>& records) const override;
  boost::asio::awaitable<void> acknowledge(std::vector<lambda::model::SourceRecord> records) override;
  boost::asio::awaitable<void> release(std::vector<lambda::model::SourceRecord> records) override;

 private:
  sqs::model::Backend& sqs_;
  std::shared_ptr<sqs::model::QueueHandle> queue_;
  std::string region_;
};

// Event source ARNs that name SQS queues or DynamoDB table streams of one account and region.
class SqsEventSources final : public lambda::model::EventSourceResolver {
 public:
  SqsEventSources(sqs::model::Backend& sqs, dynamodb::model::Backend& dynamodb, std::string region, const tracing::Clock& clock)
      : sqs_{sqs}, dynamodb_{dynamodb}, region_{std::move(region)}, clock_{clock} {}
  lambda::model::Result<std::shared_ptr<lambda::model::EventSource>> find(const std::string& arn,
                                                                          const std::optional<std::string>& starting_position) override;

 private:
  sqs::model::Backend& sqs_;
  dynamodb::model::Backend& dynamodb_;
  std::string region_;
  const tracing::Clock& clock_;
};

}  // namespace localray::emulator
