#include "services/sns/model/backend.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "base/deduplication.hpp"
#include "tests/support/await.hpp"
#include "tests/support/recording_sink.hpp"

namespace localray::sns::model {
namespace {

struct Delivery {
  std::string endpoint;
  Notification notification;
  tracing::TraceHeader ctx;
};

class FakeSubscriber final : public Subscriber {
 public:
  FakeSubscriber(std::string name, std::vector<Delivery>& log) : name_{std::move(name)}, log_{log} {}
  std::string deliver(const Notification& n, const Subscription&, const tracing::TraceHeader& ctx) override {
    log_.push_back({name_, n, ctx});
    return "req-" + name_;
  }
  std::string service() const override { return "Lambda"; }
  std::string operation() const override { return "Invoke"; }
  void describe_target(nlohmann::json& aws) const override { aws["function_name"] = name_; }

 private:
  std::string name_;
  std::vector<Delivery>& log_;
};

class TopicTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{5}};
  testing::RecordingSink sink;
  tracing::Sampler sampler{clock, ids, tracing::Rng{11}};
  Backend sns{io.get_executor(), tracing::Tracer{clock, ids, sampler, sink}, "us-east-1", "000000000000"};
  std::vector<Delivery> deliveries;

  template <class T>
  T await(boost::asio::awaitable<T> work) {
    return testing::await(io, std::move(work));
  }
  Result<std::string> subscribe(SubscribeRequest request, std::shared_ptr<Subscriber> target) {
    return await(sns.subscribe(std::move(request), std::move(target)));
  }
  Result<std::string> subscribe(const std::string& arn, std::string protocol, std::string endpoint, std::shared_ptr<Subscriber> target,
                                bool raw) {
    return subscribe(SubscribeRequest{arn, std::move(protocol), std::move(endpoint), raw, std::nullopt, {}}, std::move(target));
  }
  std::vector<Subscription> subscriptions(const std::string& arn) { return await(sns.list_subscriptions_by_topic(arn)).value(); }
  boost::asio::awaitable<Result<void>> set_raw_message_delivery(std::string arn, bool raw) {
    SubscriptionChange c;
    c.raw_message_delivery = raw;
    return sns.change_subscription(std::move(arn), std::move(c));
  }
  boost::asio::awaitable<Result<void>> set_filter_policy(std::string arn, std::optional<FilterPolicy> policy) {
    SubscriptionChange c;
    c.filter_policy = std::move(policy);
    return sns.change_subscription(std::move(arn), std::move(c));
  }
  boost::asio::awaitable<Result<void>> set_stored_subscription_attribute(std::string arn, std::string name, std::string value) {
    SubscriptionChange c;
    c.stored = std::pair{std::move(name), std::move(value)};
    return sns.change_subscription(std::move(arn), std::move(c));
  }
  const tracing::TraceHeader caller{"1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8", tracing::Sampled::Yes, {}};
};

TEST_F(TopicTest, PublishFansOutToEverySubscriberUnderItsOwnDeliverySubsegment) {
  auto arn = await(sns.create_topic("orders"));
  ASSERT_TRUE(arn);
  EXPECT_EQ(*arn, "arn:aws:sns:us-east-1:000000000000:orders");
  for (const char* f : {"a", "b", "c"})
    ASSERT_TRUE(subscribe(*arn, "lambda", f, std::make_shared<FakeSubscriber>(f, deliveries), false));

  PublishRequest req{*arn, "/prod/hello", std::nullopt, {{"status", {"String", "ok"}}}};
  auto receipt = await(sns.publish(req, caller));
  ASSERT_TRUE(receipt);

  ASSERT_EQ(deliveries.size(), 3u);
  auto segs = sink.segments();
  ASSERT_EQ(segs.size(), 1u);
  const auto& topic = segs[0];
  EXPECT_EQ(topic.origin, "AWS::SNS::Topic");
  EXPECT_EQ(topic.trace_id, caller.root);
  EXPECT_EQ(topic.parent_id, caller.parent) << "the topic hangs off the caller's subsegment";
  ASSERT_EQ(topic.subsegments.size(), 3u);
  auto sub = topic.subsegments.begin();
  for (const auto& d : deliveries) {
    EXPECT_EQ(d.notification.message, "/prod/hello");
    EXPECT_EQ(d.notification.message_id, receipt->message_id);
    EXPECT_EQ(d.notification.attributes.at("status").value, "ok");
    EXPECT_EQ(d.ctx.root, caller.root);
    EXPECT_EQ(d.ctx.parent, sub->id) << d.endpoint << " hangs off its delivery subsegment, not off the caller";
    EXPECT_EQ(sub->aws["function_name"], d.endpoint);
    EXPECT_EQ(sub->aws["request_id"], "req-" + d.endpoint) << "the id the subscriber took the delivery under";
    ++sub;
  }
}

