#pragma once
// Subscriptions of a topic and the in-process subscribers they deliver to.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "services/sns/model/error.hpp"
#include "services/sns/model/filter_policy.hpp"
#include "services/sns/model/notification.hpp"
#include "tracing/clock.hpp"
#include "tracing/segment.hpp"
#include "tracing/trace_header.hpp"

namespace localray::sns::model {

struct Subscription;

// A SubscriptionConfirmation or UnsubscribeConfirmation: the token that confirms (or restores) the
// subscription, and what the message is sent as.
struct ConfirmationMessage {
  std::string token;
  std::string message_id;
  tracing::TimePoint timestamp;
  std::string signature_version;  // the topic's: "1" or "2"
};

// What a topic delivers to: a Lambda function, an SQS queue, an HTTP endpoint. Deliveries must
// not block: the subscriber queues the work and returns the request id the target service took it
// under (the invocation's, the SendMessage's), which the delivery subsegment records.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual std::string deliver(const Notification& n, const Subscription& s, const tracing::TraceHeader& ctx) = 0;
  // How the delivery subsegment names the call: service ("Lambda", "SQS"), operation, and the aws fields.
  virtual std::string service() const = 0;
  virtual std::string operation() const = 0;
  virtual void describe_target(nlohmann::json& aws) const = 0;
  // A call outside AWS is a remote subsegment with http fields instead: given the subsegment as
  // the topic made it, the subscriber may change it.
  virtual void describe_delivery(tracing::Segment& /*delivery*/) const {}
  // Endpoints outside AWS (http, https) must confirm a subscription before they get anything: the
  // topic asks them with a SubscriptionConfirmation carrying `token`, and tells them of an
  // unsubscription the same way.
  virtual bool needs_confirmation() const { return false; }
  virtual void request_confirmation(const Subscription& /*s*/, const ConfirmationMessage& /*m*/) {}
  virtual void confirm_unsubscription(const Subscription& /*s*/, const ConfirmationMessage& /*m*/) {}
};

struct Subscription {
  std::string arn;
  std::string topic_arn;
  std::string protocol;  // lambda, sqs, http, https
  std::string endpoint;  // function or queue ARN, URL
  bool raw_message_delivery = false;
  std::shared_ptr<Subscriber> target;
  // Messages whose attributes do not match are not delivered to this subscription.
  std::optional<FilterPolicy> filter_policy{};
  // Where what never gets through goes (the queue ARN of its RedrivePolicy); empty: discarded.
  std::string dead_letter_target_arn{};
  // DeliveryPolicy, RedrivePolicy, SubscriptionRoleArn, ...: kept and answered as given.
  std::map<std::string, std::string> stored_attributes{};
  // An http/https subscription gets nothing until ConfirmSubscription names this token.
  bool pending_confirmation = false;
  std::string confirmation_token{};
  bool confirmation_was_authenticated = false;  // confirmed by a signed call, not the SubscribeURL
  bool authenticate_on_unsubscribe = false;
};

// Makes the in-process subscriber a Subscribe call names ("lambda" + function ARN, "sqs" + queue
// ARN); implemented by the emulator's wiring, which knows the other services.
class SubscriberFactory {
 public:
  virtual ~SubscriberFactory() = default;
  // `topic_arn`: the topic subscribed to, whose account and region keep what its subscribers record.
  virtual Result<std::shared_ptr<Subscriber>> make(const std::string& topic_arn, const std::string& protocol, const std::string& endpoint) = 0;
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
  std::optional<std::string> dead_letter_target_arn{};  // from RedrivePolicy
};

// One change SetSubscriptionAttributes makes.
struct SubscriptionChange {
  std::optional<bool> raw_message_delivery;               // RawMessageDelivery
  std::optional<std::optional<FilterPolicy>> filter_policy;  // FilterPolicy; an empty optional removes it
  std::optional<std::pair<std::string, std::string>> stored;  // DeliveryPolicy, RedrivePolicy, ...
  std::optional<std::string> dead_letter_target_arn;          // RedrivePolicy's; empty removes it
};

}  // namespace localray::sns::model
