// The request itself: actions, GET parameters and 4xx answers to empty requests.
#include "tests/services/sns/protocol/sns_protocol_fixture.hpp"

namespace localray::sns::protocol {
namespace {

TEST_F(DispatchTest, UnknownOrMissingActionIsAnAwsShapedError) {
  EXPECT_EQ(expect_error(call("PublishEverything"), 400, "InvalidAction"), "Could not find operation PublishEverything for version 2010-03-31");
  http::Request r;
  r.method = "POST";
  r.headers.set("Content-Type", "application/x-www-form-urlencoded");
  r.body = "Version=2010-03-31";
  expect_error(await(handle(r, backend, factory, context("req-x"))), 400, "MissingAction");
  r.body = "Action=ListTopics&Bad=%zz";
  expect_error(await(handle(r, backend, factory, context("req-y"))), 400, "MalformedQueryString");
}

TEST_F(DispatchTest, GetRequestsCarryTheParametersInTheQueryString) {
  create_topic("orders");
  http::Request r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListTopics&Version=2010-03-31";
  r.target = "/?" + r.query;
  auto response = await(handle(r, backend, factory, context("req-get")));
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(texts(response.body, "TopicArn"), std::vector<std::string>{"arn:aws:sns:us-east-1:000000000000:orders"});
  EXPECT_EQ(text(response.body, "RequestId"), "req-get");
}

TEST_F(DispatchTest, EveryOperationAnswersA4xxForAnEmptyRequestNeverA5xx) {
  for (const char* action : {"CreateTopic", "DeleteTopic", "GetTopicAttributes", "SetTopicAttributes", "Subscribe", "Unsubscribe",
                             "ListSubscriptionsByTopic", "GetSubscriptionAttributes", "SetSubscriptionAttributes", "Publish", "PublishBatch"}) {
    auto r = call(action);
    EXPECT_GE(r.status, 400u) << action;
    EXPECT_LT(r.status, 500u) << action;
    EXPECT_NE(text(r.body, "Code"), "<absent>") << action;
  }
}

}  // namespace
}  // namespace localray::sns::protocol
