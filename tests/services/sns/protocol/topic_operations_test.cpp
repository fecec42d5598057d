// CreateTopic, ListTopics, topic attributes and DeleteTopic over the SNS query protocol.
#include "tests/services/sns/protocol/sns_protocol_fixture.hpp"

namespace localray::sns::protocol {
namespace {

TEST_F(DispatchTest, CreateTopicAnswersTheArnInTheQueryShapeAndIsIdempotent) {
  auto r = call("CreateTopic", {{"Name", "orders"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers.get("Content-Type"), "text/xml");
  EXPECT_EQ(r.headers.get("x-amzn-RequestId"), "req-1");
  EXPECT_EQ(r.body,
            "<CreateTopicResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><CreateTopicResult>"
            "<TopicArn>arn:aws:sns:us-east-1:000000000000:orders</TopicArn></CreateTopicResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateTopicResponse>");
  EXPECT_EQ(create_topic("orders"), "arn:aws:sns:us-east-1:000000000000:orders");
  EXPECT_EQ(backend.topic_arns().size(), 1u);
}

TEST_F(DispatchTest, CreateTopicStoresAttributesAndTagsAndRefusesADifferentSecondDefinition) {
  auto r = call("CreateTopic", {{"Name", "orders"},
                                {"Attributes.entry.1.key", "DisplayName"},
                                {"Attributes.entry.1.value", "Orders & <Co>"},
                                {"Attributes.entry.2.key", "TracingConfig"},
                                {"Attributes.entry.2.value", "Active"},
                                {"Tags.member.1.Key", "team"},
                                {"Tags.member.1.Value", "core"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  auto arn = text(r.body, "TopicArn");
  auto attrs = attributes(call("GetTopicAttributes", {{"TopicArn", arn}}).body);
  EXPECT_EQ(attrs["DisplayName"], "Orders & <Co>") << "escaped on the wire, read back unchanged";
  EXPECT_EQ(attrs["TracingConfig"], "Active");
  EXPECT_EQ(await(backend.get_topic_attributes(arn))->tags, (model::Tags{{"team", "core"}}));

  // Same definition: idempotent. Another display name: refused.
  EXPECT_EQ(call("CreateTopic", {{"Name", "orders"}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "core"}}).status, 200u);
  auto other = call("CreateTopic", {{"Name", "orders"}, {"Attributes.entry.1.key", "DisplayName"}, {"Attributes.entry.1.value", "X"}});
  EXPECT_EQ(expect_error(other, 400, "InvalidParameter"),
            "Invalid parameter: Attributes Reason: Topic already exists with different attributes");
  auto tags = call("CreateTopic", {{"Name", "orders"}, {"Tags.member.1.Key", "team"}, {"Tags.member.1.Value", "edge"}});
  EXPECT_EQ(expect_error(tags, 400, "InvalidParameter"), "Invalid parameter: Tags Reason: Topic already exists with different tags");
}

TEST_F(DispatchTest, CreateTopicWithoutOrWithABadNameIsRefused) {
  EXPECT_EQ(expect_error(call("CreateTopic"), 400, "ValidationError"),
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(expect_error(call("CreateTopic", {{"Name", "has space"}}), 400, "InvalidParameter").rfind("Invalid parameter: Topic Name", 0), 0u);
  EXPECT_TRUE(backend.topic_arns().empty());
}

TEST_F(DispatchTest, ListTopicsPagesByAHundredWithANextToken) {
  for (int i = 0; i < 105; ++i) (void)await(backend.create_topic("t" + std::to_string(1000 + i)));
  auto first = call("ListTopics");
  ASSERT_EQ(first.status, 200u);
  auto page1 = texts(first.body, "TopicArn");
  ASSERT_EQ(page1.size(), 100u);
  EXPECT_EQ(page1.front(), "arn:aws:sns:us-east-1:000000000000:t1000");
  EXPECT_EQ(contents(first.body, "member").size(), 100u) << "Topics/member/TopicArn";
  auto token = text(first.body, "NextToken");
  ASSERT_NE(token, "<absent>");

  auto second = call("ListTopics", {{"NextToken", token}});
  auto page2 = texts(second.body, "TopicArn");
  ASSERT_EQ(page2.size(), 5u);
  EXPECT_EQ(page2.back(), "arn:aws:sns:us-east-1:000000000000:t1104");
  EXPECT_EQ(text(second.body, "NextToken"), "<absent>");

  EXPECT_EQ(expect_error(call("ListTopics", {{"NextToken", "not a token"}}), 400, "InvalidParameter"), "Invalid parameter: NextToken");
}

TEST_F(DispatchTest, ListTopicsWithNoTopicsAnswersAnEmptyList) {
  auto r = call("ListTopics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<ListTopicsResult><Topics></Topics></ListTopicsResult>"), std::string::npos) << r.body;
}

TEST_F(DispatchTest, GetTopicAttributesAnswersEveryStandardAttribute) {
  auto arn = create_topic("orders");
  subscribe(arn, "lambda", kFunction);
  auto r = call("GetTopicAttributes", {{"TopicArn", arn}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<GetTopicAttributesResult><Attributes><entry><key>"), std::string::npos) << r.body;
  auto attrs = attributes(r.body);
  EXPECT_EQ(attrs["TopicArn"], arn);
  EXPECT_EQ(attrs["Owner"], "000000000000");
  EXPECT_EQ(attrs["DisplayName"], "");
  EXPECT_EQ(attrs["SubscriptionsConfirmed"], "1");
  EXPECT_EQ(attrs["SubscriptionsPending"], "0");
  EXPECT_EQ(attrs["SubscriptionsDeleted"], "0");
  EXPECT_EQ(attrs["TracingConfig"], "PassThrough");
  auto policy = nlohmann::json::parse(attrs["Policy"]);
  EXPECT_EQ(policy["Statement"][0]["Resource"], arn);
  EXPECT_EQ(policy["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceOwner"], "000000000000");
  auto delivery = nlohmann::json::parse(attrs["EffectiveDeliveryPolicy"]);
  EXPECT_EQ(delivery["http"]["defaultHealthyRetryPolicy"]["numRetries"], 3);
}

TEST_F(DispatchTest, SetTopicAttributesChangesDisplayNameAndTracingConfig) {
  auto arn = create_topic("orders");
  EXPECT_EQ(call("SetTopicAttributes", {{"TopicArn", arn}, {"AttributeName", "DisplayName"}, {"AttributeValue", "Orders"}}).status, 200u);
  auto set = call("SetTopicAttributes", {{"TopicArn", arn}, {"AttributeName", "TracingConfig"}, {"AttributeValue", "Active"}});
  ASSERT_EQ(set.status, 200u);
  EXPECT_EQ(set.body,
            "<SetTopicAttributesResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ResponseMetadata>"
            "<RequestId>req-3</RequestId></ResponseMetadata></SetTopicAttributesResponse>")
      << "no-output operations answer ResponseMetadata only";
  auto attrs = attributes(call("GetTopicAttributes", {{"TopicArn", arn}}).body);
  EXPECT_EQ(attrs["DisplayName"], "Orders");
  EXPECT_EQ(attrs["TracingConfig"], "Active");

  EXPECT_EQ(expect_error(call("SetTopicAttributes", {{"TopicArn", arn}, {"AttributeName", "TracingConfig"}, {"AttributeValue", "Sometimes"}}),
                         400, "InvalidParameter")
                .rfind("Invalid parameter: TracingConfig", 0),
            0u);
  EXPECT_EQ(expect_error(call("SetTopicAttributes", {{"TopicArn", arn}, {"AttributeName", "Colour"}, {"AttributeValue", "red"}}), 400,
                         "InvalidParameter"),
            "Invalid parameter: AttributeName");
  EXPECT_EQ(expect_error(call("SetTopicAttributes", {{"TopicArn", arn}}), 400, "ValidationError"),
            "1 validation error detected: Value null at 'attributeName' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(attributes(call("GetTopicAttributes", {{"TopicArn", arn}}).body)["TracingConfig"], "Active") << "refused changes change nothing";
}

TEST_F(DispatchTest, DeleteTopicRemovesItAndIsIdempotent) {
  auto arn = create_topic("orders");
  subscribe(arn, "sqs", kQueue);
  auto r = call("DeleteTopic", {{"TopicArn", arn}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("<DeleteTopicResponse xmlns="), std::string::npos);
  EXPECT_EQ(r.body.find("<DeleteTopicResult>"), std::string::npos);
  EXPECT_TRUE(backend.topic_arns().empty());
  EXPECT_TRUE(texts(call("ListSubscriptions").body, "SubscriptionArn").empty()) << "its subscriptions go with it";
  EXPECT_EQ(call("DeleteTopic", {{"TopicArn", arn}}).status, 200u);
  EXPECT_EQ(expect_error(call("DeleteTopic"), 400, "InvalidParameter"), "Invalid parameter: TopicArn Reason: no value for required parameter");
}

TEST_F(DispatchTest, MissingTopicIsNotFound404InTheFullErrorShape) {
  auto r = call("GetTopicAttributes", {{"TopicArn", "arn:aws:sns:us-east-1:000000000000:nope"}});
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.body,
            "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type><Code>NotFound</Code>"
            "<Message>Topic does not exist</Message></Error><RequestId>req-1</RequestId></ErrorResponse>");
  EXPECT_EQ(expect_error(call("GetTopicAttributes", {{"TopicArn", "orders"}}), 400, "InvalidParameter"),
            "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1");
}

}  // namespace
}  // namespace localray::sns::protocol

namespace localray::sns::protocol {
namespace {

// DeliveryPolicy is kept normalised: CreateTopic again with the same policy is the same topic, and
// SetSubscriptionAttributes stores a subscription's whole, as Subscribe does.
TEST_F(DispatchTest, DeliveryPoliciesAreComparedAndStoredInTheirNormalForm) {
  const std::string topic_policy = R"({"http":{"defaultRequestPolicy":{"headerContentType":"application/json"}}})";
  auto first = call("CreateTopic", {{"Name", "policed"}, {"Attributes.entry.1.key", "DeliveryPolicy"}, {"Attributes.entry.1.value", topic_policy}});
  ASSERT_EQ(first.status, 200u) << first.body;
  auto again = call("CreateTopic", {{"Name", "policed"}, {"Attributes.entry.1.key", "DeliveryPolicy"}, {"Attributes.entry.1.value", topic_policy}});
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(text(again.body, "TopicArn"), text(first.body, "TopicArn"));
  auto topic = text(first.body, "TopicArn");
  EXPECT_EQ(attributes(call("GetTopicAttributes", {{"TopicArn", topic}}).body)["DeliveryPolicy"],
            R"({"http":{"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"application/json"}}})");

  auto sub = subscribe(topic, "sqs", kQueue);
  ASSERT_EQ(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "DeliveryPolicy"},
                                               {"AttributeValue", R"({"requestPolicy":{"headerContentType":"text/csv"}})"}})
                .status,
            200u);
  EXPECT_EQ(attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", sub}}).body)["DeliveryPolicy"],
            R"({"healthyRetryPolicy":null,"sicklyRetryPolicy":null,"throttlePolicy":null,"requestPolicy":{"headerContentType":"text/csv"},"guaranteed":false})");
  EXPECT_EQ(expect_error(call("SetSubscriptionAttributes", {{"SubscriptionArn", sub}, {"AttributeName", "DeliveryPolicy"},
                                                            {"AttributeValue", R"({"healthyRetryPolicy":{"numRetries":101}})"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: DeliveryPolicy: healthyRetryPolicy.numRetries must be at most 100");
}

}  // namespace
}  // namespace localray::sns::protocol
