// GetItem, PutItem, UpdateItem and DeleteItem: projections, conditions and return values.
#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

TEST_F(dynamodbDispatchTest, PutItemThenGetItemReturnsTheSameItem) {
  create_hits_table();
  json item = json::parse(R"({
    "path": {"S": "/a"}, "n": {"N": "12.5"}, "b": {"B": "AAH/"}, "t": {"BOOL": true}, "z": {"NULL": true},
    "m": {"M": {"inner": {"L": [{"S": "x"}, {"N": "1"}]}}}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}
  })");
  EXPECT_EQ(ok("PutItem", {{"TableName", "hits"}, {"Item", item}}), json::object());
  json got = ok("GetItem", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/a"}}}}}, {"ConsistentRead", true}});
  EXPECT_EQ(got.at("Item"), item);
}

TEST_F(dynamodbDispatchTest, GetItemOfAMissingKeyAnswersEmptyObjectWithItsCrc) {
  create_hits_table();
  http::Response r = call("GetItem", R"({"TableName":"hits","Key":{"path":{"S":"/nothing"}}})");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(r.headers.get("x-amz-crc32"), "2745614147");  // zlib.crc32(b"{}")
  EXPECT_EQ(r.headers.get("Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(r.headers.get("x-amzn-RequestId"), "req-GetItem");
  EXPECT_FALSE(r.headers.has("Content-Encoding"));
}

TEST_F(dynamodbDispatchTest, GetItemProjectsWithExpressionAttributeNames) {
  create_hits_table();
  ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/a"}}}, {"status", {{"S", "up"}}}, {"other", {{"N", "1"}}}}}});
  json got = ok("GetItem", {{"TableName", "hits"},
                            {"Key", {{"path", {{"S", "/a"}}}}},
                            {"ProjectionExpression", "#s"},
                            {"ExpressionAttributeNames", {{"#s", "status"}}}});
  EXPECT_EQ(got.at("Item"), json::parse(R"({"status":{"S":"up"}})"));
  json legacy = ok("GetItem", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/a"}}}}}, {"AttributesToGet", {"other"}}});
  EXPECT_EQ(legacy.at("Item"), json::parse(R"({"other":{"N":"1"}})"));
}

TEST_F(dynamodbDispatchTest, UpdateItemAddCountsHitsFromNothing) {
  create_hits_table();
  json update{{"TableName", "hits"},
              {"Key", {{"path", {{"S", "/a"}}}}},
              {"UpdateExpression", "ADD hits :incr"},
              {"ExpressionAttributeValues", {{":incr", {{"N", "1"}}}}},
              {"ReturnValues", "UPDATED_NEW"}};
  EXPECT_EQ(ok("UpdateItem", update).at("Attributes"), json::parse(R"({"hits":{"N":"1"}})"));
  EXPECT_EQ(ok("UpdateItem", update).at("Attributes"), json::parse(R"({"hits":{"N":"2"}})"));
  json got = ok("GetItem", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/a"}}}}}});
  EXPECT_EQ(got.at("Item").at("hits").at("N"), "2");
}

TEST_F(dynamodbDispatchTest, UpdateItemWithoutReturnValuesAnswersEmptyObject) {
  create_hits_table();
  http::Response r = call("UpdateItem", R"({"TableName":"hits","Key":{"path":{"S":"/a"}},"UpdateExpression":"SET v = :v",
                                            "ExpressionAttributeValues":{":v":{"S":"x"}}})");
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body, "{}");
}

TEST_F(dynamodbDispatchTest, FailedConditionSendsTheOldItemWhenAskedFor) {
  create_hits_table();
  ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/a"}}}, {"v", {{"N", "1"}}}}}});
  json e = fails("PutItem", json{{"TableName", "hits"},
                                 {"Item", {{"path", {{"S", "/a"}}}, {"v", {{"N", "2"}}}}},
                                 {"ConditionExpression", "attribute_not_exists(#p)"},
                                 {"ExpressionAttributeNames", {{"#p", "path"}}},
                                 {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}}
                                 .dump());
  EXPECT_EQ(e.at("__type"), "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException");
  EXPECT_EQ(e.at("message"), "The conditional request failed");
  EXPECT_EQ(e.at("Item"), json::parse(R"({"path":{"S":"/a"},"v":{"N":"1"}})"));

  json without = fails("UpdateItem", json{{"TableName", "hits"},
                                          {"Key", {{"path", {{"S", "/a"}}}}},
                                          {"UpdateExpression", "SET v = :v"},
                                          {"ConditionExpression", "v = :old"},
                                          {"ExpressionAttributeValues", {{":v", {{"N", "3"}}}, {":old", {{"N", "9"}}}}}}
                                          .dump());
  EXPECT_FALSE(without.contains("Item"));
}

TEST_F(dynamodbDispatchTest, PutAndDeleteReturnTheOldItemWithAllOld) {
  create_hits_table();
  ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/a"}}}, {"v", {{"N", "1"}}}}}});
  json put = ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/a"}}}, {"v", {{"N", "2"}}}}}, {"ReturnValues", "ALL_OLD"}});
  EXPECT_EQ(put.at("Attributes").at("v").at("N"), "1");
  json removed = ok("DeleteItem", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/a"}}}}}, {"ReturnValues", "ALL_OLD"}});
  EXPECT_EQ(removed.at("Attributes").at("v").at("N"), "2");
  EXPECT_EQ(ok("GetItem", {{"TableName", "hits"}, {"Key", {{"path", {{"S", "/a"}}}}}}), json::object());
}

}  // namespace
}  // namespace localray::dynamodb::protocol