TEST_F(TopicTest, SubscribingTwiceReturnsTheSameSubscription) {
  auto arn = *await(sns.create_topic("t"));
  auto a = subscribe(arn, "lambda", "f", std::make_shared<FakeSubscriber>("f", deliveries), false);
  auto b = subscribe(arn, "lambda", "f", std::make_shared<FakeSubscriber>("f", deliveries), false);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(subscriptions(arn).size(), 1u);
}

TEST_F(TopicTest, PublishWithoutCallerContextStartsATrace) {
  auto arn = *await(sns.create_topic("t"));
  ASSERT_TRUE(await(sns.publish(PublishRequest{arn, "m", std::nullopt, {}}, std::nullopt)));
  auto segs = sink.segments();
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_TRUE(tracing::is_valid_trace_id(segs[0].trace_id));
  EXPECT_TRUE(segs[0].parent_id.empty());
}

TEST_F(TopicTest, RejectsUnknownTopicsAndBadMessages) {
  auto missing = await(sns.publish(PublishRequest{"arn:aws:sns:us-east-1:000000000000:none", "m", std::nullopt, {}}, caller));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Code::NotFound);
  auto arn = *await(sns.create_topic("t"));
  auto big = await(sns.publish(PublishRequest{arn, std::string(256 * 1024 + 1, 'x'), std::nullopt, {}}, caller));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().message, "Invalid parameter: Message too long");
  auto empty_attr = await(sns.publish(PublishRequest{arn, "m", std::nullopt, {{"status", {"String", ""}}}}, caller));
  ASSERT_FALSE(empty_attr);
  EXPECT_EQ(empty_attr.error().code, Code::ParameterValueInvalid);
  EXPECT_FALSE(await(sns.create_topic("no spaces allowed")));
  EXPECT_TRUE(sink.segments().empty()) << "rejected publishes record nothing";
}

