#pragma once
// The service clients built-in handlers call (functions/service_clients.hpp), implemented
// in-process over the service models. Each call takes a request id of its own, as a call over the
// wire would, hands it to the service where the service records one, and answers with it.
#include <boost/asio/any_io_executor.hpp>

#include "functions/service_clients.hpp"
#include "services/dynamodb/model/backend.hpp"
#include "services/sns/model/backend.hpp"
#include "services/sqs/model/backend.hpp"
#include "tracing/ids.hpp"

namespace localray::emulator {

class SnsPublisher final : public functions::SnsClient {
 public:
  SnsPublisher(sns::model::Backend& sns, tracing::IdGenerator& ids) : sns_{sns}, ids_{ids} {}
  boost::asio::awaitable<functions::CallResult<functions::Published>> publish(std::string topic_arn, std::string message,
                                                                              std::map<std::string, std::string> string_attributes,
                                                                              tracing::TraceHeader ctx) override;

 private:
  sns::model::Backend& sns_;
  tracing::IdGenerator& ids_;
};

class SqsSender final : public functions::SqsClient {
 public:
  SqsSender(sqs::model::Backend& sqs, tracing::IdGenerator& ids) : sqs_{sqs}, ids_{ids} {}
  boost::asio::awaitable<functions::CallResult<functions::Sent>> send_message(std::string queue_url, std::string body, int delay_seconds,
                                                                              std::string sender_id, tracing::TraceHeader ctx) override;

 private:
  sqs::model::Backend& sqs_;
  tracing::IdGenerator& ids_;
};

class DynamoDbUpdater final : public functions::DynamoDbClient {
 public:
  DynamoDbUpdater(dynamodb::model::Backend& dynamodb, tracing::IdGenerator& ids) : dynamodb_{dynamodb}, ids_{ids} {}
  boost::asio::awaitable<functions::CallResult<functions::Updated>> add_to_counter(std::string table, std::string key_name,
                                                                                   std::string key_value, std::string counter,
                                                                                   long long increment, tracing::TraceHeader ctx) override;

 private:
  dynamodb::model::Backend& dynamodb_;
  tracing::IdGenerator& ids_;
};

}  // namespace localray::emulator
