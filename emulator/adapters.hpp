#pragma once
// The glue between services, which know nothing of each other: SNS subscribers backed by Lambda
// and SQS, API Gateway's SNS integration, and the SQS -> Lambda event source mapping.
#include <atomic>
#include <mutex>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <spdlog/fwd.h>

#include "services/apigateway/model/rest_api.hpp"
#include "services/lambda/model/event_source_mappings.hpp"
#include "services/lambda/model/function.hpp"
#include "services/sns/model/backend.hpp"
#include "services/sqs/model/backend.hpp"

namespace localray::emulator {

// SNS -> Lambda: an asynchronous invocation with the SNS event.
class LambdaSubscriber final : public sns::model::Subscriber {
 public:
  LambdaSubscriber(lambda::model::Runner& runner, std::string function, std::shared_ptr<spdlog::logger> log)
      : runner_{runner}, function_{std::move(function)}, log_{std::move(log)} {}
  void deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) override;
  std::string service() const override { return "Lambda"; }
  std::string operation() const override { return "Invoke"; }
  void describe_target(nlohmann::json& aws) const override;

 private:
  lambda::model::Runner& runner_;
  std::string function_;
  std::shared_ptr<spdlog::logger> log_;
};

// SNS -> SQS: the notification envelope (or the raw message) sent to the queue, the trace
// context kept as the message's AWSTraceHeader.
class SqsSubscriber final : public sns::model::Subscriber {
 public:
  SqsSubscriber(boost::asio::any_io_executor ex, sqs::model::Backend& sqs, std::shared_ptr<sqs::model::QueueHandle> queue,
                std::string endpoint, std::shared_ptr<spdlog::logger> log)
      : ex_{std::move(ex)}, sqs_{sqs}, queue_{std::move(queue)}, endpoint_{std::move(endpoint)}, log_{std::move(log)} {}
  void deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) override;
  std::string service() const override { return "SQS"; }
  std::string operation() const override { return "SendMessage"; }
  void describe_target(nlohmann::json& aws) const override;

 private:
  boost::asio::any_io_executor ex_;
  sqs::model::Backend& sqs_;
  std::shared_ptr<sqs::model::QueueHandle> queue_;
  std::string endpoint_;
  std::shared_ptr<spdlog::logger> log_;
};

// Subscribe calls made over the wire: "lambda" + function ARN, "sqs" + queue ARN.
class WireSubscriberFactory final : public sns::model::SubscriberFactory {
 public:
  WireSubscriberFactory(boost::asio::any_io_executor ex, lambda::model::Runner& runner, sqs::model::Backend& sqs, std::string endpoint,
                        std::shared_ptr<spdlog::logger> log)
      : ex_{std::move(ex)}, runner_{runner}, sqs_{sqs}, endpoint_{std::move(endpoint)}, log_{std::move(log)} {}
  sns::model::Result<std::shared_ptr<sns::model::Subscriber>> make(const std::string& protocol, const std::string& endpoint) override;

 private:
  boost::asio::any_io_executor ex_;
  lambda::model::Runner& runner_;
  sqs::model::Backend& sqs_;
  std::string endpoint_;
  std::shared_ptr<spdlog::logger> log_;
};

// API Gateway -> SNS Publish.
class SnsIntegration final : public apigateway::model::Integration {
 public:
  SnsIntegration(sns::model::Backend& sns, std::string topic_arn) : sns_{sns}, topic_arn_{std::move(topic_arn)} {}
  std::string service() const override { return "SNS"; }
  std::string operation() const override { return "Publish"; }
  void describe_target(nlohmann::json& aws) const override;
  boost::asio::awaitable<apigateway::model::IntegrationResult> call(const apigateway::model::IntegrationRequest& request,
                                                                    const tracing::TraceHeader& ctx) override;

 private:
  sns::model::Backend& sns_;
  std::string topic_arn_;
};

// SQS -> Lambda: long-polls the queue and invokes the function with batches; deletes what the
// function processed, leaves failures to reappear after the visibility timeout. Messages of one
// batch are invoked per trace, so each request's consumer run stays in the request's trace;
// the queue's own segment records how long each message waited.
class EventSourceMapping : public std::enable_shared_from_this<EventSourceMapping> {
 public:
  EventSourceMapping(std::string uuid, sqs::model::Backend& sqs, std::shared_ptr<sqs::model::QueueHandle> queue,
                     lambda::model::Runner& runner, std::string function, int batch_size, const tracing::Clock& clock,
                     tracing::IdGenerator& ids, tracing::SegmentSink& sink, std::string region, std::shared_ptr<spdlog::logger> log);
  void start(boost::asio::any_io_executor ex);
  void stop() { stopping_ = true; }
  double created_at = 0;  // epoch seconds
  const std::string& uuid() const { return uuid_; }
  const std::string& function() const { return function_; }
  const std::shared_ptr<sqs::model::QueueHandle>& queue() const { return queue_; }
  int batch_size() const { return batch_size_; }

 private:
  boost::asio::awaitable<void> poll();
  boost::asio::awaitable<void> deliver(std::vector<sqs::model::Message> batch);

  std::string uuid_;
  sqs::model::Backend& sqs_;
  std::shared_ptr<sqs::model::QueueHandle> queue_;
  lambda::model::Runner& runner_;
  std::string function_;
  int batch_size_;
  const tracing::Clock& clock_;
  tracing::IdGenerator& ids_;
  tracing::SegmentSink& sink_;
  std::string region_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<bool> stopping_{false};
};

}  // namespace localray::emulator

namespace localray::emulator {

// The event source mappings of the process, created from the topology or over the Lambda API.
class MappingRegistry final : public lambda::model::EventSourceMappings {
 public:
  MappingRegistry(boost::asio::any_io_executor ex, sqs::model::Backend& sqs, lambda::model::Runner& runner, const tracing::Clock& clock,
                  tracing::IdGenerator& ids, tracing::SegmentSink& sink, std::string region, std::shared_ptr<spdlog::logger> log)
      : ex_{std::move(ex)}, sqs_{sqs}, runner_{runner}, clock_{clock}, ids_{ids}, sink_{sink}, region_{std::move(region)}, log_{std::move(log)} {}

  lambda::model::Result<lambda::model::MappingInfo> create(const std::string& event_source_arn, const std::string& function,
                                                           int batch_size) override;
  std::vector<lambda::model::MappingInfo> list() const override;
  lambda::model::Result<lambda::model::MappingInfo> remove(const std::string& uuid) override;
  void stop_all();

 private:
  lambda::model::MappingInfo info(const EventSourceMapping& m) const;

  boost::asio::any_io_executor ex_;
  sqs::model::Backend& sqs_;
  lambda::model::Runner& runner_;
  const tracing::Clock& clock_;
  tracing::IdGenerator& ids_;
  tracing::SegmentSink& sink_;
  std::string region_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<EventSourceMapping>> mappings_;
};

}  // namespace localray::emulator
