#pragma once
// The SNS topics of one account and region. Each topic works on its own strand: every operation
// that reads or changes a topic hops onto its strand first, so no two threads ever touch one Topic
// at once and publishes to different topics run side by side. The ARN -> topic map has a lock of
// its own and never touches a Topic's mutable state (name and ARN are fixed at creation).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>

#include "services/sns/model/platform.hpp"
#include "services/sns/model/sent_messages.hpp"
#include "services/sns/model/sms.hpp"
#include "services/sns/model/topic.hpp"

namespace localray::sns::model {

struct TopicHandle {
  TopicHandle(boost::asio::any_io_executor ex, Topic t) : strand{boost::asio::make_strand(ex)}, topic{std::move(t)} {}
  boost::asio::strand<boost::asio::any_io_executor> strand;
  Topic topic;  // strand only
};

class Backend {
 public:
  Backend(boost::asio::any_io_executor ex, tracing::Tracer tracer, std::string region, std::string account);

  // Idempotent, unless the topic exists with other values for the given attributes or tags.
  // `attributes` are settable topic attributes by name (see Topic::set_attribute).
  boost::asio::awaitable<Result<std::string>> create_topic(std::string name, std::map<std::string, std::string> attributes = {},
                                                           Tags tags = {});
  // Idempotent: deleting a missing topic succeeds. Its subscriptions go with it.
  boost::asio::awaitable<Result<void>> delete_topic(std::string topic_arn);
  boost::asio::awaitable<Result<TopicDescription>> get_topic_attributes(std::string topic_arn);
  boost::asio::awaitable<Result<void>> set_topic_attribute(std::string topic_arn, std::string name, std::string value);
  // Any other change of a topic (its tags, its policy's statements): `edit` runs on the topic's
  // strand, and what it changed is reported unless it refused.
  boost::asio::awaitable<Result<void>> edit_topic(std::string topic_arn, std::function<Result<void>(Topic&)> edit);

  boost::asio::awaitable<Result<std::string>> subscribe(SubscribeRequest request, std::shared_ptr<Subscriber> target);
  // ConfirmSubscription (see Topic::confirm); `authenticated`: the call was signed.
  boost::asio::awaitable<Result<std::string>> confirm_subscription(std::string topic_arn, std::string token, bool authenticated,
                                                                   bool authenticate_on_unsubscribe);
  // Idempotent: unsubscribing a missing subscription succeeds. `tell_endpoint`: an http/https
  // endpoint gets an UnsubscribeConfirmation.
  boost::asio::awaitable<Result<void>> unsubscribe(std::string subscription_arn, bool tell_endpoint = false);
  boost::asio::awaitable<Result<Subscription>> get_subscription(std::string subscription_arn);
  boost::asio::awaitable<Result<void>> change_subscription(std::string subscription_arn, SubscriptionChange change);

  // `ctx` is the caller's trace context; without one (or without a decision) the topic decides by
  // the sampling rules and starts a trace of its own. `request_id` is the call's, as the caller
  // was answered; the topic's segment records it.
  boost::asio::awaitable<Result<PublishReceipt>> publish(PublishRequest request, std::optional<tracing::TraceHeader> ctx,
                                                         std::string request_id = {});
  // Batch-wide problems (count, ids, topic, total size) fail the call; an entry that fails
  // validation is reported in `failed` and the others are published, each as its own Publish.
  boost::asio::awaitable<Result<PublishBatchReceipt>> publish_batch(std::string topic_arn, std::vector<PublishBatchEntry> entries,
                                                                    std::optional<tracing::TraceHeader> ctx, std::string request_id = {});

  std::vector<std::string> topic_arns() const;  // sorted
  // Every subscription, by topic ARN and then in subscription order.
  boost::asio::awaitable<std::vector<Subscription>> list_subscriptions();
  boost::asio::awaitable<Result<std::vector<Subscription>>> list_subscriptions_by_topic(std::string topic_arn);

  // Where every topic reports its changes (--persist); set before the first is created.
  void set_changes(std::shared_ptr<TopicChanges> changes) { changes_ = std::move(changes); }
  // Puts back a subscription a copy kept (see Topic::restore_subscription); NotFound without its topic.
  boost::asio::awaitable<Result<bool>> restore_subscription(Subscription s);

  // Publish with a PhoneNumber: a text to that number, recorded in sent() unless it opted out.
  boost::asio::awaitable<Result<PublishReceipt>> publish_sms(PublishRequest request, std::string phone_number);
  // CreateSMSSandboxPhoneNumber: the number is added to the SMS sandbox and its one-time password
  // texted to it (recorded in sent()), unless it is verified already.
  Result<void> add_sandbox_number(const std::string& number);
  // Publish with a TargetArn naming a platform endpoint: what its push service would get (the
  // MessageStructure=json entry of its platform, else the default) is recorded in sent().
  boost::asio::awaitable<Result<PublishReceipt>> publish_to_endpoint(PublishRequest request, std::string endpoint_arn);
  // What was sent to email, email-json, sms and application endpoints, the account's SMS
  // settings, its platform applications and endpoints.
  SentMessages& sent() { return sent_; }
  SmsSettings& sms() { return sms_; }
  PlatformApplications& platforms() { return platforms_; }
  std::string new_id() { return t_.ids.uuid(); }

  std::string topic_arn(const std::string& name) const { return "arn:aws:sns:" + region_ + ":" + account_ + ":" + name; }
  const std::string& account() const { return account_; }
  const std::string& region() const { return region_; }

 private:
  // Malformed ARNs are InvalidParameter, unknown ones NotFound.
  Result<std::shared_ptr<TopicHandle>> find_topic(const std::string& topic_arn) const;
  // The topic a subscription ARN (topic ARN + ":" + id) belongs to.
  Result<std::shared_ptr<TopicHandle>> find_topic_of_subscription(const std::string& subscription_arn) const;
  // On the topic's strand, after a change: reported unless the topic was deleted meanwhile (a
  // deletion is reported under the map's lock, which this holds while it reports).
  void report(const std::shared_ptr<TopicHandle>& h) const;

  boost::asio::any_io_executor ex_;
  tracing::Tracer t_;
  std::string region_, account_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<TopicHandle>> topics_;  // by ARN
  std::shared_ptr<TopicChanges> changes_;
  SentMessages sent_;
  SmsSettings sms_;
  PlatformApplications platforms_;
};

}  // namespace localray::sns::model
