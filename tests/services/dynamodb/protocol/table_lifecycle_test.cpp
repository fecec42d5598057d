// CREATING and DELETING as DynamoDB has them: what each call may do while a table is in them.
#include <chrono>

#include "services/dynamodb/model/shortcuts.hpp"
#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

constexpr const char* kInUse = "com.amazonaws.dynamodb.v20120810#ResourceInUseException";

class dynamodbLifecycleTest : public dynamodbDispatchTest {
 protected:
  void SetUp() override { access_.set_lifecycle(std::chrono::milliseconds{500}, std::chrono::milliseconds{300}); }

  std::string status(const std::string& table) {
    return ok("DescribeTable", {{"TableName", table}}).at("Table").at("TableStatus").get<std::string>();
  }
};

TEST_F(dynamodbLifecycleTest, ACreatingTableIsDescribedAndListedButRefusesItemCalls) {
  json d = create_threads_table();
  EXPECT_EQ(d.at("TableStatus"), "CREATING");
  json described = ok("DescribeTable", {{"TableName", "threads"}}).at("Table");
  EXPECT_EQ(described.at("TableStatus"), "CREATING");
  EXPECT_EQ(described.at("GlobalSecondaryIndexes")[0].at("IndexStatus"), "CREATING");
  EXPECT_EQ(ok("ListTables", json::object()).at("TableNames"), json::array({"threads"}));

  const char* key = R"("Key":{"forum":{"S":"f"},"seq":{"N":"1"}})";
  const std::string item = R"({"TableName":"threads","Item":{"forum":{"S":"f"},"seq":{"N":"1"}}})";
  for (auto [operation, body] : std::initializer_list<std::pair<const char*, std::string>>{
           {"GetItem", std::string{R"({"TableName":"threads",)"} + key + "}"},
           {"PutItem", item},
           {"DeleteItem", std::string{R"({"TableName":"threads",)"} + key + "}"},
           {"UpdateItem", std::string{R"({"TableName":"threads",)"} + key + "}"},
           {"Query", R"({"TableName":"threads","KeyConditionExpression":"forum = :f","ExpressionAttributeValues":{":f":{"S":"f"}}})"},
           {"Scan", R"({"TableName":"threads"})"},
           {"BatchGetItem", std::string{R"({"RequestItems":{"threads":{"Keys":[{"forum":{"S":"f"},"seq":{"N":"1"}}]}}})"}},
           {"BatchWriteItem", R"({"RequestItems":{"threads":[{"PutRequest":{"Item":{"forum":{"S":"f"},"seq":{"N":"1"}}}}]}})"}}) {
    json e = fails(operation, body);
    EXPECT_EQ(e.at("__type"), kNotFound) << operation;
    EXPECT_EQ(e.at("message"), "Requested resource not found") << operation;
  }
  json e = fails("DeleteTable", R"({"TableName":"threads"})");
  EXPECT_EQ(e.at("__type"), kInUse);
  EXPECT_EQ(e.at("message"), "Attempt to change a resource which is still in use: Table is being created: threads");

  clock_.advance(std::chrono::milliseconds{499});
  EXPECT_EQ(status("threads"), "CREATING");
  clock_.advance(std::chrono::milliseconds{1});
  json active = ok("DescribeTable", {{"TableName", "threads"}}).at("Table");
  EXPECT_EQ(active.at("TableStatus"), "ACTIVE");
  EXPECT_EQ(active.at("GlobalSecondaryIndexes")[0].at("IndexStatus"), "ACTIVE");
  ok("PutItem", json::parse(item));
  EXPECT_EQ(ok("Scan", {{"TableName", "threads"}}).at("Count"), 1);
}

TEST_F(dynamodbLifecycleTest, TagsMayBeChangedWhileATableIsCreating) {
  json d = create_threads_table();
  ok("TagResource", {{"ResourceArn", d.at("TableArn")}, {"Tags", {{{"Key", "team"}, {"Value", "a"}}}}});
  EXPECT_EQ(ok("ListTagsOfResource", {{"ResourceArn", d.at("TableArn")}}).at("Tags").size(), 1u);
}

