#pragma once
// One SNS topic: its attributes, its subscriptions, and the fan-out of a publish. Not thread-safe:
// the Backend keeps each topic on a strand of its own and calls it there only.
//
// Publishing records the topic's own segment (as SNS active tracing does), one delivery
// subsegment per subscription, and hands each subscriber the context whose parent is its delivery
// subsegment, so subscribers hang off the topic in the map.
//
// Attribute names (DisplayName, RawMessageDelivery, ...) are SNS's own vocabulary and stay here;
// their wire encoding, and the JSON inside FilterPolicy or MessageStructure=json, stay in protocol/.
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/deduplication.hpp"
#include "services/sns/model/error.hpp"
#include "services/sns/model/notification.hpp"
#include "services/sns/model/subscription.hpp"
#include "tracing/trace_header.hpp"
#include "tracing/tracer.hpp"

namespace localray::sns::model {

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
  bool fifo = false;  // FifoTopic, fixed at creation
  bool content_based_deduplication = false;
  bool per_group_deduplication = false;  // FifoThroughputScope MessageGroup (else Topic)
  std::size_t subscriptions_confirmed = 0;
  std::size_t subscriptions_pending = 0;  // http/https ones not yet confirmed
  std::size_t subscriptions_deleted = 0;
  Tags tags;
  std::string data_protection_policy{};  // PutDataProtectionPolicy's, not among the attributes
};

class Topic;

// Told of each change to a topic (its attributes, tags or subscriptions) on its strand, so that a
// copy can be kept elsewhere (--persist).
class TopicChanges {
 public:
  virtual ~TopicChanges() = default;
  virtual void topic_changed(const Topic& t) = 0;  // created, restored or changed
  virtual void topic_removed(const std::string& arn) = 0;
};

class Topic {
 public:
  // A topic as CreateTopic makes it; `attributes` are settable attributes by name (see set_attribute).
  static Result<Topic> make(std::string name, std::string arn, std::string owner, const std::map<std::string, std::string>& attributes,
                            Tags tags);

  const std::string& name() const { return name_; }
  const std::string& arn() const { return arn_; }

  // CreateTopic of an existing name succeeds unless given attributes or tags differ from this topic's.
  Result<void> check_same(const std::map<std::string, std::string>& attributes, const Tags& tags) const;
  TopicDescription describe() const;
  // DisplayName, TracingConfig (PassThrough|Active), and the attributes SNS accepts that localray only stores.
  Result<void> set_attribute(const std::string& name, const std::string& value);

  // A subscription whose target needs confirmation starts pending, and its target is asked to
  // confirm; subscribing a pending one again asks again.
  Result<std::string> subscribe(SubscribeRequest request, std::shared_ptr<Subscriber> target, tracing::IdGenerator& ids,
                                tracing::TimePoint now);
  // ConfirmSubscription: the subscription `token` was sent for, now confirmed (again, if it was);
  // or, with the token of an UnsubscribeConfirmation, the subscription made again.
  Result<std::string> confirm(const std::string& token, bool authenticated, bool authenticate_on_unsubscribe, tracing::IdGenerator& ids);
  // Idempotent: unsubscribing a missing subscription succeeds. With `tell_endpoint`, a confirmed
  // subscription that needed confirmation is told (UnsubscribeConfirmation), with a token that
  // subscribes it again.
  // A subscription confirmed with AuthenticateOnUnsubscribe refuses an unsigned one (`tell_endpoint`).
  Result<void> unsubscribe(const std::string& subscription_arn, bool tell_endpoint, tracing::IdGenerator& ids, tracing::TimePoint now);
  Result<Subscription> subscription(const std::string& subscription_arn) const;
  Result<void> change(const std::string& subscription_arn, const SubscriptionChange& change);
  const std::vector<Subscription>& subscriptions() const { return subscriptions_; }
  // Puts back a subscription a copy kept, under its ARN; false when this topic already has one
  // with that ARN, or to the same protocol and endpoint.
  bool restore_subscription(Subscription s);
  const Tags& tags() const { return tags_; }
  // TagResource: adds or replaces, at most kMaxTags in all; UntagResource: unknown keys are no error.
  Result<void> tag(const Tags& tags);
  void untag(const std::vector<std::string>& keys);
  // PutDataProtectionPolicy's document as given ("" until one is put). Kept and answered only:
  // localray does not look for the data it names in messages.
  void set_data_protection_policy(std::string policy) { data_protection_policy_ = std::move(policy); }

  // A FIFO topic's rules for one publish: its group and deduplication id, and deduplication over
  // base::kDeduplicationWindow. Fills in the request's effective deduplication id and returns the
  // sequence number given to it, or, for a repeat, the first publish's receipt (`duplicate` set),
  // which is then not delivered. A standard topic refuses a deduplication id.
  struct Admission {
    PublishReceipt receipt;
    bool duplicate = false;
  };
  Result<Admission> admit(PublishRequest& request, std::string message_id, tracing::TimePoint now);
  // What admit() checks without deduplicating: a batch fails as a whole on these.
  Result<void> check_fifo(const PublishRequest& request) const;
  bool fifo() const { return fifo_; }

  // Records the topic's segment in `ctx`'s trace (when sampled; `request_id` is the Publish call's)
  // and hands the notification to every subscription whose filter lets it through.
  void deliver(const PublishRequest& request, const PublishReceipt& receipt, const std::string& request_id, const tracing::TraceHeader& ctx,
               tracing::Tracer& tracer) const;

 private:
  Topic(std::string name, std::string arn, std::string owner) : name_{std::move(name)}, arn_{std::move(arn)}, owner_{std::move(owner)} {}
  Subscription* find_subscription(const std::string& arn);
  std::string attribute(const std::string& name) const;
  ConfirmationMessage confirmation_message(std::string token, tracing::IdGenerator& ids, tracing::TimePoint now) const;
  // A subscription's RedrivePolicy queue, checked against this topic; `prefix` starts the message.
  Result<void> check_dead_letter_queue(const std::string& queue_arn, std::string_view prefix) const;

  std::string name_, arn_, owner_;
  std::string display_name_;
  TracingConfig tracing_config_ = TracingConfig::PassThrough;
  std::map<std::string, std::string> stored_attributes_;
  bool fifo_ = false;
  bool content_based_deduplication_ = false;
  bool per_group_deduplication_ = false;
  base::DeduplicationWindow<tracing::TimePoint> deduplicated_;
  std::uint64_t last_sequence_ = 0;
  Tags tags_;
  std::string data_protection_policy_;
  std::vector<Subscription> subscriptions_;
  std::size_t subscriptions_deleted_ = 0;
  // Unsubscribed http/https subscriptions by the token their UnsubscribeConfirmation carried, so
  // that its SubscribeURL can subscribe them again; the newest kMaxResubscribable only.
  std::deque<std::pair<std::string, Subscription>> resubscribable_;
};

}  // namespace localray::sns::model
