// What every operation shares: consumed capacity, the CRC32 header, and errors in the shape the SDKs parse.
#include "services/dynamodb/protocol/crc32.hpp"

#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

// --- consumed capacity --------------------------------------------------------------------

TEST_F(dynamodbDispatchTest, ConsumedCapacityCountsKilobytesWrittenAndFourKilobytesRead) {
  create_hits_table();
  std::string big(1500, 'x');  // with names and key: between 1 and 2 KB
  json put = ok("PutItem", {{"TableName", "hits"},
                            {"Item", {{"path", {{"S", "/a"}}}, {"big", {{"S", big}}}}},
                            {"ReturnConsumedCapacity", "TOTAL"}});
  EXPECT_EQ(put.at("ConsumedCapacity"), json::parse(R"({"TableName":"hits","CapacityUnits":2.0})"));

  json strong = ok("GetItem", {{"TableName", "hits"},
                               {"Key", {{"path", {{"S", "/a"}}}}},
                               {"ConsistentRead", true},
                               {"ReturnConsumedCapacity", "TOTAL"}});
  EXPECT_EQ(strong.at("ConsumedCapacity").at("CapacityUnits"), 1.0);
  json eventual = ok("GetItem", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/a"}}}}}, {"ReturnConsumedCapacity", "INDEXES"}});
  EXPECT_EQ(eventual.at("ConsumedCapacity"), json::parse(R"({"TableName":"hits","CapacityUnits":0.5,"Table":{"CapacityUnits":0.5}})"));

  for (int i = 0; i < 5; ++i) {
    ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/big" + std::to_string(i)}}}, {"big", {{"S", big}}}}}});
  }
  // Six items of about 1.5 KB: 9 KB read, 3 units consistent, billed before the filter drops them all.
  json scanned = ok("Scan", {{"TableName", "hits"},
                             {"FilterExpression", "attribute_not_exists(big)"},
                             {"ConsistentRead", true},
                             {"ReturnConsumedCapacity", "TOTAL"}});
  EXPECT_EQ(scanned.at("Count"), 0);
  EXPECT_EQ(scanned.at("ConsumedCapacity").at("CapacityUnits"), 3.0);

  json none = ok("GetItem", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/a"}}}}}, {"ReturnConsumedCapacity", "NONE"}});
  EXPECT_FALSE(none.contains("ConsumedCapacity"));
  json batch = ok("BatchWriteItem", json::parse(R"({"RequestItems": {"hits": [{"DeleteRequest": {"Key": {"path": {"S": "/a"}}}}]},
                                                   "ReturnConsumedCapacity": "TOTAL"})"));
  EXPECT_EQ(batch.at("ConsumedCapacity"), json::parse(R"([{"TableName":"hits","CapacityUnits":2.0}])"));
}

// --- wire rules and errors ----------------------------------------------------------------

TEST_F(dynamodbDispatchTest, Crc32HeaderIsComputedOverTheExactBody) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);  // the CRC-32 check value
  EXPECT_EQ(crc32(""), 0u);
  create_hits_table();
  http::Response r = call("DescribeTable", R"({"TableName":"hits"})");
  EXPECT_EQ(r.headers.get("x-amz-crc32"), std::to_string(crc32(r.body)));
  http::Response e = call("DescribeTable", R"({"TableName":"nope"})");
  EXPECT_EQ(e.headers.get("x-amz-crc32"), std::to_string(crc32(e.body)));
  EXPECT_EQ(e.headers.get("x-amzn-RequestId"), "req-DescribeTable");
}

TEST_F(dynamodbDispatchTest, UnknownTableIsResourceNotFound) {
  http::Response r = call("GetItem", R"({"TableName":"nope","Key":{"k":{"S":"x"}}})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.body,
            R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"})");
  EXPECT_EQ(r.headers.get("Content-Type"), "application/x-amz-json-1.0");
}

TEST_F(dynamodbDispatchTest, UnknownOperationIsRefusedByName) {
  json e = fails("FlyToTheMoon", "this is not even JSON");
  EXPECT_EQ(e.at("__type"), "com.amazon.coral.service#UnknownOperationException");
}

