#pragma once
// SNS subscribers backed by the other services: Lambda functions and SQS queues.
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <spdlog/fwd.h>

#include "emulator/regions.hpp"
#include "services/lambda/model/function.hpp"
#include "services/sns/model/backend.hpp"
#include "services/sqs/model/backend.hpp"

namespace localray::emulator {

// SNS -> Lambda: an asynchronous invocation with the SNS event.
class LambdaSubscriber final : public sns::model::Subscriber {
 public:
  LambdaSubscriber(lambda::model::Runner& runner, std::string function, std::shared_ptr<spdlog::logger> log)
      : runner_{runner}, function_{std::move(function)}, log_{std::move(log)} {}
  std::string deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) override;
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
                std::string endpoint, tracing::IdGenerator& ids, std::shared_ptr<spdlog::logger> log)
      : ex_{std::move(ex)}, sqs_{sqs}, queue_{std::move(queue)}, endpoint_{std::move(endpoint)}, ids_{ids}, log_{std::move(log)} {}
  std::string deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) override;
  std::string service() const override { return "SQS"; }
  std::string operation() const override { return "SendMessage"; }
  void describe_target(nlohmann::json& aws) const override;

 private:
  boost::asio::any_io_executor ex_;
  sqs::model::Backend& sqs_;
  std::shared_ptr<sqs::model::QueueHandle> queue_;
  std::string endpoint_;
  tracing::IdGenerator& ids_;
  std::shared_ptr<spdlog::logger> log_;
};

// Subscribe calls made over the wire: "lambda" + function ARN, "sqs" + queue ARN, in the account
// and region the ARN names (SNS delivers across regions).
class WireSubscriberFactory final : public sns::model::SubscriberFactory {
 public:
  WireSubscriberFactory(boost::asio::any_io_executor ex, Regions& regions, std::string endpoint, tracing::IdGenerator& ids,
                        std::shared_ptr<spdlog::logger> log)
      : ex_{std::move(ex)}, regions_{regions}, endpoint_{std::move(endpoint)}, ids_{ids}, log_{std::move(log)} {}
  sns::model::Result<std::shared_ptr<sns::model::Subscriber>> make(const std::string& protocol, const std::string& endpoint) override;

 private:
  boost::asio::any_io_executor ex_;
  Regions& regions_;
  std::string endpoint_;
  tracing::IdGenerator& ids_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace localray::emulator
