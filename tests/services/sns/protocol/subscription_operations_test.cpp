// Subscribe, subscription attributes, listings and Unsubscribe over the SNS query protocol.
#include "tests/services/sns/protocol/sns_protocol_fixture.hpp"

namespace localray::sns::protocol {
namespace {

TEST_F(DispatchTest, SubscribeMakesTheSubscriberAndListsShowTheSubscription) {
  auto orders = create_topic("orders");
  auto audit = create_topic("audit");
  auto lambda = subscribe(orders, "lambda", kFunction);
  auto sqs = subscribe(orders, "sqs", kQueue);
  auto other = subscribe(audit, "sqs", kQueue);
  EXPECT_EQ(lambda.rfind(orders + ":", 0), 0u) << lambda;
  EXPECT_NE(lambda, sqs);
  ASSERT_EQ(factory.made.size(), 3u);
  EXPECT_EQ(factory.made[0], (std::pair<std::string, std::string>{"lambda", kFunction}));
  EXPECT_EQ(factory.made[1], (std::pair<std::string, std::string>{"sqs", kQueue}));

  auto by_topic = call("ListSubscriptionsByTopic", {{"TopicArn", orders}});
  ASSERT_EQ(by_topic.status, 200u);
  auto members = contents(by_topic.body, "member");
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0], "<SubscriptionArn>" + lambda + "</SubscriptionArn><Owner>000000000000</Owner><Protocol>lambda</Protocol><Endpoint>" +
                            kFunction + "</Endpoint><TopicArn>" + orders + "</TopicArn>");
  EXPECT_EQ(text(members[1], "Protocol"), "sqs");
  EXPECT_EQ(text(members[1], "Endpoint"), kQueue);

  auto all = texts(call("ListSubscriptions").body, "SubscriptionArn");
  EXPECT_EQ(all, (std::vector<std::string>{other, lambda, sqs})) << "by topic ARN, then in subscription order";
  EXPECT_EQ(expect_error(call("ListSubscriptionsByTopic", {{"TopicArn", orders + "x"}}), 404, "NotFound"), "Topic does not exist");
}

