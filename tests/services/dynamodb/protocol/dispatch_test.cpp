#include "services/dynamodb/protocol/dispatch.hpp"

#include <exception>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/crc32.hpp"

namespace localray::dynamodb::protocol {
namespace {

using nlohmann::json;

constexpr const char* kNotFound = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException";
constexpr const char* kValidation = "com.amazon.coral.validate#ValidationException";
constexpr const char* kSerialization = "com.amazon.coral.service#SerializationException";

// Runs handle() to completion on a private io_context, as the router would for one request.
class dynamodbDispatchTest : public ::testing::Test {
 protected:
  http::Response call(const std::string& operation, const std::string& body) {
    http::Request request;
    request.method = "POST";
    request.target = "/";
    request.path = "/";
    request.headers.set("X-Amz-Target", "DynamoDB_20120810." + operation);
    request.headers.set("Content-Type", "application/x-amz-json-1.0");
    request.body = body;
    std::optional<http::Response> response;
    boost::asio::co_spawn(io_, handle(request, access_, http::CallContext{"req-" + operation, {}, "us-east-1", "000000000000", {}}), [&](std::exception_ptr e, http::Response r) {
      if (e) std::rethrow_exception(e);
      response = std::move(r);
    });
    io_.restart();
    io_.run();
    return response.value();
  }

  // A successful call's parsed body; the status is asserted.
  json ok(const std::string& operation, const json& body) {
    http::Response r = call(operation, body.dump());
    EXPECT_EQ(r.status, 200u) << operation << ": " << r.body;
    return json::parse(r.body);
  }

  // A failed call's parsed body, its status asserted.
  json fails(const std::string& operation, const std::string& body, unsigned status = 400) {
    http::Response r = call(operation, body);
    EXPECT_EQ(r.status, status) << operation << ": " << r.body;
    return json::parse(r.body);
  }

  void create_hits_table() {
    ok("CreateTable", {{"TableName", "hits"},
                       {"KeySchema", {{{"AttributeName", "path"}, {"KeyType", "HASH"}}}},
                       {"AttributeDefinitions", {{{"AttributeName", "path"}, {"AttributeType", "S"}}}},
                       {"BillingMode", "PAY_PER_REQUEST"}});
  }

  // forum (S) + seq (N), with a GSI on author and an LSI on title.
  json create_threads_table() {
    return ok("CreateTable",
              {{"TableName", "threads"},
               {"KeySchema", {{{"AttributeName", "forum"}, {"KeyType", "HASH"}}, {{"AttributeName", "seq"}, {"KeyType", "RANGE"}}}},
               {"AttributeDefinitions",
                {{{"AttributeName", "forum"}, {"AttributeType", "S"}},
                 {{"AttributeName", "seq"}, {"AttributeType", "N"}},
                 {{"AttributeName", "author"}, {"AttributeType", "S"}},
                 {{"AttributeName", "title"}, {"AttributeType", "S"}}}},
               {"GlobalSecondaryIndexes",
                {{{"IndexName", "by-author"},
                  {"KeySchema", {{{"AttributeName", "author"}, {"KeyType", "HASH"}}}},
                  {"Projection", {{"ProjectionType", "INCLUDE"}, {"NonKeyAttributes", {"title"}}}},
                  {"ProvisionedThroughput", {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}}}}}},
               {"LocalSecondaryIndexes",
                {{{"IndexName", "by-title"},
                  {"KeySchema", {{{"AttributeName", "forum"}, {"KeyType", "HASH"}}, {{"AttributeName", "title"}, {"KeyType", "RANGE"}}}},
                  {"Projection", {{"ProjectionType", "KEYS_ONLY"}}}}}},
               {"BillingMode", "PROVISIONED"},
               {"ProvisionedThroughput", {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 7}}}})["TableDescription"];
  }

  void put_post(const std::string& forum, int seq, const std::string& author) {
    ok("PutItem", {{"TableName", "threads"},
                   {"Item",
                    {{"forum", {{"S", forum}}},
                     {"seq", {{"N", std::to_string(seq)}}},
                     {"author", {{"S", author}}},
                     {"title", {{"S", "t" + std::to_string(seq)}}},
                     {"body", {{"S", "text"}}}}}});
  }

  boost::asio::io_context io_;
  model::Backend access_{io_.get_executor(), "us-east-1", "000000000000"};
};

