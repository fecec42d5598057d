#pragma once
// SNS subscribers backed by the other services: Lambda functions and SQS queues.
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "emulator/regions.hpp"
#include "base/signing_key.hpp"
#include "emulator/sns_redelivery.hpp"
#include "services/lambda/model/function.hpp"
#include "services/sns/model/backend.hpp"
#include "services/sqs/model/backend.hpp"

namespace localray::emulator {

// SNS -> Lambda: an asynchronous invocation with the SNS event. A throttled invocation (the
// function's event queue is full) is retried on SNS's schedule; a function that is gone, or what
// is never taken, goes to the subscription's dead-letter queue as the notification's envelope.
class LambdaSubscriber final : public sns::model::Subscriber {
 public:
  LambdaSubscriber(lambda::model::Runner& runner, std::string function, SnsRedelivery& redelivery, std::string endpoint,
                   tracing::IdGenerator& ids)
      : runner_{runner}, function_{std::move(function)}, redelivery_{redelivery}, endpoint_{std::move(endpoint)}, ids_{ids} {}
  std::string deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) override;
  std::string service() const override { return "Lambda"; }
  std::string operation() const override { return "Invoke"; }
  void describe_target(nlohmann::json& aws) const override;

 private:
  lambda::model::Runner& runner_;
  std::string function_;
  SnsRedelivery& redelivery_;
  std::string endpoint_;
  tracing::IdGenerator& ids_;
};

// SNS -> SQS: the notification envelope (or the raw message) sent to the queue, the trace
// context kept as the message's AWSTraceHeader. The queue is looked up by ARN at each delivery,
// so a deleted queue is a client error (dead-lettered), and a queue made again under the same
// name receives, as on AWS; a throttled send is retried on SNS's schedule.
class SqsSubscriber final : public sns::model::Subscriber {
 public:
  SqsSubscriber(boost::asio::any_io_executor ex, sqs::model::Backend& sqs, std::string queue_arn, std::string queue_url, SnsRedelivery& redelivery,
                std::string endpoint, tracing::IdGenerator& ids)
      : ex_{std::move(ex)}, sqs_{sqs}, queue_arn_{std::move(queue_arn)}, queue_url_{std::move(queue_url)}, redelivery_{redelivery},
        endpoint_{std::move(endpoint)}, ids_{ids} {}
  std::string deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) override;
  std::string service() const override { return "SQS"; }
  std::string operation() const override { return "SendMessage"; }
  void describe_target(nlohmann::json& aws) const override;

 private:
  boost::asio::any_io_executor ex_;
  sqs::model::Backend& sqs_;
  std::string queue_arn_;
  std::string queue_url_;
  SnsRedelivery& redelivery_;
  std::string endpoint_;
  tracing::IdGenerator& ids_;
};

// Subscribe calls made over the wire: "lambda" + function ARN, "sqs" + queue ARN, in the account
// and region the ARN names (SNS delivers across regions); "http"/"https" + a URL of that scheme.
class WireSubscriberFactory final : public sns::model::SubscriberFactory {
 public:
  WireSubscriberFactory(boost::asio::any_io_executor ex, boost::asio::any_io_executor blocking, Regions& regions, SnsRedelivery& redelivery,
                        std::string endpoint, std::shared_ptr<base::SigningKey> key, tracing::IdGenerator& ids,
                        std::shared_ptr<spdlog::logger> log)
      : ex_{std::move(ex)}, blocking_{std::move(blocking)}, regions_{regions}, redelivery_{redelivery}, endpoint_{std::move(endpoint)},
        key_{std::move(key)}, ids_{ids}, log_{std::move(log)} {}
  sns::model::Result<std::shared_ptr<sns::model::Subscriber>> make(const std::string& topic_arn, const std::string& protocol,
                                                                     const std::string& endpoint) override;

 private:
  boost::asio::any_io_executor ex_, blocking_;
  Regions& regions_;
  SnsRedelivery& redelivery_;
  std::string endpoint_;
  std::shared_ptr<base::SigningKey> key_;
  tracing::IdGenerator& ids_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace localray::emulator