TEST_F(TopicTest, MessageAttributesAreCheckedAsSnsChecksThem) {
  auto arn = *await(sns.create_topic("t"));
  auto problem = [&](MessageAttributes a) {
    auto r = await(sns.publish(PublishRequest{arn, "m", std::nullopt, std::move(a)}, caller));
    EXPECT_FALSE(r);
    EXPECT_EQ(r ? Code::NotFound : r.error().code, Code::ParameterValueInvalid);
    return r ? std::string{"published"} : r.error().message;
  };
  EXPECT_EQ(problem({{"a b", {"String", "x"}}}),
            "Invalid non-alphanumeric character '#x20' was found in the message attribute name. Can only include alphanumeric "
            "characters, hyphens, underscores, or dots.");
  EXPECT_EQ(problem({{".a", {"String", "x"}}}), "Invalid message attribute name starting with character '.' was found.");
  EXPECT_EQ(problem({{"a.", {"String", "x"}}}), "Invalid message attribute name ending with character '.' was found.");
  EXPECT_EQ(problem({{"a..b", {"String", "x"}}}), "Message attribute name can not have successive '.' character.");
  EXPECT_EQ(problem({{"n", {"Number", "five"}}}), "Could not cast message attribute 'n' value to number.");
  EXPECT_EQ(problem({{"n", {"Text", "x"}}}),
            "The message attribute 'n' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
  EXPECT_TRUE(await(sns.publish(PublishRequest{arn, "m", std::nullopt, {{"a.b-c_d", {"Number.int", "-12.5e1"}}}}, caller)));
}

TEST_F(TopicTest, MalformedArnsAreInvalidParametersAndUnknownOnesNotFound) {
  auto bad = await(sns.get_topic_attributes("orders"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Code::InvalidParameter);
  EXPECT_EQ(bad.error().message, "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1");
  auto topic = *await(sns.create_topic("t"));
  auto sub_as_topic = await(sns.get_subscription(topic));
  ASSERT_FALSE(sub_as_topic);
  EXPECT_EQ(sub_as_topic.error().message, "Invalid parameter: SubscriptionId");
  auto unknown = await(sns.get_subscription(topic + ":0000"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Code::NotFound);
  EXPECT_EQ(unknown.error().message, "Subscription does not exist");
}

TEST_F(TopicTest, DeleteTopicTakesItsSubscriptionsAndIsIdempotent) {
  auto arn = *await(sns.create_topic("t"));
  ASSERT_TRUE(subscribe(arn, "lambda", "f", std::make_shared<FakeSubscriber>("f", deliveries), false));
  ASSERT_TRUE(await(sns.delete_topic(arn)));
  EXPECT_TRUE(sns.topic_arns().empty());
  EXPECT_TRUE(await(sns.list_subscriptions()).empty());
  EXPECT_TRUE(await(sns.delete_topic(arn))) << "deleting a missing topic succeeds";
  auto publish = await(sns.publish(PublishRequest{arn, "m", std::nullopt, {}}, caller));
  ASSERT_FALSE(publish);
  EXPECT_EQ(publish.error().code, Code::NotFound);
  EXPECT_FALSE(await(sns.delete_topic("not-an-arn")));
}

TEST_F(TopicTest, UnsubscribeStopsDeliveriesAndCountsTheDeletion) {
  auto arn = *await(sns.create_topic("t"));
  auto a = *subscribe(arn, "lambda", "a", std::make_shared<FakeSubscriber>("a", deliveries), false);
  ASSERT_TRUE(subscribe(arn, "lambda", "b", std::make_shared<FakeSubscriber>("b", deliveries), false));
  ASSERT_TRUE(await(sns.unsubscribe(a)));
  ASSERT_TRUE(await(sns.unsubscribe(a))) << "idempotent";
  ASSERT_TRUE(await(sns.publish(PublishRequest{arn, "m", std::nullopt, {}}, caller)));
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].endpoint, "b");
  auto d = await(sns.get_topic_attributes(arn));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->subscriptions_confirmed, 1u);
  EXPECT_EQ(d->subscriptions_deleted, 1u);
}

TEST_F(TopicTest, TopicAttributesAreSetAndDescribed) {
  auto arn = *await(sns.create_topic("t"));
  ASSERT_TRUE(await(sns.set_topic_attribute(arn, "DisplayName", "Tee")));
  ASSERT_TRUE(await(sns.set_topic_attribute(arn, "TracingConfig", "Active")));
  ASSERT_TRUE(await(sns.set_topic_attribute(arn, "Policy", "{}")));
  auto bad_value = await(sns.set_topic_attribute(arn, "TracingConfig", "On"));
  ASSERT_FALSE(bad_value);
  EXPECT_EQ(bad_value.error().code, Code::InvalidParameter);
  auto bad_name = await(sns.set_topic_attribute(arn, "FifoTopic", "true"));
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().message, "Invalid parameter: AttributeName");
  auto d = await(sns.get_topic_attributes(arn));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->display_name, "Tee");
  EXPECT_EQ(d->tracing_config, TracingConfig::Active);
  EXPECT_EQ(d->stored_attributes, (std::map<std::string, std::string>{{"Policy", "{}"}}));
  EXPECT_EQ(d->owner, "000000000000");
}