// --- tables -------------------------------------------------------------------------------

TEST_F(dynamodbDispatchTest, CreateTableAnswersTheTableDescription) {
  http::Response r = call("CreateTable", json{{"TableName", "hits"},
                                              {"KeySchema", {{{"AttributeName", "path"}, {"KeyType", "HASH"}}}},
                                              {"AttributeDefinitions", {{{"AttributeName", "path"}, {"AttributeType", "S"}}}},
                                              {"BillingMode", "PAY_PER_REQUEST"}}
                                              .dump());
  ASSERT_EQ(r.status, 200u) << r.body;
  json d = json::parse(r.body).at("TableDescription");
  EXPECT_EQ(d.at("TableName"), "hits");
  EXPECT_EQ(d.at("TableArn"), "arn:aws:dynamodb:us-east-1:000000000000:table/hits");
  EXPECT_EQ(d.at("TableStatus"), "ACTIVE");
  EXPECT_EQ(d.at("TableId").get<std::string>().size(), 36u);
  EXPECT_TRUE(d.at("CreationDateTime").is_number());
  EXPECT_GT(d.at("CreationDateTime").get<double>(), 1.6e9);  // epoch seconds, not milliseconds
  EXPECT_LT(d.at("CreationDateTime").get<double>(), 1e11);
  EXPECT_EQ(d.at("KeySchema"), json::parse(R"([{"AttributeName":"path","KeyType":"HASH"}])"));
  EXPECT_EQ(d.at("AttributeDefinitions"), json::parse(R"([{"AttributeName":"path","AttributeType":"S"}])"));
  EXPECT_EQ(d.at("BillingModeSummary").at("BillingMode"), "PAY_PER_REQUEST");
  EXPECT_EQ(d.at("ProvisionedThroughput"),
            json::parse(R"({"ReadCapacityUnits":0,"WriteCapacityUnits":0,"NumberOfDecreasesToday":0})"));
  EXPECT_EQ(d.at("ItemCount"), 0);
  EXPECT_EQ(d.at("TableSizeBytes"), 0);
  EXPECT_FALSE(d.contains("GlobalSecondaryIndexes"));
}

TEST_F(dynamodbDispatchTest, CreateTableDescribesIndexesAndProvisionedThroughput) {
  json d = create_threads_table();
  EXPECT_EQ(d.at("BillingModeSummary").at("BillingMode"), "PROVISIONED");
  EXPECT_EQ(d.at("ProvisionedThroughput").at("ReadCapacityUnits"), 5);
  EXPECT_EQ(d.at("ProvisionedThroughput").at("WriteCapacityUnits"), 7);
  ASSERT_EQ(d.at("GlobalSecondaryIndexes").size(), 1u);
  json gsi = d.at("GlobalSecondaryIndexes")[0];
  EXPECT_EQ(gsi.at("IndexName"), "by-author");
  EXPECT_EQ(gsi.at("IndexStatus"), "ACTIVE");
  EXPECT_EQ(gsi.at("IndexArn"), "arn:aws:dynamodb:us-east-1:000000000000:table/threads/index/by-author");
  EXPECT_EQ(gsi.at("Projection"), json::parse(R"({"ProjectionType":"INCLUDE","NonKeyAttributes":["title"]})"));
  EXPECT_EQ(gsi.at("ItemCount"), 0);
  ASSERT_EQ(d.at("LocalSecondaryIndexes").size(), 1u);
  json lsi = d.at("LocalSecondaryIndexes")[0];
  EXPECT_EQ(lsi.at("KeySchema")[1], json::parse(R"({"AttributeName":"title","KeyType":"RANGE"})"));
  EXPECT_EQ(lsi.at("Projection").at("ProjectionType"), "KEYS_ONLY");
}

TEST_F(dynamodbDispatchTest, CreateTableTwiceIsResourceInUse) {
  create_hits_table();
  json e = fails("CreateTable", json{{"TableName", "hits"},
                                     {"KeySchema", {{{"AttributeName", "path"}, {"KeyType", "HASH"}}}},
                                     {"AttributeDefinitions", {{{"AttributeName", "path"}, {"AttributeType", "S"}}}},
                                     {"BillingMode", "PAY_PER_REQUEST"}}
                                     .dump());
  EXPECT_EQ(e.at("__type"), "com.amazonaws.dynamodb.v20120810#ResourceInUseException");
  EXPECT_EQ(e.at("message"), "Table already exists: hits");
}