TEST_F(DispatchTest, SubscribeRefusesOtherProtocolsMissingTopicsAndUnknownEndpoints) {
  auto arn = create_topic("orders");
  EXPECT_EQ(expect_error(call("Subscribe", {{"TopicArn", arn}, {"Protocol", "firehose"}, {"Endpoint", "arn:aws:firehose:us-east-1:000000000000:deliverystream/s"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: Protocol Reason: localray does not deliver to firehose yet");
  EXPECT_EQ(expect_error(call("Subscribe", {{"TopicArn", arn + "x"}, {"Protocol", "lambda"}, {"Endpoint", kFunction}}), 404, "NotFound"),
            "Topic does not exist");
  EXPECT_EQ(expect_error(call("Subscribe", {{"TopicArn", arn}, {"Endpoint", kFunction}}), 400, "ValidationError"),
            "1 validation error detected: Value null at 'protocol' failed to satisfy constraint: Member must not be null");
  EXPECT_TRUE(factory.made.empty()) << "nothing is made for a refused subscription";
  EXPECT_EQ(expect_error(call("Subscribe", {{"TopicArn", arn}, {"Protocol", "lambda"}, {"Endpoint", "arn:aws:lambda:us-east-1:000000000000:function:missing"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: Endpoint: no function missing");
  EXPECT_TRUE(await(backend.list_subscriptions_by_topic(arn)).value().empty());
}

TEST_F(DispatchTest, SubscribeAttributesAreStoredAndAnswered) {
  auto topic = create_topic("orders");
  auto sub = subscribe(topic, "sqs", kQueue,
                       {{"Attributes.entry.1.key", "RawMessageDelivery"},
                        {"Attributes.entry.1.value", "true"},
                        {"Attributes.entry.2.key", "FilterPolicy"},
                        {"Attributes.entry.2.value", R"({"status":["ok"]})"},
                        {"ReturnSubscriptionArn", "true"}});
  auto r = call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}});
  ASSERT_EQ(r.status, 200u);
  auto attrs = attributes(r.body);
  EXPECT_EQ(attrs["RawMessageDelivery"], "true");
  EXPECT_EQ(attrs["FilterPolicy"], R"({"status":["ok"]})");
  EXPECT_EQ(attrs["FilterPolicyScope"], "MessageAttributes");
  EXPECT_EQ(attrs["PendingConfirmation"], "false");
  EXPECT_EQ(attrs["ConfirmationWasAuthenticated"], "true");
  EXPECT_EQ(attrs["SubscriptionArn"], sub);
  EXPECT_EQ(attrs["TopicArn"], topic);
  EXPECT_EQ(attrs["Endpoint"], kQueue);
  EXPECT_EQ(attrs["Protocol"], "sqs");
  EXPECT_EQ(attrs["Owner"], "000000000000");

  auto bad = call("Subscribe", {{"TopicArn", topic},
                                {"Protocol", "sqs"},
                                {"Endpoint", kQueue + std::string{"2"}},
                                {"Attributes.entry.1.key", "FilterPolicy"},
                                {"Attributes.entry.1.value", "{not json"}});
  EXPECT_EQ(expect_error(bad, 400, "InvalidParameter"), "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON.");
  auto raw_lambda = call("Subscribe", {{"TopicArn", topic},
                                       {"Protocol", "lambda"},
                                       {"Endpoint", kFunction},
                                       {"Attributes.entry.1.key", "RawMessageDelivery"},
                                       {"Attributes.entry.1.value", "true"}});
  EXPECT_EQ(expect_error(raw_lambda, 400, "InvalidParameter"),
            "Invalid parameter: Attributes Reason: Delivery protocol [lambda] does not support raw message delivery.");
  // SQS's maxReceiveCount in an SNS RedrivePolicy, as Terraform users send it: AWS's words.
  auto sqs_style = call("Subscribe", {{"TopicArn", topic},
                                      {"Protocol", "sqs"},
                                      {"Endpoint", kQueue + std::string{"3"}},
                                      {"Attributes.entry.1.key", "RedrivePolicy"},
                                      {"Attributes.entry.1.value", R"({"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":5})"}});
  EXPECT_EQ(expect_error(sqs_style, 400, "InvalidParameter"),
            "Invalid parameter: Attributes Reason: RedrivePolicy: invalid JSON. Attribute maxReceiveCount is unknown.");
  EXPECT_EQ(await(backend.list_subscriptions_by_topic(topic)).value().size(), 1u);
}

TEST_F(DispatchTest, SetSubscriptionAttributesChangesRawDeliveryAndFilterPolicy) {
  auto topic = create_topic("orders");
  auto sub = subscribe(topic, "sqs", kQueue);
  EXPECT_EQ(attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}).body)["RawMessageDelivery"], "false");
  EXPECT_EQ(attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}).body).count("FilterPolicy"), 0u);

  auto set = call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "RawMessageDelivery"}, {"AttributeValue", "True"}});
  ASSERT_EQ(set.status, 200u) << set.body;
  EXPECT_NE(set.body.find("<SetSubscriptionAttributesResponse xmlns="), std::string::npos);
  ASSERT_EQ(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "FilterPolicy"}, {"AttributeValue", R"({"n":[{"numeric":[">",3]}]})"}}).status,
            200u);
  auto attrs = attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}).body);
  EXPECT_EQ(attrs["RawMessageDelivery"], "true");
  EXPECT_EQ(attrs["FilterPolicy"], R"({"n":[{"numeric":[">",3]}]})");
  EXPECT_TRUE(await(backend.get_subscription(sub))->raw_message_delivery);

  EXPECT_EQ(expect_error(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "RawMessageDelivery"}, {"AttributeValue", "yes"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: RawMessageDelivery: Invalid value [yes]. Must be true or false.");
  EXPECT_EQ(expect_error(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "FilterPolicy"}, {"AttributeValue", R"({"n":[{"between":1}]})"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: FilterPolicy: Unrecognized match type between");
  EXPECT_EQ(expect_error(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "Colour"}, {"AttributeValue", "x"}}), 400,
                         "InvalidParameter"),
            "Invalid parameter: AttributeName");
  EXPECT_EQ(expect_error(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub + "0"}, {"AttributeName", "RawMessageDelivery"}, {"AttributeValue", "true"}}),
                         404, "NotFound"),
            "Subscription does not exist");

  // An empty FilterPolicy removes it.
  ASSERT_EQ(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "FilterPolicy"}, {"AttributeValue", ""}}).status, 200u);
  EXPECT_EQ(attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}).body).count("FilterPolicy"), 0u);
}