TEST_F(dynamodbLifecycleTest, ADeletedTableStaysDeletingForItsDelayThenIsGone) {
  create_hits_table();
  clock_.advance(std::chrono::seconds{1});
  ok("PutItem", {{"TableName", "hits"}, {"Item", {{"path", {{"S", "/a"}}}}}});
  json d = ok("DeleteTable", {{"TableName", "hits"}}).at("TableDescription");
  EXPECT_EQ(d.at("TableStatus"), "DELETING");
  EXPECT_EQ(d.at("ItemCount"), 1);

  EXPECT_EQ(status("hits"), "DELETING");
  EXPECT_EQ(ok("ListTables", json::object()).at("TableNames"), json::array({"hits"}));
  // Deleting again is no error while it lasts (AWS's rule for a table already DELETING).
  EXPECT_EQ(ok("DeleteTable", {{"TableName", "hits"}}).at("TableDescription").at("TableStatus"), "DELETING");
  json e = fails("GetItem", R"({"TableName":"hits","Key":{"path":{"S":"/a"}}})");
  EXPECT_EQ(e.at("__type"), kNotFound);
  json again = fails("CreateTable", json{{"TableName", "hits"},
                                        {"KeySchema", {{{"AttributeName", "path"}, {"KeyType", "HASH"}}}},
                                        {"AttributeDefinitions", {{{"AttributeName", "path"}, {"AttributeType", "S"}}}},
                                        {"BillingMode", "PAY_PER_REQUEST"}}
                                        .dump());
  EXPECT_EQ(again.at("__type"), kInUse);
  EXPECT_EQ(again.at("message"), "Attempt to change a resource which is still in use: Table is being deleted: hits");

  clock_.advance(std::chrono::milliseconds{300});
  EXPECT_EQ(fails("DescribeTable", R"({"TableName":"hits"})").at("__type"), kNotFound);
  EXPECT_EQ(fails("DeleteTable", R"({"TableName":"hits"})").at("__type"), kNotFound);
  EXPECT_EQ(ok("ListTables", json::object()).at("TableNames"), json::array());
  create_hits_table();  // the name is free again
  EXPECT_EQ(status("hits"), "CREATING");
}

TEST_F(dynamodbLifecycleTest, ListTablesPagesOverLiveAndDeletingTablesInOneOrder) {
  for (const char* name : {"aaa", "bbb", "ccc", "ddd"}) {
    ok("CreateTable", {{"TableName", name},
                       {"KeySchema", {{{"AttributeName", "k"}, {"KeyType", "HASH"}}}},
                       {"AttributeDefinitions", {{{"AttributeName", "k"}, {"AttributeType", "S"}}}},
                       {"BillingMode", "PAY_PER_REQUEST"}});
  }
  clock_.advance(std::chrono::seconds{1});
  ok("DeleteTable", {{"TableName", "bbb"}});
  json first = ok("ListTables", {{"Limit", 2}});
  EXPECT_EQ(first.at("TableNames"), json::array({"aaa", "bbb"}));
  EXPECT_EQ(first.at("LastEvaluatedTableName"), "bbb");
  json rest = ok("ListTables", {{"Limit", 2}, {"ExclusiveStartTableName", "bbb"}});
  EXPECT_EQ(rest.at("TableNames"), json::array({"ccc", "ddd"}));
  EXPECT_FALSE(rest.contains("LastEvaluatedTableName"));
}

TEST_F(dynamodbLifecycleTest, UpdateTableAddsAGlobalIndexThatBackfillsFromTheItems) {
  create_threads_table();
  clock_.advance(std::chrono::seconds{1});
  put_post("f", 1, "ann");
  put_post("f", 2, "bob");
  ok("PutItem", json::parse(R"({"TableName":"threads","Item":{"forum":{"S":"g"},"seq":{"N":"3"},"title":{"S":"t3"},"topic":{"S":"news"}}})"));
  json answer = ok("UpdateTable", json::parse(R"({"TableName":"threads",
      "AttributeDefinitions":[{"AttributeName":"topic","AttributeType":"S"}],
      "GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-topic","KeySchema":[{"AttributeName":"topic","KeyType":"HASH"}],
          "Projection":{"ProjectionType":"KEYS_ONLY"},"ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}}}]})"));
  const json& d = answer.at("TableDescription");
  EXPECT_EQ(d.at("TableStatus"), "UPDATING");
  ASSERT_EQ(d.at("GlobalSecondaryIndexes").size(), 2u);
  json added = d.at("GlobalSecondaryIndexes")[1];
  EXPECT_EQ(added.at("IndexName"), "by-topic");
  EXPECT_EQ(added.at("IndexStatus"), "CREATING");
  EXPECT_EQ(added.at("Backfilling"), true);
  EXPECT_EQ(d.at("GlobalSecondaryIndexes")[0].at("IndexStatus"), "ACTIVE");
  json again = fails("UpdateTable", R"({"TableName":"threads","BillingMode":"PAY_PER_REQUEST"})");
  EXPECT_EQ(again.at("message"), "Attempt to change a resource which is still in use: Table is being updated: threads");

  clock_.advance(std::chrono::milliseconds{500});
  json active = ok("DescribeTable", {{"TableName", "threads"}}).at("Table");
  EXPECT_EQ(active.at("TableStatus"), "ACTIVE");
  EXPECT_EQ(active.at("GlobalSecondaryIndexes")[1].at("IndexStatus"), "ACTIVE");
  EXPECT_FALSE(active.at("GlobalSecondaryIndexes")[1].contains("Backfilling"));
  EXPECT_EQ(active.at("GlobalSecondaryIndexes")[1].at("ItemCount"), 1);
  json found = ok("Query", json::parse(R"({"TableName":"threads","IndexName":"by-topic","KeyConditionExpression":"topic = :t",
      "ExpressionAttributeValues":{":t":{"S":"news"}}})"));
  EXPECT_EQ(found.at("Items"), json::parse(R"([{"forum":{"S":"g"},"seq":{"N":"3"},"topic":{"S":"news"}}])"));

  // The other index goes; the attribute only it used goes from the definitions.
  json removed = ok("UpdateTable", json::parse(R"({"TableName":"threads","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"by-author"}}]})"));
  std::vector<std::string> names;
  for (const auto& a : removed.at("TableDescription").at("AttributeDefinitions")) names.push_back(a.at("AttributeName"));
  EXPECT_EQ(names, (std::vector<std::string>{"forum", "seq", "title", "topic"}));
  clock_.advance(std::chrono::milliseconds{500});
  EXPECT_EQ(fails("Query", R"({"TableName":"threads","IndexName":"by-author","KeyConditionExpression":"author = :a",
      "ExpressionAttributeValues":{":a":{"S":"ann"}}})").at("message"), "The table does not have the specified index: by-author");
}