TEST_F(dynamodbDispatchTest, CreateTableWithoutBillingModeIsProvisionedAndNeedsThroughput) {
  json e = fails("CreateTable", json{{"TableName", "hits"},
                                     {"KeySchema", {{{"AttributeName", "path"}, {"KeyType", "HASH"}}}},
                                     {"AttributeDefinitions", {{{"AttributeName", "path"}, {"AttributeType", "S"}}}}}
                                     .dump());
  EXPECT_EQ(e.at("__type"), kValidation);
  EXPECT_EQ(e.at("message"),
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when "
            "BillingMode is PROVISIONED");
}

TEST_F(dynamodbDispatchTest, CreateTableChecksKeyTypesAndOrder) {
  json e = fails("CreateTable", json{{"TableName", "hits"},
                                     {"KeySchema", {{{"AttributeName", "path"}, {"KeyType", "RANGE"}}}},
                                     {"AttributeDefinitions", {{{"AttributeName", "path"}, {"AttributeType", "X"}}}},
                                     {"BillingMode", "PAY_PER_REQUEST"}}
                                     .dump());
  EXPECT_EQ(e.at("message"), "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  e = fails("CreateTable", json{{"TableName", "hits"},
                                {"KeySchema", {{{"AttributeName", "path"}, {"KeyType", "HASH"}}}},
                                {"AttributeDefinitions", {{{"AttributeName", "path"}, {"AttributeType", "X"}}}},
                                {"BillingMode", "PAY_PER_REQUEST"}}
                                .dump());
  EXPECT_EQ(e.at("message"),
            "1 validation error detected: Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [B, N, S]");
}

TEST_F(dynamodbDispatchTest, DescribeTableCountsTableAndIndexItems) {
  create_threads_table();
  put_post("f", 1, "ann");
  put_post("f", 2, "bob");
  ok("PutItem", {{"TableName", "threads"}, {"Item", {{"forum", {{"S", "g"}}}, {"seq", {{"N", "1"}}}}}});  // not in the GSI
  json t = ok("DescribeTable", {{"TableName", "threads"}}).at("Table");
  EXPECT_EQ(t.at("TableName"), "threads");
  EXPECT_EQ(t.at("ItemCount"), 3);
  EXPECT_GT(t.at("TableSizeBytes").get<int>(), 0);
  EXPECT_EQ(t.at("GlobalSecondaryIndexes")[0].at("ItemCount"), 2);
  EXPECT_GT(t.at("GlobalSecondaryIndexes")[0].at("IndexSizeBytes").get<int>(), 0);
  EXPECT_EQ(t.at("LocalSecondaryIndexes")[0].at("ItemCount"), 2);
}

TEST_F(dynamodbDispatchTest, ListTablesPagesInNameOrder) {
  for (const char* name : {"ccc", "aaa", "bbb"}) {
    ok("CreateTable", {{"TableName", name},
                       {"KeySchema", {{{"AttributeName", "k"}, {"KeyType", "HASH"}}}},
                       {"AttributeDefinitions", {{{"AttributeName", "k"}, {"AttributeType", "S"}}}},
                       {"BillingMode", "PAY_PER_REQUEST"}});
  }
  json first = ok("ListTables", {{"Limit", 2}});
  EXPECT_EQ(first.at("TableNames"), json({"aaa", "bbb"}));
  EXPECT_EQ(first.at("LastEvaluatedTableName"), "bbb");
  json second = ok("ListTables", {{"Limit", 2}, {"ExclusiveStartTableName", "bbb"}});
  EXPECT_EQ(second.at("TableNames"), json({"ccc"}));
  EXPECT_FALSE(second.contains("LastEvaluatedTableName"));
  json e = fails("ListTables", R"({"Limit":0})");
  EXPECT_EQ(e.at("message"),
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or "
            "equal to 1");
}

TEST_F(dynamodbDispatchTest, DeleteTableAnswersDeletingThenTheTableIsGone) {
  create_hits_table();
  json d = ok("DeleteTable", {{"TableName", "hits"}}).at("TableDescription");
  EXPECT_EQ(d.at("TableName"), "hits");
  EXPECT_EQ(d.at("TableStatus"), "DELETING");
  json e = fails("DescribeTable", R"({"TableName":"hits"})");
  EXPECT_EQ(e.at("__type"), kNotFound);
  EXPECT_EQ(ok("ListTables", json::object()).at("TableNames"), json::array());
}

