#pragma once
// SNS topics and their subscriptions. Publishing records the topic's own segment (as SNS active
// tracing does), one delivery subsegment per subscription, and hands each subscriber the context
// whose parent is its delivery subsegment, so subscribers hang off the topic in the map.
//
// Attribute names (DisplayName, RawMessageDelivery, ...) are SNS's own vocabulary and stay here;
// their wire encoding, and the JSON inside FilterPolicy or MessageStructure=json, stay in protocol/.
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "services/sns/model/error.hpp"
#include "services/sns/model/filter_policy.hpp"
#include "services/sns/model/message_attribute.hpp"
#include "tracing/clock.hpp"
#include "tracing/ids.hpp"
#include "tracing/trace_header.hpp"
#include "tracing/tracer.hpp"

namespace localray::sns::model {

struct Notification {
  std::string message_id;
  std::string topic_arn;
  std::optional<std::string> subject;
  std::string message;  // for this subscriber: the MessageStructure=json entry of its protocol, else the default
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
  // Messages whose attributes do not match are not delivered to this subscription.
  std::optional<FilterPolicy> filter_policy{};
  // DeliveryPolicy, RedrivePolicy, SubscriptionRoleArn, ...: kept and answered, no effect here.
  std::map<std::string, std::string> stored_attributes{};
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
  std::string message;  // the default message
  std::optional<std::string> subject;
  MessageAttributes attributes;
  // MessageStructure=json: protocol ("sqs", "lambda", ...) -> the message its subscribers get instead.
  std::map<std::string, std::string> protocol_messages{};
};

struct PublishReceipt {
  std::string message_id;
};

struct PublishBatchEntry {
  std::string id;          // unique in the batch: [A-Za-z0-9_-]{1,80}
  PublishRequest request;  // its topic_arn is ignored: a batch goes to one topic
};
struct BatchResultEntry {
  std::string id;
  std::string message_id;
};
struct BatchErrorEntry {
  std::string id;
  Error error;
  bool sender_fault = true;
};
struct PublishBatchReceipt {
  std::vector<BatchResultEntry> successful;
  std::vector<BatchErrorEntry> failed;
};

enum class TracingConfig { PassThrough, Active };
using Tags = std::map<std::string, std::string>;

struct TopicDescription {
  std::string arn;
  std::string name;
  std::string owner;  // account id
  std::string display_name;
  // Stored and answered; localray records the topic's segment in both modes (see DESIGN).
  TracingConfig tracing_config = TracingConfig::PassThrough;
  // Policy, DeliveryPolicy, KmsMasterKeyId, SignatureVersion, ...: kept and answered, no effect here.
  std::map<std::string, std::string> stored_attributes;
  std::size_t subscriptions_confirmed = 0;
  std::size_t subscriptions_pending = 0;  // always 0: lambda and sqs subscriptions confirm at once
  std::size_t subscriptions_deleted = 0;
  Tags tags;
};

struct SubscribeRequest {
  std::string topic_arn;
  std::string protocol;
  std::string endpoint;
  // Unset members were not given: a new subscription takes the default, an existing one is
  // returned as it is; given members must equal an existing subscription's.
  std::optional<bool> raw_message_delivery;
  std::optional<FilterPolicy> filter_policy;
  std::map<std::string, std::string> stored_attributes;
};

class Backend {
 public:
  Backend(tracing::Tracer tracer, std::string region, std::string account);

  // Idempotent: the same name gives the same ARN.
  Result<std::string> create_topic(const std::string& name);
  // Idempotent too, unless the topic exists with other values for the given attributes or tags.
  // `attributes` are settable topic attributes by name (see set_topic_attribute).
  Result<std::string> create_topic(const std::string& name, const std::map<std::string, std::string>& attributes, const Tags& tags);
  // Idempotent: deleting a missing topic succeeds. Its subscriptions go with it.
  Result<void> delete_topic(const std::string& topic_arn);
  Result<TopicDescription> get_topic_attributes(const std::string& topic_arn) const;
  // DisplayName, TracingConfig (PassThrough|Active), and the attributes SNS accepts that localray only stores.
  Result<void> set_topic_attribute(const std::string& topic_arn, const std::string& name, const std::string& value);

  Result<std::string> subscribe(const std::string& topic_arn, std::string protocol, std::string endpoint,
                                std::shared_ptr<Subscriber> target, bool raw_message_delivery);
  Result<std::string> subscribe(SubscribeRequest request, std::shared_ptr<Subscriber> target);
  // Idempotent: unsubscribing a missing subscription succeeds.
  Result<void> unsubscribe(const std::string& subscription_arn);
  Result<Subscription> get_subscription(const std::string& subscription_arn) const;
  Result<void> set_raw_message_delivery(const std::string& subscription_arn, bool raw);
  // nullopt removes the policy: every message is delivered again.
  Result<void> set_filter_policy(const std::string& subscription_arn, std::optional<FilterPolicy> policy);
  // DeliveryPolicy, RedrivePolicy, SubscriptionRoleArn, ReplayPolicy, FilterPolicyScope (MessageAttributes).
  Result<void> set_stored_subscription_attribute(const std::string& subscription_arn, const std::string& name, std::string value);

  // `ctx` is the caller's trace context; without one the topic starts a trace of its own.
  Result<PublishReceipt> publish(const PublishRequest& request, const std::optional<tracing::TraceHeader>& ctx);
  // Batch-wide problems (count, ids, topic, total size) fail the call; an entry that fails
  // validation is reported in `failed` and the others are published, each as its own Publish.
  Result<PublishBatchReceipt> publish_batch(const std::string& topic_arn, const std::vector<PublishBatchEntry>& entries,
                                            const std::optional<tracing::TraceHeader>& ctx);

  std::vector<std::string> topic_arns() const;  // sorted
  std::vector<Subscription> subscriptions(const std::string& topic_arn) const;
  // Every subscription, by topic ARN and then in subscription order.
  std::vector<Subscription> list_subscriptions() const;
  Result<std::vector<Subscription>> list_subscriptions_by_topic(const std::string& topic_arn) const;
  std::string topic_arn(const std::string& name) const;
  const std::string& account() const { return account_; }
  const std::string& region() const { return region_; }

 private:
  struct Topic {
    std::string name;
    std::string arn;
    std::vector<Subscription> subscriptions;
    std::string display_name{};
    TracingConfig tracing_config = TracingConfig::PassThrough;
    std::map<std::string, std::string> stored_attributes{};
    Tags tags{};
    std::size_t subscriptions_deleted = 0;
  };

  // Callers hold mutex_. Malformed ARNs are InvalidParameter, unknown ones NotFound.
  Result<Topic*> find_topic(const std::string& topic_arn);
  Result<const Topic*> find_topic(const std::string& topic_arn) const;
  Result<Subscription*> find_subscription(const std::string& subscription_arn);
  Result<const Subscription*> find_subscription(const std::string& subscription_arn) const;
  // Both subscribe overloads end here; the older one keeps its looser checks.
  Result<std::string> add_subscription(SubscribeRequest request, std::shared_ptr<Subscriber> target);
  Result<void> deliver(const PublishRequest& request, const std::string& message_id, const std::optional<tracing::TraceHeader>& ctx);

  tracing::Tracer t_;
  std::string region_, account_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Topic> topics_;  // by ARN
};

// Validation shared with the wire codecs.
Result<void> validate_publish(const PublishRequest& request);
// Bytes a publish counts against kMaxMessageBytes: messages plus attribute names, types and values.
std::size_t publish_size(const PublishRequest& request);

}  // namespace localray::sns::model
