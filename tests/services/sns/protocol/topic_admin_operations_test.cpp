// http/https subscriptions' confirmation handshake, topic tags and topic permissions over the SNS
// query protocol.
#include <nlohmann/json.hpp>

#include "tests/services/sns/protocol/sns_protocol_fixture.hpp"

namespace localray::sns::protocol {
namespace {

using nlohmann::json;

constexpr const char* kHook = "http://127.0.0.1:9/hook";

TEST_F(DispatchTest, AnHttpSubscriptionIsPendingUntilItsTokenConfirmsIt) {
  auto topic = create_topic("web");
  EXPECT_EQ(subscribe(topic, "http", kHook), "pending confirmation");
  ASSERT_EQ(factory.confirmations.size(), 1u);
  const auto first = factory.confirmations.front();
  EXPECT_TRUE(first.subscribe);
  EXPECT_EQ(first.message.token.size(), 288u);
  EXPECT_EQ(first.message.signature_version, "1");
  // Asked again: the same subscription, the same token, and the ARN when it is asked for.
  auto arn = subscribe(topic, "http", kHook, {{"ReturnSubscriptionArn", "true"}});
  EXPECT_EQ(arn, first.subscription.arn);
  ASSERT_EQ(factory.confirmations.size(), 2u);
  EXPECT_EQ(factory.confirmations[1].message.token, first.message.token);

  auto listed = call("ListSubscriptionsByTopic", {{"TopicArn", topic}});
  EXPECT_EQ(texts(listed.body, "SubscriptionArn"), std::vector<std::string>{"PendingConfirmation"});
  auto topic_attrs = attributes(call("GetTopicAttributes", {{"TopicArn", topic}}).body);
  EXPECT_EQ(topic_attrs["SubscriptionsPending"], "1");
  EXPECT_EQ(topic_attrs["SubscriptionsConfirmed"], "0");
  auto attrs = attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", arn}}).body);
  EXPECT_EQ(attrs["PendingConfirmation"], "true");
  EXPECT_EQ(attrs["ConfirmationWasAuthenticated"], "false");
  EXPECT_EQ(json::parse(attrs["EffectiveDeliveryPolicy"])["healthyRetryPolicy"]["numRetries"], 3);

  // Nothing reaches a pending subscription.
  EXPECT_EQ(call("Publish", {{"TopicArn", topic}, {"Message", "early"}}).status, 200u);
  EXPECT_TRUE(deliveries.empty());

  EXPECT_EQ(expect_error(call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", "randomtoken"}}), 400, "InvalidParameter"), "Invalid token");
  EXPECT_EQ(expect_error(call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", std::string(288, 'a')}}), 400, "InvalidParameter"),
            "Invalid parameter: Token");
  EXPECT_EQ(expect_error(call("ConfirmSubscription", {{"TopicArn", topic + "x"}, {"Token", first.message.token}}), 400, "InvalidParameter"),
            "Invalid parameter: Token");
  EXPECT_EQ(expect_error(call("ConfirmSubscription", {{"TopicArn", "not-an-arn"}, {"Token", first.message.token}}), 400, "InvalidParameter"),
            "Invalid parameter: Topic");

  // The SubscribeURL's unsigned GET confirms; confirming again answers the same ARN.
  auto confirmed = call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", first.message.token}}, /*signed_call=*/false);
  ASSERT_EQ(confirmed.status, 200u) << confirmed.body;
  EXPECT_EQ(text(confirmed.body, "SubscriptionArn"), arn);
  EXPECT_EQ(text(call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", first.message.token}}).body, "SubscriptionArn"), arn);
  attrs = attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", arn}}).body);
  EXPECT_EQ(attrs["PendingConfirmation"], "false");
  EXPECT_EQ(attrs["ConfirmationWasAuthenticated"], "false");
  EXPECT_EQ(subscribe(topic, "http", kHook), arn) << "a confirmed subscription is named";
  EXPECT_EQ(factory.confirmations.size(), 2u) << "and not asked again";

  EXPECT_EQ(call("Publish", {{"TopicArn", topic}, {"Message", "now"}}).status, 200u);
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].notification.message, "now");
}

TEST_F(DispatchTest, TheUnsubscribeUrlTellsTheEndpointWithATokenThatSubscribesItAgain) {
  auto topic = create_topic("web");
  auto arn = subscribe(topic, "https", "https://127.0.0.1:9/hook", {{"ReturnSubscriptionArn", "true"}});
  ASSERT_EQ(call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", factory.confirmations.at(0).message.token}}).status, 200u);
  EXPECT_EQ(attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", arn}}).body)["ConfirmationWasAuthenticated"], "true");

  // The owner's signed Unsubscribe tells nobody.
  auto other = subscribe(topic, "http", kHook, {{"ReturnSubscriptionArn", "true"}});
  ASSERT_EQ(call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", factory.confirmations.at(1).message.token}}).status, 200u);
  ASSERT_EQ(call("Unsubscribe", {{"SubscriptionArn", other}}).status, 200u);
  EXPECT_EQ(factory.confirmations.size(), 2u);

  ASSERT_EQ(call("Unsubscribe", {{"SubscriptionArn", arn}}, /*signed_call=*/false).status, 200u);
  ASSERT_EQ(factory.confirmations.size(), 3u);
  const auto& bye = factory.confirmations[2];
  EXPECT_FALSE(bye.subscribe);
  EXPECT_EQ(bye.subscription.arn, arn);
  EXPECT_TRUE(texts(call("ListSubscriptionsByTopic", {{"TopicArn", topic}}).body, "SubscriptionArn").empty());

  auto back = call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", bye.message.token}}, /*signed_call=*/false);
  ASSERT_EQ(back.status, 200u) << back.body;
  auto again = text(back.body, "SubscriptionArn");
  EXPECT_NE(again, arn) << "a new subscription";
  auto attrs = attributes(call("GetSubscriptionAttributes", {{"SubscriptionArn", again}}).body);
  EXPECT_EQ(attrs["Endpoint"], "https://127.0.0.1:9/hook");
  EXPECT_EQ(attrs["PendingConfirmation"], "false");
  EXPECT_EQ(expect_error(call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", bye.message.token + "0"}}), 400, "InvalidParameter"),
            "Invalid parameter: Token");

  // Subscribed again before the old token is used: the token answers that subscription, no second one.
  ASSERT_EQ(call("Unsubscribe", {{"SubscriptionArn", again}}, /*signed_call=*/false).status, 200u);
  const auto second_bye = factory.confirmations.back();
  ASSERT_FALSE(second_bye.subscribe);
  auto fresh = subscribe(topic, "https", "https://127.0.0.1:9/hook", {{"ReturnSubscriptionArn", "true"}});
  auto answered = call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", second_bye.message.token}}, /*signed_call=*/false);
  ASSERT_EQ(answered.status, 200u) << answered.body;
  EXPECT_EQ(text(answered.body, "SubscriptionArn"), fresh);
  EXPECT_EQ(call("ListSubscriptionsByTopic", {{"TopicArn", topic}}).body.find("https://127.0.0.1:9/hook"),
            call("ListSubscriptionsByTopic", {{"TopicArn", topic}}).body.rfind("https://127.0.0.1:9/hook"))
      << "one subscription to the endpoint";
}

TEST_F(DispatchTest, AuthenticateOnUnsubscribeRefusesTheUnsignedUnsubscribeUrl) {
  auto topic = create_topic("guarded");
  auto arn = subscribe(topic, "http", kHook, {{"ReturnSubscriptionArn", "true"}});
  const auto token = factory.confirmations.at(0).message.token;
  ASSERT_EQ(call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", token}, {"AuthenticateOnUnsubscribe", "true"}}).status, 200u);
  auto refused = call("Unsubscribe", {{"SubscriptionArn", arn}}, /*signed_call=*/false);
  expect_error(refused, 403, "AuthorizationError");
  EXPECT_EQ(texts(call("ListSubscriptionsByTopic", {{"TopicArn", topic}}).body, "SubscriptionArn"), std::vector<std::string>{arn});
  EXPECT_EQ(call("Unsubscribe", {{"SubscriptionArn", arn}}).status, 200u) << "the owner's signed call may";
  EXPECT_TRUE(texts(call("ListSubscriptionsByTopic", {{"TopicArn", topic}}).body, "SubscriptionArn").empty());

  // An unsigned confirmation cannot set it.
  auto other = subscribe(topic, "http", kHook, {{"ReturnSubscriptionArn", "true"}});
  ASSERT_EQ(call("ConfirmSubscription", {{"TopicArn", topic}, {"Token", factory.confirmations.back().message.token}, {"AuthenticateOnUnsubscribe", "true"}},
                 /*signed_call=*/false)
                .status,
            200u);
  EXPECT_EQ(call("Unsubscribe", {{"SubscriptionArn", other}}, /*signed_call=*/false).status, 200u);
}

TEST_F(DispatchTest, TagsAreAddedReplacedListedAndRemovedWithinTheQuota) {
  auto topic = create_topic("tagged");
  auto r = call("TagResource", {{"ResourceArn", topic},
                                {"Tags.member.1.Key", "team"},
                                {"Tags.member.1.Value", "core"},
                                {"Tags.member.2.Key", "env"},
                                {"Tags.member.2.Value", "dev"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("<TagResourceResult></TagResourceResult>"), std::string::npos) << r.body;
  ASSERT_EQ(call("TagResource", {{"ResourceArn", topic}, {"Tags.member.1.Key", "env"}, {"Tags.member.1.Value", "prod"}}).status, 200u);
  auto listed = call("ListTagsForResource", {{"ResourceArn", topic}});
  EXPECT_EQ(texts(listed.body, "Key"), (std::vector<std::string>{"env", "team"}));
  EXPECT_EQ(texts(listed.body, "Value"), (std::vector<std::string>{"prod", "core"}));
  ASSERT_EQ(call("UntagResource", {{"ResourceArn", topic}, {"TagKeys.member.1", "team"}, {"TagKeys.member.2", "nope"}}).status, 200u);
  EXPECT_EQ(texts(call("ListTagsForResource", {{"ResourceArn", topic}}).body, "Key"), std::vector<std::string>{"env"});

  EXPECT_EQ(expect_error(call("TagResource", {{"ResourceArn", topic},
                                              {"Tags.member.1.Key", "k"},
                                              {"Tags.member.1.Value", "1"},
                                              {"Tags.member.2.Key", "k"},
                                              {"Tags.member.2.Value", "2"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: Duplicated keys are not allowed.");
  Params many{{"ResourceArn", topic}};
  for (int i = 1; i <= 50; ++i) {
    many.emplace_back("Tags.member." + std::to_string(i) + ".Key", "k" + std::to_string(i));
    many.emplace_back("Tags.member." + std::to_string(i) + ".Value", "v");
  }
  EXPECT_EQ(expect_error(call("TagResource", many), 400, "TagLimitExceeded"), "Could not complete request: tag quota of per resource exceeded");
  EXPECT_EQ(texts(call("ListTagsForResource", {{"ResourceArn", topic}}).body, "Key").size(), 1u) << "refused as a whole";
  many.pop_back();
  many.pop_back();
  EXPECT_EQ(call("TagResource", many).status, 200u) << "49 new and 1 kept make 50";

  EXPECT_EQ(expect_error(call("ListTagsForResource", {{"ResourceArn", topic + "-gone"}}), 404, "ResourceNotFound"), "Resource does not exist");
  EXPECT_EQ(expect_error(call("TagResource", {{"ResourceArn", topic}}), 400, "ValidationError"),
            "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
}

TEST_F(DispatchTest, PermissionsAreStatementsOfTheTopicPolicy) {
  auto topic = create_topic("shared");
  ASSERT_EQ(call("AddPermission", {{"TopicArn", topic},
                                   {"Label", "one"},
                                   {"AWSAccountId.member.1", "111122223333"},
                                   {"ActionName.member.1", "Publish"}})
                .status,
            200u);
  ASSERT_EQ(call("AddPermission", {{"TopicArn", topic},
                                   {"Label", "two"},
                                   {"AWSAccountId.member.1", "111122223333"},
                                   {"AWSAccountId.member.2", "444455556666"},
                                   {"ActionName.member.1", "Publish"},
                                   {"ActionName.member.2", "Subscribe"}})
                .status,
            200u);
  auto policy = json::parse(attributes(call("GetTopicAttributes", {{"TopicArn", topic}}).body)["Policy"]);
  ASSERT_EQ(policy["Statement"].size(), 3u);
  EXPECT_EQ(policy["Statement"][0]["Sid"], "__default_statement_ID");
  EXPECT_EQ(policy["Statement"][1].dump(),
            json({{"Sid", "one"},
                  {"Effect", "Allow"},
                  {"Principal", {{"AWS", "arn:aws:iam::111122223333:root"}}},
                  {"Action", "SNS:Publish"},
                  {"Resource", topic}})
                .dump());
  EXPECT_EQ(policy["Statement"][2]["Action"], json({"SNS:Publish", "SNS:Subscribe"}));
  EXPECT_EQ(policy["Statement"][2]["Principal"]["AWS"], json({"arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"}));

  EXPECT_EQ(expect_error(call("AddPermission", {{"TopicArn", topic},
                                                {"Label", "one"},
                                                {"AWSAccountId.member.1", "1"},
                                                {"ActionName.member.1", "Publish"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: Statement already exists");
  EXPECT_EQ(expect_error(call("AddPermission", {{"TopicArn", topic},
                                                {"Label", "three"},
                                                {"AWSAccountId.member.1", "1"},
                                                {"ActionName.member.1", "InvalidAction"}}),
                         400, "InvalidParameter"),
            "Invalid parameter: Policy statement action out of service scope!");
  EXPECT_EQ(expect_error(call("AddPermission", {{"TopicArn", topic + "x"},
                                                {"Label", "three"},
                                                {"AWSAccountId.member.1", "1"},
                                                {"ActionName.member.1", "Publish"}}),
                         404, "NotFound"),
            "Topic does not exist");

  ASSERT_EQ(call("RemovePermission", {{"TopicArn", topic}, {"Label", "one"}}).status, 200u);
  ASSERT_EQ(call("RemovePermission", {{"TopicArn", topic}, {"Label", "never"}}).status, 200u);
  policy = json::parse(attributes(call("GetTopicAttributes", {{"TopicArn", topic}}).body)["Policy"]);
  ASSERT_EQ(policy["Statement"].size(), 2u);
  EXPECT_EQ(policy["Statement"][1]["Sid"], "two");
}

}  // namespace
}  // namespace localray::sns::protocol
