// The SDK built-in handlers see: each call an `aws` subsegment with the callee's request id.
#include "functions/aws_clients.hpp"

#include <gtest/gtest.h>

#include <regex>

#include <boost/asio/io_context.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "tests/support/await.hpp"

namespace localray::functions {
namespace {

namespace asio = boost::asio;

struct FakeSns final : SnsClient {
  asio::awaitable<CallResult<Published>> publish(std::string topic_arn, std::string, std::map<std::string, std::string>,
                                                 tracing::TraceHeader ctx) override {
    seen = ctx;
    if (topic_arn.ends_with(":missing")) co_return ServiceError{"NotFoundException", "Topic does not exist", "sns-req-2", true};
    co_return Published{"sns-req-1", "msg-1"};
  }
  tracing::TraceHeader seen;
};

struct FakeSqs final : SqsClient {
  asio::awaitable<CallResult<Sent>> send_message(std::string, std::string, int, std::string sender_id, tracing::TraceHeader) override {
    sender = sender_id;
    co_return Sent{"sqs-req-1", "msg-2"};
  }
  std::string sender;
};

struct FakeDynamoDb final : DynamoDbClient {
  asio::awaitable<CallResult<Updated>> add_to_counter(std::string, std::string, std::string, std::string, long long,
                                                      tracing::TraceHeader) override {
    co_return ServiceError{"InternalServerError", "down", "ddb-req-1", false};
  }
};

class AwsClientsTest : public ::testing::Test {
 protected:
  asio::io_context io;
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{3}};
  FakeSns sns;
  FakeSqs sqs;
  FakeDynamoDb dynamodb;
  AwsClients aws{ServiceClients{sns, sqs, dynamodb, "us-east-1", "000000000000"}};
  tracing::Segment invocation;
  InvocationContext ctx{"req", "worker", "arn:aws:lambda:us-east-1:000000000000:function:worker", "{}", {}, std::chrono::seconds{3},
                        tracing::TraceHeader{"1-5759e988-bd862e3fe1be46a994272793", "53995c3f42cd8ad8", tracing::Sampled::Yes, {}},
                        invocation, ids, clock, io.get_executor(),
                        std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>()), {}};
};

TEST_F(AwsClientsTest, ACallIsAnAwsSubsegmentCarryingTheRequestIdTheServiceAnsweredWith) {
  auto r = testing::await(io, aws.sns_publish(ctx, invocation, "arn:aws:sns:us-east-1:000000000000:t", "m", {}));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "msg-1");
  ASSERT_EQ(invocation.subsegments.size(), 1u);
  const auto& sub = invocation.subsegments.front();
  EXPECT_EQ(sub.name, "SNS");
  EXPECT_EQ(sub.namespace_, "aws");
  EXPECT_EQ(sub.aws["operation"], "Publish");
  EXPECT_EQ(sub.aws["request_id"], "sns-req-1");
  EXPECT_EQ(sns.seen.parent, sub.id) << "the callee hangs off the call's subsegment";
}

TEST_F(AwsClientsTest, AFailedCallIsAnErrorOrAFaultWithTheRemoteException) {
  auto missing = testing::await(io, aws.sns_publish(ctx, invocation, "arn:aws:sns:us-east-1:000000000000:missing", "m", {}));
  EXPECT_FALSE(missing);
  auto down = testing::await(io, aws.dynamodb_add(ctx, invocation, "hits", "path", "/a", "hits", 1));
  EXPECT_FALSE(down);
  ASSERT_EQ(invocation.subsegments.size(), 2u);
  const auto& sns_call = invocation.subsegments.front();
  EXPECT_TRUE(sns_call.error);
  EXPECT_EQ(sns_call.aws["request_id"], "sns-req-2");
  EXPECT_EQ(sns_call.cause["exceptions"][0]["type"], "NotFoundException");
  const auto& table_call = invocation.subsegments.back();
  EXPECT_TRUE(table_call.fault) << "a 5xx is a fault, not an error";
  EXPECT_EQ(table_call.aws["request_id"], "ddb-req-1");
}

TEST_F(AwsClientsTest, MessagesAFunctionSendsCarryItsRolesUniqueId) {
  ASSERT_TRUE(testing::await(io, aws.sqs_send(ctx, invocation, "http://q/0/jobs", "b", 0)));
  EXPECT_TRUE(std::regex_match(sqs.sender, std::regex{"AROA[A-Z2-7]{17}:worker"})) << sqs.sender;
  EXPECT_EQ(sqs.sender, role_sender_id("000000000000", "worker")) << "stable for the function";
  EXPECT_NE(role_sender_id("000000000000", "other"), role_sender_id("000000000000", "worker"));
}

}  // namespace
}  // namespace localray::functions