TEST_F(TopicTest, CreatingAnExistingTopicWithOtherAttributesIsRefused) {
  auto arn = await(sns.create_topic("t", {{"DisplayName", "Tee"}}, {{"team", "core"}}));
  ASSERT_TRUE(arn);
  EXPECT_EQ(await(sns.create_topic("t")).value(), *arn) << "nothing given, nothing to differ";
  EXPECT_EQ(await(sns.create_topic("t", {{"DisplayName", "Tee"}}, {})).value(), *arn);
  auto other = await(sns.create_topic("t", {{"DisplayName", "Other"}}, {}));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "Invalid parameter: Attributes Reason: Topic already exists with different attributes");
  EXPECT_FALSE(await(sns.create_topic("t", {}, {{"team", "edge"}})));
  auto fifo = await(sns.create_topic("f", {{"FifoTopic", "true"}}, {}));
  ASSERT_FALSE(fifo);
  EXPECT_EQ(fifo.error().code, Code::InvalidParameter);
  EXPECT_EQ(sns.topic_arns().size(), 1u);
}

TEST_F(TopicTest, FifoTopicsTakeSqsSubscribersOnlyAndDeduplicatePublishes) {
  auto bad_name = await(sns.create_topic("orders", {{"FifoTopic", "true"}}, {}));
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().message, "Invalid parameter: Topic Name");
  EXPECT_FALSE(await(sns.create_topic("orders.fifo"))) << "a .fifo name for a standard topic";
  auto arn = await(sns.create_topic("orders.fifo", {{"FifoTopic", "true"}, {"ContentBasedDeduplication", "true"}}, {}));
  ASSERT_TRUE(arn) << arn.error().message;
  auto d = await(sns.get_topic_attributes(*arn));
  EXPECT_TRUE(d->fifo);
  EXPECT_TRUE(d->content_based_deduplication);

  auto lambda = subscribe(*arn, "lambda", "fn", std::make_shared<FakeSubscriber>("fn", deliveries), false);
  ASSERT_FALSE(lambda);
  EXPECT_EQ(lambda.error().message, "Invalid parameter: Invalid protocol type: lambda");
  SubscribeRequest standard_dlq{*arn, "sqs", "arn:aws:sqs:us-east-1:000000000000:q2.fifo", std::nullopt, std::nullopt, {}};
  standard_dlq.dead_letter_target_arn = "arn:aws:sqs:us-east-1:000000000000:dlq";
  auto refused = subscribe(standard_dlq, std::make_shared<FakeSubscriber>("q2", deliveries));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "Invalid parameter: Attributes Reason: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.");
  auto sub = subscribe(*arn, "sqs", "arn:aws:sqs:us-east-1:000000000000:q.fifo", std::make_shared<FakeSubscriber>("q", deliveries), false);
  ASSERT_TRUE(sub);
  SubscriptionChange to_standard;
  to_standard.dead_letter_target_arn = "arn:aws:sqs:us-east-1:000000000000:dlq";
  EXPECT_FALSE(await(sns.change_subscription(*sub, to_standard)));
  to_standard.dead_letter_target_arn = "arn:aws:sqs:us-east-1:000000000000:dlq.fifo";
  EXPECT_TRUE(await(sns.change_subscription(*sub, to_standard)));

  PublishRequest no_group{*arn, "m"};
  auto r = await(sns.publish(no_group, std::nullopt));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");

  PublishRequest p{*arn, "m"};
  p.group_id = "g";
  auto first = await(sns.publish(p, std::nullopt));
  auto again = await(sns.publish(p, std::nullopt));
  ASSERT_TRUE(first && again);
  EXPECT_EQ(again->message_id, first->message_id);
  EXPECT_EQ(again->sequence_number, first->sequence_number);
  EXPECT_EQ(first->sequence_number.size(), 20u);
  p.message = "other";
  auto other = await(sns.publish(p, std::nullopt));
  ASSERT_TRUE(other);
  EXPECT_GT(other->sequence_number, first->sequence_number);
  ASSERT_EQ(deliveries.size(), 2u) << "the repeat was acknowledged, not delivered";
  EXPECT_EQ(deliveries[0].notification.group_id, "g");
  EXPECT_EQ(deliveries[0].notification.deduplication_id, base::content_deduplication_id("m"));
  EXPECT_EQ(deliveries[0].notification.sequence_number, first->sequence_number);

  clock.advance(std::chrono::minutes{5});
  p.message = "m";
  auto later = await(sns.publish(p, std::nullopt));
  ASSERT_TRUE(later);
  EXPECT_NE(later->message_id, first->message_id) << "five minutes on, the same body is a new message";

  auto standard = *await(sns.create_topic("plain"));
  auto fifo_queue = subscribe(standard, "sqs", "arn:aws:sqs:us-east-1:000000000000:q.fifo", std::make_shared<FakeSubscriber>("q", deliveries), false);
  ASSERT_FALSE(fifo_queue);
  EXPECT_EQ(fifo_queue.error().message, "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
  PublishRequest dedup{standard, "m"};
  dedup.deduplication_id = "d";
  r = await(sns.publish(dedup, std::nullopt));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type");
}

