// DynamoDB Streams through both dispatchers: a table's changes, written by every kind of call,
// read back as stream records over the Streams API.
#include "services/dynamodb/protocol/streams_dispatch.hpp"
#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

class dynamodbStreamsTest : public dynamodbDispatchTest {
 protected:
  http::Response streams_call(const std::string& operation, const json& body) {
    http::Request request;
    request.method = "POST";
    request.target = request.path = "/";
    request.headers.set("X-Amz-Target", "DynamoDBStreams_20120810." + operation);
    request.body = body.dump();
    std::optional<http::Response> response;
    boost::asio::co_spawn(io_, handle_streams(request, access_, http::CallContext{"req", {}, "us-east-1", "000000000000", {}}),
                          [&](std::exception_ptr e, http::Response r) {
                            if (e) std::rethrow_exception(e);
                            response = std::move(r);
                          });
    io_.restart();
    io_.run();
    return response.value();
  }
  json streams_ok(const std::string& operation, const json& body) {
    http::Response r = streams_call(operation, body);
    EXPECT_EQ(r.status, 200u) << operation << ": " << r.body;
    return json::parse(r.body);
  }
  std::string create_streamed(const char* view) {
    json request = J(R"({"TableName":"orders","BillingMode":"PAY_PER_REQUEST","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],
        "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}]})");
    request["StreamSpecification"] = {{"StreamEnabled", true}, {"StreamViewType", view}};
    json d = ok("CreateTable", request).at("TableDescription");
    EXPECT_EQ(d.at("StreamSpecification"), json({{"StreamEnabled", true}, {"StreamViewType", view}}));
    return d.at("LatestStreamArn").get<std::string>();
  }
  json read_all(const std::string& arn) {
    json shard = streams_ok("DescribeStream", {{"StreamArn", arn}}).at("StreamDescription").at("Shards")[0];
    std::string iterator = streams_ok("GetShardIterator", {{"StreamArn", arn}, {"ShardId", shard.at("ShardId")}, {"ShardIteratorType", "TRIM_HORIZON"}})
                               .at("ShardIterator");
    return streams_ok("GetRecords", {{"ShardIterator", iterator}});
  }
};

TEST_F(dynamodbStreamsTest, EveryChangeIsARecordInOrderWithTheImagesItsViewKeeps) {
  std::string arn = create_streamed("NEW_AND_OLD_IMAGES");
  EXPECT_TRUE(arn.starts_with("arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2023-11-14T22:13:20.000")) << arn;
  ok("PutItem", J(R"({"TableName":"orders","Item":{"id":{"S":"a"},"n":{"N":"1"}}})"));
  ok("PutItem", J(R"({"TableName":"orders","Item":{"id":{"S":"a"},"n":{"N":"1"}}})"));  // unchanged: no record
  ok("UpdateItem", J(R"({"TableName":"orders","Key":{"id":{"S":"a"}},"UpdateExpression":"SET n = :two","ExpressionAttributeValues":{":two":{"N":"2"}}})"));
  ok("TransactWriteItems", J(R"({"TransactItems":[{"Put":{"TableName":"orders","Item":{"id":{"S":"b"}}}}]})"));
  ok("BatchWriteItem", J(R"({"RequestItems":{"orders":[{"DeleteRequest":{"Key":{"id":{"S":"a"}}}}]}})"));
  ok("DeleteItem", J(R"({"TableName":"orders","Key":{"id":{"S":"missing"}}})"));  // nothing removed: no record

  json records = read_all(arn).at("Records");
  ASSERT_EQ(records.size(), 4u);
  std::vector<std::string> names;
  for (const auto& r : records) names.push_back(r.at("eventName"));
  EXPECT_EQ(names, (std::vector<std::string>{"INSERT", "MODIFY", "INSERT", "REMOVE"}));
  const json& modify = records[1];
  EXPECT_EQ(modify.at("eventSource"), "aws:dynamodb");
  EXPECT_EQ(modify.at("eventVersion"), "1.1");
  EXPECT_EQ(modify.at("awsRegion"), "us-east-1");
  EXPECT_EQ(modify.at("eventID").get<std::string>().size(), 32u);
  EXPECT_EQ(modify.at("dynamodb").at("Keys"), J(R"({"id":{"S":"a"}})"));
  EXPECT_EQ(modify.at("dynamodb").at("OldImage"), J(R"({"id":{"S":"a"},"n":{"N":"1"}})"));
  EXPECT_EQ(modify.at("dynamodb").at("NewImage"), J(R"({"id":{"S":"a"},"n":{"N":"2"}})"));
  EXPECT_EQ(modify.at("dynamodb").at("StreamViewType"), "NEW_AND_OLD_IMAGES");
  EXPECT_EQ(modify.at("dynamodb").at("ApproximateCreationDateTime"), 1700000000);
  EXPECT_FALSE(records[3].at("dynamodb").contains("NewImage"));
  EXPECT_LT(records[0].at("dynamodb").at("SequenceNumber").get<std::string>(), records[1].at("dynamodb").at("SequenceNumber").get<std::string>());
  EXPECT_EQ(records[0].at("dynamodb").at("SequenceNumber").get<std::string>().size(), 21u);

  // From a sequence number on, and LATEST: nothing until the next change.
  json shard = streams_ok("DescribeStream", {{"StreamArn", arn}}).at("StreamDescription").at("Shards")[0];
  std::string after = streams_ok("GetShardIterator", {{"StreamArn", arn}, {"ShardId", shard.at("ShardId")},
                                                      {"ShardIteratorType", "AFTER_SEQUENCE_NUMBER"},
                                                      {"SequenceNumber", records[1].at("dynamodb").at("SequenceNumber")}})
                          .at("ShardIterator");
  EXPECT_EQ(streams_ok("GetRecords", {{"ShardIterator", after}, {"Limit", 1}}).at("Records")[0].at("dynamodb").at("Keys"), J(R"({"id":{"S":"b"}})"));
  std::string latest = streams_ok("GetShardIterator", {{"StreamArn", arn}, {"ShardId", shard.at("ShardId")}, {"ShardIteratorType", "LATEST"}})
                           .at("ShardIterator");
  json none = streams_ok("GetRecords", {{"ShardIterator", latest}});
  EXPECT_TRUE(none.at("Records").empty());
  ok("PutItem", J(R"({"TableName":"orders","Item":{"id":{"S":"c"}}})"));
  json next = streams_ok("GetRecords", {{"ShardIterator", none.at("NextShardIterator")}});
  ASSERT_EQ(next.at("Records").size(), 1u);
  EXPECT_EQ(next.at("Records")[0].at("dynamodb").at("NewImage"), J(R"({"id":{"S":"c"}})"));
}

