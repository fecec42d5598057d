#pragma once
// SNS topics and their subscriptions. Publishing records the topic's own segment (as SNS active
// tracing does), one delivery subsegment per subscription, and hands each subscriber the context
// whose parent is its delivery subsegment, so subscribers hang off the topic in the map.
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "services/sns/model/error.hpp"
#include "tracing/clock.hpp"
#include "tracing/ids.hpp"
#include "tracing/sink.hpp"
#include "tracing/trace_header.hpp"

namespace localray::sns::model {

struct MessageAttribute {
  std::string data_type;  // String, String.Array, Number, Binary
  std::string value;      // string value, or the raw bytes of a binary value
};
using MessageAttributes = std::map<std::string, MessageAttribute>;

struct Notification {
  std::string message_id;
  std::string topic_arn;
  std::optional<std::string> subject;
  std::string message;
  tracing::TimePoint timestamp;
  MessageAttributes attributes;
};

struct Subscription;

// What a topic delivers to: a Lambda function, an SQS queue. Deliveries must not block: the
// subscriber queues the work and returns.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual void deliver(const Notification& n, const Subscription& s, const tracing::TraceHeader& ctx) = 0;
  // How the delivery subsegment names the call: service ("Lambda", "SQS"), operation, and the aws fields.
  virtual std::string service() const = 0;
  virtual std::string operation() const = 0;
  virtual void describe_target(nlohmann::json& aws) const = 0;
};

struct Subscription {
  std::string arn;
  std::string topic_arn;
  std::string protocol;  // lambda, sqs
  std::string endpoint;  // function or queue ARN
  bool raw_message_delivery = false;
  std::shared_ptr<Subscriber> target;
};

// Makes the in-process subscriber a Subscribe call names ("lambda" + function ARN, "sqs" + queue
// ARN); implemented by the emulator's wiring, which knows the other services.
class SubscriberFactory {
 public:
  virtual ~SubscriberFactory() = default;
  virtual Result<std::shared_ptr<Subscriber>> make(const std::string& protocol, const std::string& endpoint) = 0;
};

struct PublishRequest {
  std::string topic_arn;
  std::string message;
  std::optional<std::string> subject;
  MessageAttributes attributes;
};

struct PublishReceipt {
  std::string message_id;
};

class Backend {
 public:
  Backend(const tracing::Clock& clock, tracing::IdGenerator& ids, tracing::SegmentSink& sink, std::string region, std::string account);

  // Idempotent: the same name gives the same ARN.
  Result<std::string> create_topic(const std::string& name);
  Result<std::string> subscribe(const std::string& topic_arn, std::string protocol, std::string endpoint,
                                std::shared_ptr<Subscriber> target, bool raw_message_delivery);
  // `ctx` is the caller's trace context; without one the topic starts a trace of its own.
  Result<PublishReceipt> publish(const PublishRequest& request, const std::optional<tracing::TraceHeader>& ctx);

  std::vector<std::string> topic_arns() const;
  std::vector<Subscription> subscriptions(const std::string& topic_arn) const;
  std::string topic_arn(const std::string& name) const;

 private:
  struct Topic {
    std::string name;
    std::string arn;
    std::vector<Subscription> subscriptions;
  };

  const tracing::Clock& clock_;
  tracing::IdGenerator& ids_;
  tracing::SegmentSink& sink_;
  std::string region_, account_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Topic> topics_;  // by ARN
};

// Validation shared with the wire codecs.
Result<void> validate_publish(const PublishRequest& request);

}  // namespace localray::sns::model