TEST_F(TopicTest, ProtocolMessagesReplaceTheDefaultForSubscriptionsOfThatProtocol) {
  auto arn = *await(sns.create_topic("t"));
  ASSERT_TRUE(subscribe(arn, "lambda", "fn", std::make_shared<FakeSubscriber>("fn", deliveries), false));
  ASSERT_TRUE(subscribe(arn, "sqs", "queue", std::make_shared<FakeSubscriber>("queue", deliveries), false));
  PublishRequest req{arn, "default", std::nullopt, {}};
  req.protocol_messages = {{"sqs", "for queues"}, {"http", "unused"}};
  ASSERT_TRUE(await(sns.publish(req, caller)));
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0].notification.message, "default");
  EXPECT_EQ(deliveries[1].notification.message, "for queues");
}

TEST_F(TopicTest, AFilteredOutSubscriptionGetsNoDeliveryAndNoSubsegment) {
  auto arn = *await(sns.create_topic("t"));
  FilterPolicy only_ok{R"({"status":["ok"]})", {{"status", {FilterCondition{}}}}};
  only_ok.conditions["status"][0].text = "ok";
  ASSERT_TRUE(subscribe(SubscribeRequest{arn, "sqs", "filtered", std::nullopt, only_ok, {}},
                            std::make_shared<FakeSubscriber>("filtered", deliveries)));
  ASSERT_TRUE(subscribe(arn, "lambda", "all", std::make_shared<FakeSubscriber>("all", deliveries), false));
  ASSERT_TRUE(await(sns.publish(PublishRequest{arn, "m", std::nullopt, {{"status", {"String", "failed"}}}}, caller)));
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].endpoint, "all");
  ASSERT_EQ(sink.segments().size(), 1u);
  EXPECT_EQ(sink.segments()[0].subsegments.size(), 1u);

  ASSERT_TRUE(await(sns.publish(PublishRequest{arn, "m", std::nullopt, {{"status", {"String", "ok"}}}}, caller)));
  EXPECT_EQ(deliveries.size(), 3u);

  auto sub = await(sns.list_subscriptions_by_topic(arn));
  ASSERT_TRUE(sub);
  ASSERT_TRUE(await(set_filter_policy(sub->at(0).arn, std::nullopt)));
  ASSERT_TRUE(await(sns.publish(PublishRequest{arn, "m", std::nullopt, {}}, caller)));
  EXPECT_EQ(deliveries.size(), 5u) << "without its policy the subscription gets everything";
}

TEST_F(TopicTest, SubscribingAgainWithOtherAttributesIsRefused) {
  auto arn = *await(sns.create_topic("t"));
  auto target = std::make_shared<FakeSubscriber>("q", deliveries);
  auto first = subscribe(SubscribeRequest{arn, "sqs", "q", true, std::nullopt, {}}, target);
  ASSERT_TRUE(first);
  EXPECT_EQ(subscribe(SubscribeRequest{arn, "sqs", "q", std::nullopt, std::nullopt, {}}, target).value(), *first);
  EXPECT_EQ(subscribe(SubscribeRequest{arn, "sqs", "q", true, std::nullopt, {}}, target).value(), *first);
  auto other = subscribe(SubscribeRequest{arn, "sqs", "q", false, std::nullopt, {}}, target);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "Invalid parameter: Attributes Reason: Subscription already exists with different attributes");
}