TEST_F(dynamodbStreamsTest, ViewTypesKeepWhatTheyNameAndTimeToLiveRemovalsSaySo) {
  std::string arn = create_streamed("KEYS_ONLY");
  ok("UpdateTimeToLive", J(R"({"TableName":"orders","TimeToLiveSpecification":{"Enabled":true,"AttributeName":"expires"}})"));
  ok("PutItem", J(R"({"TableName":"orders","Item":{"id":{"S":"old"},"expires":{"N":"1699999999"}}})"));
  EXPECT_EQ(access_.expire_items(), 1u);
  json records = read_all(arn).at("Records");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_FALSE(records[0].at("dynamodb").contains("NewImage"));
  EXPECT_FALSE(records[0].contains("userIdentity"));
  EXPECT_EQ(records[1].at("eventName"), "REMOVE");
  EXPECT_EQ(records[1].at("userIdentity"), J(R"({"PrincipalId":"dynamodb.amazonaws.com","Type":"Service"})"));
}

TEST_F(dynamodbStreamsTest, StreamsAreListedEnabledAndDisabledAndOutliveTheirTable) {
  create_hits_table();
  EXPECT_EQ(streams_ok("ListStreams", json::object()).at("Streams"), json::array());
  json enabled = ok("UpdateTable", J(R"({"TableName":"hits","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_IMAGE"}})"));
  std::string arn = enabled.at("TableDescription").at("LatestStreamArn");
  clock_.advance(std::chrono::seconds{1});
  EXPECT_EQ(fails("UpdateTable", R"({"TableName":"hits","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}})").at("message"),
            "Table already has an enabled stream: TableName: hits");
  EXPECT_EQ(fails("UpdateTable", R"({"TableName":"hits","StreamSpecification":{"StreamEnabled":true}})").at("message"),
            "One or more parameter values were invalid: You must specify a StreamViewType when enabling a stream");
  ok("PutItem", J(R"({"TableName":"hits","Item":{"path":{"S":"/x"}}})"));
  json listed = streams_ok("ListStreams", {{"TableName", "hits"}}).at("Streams");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("StreamArn"), arn);
  EXPECT_EQ(listed[0].at("TableName"), "hits");

  ok("DeleteTable", {{"TableName", "hits"}});
  json described = streams_ok("DescribeStream", {{"StreamArn", arn}}).at("StreamDescription");
  EXPECT_EQ(described.at("StreamStatus"), "DISABLED");
  EXPECT_TRUE(described.at("Shards")[0].at("SequenceNumberRange").contains("EndingSequenceNumber"));
  json last = read_all(arn);
  EXPECT_EQ(last.at("Records").size(), 1u);
  EXPECT_FALSE(last.contains("NextShardIterator")) << "a closed shard read to its end";
  clock_.advance(std::chrono::hours{24});
  http::Response gone = streams_call("DescribeStream", {{"StreamArn", arn}});
  EXPECT_EQ(gone.status, 400u);
  EXPECT_EQ(json::parse(gone.body).at("__type"), kNotFound);
}

TEST_F(dynamodbStreamsTest, ATableMadeAgainAtOnceGetsANewStreamAndRecordsAgeOutUnread) {
  std::string first = create_streamed("KEYS_ONLY");
  ok("PutItem", J(R"({"TableName":"orders","Item":{"id":{"S":"a"}}})"));
  ok("DeleteTable", {{"TableName", "orders"}});
  std::string second = create_streamed("KEYS_ONLY");  // the clock has not moved: the same millisecond
  EXPECT_NE(first, second);
  EXPECT_EQ(streams_ok("DescribeStream", {{"StreamArn", first}}).at("StreamDescription").at("StreamStatus"), "DISABLED");
  EXPECT_EQ(streams_ok("DescribeStream", {{"StreamArn", second}}).at("StreamDescription").at("StreamStatus"), "ENABLED");
  EXPECT_EQ(read_all(first).at("Records").size(), 1u);

  ok("PutItem", J(R"({"TableName":"orders","Item":{"id":{"S":"b"}}})"));
  clock_.advance(std::chrono::hours{24});
  EXPECT_TRUE(read_all(second).at("Records").empty()) << "past 24 hours, with no write since to trim it";
}

}  // namespace
}  // namespace localray::dynamodb::protocol
