// CreateTable, DescribeTable, ListTables and DeleteTable over the DynamoDB JSON protocol.
#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

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
  EXPECT_EQ(d.at("TableStatus"), "CREATING");  // always, as AWS answers; ACTIVE from the next call here
  EXPECT_EQ(d.at("TableId").get<std::string>().size(), 36u);
  EXPECT_TRUE(d.at("CreationDateTime").is_number());
  EXPECT_EQ(ok("DescribeTable", {{"TableName", "hits"}}).at("Table").at("TableStatus"), "ACTIVE");
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
  EXPECT_EQ(gsi.at("IndexStatus"), "CREATING");  // built with its table
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

TEST_F(dynamodbDispatchTest, TimeToLiveIsTurnedOnAndOffAndExpiredItemsGo) {
  create_hits_table();
  EXPECT_EQ(ok("DescribeTimeToLive", {{"TableName", "hits"}}), json::parse(R"({"TimeToLiveDescription":{"TimeToLiveStatus":"DISABLED"}})"));
  json on = ok("UpdateTimeToLive", {{"TableName", "hits"}, {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", "expires"}}}});
  EXPECT_EQ(on, json::parse(R"({"TimeToLiveSpecification":{"AttributeName":"expires","Enabled":true}})"));
  EXPECT_EQ(ok("DescribeTimeToLive", {{"TableName", "hits"}}),
            json::parse(R"({"TimeToLiveDescription":{"TimeToLiveStatus":"ENABLED","AttributeName":"expires"}})"));

  // The fixture's clock stands at 1,700,000,000 s.
  ok("PutItem", json::parse(R"({"TableName":"hits","Item":{"path":{"S":"/gone"},"expires":{"N":"1699999999"}}})"));
  ok("PutItem", json::parse(R"({"TableName":"hits","Item":{"path":{"S":"/kept"},"expires":{"N":"1700000060"}}})"));
  EXPECT_EQ(access_.expire_items(), 1u);
  EXPECT_EQ(ok("Scan", {{"TableName", "hits"}}).at("Count"), 1);
  clock_.advance(std::chrono::seconds{60});
  EXPECT_EQ(access_.expire_items(), 1u);
  EXPECT_EQ(ok("Scan", {{"TableName", "hits"}}).at("Count"), 0);

  auto message = [&](const json& body) { return fails("UpdateTimeToLive", body.dump()).at("message").get<std::string>(); };
  EXPECT_EQ(message({{"TableName", "hits"}, {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", "other"}}}}),
            "TimeToLive is already enabled");
  ok("UpdateTimeToLive", {{"TableName", "hits"}, {"TimeToLiveSpecification", {{"Enabled", false}, {"AttributeName", "expires"}}}});
  EXPECT_EQ(message({{"TableName", "hits"}, {"TimeToLiveSpecification", {{"Enabled", false}, {"AttributeName", "expires"}}}}),
            "TimeToLive is already disabled");
  EXPECT_EQ(message({{"TableName", "hits"}, {"TimeToLiveSpecification", {{"Enabled", true}}}}),
            "1 validation error detected: Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(message({{"TableName", "hits"}, {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", ""}}}}),
            "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length "
            "greater than or equal to 1");
  json missing = fails("UpdateTimeToLive", json{{"TableName", "nope"}, {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", "e"}}}}.dump());
  EXPECT_EQ(missing.at("__type"), kNotFound);
  EXPECT_EQ(missing.at("message"), "Requested resource not found: Table: nope not found");
  EXPECT_EQ(fails("DescribeTable", R"({"TableName":"nope"})").at("message"), "Requested resource not found: Table: nope not found");
}

}  // namespace
}  // namespace localray::dynamodb::protocol