TEST_F(TopicTest, RawDeliveryIsForQueuesNotFunctions) {
  auto arn = *await(sns.create_topic("t"));
  auto lambda = subscribe(SubscribeRequest{arn, "lambda", "f", true, std::nullopt, {}}, std::make_shared<FakeSubscriber>("f", deliveries));
  ASSERT_FALSE(lambda);
  EXPECT_EQ(lambda.error().code, Code::InvalidParameter);
  auto fn = *subscribe(arn, "lambda", "f", std::make_shared<FakeSubscriber>("f", deliveries), false);
  EXPECT_FALSE(await(set_raw_message_delivery(fn, true)));
  auto queue = *subscribe(arn, "sqs", "q", std::make_shared<FakeSubscriber>("q", deliveries), false);
  ASSERT_TRUE(await(set_raw_message_delivery(queue, true)));
  ASSERT_TRUE(await(sns.publish(PublishRequest{arn, "m", std::nullopt, {}}, caller)));
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_FALSE(await(sns.get_subscription(fn))->raw_message_delivery);
  EXPECT_TRUE(await(sns.get_subscription(queue))->raw_message_delivery);
  ASSERT_TRUE(await(set_stored_subscription_attribute(queue, "RedrivePolicy", R"({"deadLetterTargetArn":"x"})")));
  EXPECT_EQ(await(sns.get_subscription(queue))->stored_attributes.at("RedrivePolicy"), R"({"deadLetterTargetArn":"x"})");
  EXPECT_FALSE(await(set_stored_subscription_attribute(queue, "Colour", "red")));
}

TEST_F(TopicTest, PublishBatchReportsRefusedEntriesAndPublishesTheRest) {
  auto arn = *await(sns.create_topic("t"));
  ASSERT_TRUE(subscribe(arn, "lambda", "f", std::make_shared<FakeSubscriber>("f", deliveries), false));
  std::vector<PublishBatchEntry> entries{{"a", {"", "one", std::nullopt, {}}},
                                         {"b", {"", std::string(256 * 1024 + 1, 'x'), std::nullopt, {}}},
                                         {"c", {"", "three", std::nullopt, {}}}};
  auto r = await(sns.publish_batch(arn, entries, caller));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->successful.size(), 2u);
  EXPECT_EQ(r->successful[0].id, "a");
  EXPECT_EQ(r->successful[1].id, "c");
  ASSERT_EQ(r->failed.size(), 1u);
  EXPECT_EQ(r->failed[0].id, "b");
  EXPECT_EQ(r->failed[0].error.message, "Invalid parameter: Message too long");
  EXPECT_TRUE(r->failed[0].sender_fault);
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[1].notification.message, "three");
  EXPECT_EQ(deliveries[1].notification.message_id, r->successful[1].message_id);
  EXPECT_EQ(deliveries[1].notification.topic_arn, arn) << "entries go to the batch's topic";
}

TEST_F(TopicTest, PublishBatchRefusesWholeBatchesThatBreakBatchRules) {
  auto arn = *await(sns.create_topic("t"));
  auto code_of = [&](const std::vector<PublishBatchEntry>& entries, const std::string& topic) {
    auto r = await(sns.publish_batch(topic, entries, caller));
    EXPECT_FALSE(r);
    return r ? Code::NotFound : r.error().code;
  };
  PublishRequest m{"", "m", std::nullopt, {}};
  EXPECT_EQ(code_of({}, arn), Code::EmptyBatchRequest);
  EXPECT_EQ(code_of(std::vector<PublishBatchEntry>(11, PublishBatchEntry{"x", m}), arn), Code::TooManyEntriesInBatchRequest);
  EXPECT_EQ(code_of({{"x", m}, {"x", m}}, arn), Code::BatchEntryIdsNotDistinct);
  EXPECT_EQ(code_of({{std::string(81, 'x'), m}}, arn), Code::InvalidBatchEntryId);
  EXPECT_EQ(code_of({{"x", m}}, arn + "0"), Code::NotFound);
  PublishRequest big{"", std::string(200 * 1024, 'x'), std::nullopt, {}};
  EXPECT_EQ(code_of({{"x", big}, {"y", big}}, arn), Code::BatchRequestTooLong) << "each fits, together they do not";
  EXPECT_TRUE(sink.segments().empty());
}

}  // namespace
}  // namespace localray::sns::model