TEST_F(dynamodbDispatchTest, MalformedBodyIsSerializationException) {
  for (const char* body : {"{", "}{", "{\"TableName\":}", "[1,2]", "\"text\"", "{\"a\" 1}"}) {
    json e = fails("DescribeTable", body);
    EXPECT_EQ(e.at("__type"), kSerialization) << body;
  }
}

TEST_F(dynamodbDispatchTest, WrongJsonTypeIsSerializationException) {
  json e = fails("DescribeTable", R"({"TableName":42})");
  EXPECT_EQ(e.at("__type"), kSerialization);
  EXPECT_EQ(e.at("message"), "NUMBER_VALUE can not be converted to String");
  e = fails("Scan", R"({"TableName":"hits","Limit":"ten"})");
  EXPECT_EQ(e.at("message"), "STRING_VALUE can not be converted to Integer");
}

TEST_F(dynamodbDispatchTest, MissingTableNameUsesDynamoDbsWording) {
  json e = fails("DescribeTable", "{}");
  EXPECT_EQ(e.at("__type"), kValidation);
  EXPECT_EQ(e.at("message"),
            "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
  e = fails("GetItem", "");
  EXPECT_EQ(e.at("message"),
            "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null; "
            "Value null at 'key' failed to satisfy constraint: Member must not be null");
}

TEST_F(dynamodbDispatchTest, InvalidEnumValueNamesTheAllowedSet) {
  create_hits_table();
  json e = fails("PutItem", R"({"TableName":"hits","Item":{"path":{"S":"/a"}},"ReturnValues":"EVERYTHING"})");
  EXPECT_EQ(e.at("message"),
            "1 validation error detected: Value 'EVERYTHING' at 'returnValues' failed to satisfy constraint: Member must satisfy "
            "enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]");
}

TEST_F(dynamodbDispatchTest, DeeplyNestedBodyIsRefusedNotCrashed) {
  create_hits_table();
  std::string nested;
  for (int i = 0; i < 200000; ++i) nested += R"({"M":{"a":)";
  nested += R"({"S":"x"})";
  for (int i = 0; i < 200000; ++i) nested += "}}";
  http::Response r = call("PutItem", R"({"TableName":"hits","Item":{"path":{"S":"/a"},"deep":)" + nested + "}}");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(json::parse(r.body).at("__type"), kValidation);
  EXPECT_EQ(ok("Scan", {{"TableName", "hits"}}).at("Count"), 0);
}

TEST_F(dynamodbDispatchTest, ThirtyTwoNestedLevelsFitEvenInABatch) {
  create_hits_table();
  std::string nested = R"({"S":"leaf"})";
  for (int i = 0; i < 32; ++i) nested = R"({"M":{"a":)" + nested + "}}";
  http::Response r = call("BatchWriteItem", R"({"RequestItems":{"hits":[{"PutRequest":{"Item":{"path":{"S":"/deep"},"d":)" + nested +
                                                "}}}]}}");
  ASSERT_EQ(r.status, 200u) << r.body;
  json got = ok("GetItem", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/deep"}}}}}});
  EXPECT_EQ(got.at("Item").at("d"), json::parse(nested));
}

TEST_F(dynamodbDispatchTest, TableArnStandsForTheTableName) {
  create_hits_table();
  ok("PutItem", {{"TableName", "arn:aws:dynamodb:us-east-1:000000000000:table/hits"}, {"Item", {{"path", {{"S", "/a"}}}}}});
  json got = ok("GetItem", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/a"}}}}}});
  EXPECT_EQ(got.at("Item"), json::parse(R"({"path":{"S":"/a"}})"));
}

TEST_F(dynamodbDispatchTest, ExpressionErrorsAreValidationExceptions) {
  create_hits_table();
  json e = fails("UpdateItem", R"({"TableName":"hits","Key":{"path":{"S":"/a"}},"UpdateExpression":"ADD hits :incr",
                                   "ExpressionAttributeValues":{":incr":{"N":"1"},":unused":{"N":"2"}}})");
  EXPECT_EQ(e.at("__type"), kValidation);
  EXPECT_EQ(e.at("message"), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
}

}  // namespace
}  // namespace localray::dynamodb::protocol
