#include "services/sns/model/topic.hpp"

#include <gtest/gtest.h>

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
  void deliver(const Notification& n, const Subscription&, const tracing::TraceHeader& ctx) override { log_.push_back({name_, n, ctx}); }
  std::string service() const override { return "Lambda"; }
  std::string operation() const override { return "Invoke"; }
  void describe_target(nlohmann::json& aws) const override { aws["function_name"] = name_; }

 private:
  std::string name_;
  std::vector<Delivery>& log_;
};

class TopicTest : public ::testing::Test {
 protected:
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{5}};
  testing::RecordingSink sink;
  Backend sns{clock, ids, sink, "us-east-1", "000000000000"};
  std::vector<Delivery> deliveries;
  const tracing::TraceHeader caller{"1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8", tracing::Sampled::Yes, {}};
};

TEST_F(TopicTest, PublishFansOutToEverySubscriberUnderItsOwnDeliverySubsegment) {
  auto arn = sns.create_topic("orders");
  ASSERT_TRUE(arn);
  EXPECT_EQ(*arn, "arn:aws:sns:us-east-1:000000000000:orders");
  for (const char* f : {"a", "b", "c"})
    ASSERT_TRUE(sns.subscribe(*arn, "lambda", f, std::make_shared<FakeSubscriber>(f, deliveries), false));

  PublishRequest req{*arn, "/prod/hello", std::nullopt, {{"status", {"String", "ok"}}}};
  auto receipt = sns.publish(req, caller);
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
    ++sub;
  }
}

TEST_F(TopicTest, SubscribingTwiceReturnsTheSameSubscription) {
  auto arn = *sns.create_topic("t");
  auto a = sns.subscribe(arn, "lambda", "f", std::make_shared<FakeSubscriber>("f", deliveries), false);
  auto b = sns.subscribe(arn, "lambda", "f", std::make_shared<FakeSubscriber>("f", deliveries), false);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(sns.subscriptions(arn).size(), 1u);
}

TEST_F(TopicTest, PublishWithoutCallerContextStartsATrace) {
  auto arn = *sns.create_topic("t");
  ASSERT_TRUE(sns.publish(PublishRequest{arn, "m", std::nullopt, {}}, std::nullopt));
  auto segs = sink.segments();
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_TRUE(tracing::is_valid_trace_id(segs[0].trace_id));
  EXPECT_TRUE(segs[0].parent_id.empty());
}

TEST_F(TopicTest, RejectsUnknownTopicsAndBadMessages) {
  auto missing = sns.publish(PublishRequest{"arn:aws:sns:us-east-1:000000000000:none", "m", std::nullopt, {}}, caller);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Code::NotFound);
  auto arn = *sns.create_topic("t");
  auto big = sns.publish(PublishRequest{arn, std::string(256 * 1024 + 1, 'x'), std::nullopt, {}}, caller);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().message, "Invalid parameter: Message too long");
  auto empty_attr = sns.publish(PublishRequest{arn, "m", std::nullopt, {{"status", {"String", ""}}}}, caller);
  ASSERT_FALSE(empty_attr);
  EXPECT_EQ(empty_attr.error().code, Code::InvalidParameter);
  EXPECT_FALSE(sns.create_topic("no spaces allowed"));
  EXPECT_TRUE(sink.segments().empty()) << "rejected publishes record nothing";
}

}  // namespace
}  // namespace localray::sns::model