namespace localray::sns::model {
namespace {

class CountingSubscriber final : public Subscriber {
 public:
  std::string deliver(const Notification&, const Subscription&, const tracing::TraceHeader&) override {
    ++delivered;
    return "req";
  }
  std::string service() const override { return "SQS"; }
  std::string operation() const override { return "SendMessage"; }
  void describe_target(nlohmann::json&) const override {}
  std::atomic<int> delivered{0};
};

// What --persist keeps of topics, reported from every strand at once.
struct TopicCopy final : TopicChanges {
  std::mutex mutex;
  std::map<std::string, std::size_t> subscriptions;  // topic ARN -> how many
  void topic_changed(const Topic& t) override {
    std::lock_guard lock{mutex};
    subscriptions[t.arn()] = t.subscriptions().size();
  }
  void topic_removed(const std::string& arn) override {
    std::lock_guard lock{mutex};
    subscriptions.erase(arn);
  }
};

// Publishes, subscriptions and a topic deleted and made again, on four threads: under
// ThreadSanitizer (scripts/tsan.sh) a race fails it; here every publish reaches the subscriber
// and the copy ends as the topics are.
TEST(SnsBackendTest, PublishesSubscriptionsAndTopicChurnOnFourThreads) {
  boost::asio::io_context io;
  tracing::SystemClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{5}};
  testing::RecordingSink sink;
  tracing::Sampler sampler{clock, ids, tracing::Rng{11}};
  Backend sns{io.get_executor(), tracing::Tracer{clock, ids, sampler, sink}, "us-east-1", "000000000000"};
  auto copy = std::make_shared<TopicCopy>();
  sns.set_changes(copy);
  auto subscriber = std::make_shared<CountingSubscriber>();
  std::string topic = testing::await(io, sns.create_topic("busy")).value();
  ASSERT_TRUE(testing::await(io, sns.subscribe(SubscribeRequest{topic, "sqs", "arn:aws:sqs:us-east-1:000000000000:q", std::nullopt, std::nullopt, {}},
                                              subscriber)));
  io.restart();
  constexpr int kPublishes = 300, kSubscribers = 20;
  std::atomic<int> published{0};
  for (int i = 0; i < kPublishes; ++i)
    boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
      PublishRequest p;
      p.topic_arn = topic;
      p.message = "hello";
      if ((co_await sns.publish(p, std::nullopt))) ++published;
    }, boost::asio::detached);
  for (int i = 0; i < kSubscribers; ++i)
    boost::asio::co_spawn(io, [&, i]() -> boost::asio::awaitable<void> {
      SubscribeRequest r{topic, "sqs", "arn:aws:sqs:us-east-1:000000000000:extra" + std::to_string(i), std::nullopt, std::nullopt, {}};
      auto arn = co_await sns.subscribe(r, std::make_shared<CountingSubscriber>());
      if (arn && i % 2 == 0) (void)co_await sns.unsubscribe(*arn);
    }, boost::asio::detached);
  boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
    for (int i = 0; i < 50; ++i) {
      std::string name = "churn";
      auto arn = co_await sns.create_topic(name);
      if (!arn) continue;
      std::string attribute = "DisplayName", value = std::to_string(i);
      (void)co_await sns.set_topic_attribute(*arn, attribute, value);
      (void)co_await sns.delete_topic(*arn);
    }
  }, boost::asio::detached);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&io] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(published.load(), kPublishes);
  EXPECT_EQ(subscriber->delivered.load(), kPublishes);
  std::lock_guard lock{copy->mutex};
  EXPECT_EQ(copy->subscriptions.count(sns.topic_arn("churn")), 0u) << "a deleted topic is not brought back by a late change";
  EXPECT_EQ(copy->subscriptions.at(topic), 1u + kSubscribers / 2);
}

}  // namespace
}  // namespace localray::sns::model