TEST_F(DispatchTest, RedrivePolicyNamesTheDeadLetterQueueAndIsChecked) {
  auto topic = create_topic("orders");
  const std::string dlq = "arn:aws:sqs:us-east-1:000000000000:orders-dlq";
  auto sub = subscribe(topic, "sqs", kQueue,
                       {{"Attributes.entry.1.key", "RedrivePolicy"}, {"Attributes.entry.1.value", R"({"deadLetterTargetArn":")" + dlq + R"("})"}});
  EXPECT_EQ(await(backend.get_subscription(sub))->dead_letter_target_arn, dlq);
  EXPECT_EQ(attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}).body)["RedrivePolicy"],
            R"({"deadLetterTargetArn":")" + dlq + R"("})");

  auto set = [&](const std::string& value) {
    return call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "RedrivePolicy"}, {"AttributeValue", value}});
  };
  EXPECT_EQ(expect_error(set("{invalidjson}"), 400, "InvalidParameter"), "Invalid parameter: RedrivePolicy: failed to parse JSON.");
  EXPECT_EQ(expect_error(set(R"({"deadLetterTargetArn":"fake-arn"})"), 400, "InvalidParameter"),
            "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn");
  EXPECT_EQ(expect_error(set(R"({"deadLetterTargetArn":"arn:aws:sns:us-east-1:000000000000:topic"})"), 400, "InvalidParameter"),
            "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn");
  EXPECT_EQ(expect_error(set("{}"), 400, "InvalidParameter"), "Invalid parameter: RedrivePolicy: deadLetterTargetArn is missing");
  // An unknown member is refused before anything else is checked, as SNS reports it.
  EXPECT_EQ(expect_error(set(R"({"maxReceiveCount":3})"), 400, "InvalidParameter"),
            "Invalid parameter: RedrivePolicy: invalid JSON. Attribute maxReceiveCount is unknown.");
  EXPECT_EQ(await(backend.get_subscription(sub))->dead_letter_target_arn, dlq) << "a refused policy changes nothing";

  const std::string other = "arn:aws:sqs:eu-west-1:000000000000:elsewhere";
  ASSERT_EQ(set(R"({"deadLetterTargetArn":")" + other + R"("})").status, 200u);
  EXPECT_EQ(await(backend.get_subscription(sub))->dead_letter_target_arn, other);
  ASSERT_EQ(set("").status, 200u);
  EXPECT_EQ(await(backend.get_subscription(sub))->dead_letter_target_arn, "") << "an empty policy removes the dead-letter queue";
}

TEST_F(DispatchTest, UnsubscribeRemovesTheSubscriptionAndIsIdempotent) {
  auto topic = create_topic("orders");
  auto sub = subscribe(topic, "lambda", kFunction);
  auto r = call("Unsubscribe", {{"SubscriptionArn", sub}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<UnsubscribeResponse xmlns="), std::string::npos);
  EXPECT_TRUE(contents(call("ListSubscriptionsByTopic", {{"TopicArn", topic}}).body, "member").empty());
  EXPECT_EQ(expect_error(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}), 404, "NotFound"), "Subscription does not exist");
  EXPECT_EQ(attributes(call("GetTopicAttributes", {{"TopicArn", topic}}).body)["SubscriptionsDeleted"], "1");
  EXPECT_EQ(call("Unsubscribe", {{"SubscriptionArn", sub}}).status, 200u);
  EXPECT_EQ(expect_error(call("Unsubscribe", {{"SubscriptionArn", "nope"}}), 400, "InvalidParameter"),
            "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1");

  ASSERT_EQ(call("Publish", {{"TopicArn", topic}, {"Message", "m"}}).status, 200u);
  EXPECT_TRUE(deliveries.empty()) << "an unsubscribed endpoint gets nothing";
}

}  // namespace
}  // namespace localray::sns::protocol