TEST_F(dynamodbLifecycleTest, UpdateTableIsRefusedInDynamoDBsWords) {
  create_threads_table();  // PROVISIONED 5/7
  auto message = [&](const char* body) { return fails("UpdateTable", body).at("message").get<std::string>(); };
  EXPECT_EQ(message(R"({"TableName":"threads","BillingMode":"PAY_PER_REQUEST"})"),
            "Attempt to change a resource which is still in use: Table is being created: threads");
  clock_.advance(std::chrono::seconds{1});
  EXPECT_EQ(message(R"({"TableName":"threads"})"),
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or "
            "ReplicaUpdates is required");
  EXPECT_EQ(message(R"({"TableName":"threads","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":7}})"),
            "The provisioned throughput for the table will not change. The requested value equals the current value. Current "
            "ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the "
            "table: 7. Requested WriteCapacityUnits: 7. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request "
            "higher limits.");
  EXPECT_EQ(message(R"({"TableName":"threads","BillingMode":"PAY_PER_REQUEST","ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})"),
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
            "PAY_PER_REQUEST");
  EXPECT_EQ(message(R"({"TableName":"threads","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"nope"}}]})"),
            "Requested resource not found: Index: nope not found");
  EXPECT_EQ(message(R"({"TableName":"threads","GlobalSecondaryIndexUpdates":[{"Delete":{"IndexName":"by-author"}},{"Delete":{"IndexName":"x"}}]})"),
            "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table");
  EXPECT_EQ(message(R"({"TableName":"threads","GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-x","KeySchema":[{"AttributeName":"x","KeyType":"HASH"}],
      "Projection":{"ProjectionType":"ALL"}}}]})"),
            "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [x], "
            "AttributeDefinitions: []");
  EXPECT_EQ(message(R"({"TableName":"threads","AttributeDefinitions":[{"AttributeName":"author","AttributeType":"S"}],
      "GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"by-author","KeySchema":[{"AttributeName":"author","KeyType":"HASH"}],
      "Projection":{"ProjectionType":"ALL"}}}]})"),
            "Attempting to create an index which already exists");
  EXPECT_EQ(fails("UpdateTable", R"({"TableName":"nope","BillingMode":"PAY_PER_REQUEST"})").at("message"),
            "Requested resource not found: Table: nope not found");
  // Then a change that holds: on-demand, its throughput gone.
  json d = ok("UpdateTable", {{"TableName", "threads"}, {"BillingMode", "PAY_PER_REQUEST"}}).at("TableDescription");
  EXPECT_EQ(d.at("BillingModeSummary").at("BillingMode"), "PAY_PER_REQUEST");
  EXPECT_EQ(d.at("ProvisionedThroughput").at("ReadCapacityUnits"), 0);
}

TEST_F(dynamodbLifecycleTest, ATopologyReplacingItsTableTakesTheNameAtOnce) {
  // --watch and stack updates delete a changed table and make it again in one step.
  create_hits_table();
  clock_.advance(std::chrono::seconds{1});
  ASSERT_TRUE(access_.delete_table("hits"));
  EXPECT_EQ(status("hits"), "DELETING");
  model::TableDefinition again = model::simple_table("hits", "path", "S", "", "");
  auto made = access_.create_table(again, {}, model::Activation::Now);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(status("hits"), "ACTIVE");
}

TEST_F(dynamodbLifecycleTest, AnUpdatingTableIsNotDeletedAndKeepsItsLatestStreamArn) {
  create_hits_table();
  clock_.advance(std::chrono::seconds{1});
  std::string arn = ok("UpdateTable", json::parse(R"({"TableName":"hits","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"}})"))
                        .at("TableDescription").at("LatestStreamArn");
  EXPECT_EQ(fails("DeleteTable", R"({"TableName":"hits"})").at("message"),
            "Attempt to change a resource which is still in use: Table is being updated: hits");
  clock_.advance(std::chrono::seconds{1});
  json off = ok("UpdateTable", json::parse(R"({"TableName":"hits","StreamSpecification":{"StreamEnabled":false}})")).at("TableDescription");
  EXPECT_FALSE(off.contains("StreamSpecification"));
  EXPECT_EQ(off.at("LatestStreamArn"), arn);
}

}  // namespace
}  // namespace localray::dynamodb::protocol