// --- items --------------------------------------------------------------------------------

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

// --- Query and Scan -----------------------------------------------------------------------

TEST_F(dynamodbDispatchTest, QueryPagesWithLastEvaluatedKey) {
  create_threads_table();
  for (int seq = 1; seq <= 5; ++seq) put_post("f", seq, "ann");
  put_post("other", 1, "ann");
  json request{{"TableName", "threads"},
               {"KeyConditionExpression", "forum = :f AND seq >= :low"},
               {"ExpressionAttributeValues", {{":f", {{"S", "f"}}}, {":low", {{"N", "2"}}}}},
               {"Limit", 2}};
  std::vector<std::string> seen;
  int pages = 0;
  while (true) {
    json page = ok("Query", request);
    ++pages;
    EXPECT_EQ(page.at("Count"), page.at("Items").size());
    for (const auto& item : page.at("Items")) seen.push_back(item.at("seq").at("N"));
    if (!page.contains("LastEvaluatedKey")) break;
    EXPECT_EQ(page.at("LastEvaluatedKey").size(), 2u);  // the table key: forum and seq
    request["ExclusiveStartKey"] = page.at("LastEvaluatedKey");
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"2", "3", "4", "5"}));
  EXPECT_EQ(pages, 2);  // the second page ends exactly at the last item
}

TEST_F(dynamodbDispatchTest, QueryBackwardsFilteredAndCounted) {
  create_threads_table();
  for (int seq = 1; seq <= 4; ++seq) put_post("f", seq, seq % 2 ? "ann" : "bob");
  json backwards = ok("Query", {{"TableName", "threads"},
                                {"KeyConditionExpression", "forum = :f"},
                                {"ExpressionAttributeValues", {{":f", {{"S", "f"}}}}},
                                {"ScanIndexForward", false},
                                {"ProjectionExpression", "seq"}});
  ASSERT_EQ(backwards.at("Items").size(), 4u);
  EXPECT_EQ(backwards.at("Items")[0], json::parse(R"({"seq":{"N":"4"}})"));
  json counted = ok("Query", {{"TableName", "threads"},
                              {"KeyConditionExpression", "forum = :f"},
                              {"FilterExpression", "author = :a"},
                              {"ExpressionAttributeValues", {{":f", {{"S", "f"}}}, {":a", {{"S", "bob"}}}}},
                              {"Select", "COUNT"}});
  EXPECT_EQ(counted.at("Count"), 2);
  EXPECT_EQ(counted.at("ScannedCount"), 4);
  EXPECT_FALSE(counted.contains("Items"));
}

TEST_F(dynamodbDispatchTest, QueryReadsAGlobalSecondaryIndex) {
  create_threads_table();
  put_post("f", 1, "ann");
  put_post("g", 2, "ann");
  put_post("f", 3, "bob");
  json page = ok("Query", {{"TableName", "threads"},
                           {"IndexName", "by-author"},
                           {"KeyConditionExpression", "author = :a"},
                           {"ExpressionAttributeValues", {{":a", {{"S", "ann"}}}}}});
  EXPECT_EQ(page.at("Count"), 2);
  for (const auto& item : page.at("Items")) {
    EXPECT_EQ(item.at("author").at("S"), "ann");
    EXPECT_FALSE(item.contains("body"));  // not projected into the index
  }
  json e = fails("Query", json{{"TableName", "threads"},
                               {"IndexName", "by-author"},
                               {"KeyConditionExpression", "author = :a"},
                               {"ExpressionAttributeValues", {{":a", {{"S", "ann"}}}}},
                               {"ConsistentRead", true}}
                               .dump());
  EXPECT_EQ(e.at("message"), "Consistent reads are not supported on global secondary indexes");
}

