#include "emulator/service_routing.hpp"

#include <gtest/gtest.h>

namespace localray::emulator {
namespace {

http::Request form_post(std::string body, std::string authorization = {}) {
  http::Request r;
  r.method = "POST";
  r.path = "/";
  r.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  if (!authorization.empty()) r.headers.set("Authorization", authorization);
  r.body = std::move(body);
  return r;
}

TEST(ServiceRoutingTest, TargetHeaderDecidesJsonProtocols) {
  http::Request r;
  r.method = "POST";
  r.headers.set("X-Amz-Target", "DynamoDB_20120810.GetItem");
  EXPECT_EQ(identify_service(r).service, Service::DynamoDB);
  r.headers.set("X-Amz-Target", "AmazonSQS.SendMessage");
  EXPECT_EQ(identify_service(r).service, Service::SqsJson);
}

TEST(ServiceRoutingTest, RequestIdsTakeTheShapeOfTheirService) {
  tracing::SystemClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{7}};
  http::Request r;
  r.headers.set("X-Amz-Target", "DynamoDB_20120810.GetItem");
  std::string dynamodb = new_request_id(r, ids);
  EXPECT_EQ(dynamodb.size(), 52u);
  EXPECT_EQ(dynamodb.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUV"), std::string::npos) << dynamodb;
  EXPECT_NE(new_request_id(r, ids), dynamodb);
  r.headers.set("X-Amz-Target", "DynamoDBStreams_20120810.GetRecords");
  EXPECT_EQ(new_request_id(r, ids).size(), 52u);
  r.headers.set("X-Amz-Target", "AmazonSQS.SendMessage");
  std::string uuid = new_request_id(r, ids);
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4') << uuid;
}

TEST(ServiceRoutingTest, FormVersionDecidesQueryProtocols) {
  EXPECT_EQ(identify_service(form_post("Action=Publish&Version=2010-03-31")).service, Service::Sns);
  auto sqs = identify_service(form_post("Action=SendMessage&Version=2012-11-05&MessageBody=a+b"));
  EXPECT_EQ(sqs.service, Service::SqsQuery);
  EXPECT_EQ(http::form_value(sqs.form, "MessageBody"), "a b");
}

TEST(ServiceRoutingTest, SigV4ScopeDecidesWhenVersionIsMissing) {
  const std::string auth = "AWS4-HMAC-SHA256 Credential=test/20240501/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abc";
  ASSERT_TRUE(sigv4_scope(auth));
  EXPECT_EQ(sigv4_scope(auth)->service, "sqs");
  EXPECT_EQ(sigv4_scope(auth)->region, "us-east-1");
  EXPECT_EQ(sigv4_scope(auth)->access_key_id, "test");
  EXPECT_EQ(identify_service(form_post("Action=ListQueues", auth)).service, Service::SqsQuery);
  EXPECT_EQ(identify_service(form_post("Action=ListQueues")).service, Service::Unknown);
}

TEST(ServiceRoutingTest, AFormThatDoesNotDecodeGoesToTheSignedServiceAsMalformed) {
  auto sns = identify_service(form_post("Action=Publish&TopicArn=%zz", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=x"));
  EXPECT_EQ(sns.service, Service::Sns);
  EXPECT_TRUE(sns.malformed_form);
  auto unsigned_call = identify_service(form_post("Action=Publish&TopicArn=%zz"));
  EXPECT_EQ(unsigned_call.service, Service::Unknown);
  EXPECT_FALSE(identify_service(form_post("Action=Publish&Version=2010-03-31")).malformed_form);
}

TEST(ServiceRoutingTest, GetWithQueryStringIsAQueryRequest) {
  http::Request r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListTopics&Version=2010-03-31";
  EXPECT_EQ(identify_service(r).service, Service::Sns);
}

TEST(ServiceRoutingTest, SnsSubscribeAndUnsubscribeUrlsAreUnsignedGetsOfSns) {
  http::Request r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:000000000000:t&Token=ab12";
  EXPECT_EQ(identify_service(r).service, Service::Sns);
  r.query = "Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:000000000000:t:1";
  EXPECT_EQ(identify_service(r).service, Service::Sns);
  r.query = "Action=ListQueues";
  EXPECT_EQ(identify_service(r).service, Service::Unknown) << "other unsigned actions name no service";
}

TEST(ServiceRoutingTest, PresignedUrlsCarryTheirScopeInTheQuery) {
  http::Request r;
  r.method = "GET";
  r.query = "Action=ListQueues&X-Amz-Credential=123456789012%2F20240501%2Feu-west-1%2Fsqs%2Faws4_request&X-Amz-Signature=x";
  auto scope = sigv4_scope(r);
  ASSERT_TRUE(scope);
  EXPECT_EQ(scope->region, "eu-west-1");
  EXPECT_EQ(scope->access_key_id, "123456789012");
  EXPECT_FALSE(sigv4_scope("AWS4-HMAC-SHA256 Credential=short/scope, Signature=x"));
}

}  // namespace
}  // namespace localray::emulator