TEST_F(dynamodbDispatchTest, QueryNeedsAKeyCondition) {
  create_threads_table();
  json e = fails("Query", R"({"TableName":"threads"})");
  EXPECT_EQ(e.at("__type"), kValidation);
  EXPECT_EQ(e.at("message"), "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
}

TEST_F(dynamodbDispatchTest, ScanSegmentsSplitTheTableWithoutOverlap) {
  create_hits_table();
  for (int i = 0; i < 20; ++i) ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/p" + std::to_string(i)}}}}}});
  std::set<std::string> seen;
  std::size_t total = 0;
  for (int segment = 0; segment < 3; ++segment) {
    json page = ok("Scan", {{"TableName", "hits"}, {"Segment", segment}, {"TotalSegments", 3}});
    total += page.at("Count").get<std::size_t>();
    for (const auto& item : page.at("Items")) seen.insert(item.at("path").at("S").get<std::string>());
    EXPECT_LT(page.at("Count").get<int>(), 20);  // no segment holds everything
  }
  EXPECT_EQ(total, 20u);
  EXPECT_EQ(seen.size(), 20u);
  json e = fails("Scan", R"({"TableName":"hits","Segment":3,"TotalSegments":3})");
  EXPECT_EQ(e.at("message"),
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than "
            "TotalSegments: 3");
}

TEST_F(dynamodbDispatchTest, ScanFiltersAndPages) {
  create_hits_table();
  for (int i = 0; i < 6; ++i) {
    ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/p" + std::to_string(i)}}}, {"n", {{"N", std::to_string(i)}}}}}});
  }
  json page = ok("Scan", {{"TableName", "hits"},
                          {"FilterExpression", "n >= :three"},
                          {"ExpressionAttributeValues", {{":three", {{"N", "3"}}}}},
                          {"Limit", 4}});
  EXPECT_EQ(page.at("ScannedCount"), 4);
  EXPECT_LE(page.at("Count").get<int>(), 4);
  EXPECT_TRUE(page.contains("LastEvaluatedKey"));
}

// --- batches ------------------------------------------------------------------------------

TEST_F(dynamodbDispatchTest, BatchWriteThenBatchGet) {
  create_hits_table();
  ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/old"}}}}}});
  json written = ok("BatchWriteItem", json::parse(R"({"RequestItems": {"hits": [
      {"PutRequest": {"Item": {"path": {"S": "/a"}, "v": {"N": "1"}}}},
      {"PutRequest": {"Item": {"path": {"S": "/b"}, "v": {"N": "2"}}}},
      {"DeleteRequest": {"Key": {"path": {"S": "/old"}}}}]}})"));
  EXPECT_EQ(written, json::parse(R"({"UnprocessedItems":{}})"));

  json got = ok("BatchGetItem", json::parse(R"({"RequestItems": {"hits": {
      "Keys": [{"path": {"S": "/a"}}, {"path": {"S": "/b"}}, {"path": {"S": "/old"}}],
      "ProjectionExpression": "v"}}})"));
  EXPECT_EQ(got.at("UnprocessedKeys"), json::object());
  std::multiset<std::string> values;
  for (const auto& item : got.at("Responses").at("hits")) values.insert(item.at("v").at("N").get<std::string>());
  EXPECT_EQ(values, (std::multiset<std::string>{"1", "2"}));  // /old was deleted
}

TEST_F(dynamodbDispatchTest, BatchWriteRefusesMoreThanTwentyFiveRequestsAndWritesNothing) {
  create_hits_table();
  json requests = json::array();
  for (int i = 0; i < 26; ++i) requests.push_back({{"PutRequest", {{"Item", {{"path", {{"S", "/p" + std::to_string(i)}}}}}}}});
  json e = fails("BatchWriteItem", json{{"RequestItems", {{"hits", requests}}}}.dump());
  EXPECT_EQ(e.at("__type"), kValidation);
  EXPECT_EQ(e.at("message"), "Too many items requested for the BatchWriteItem call");
  EXPECT_EQ(ok("Scan", {{"TableName", "hits"}}).at("Count"), 0);
}

TEST_F(dynamodbDispatchTest, BatchWriteWithABadItemWritesNothing) {
  create_hits_table();
  json e = fails("BatchWriteItem", R"({"RequestItems": {"hits": [
      {"PutRequest": {"Item": {"path": {"S": "/ok"}}}},
      {"PutRequest": {"Item": {"wrong": {"S": "/x"}}}}]}})");
  EXPECT_EQ(e.at("message"), "One or more parameter values were invalid: Missing the key path in the item");
  EXPECT_EQ(ok("Scan", {{"TableName", "hits"}}).at("Count"), 0);
  e = fails("BatchGetItem", R"({"RequestItems":{"hits":{"Keys":[{"path":{"S":"/a"}},{"path":{"S":"/a"}}]}}})");
  EXPECT_EQ(e.at("message"), "Provided list of item keys contains duplicates");
}

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
