// The legacy parameters through the operations: Expected on writes, AttributeUpdates, KeyConditions,
// QueryFilter and ScanFilter, and the refusal to mix them with expressions.
#include "tests/services/dynamodb/protocol/dynamodb_protocol_fixture.hpp"

namespace localray::dynamodb::protocol {
namespace {

TEST_F(dynamodbDispatchTest, ExpectedGuardsPutUpdateAndDelete) {
  create_hits_table();
  ok("PutItem", J(R"({"TableName":"hits","Item":{"path":{"S":"/a"},"state":{"S":"new"}},"Expected":{"path":{"Exists":false}}})"));
  json again = fails("PutItem", R"({"TableName":"hits","Item":{"path":{"S":"/a"}},"Expected":{"path":{"Exists":false}}})");
  EXPECT_EQ(again.at("__type"), "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException");
  EXPECT_EQ(again.at("message"), "The conditional request failed");

  json stale = fails("UpdateItem", R"({"TableName":"hits","Key":{"path":{"S":"/a"}},
      "AttributeUpdates":{"state":{"Value":{"S":"done"}}},
      "Expected":{"state":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"old"}]},
                  "path":{"ComparisonOperator":"NOT_NULL"}},
      "ConditionalOperator":"AND"})");
  EXPECT_EQ(stale.at("message"), "The conditional request failed");
  json updated = ok("UpdateItem", J(R"({"TableName":"hits","Key":{"path":{"S":"/a"}},
      "AttributeUpdates":{"state":{"Value":{"S":"done"}}},
      "Expected":{"state":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"old"}]},
                  "path":{"ComparisonOperator":"NOT_NULL"}},
      "ConditionalOperator":"OR","ReturnValues":"UPDATED_NEW"})"));
  EXPECT_EQ(updated.at("Attributes"), J(R"({"state":{"S":"done"}})"));

  fails("DeleteItem", R"({"TableName":"hits","Key":{"path":{"S":"/a"}},"Expected":{"state":{"Value":{"S":"new"}}}})");
  ok("DeleteItem", J(R"({"TableName":"hits","Key":{"path":{"S":"/a"}},"Expected":{"state":{"Value":{"S":"done"}}}})"));
  EXPECT_EQ(ok("GetItem", J(R"({"TableName":"hits","Key":{"path":{"S":"/a"}}})")), json::object());
}

TEST_F(dynamodbDispatchTest, AttributeUpdatesPutAddAndDelete) {
  create_hits_table();
  ok("PutItem", J(R"({"TableName":"hits","Item":{"path":{"S":"/a"},"n":{"N":"1"},"tags":{"SS":["a","b"]},"old":{"S":"x"}}})"));
  json out = ok("UpdateItem", J(R"({"TableName":"hits","Key":{"path":{"S":"/a"}},"ReturnValues":"ALL_NEW","AttributeUpdates":{
      "n":{"Action":"ADD","Value":{"N":"4"}},
      "tags":{"Action":"DELETE","Value":{"SS":["a"]}},
      "log":{"Action":"ADD","Value":{"L":[{"S":"first"}]}},
      "old":{"Action":"DELETE"},
      "name":{"Action":"PUT","Value":{"S":"ann"}}}})"));
  EXPECT_EQ(out.at("Attributes"),
            J(R"({"path":{"S":"/a"},"n":{"N":"5"},"tags":{"SS":["b"]},"log":{"L":[{"S":"first"}]},"name":{"S":"ann"}})"));

  // An upsert: the key alone makes the item.
  ok("UpdateItem", J(R"({"TableName":"hits","Key":{"path":{"S":"/b"}},"AttributeUpdates":{"n":{"Action":"ADD","Value":{"N":"2"}}}})"));
  EXPECT_EQ(ok("GetItem", J(R"({"TableName":"hits","Key":{"path":{"S":"/b"}}})")).at("Item"), J(R"({"path":{"S":"/b"},"n":{"N":"2"}})"));

  json mismatch = fails("UpdateItem", R"({"TableName":"hits","Key":{"path":{"S":"/a"}},
      "AttributeUpdates":{"name":{"Action":"ADD","Value":{"N":"1"}}}})");
  EXPECT_EQ(mismatch.at("message"), "Type mismatch for attribute to update");
  json key = fails("UpdateItem", R"({"TableName":"hits","Key":{"path":{"S":"/a"}},"AttributeUpdates":{"path":{"Value":{"S":"/z"}}}})");
  EXPECT_EQ(key.at("message"), "One or more parameter values were invalid: Cannot update attribute path. This attribute is part of the key");
}

TEST_F(dynamodbDispatchTest, MixingLegacyAndExpressionParametersIsRefused) {
  create_hits_table();
  json e = fails("UpdateItem", R"({"TableName":"hits","Key":{"path":{"S":"/a"}},
      "AttributeUpdates":{"n":{"Value":{"N":"1"}}},"UpdateExpression":"SET n = :n","ExpressionAttributeValues":{":n":{"N":"1"}}})");
  EXPECT_EQ(e.at("__type"), kValidation);
  EXPECT_EQ(e.at("message"),
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
            "{AttributeUpdates} Expression parameters: {UpdateExpression}");
  EXPECT_EQ(ok("GetItem", J(R"({"TableName":"hits","Key":{"path":{"S":"/a"}}})")), json::object()) << "nothing was written";
}

TEST_F(dynamodbDispatchTest, QueryWithKeyConditionsAndQueryFilter) {
  create_threads_table();
  for (int seq = 1; seq <= 6; ++seq) put_post("f", seq, seq % 2 ? "ann" : "bob");
  put_post("g", 1, "ann");
  json page = ok("Query", J(R"({"TableName":"threads",
      "KeyConditions":{"forum":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"f"}]},
                       "seq":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"2"},{"N":"5"}]}},
      "QueryFilter":{"author":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"bob"}]}},
      "AttributesToGet":["seq"],"ScanIndexForward":false})"));
  EXPECT_EQ(page.at("Items"), J(R"([{"seq":{"N":"4"}},{"seq":{"N":"2"}}])"));
  EXPECT_EQ(page.at("ScannedCount"), 4);

  json index = ok("Query", J(R"({"TableName":"threads","IndexName":"by-author",
      "KeyConditions":{"author":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"ann"}]}}})"));
  EXPECT_EQ(index.at("Count"), 4);

  // KeyConditions goes with a FilterExpression.
  json mixed = ok("Query", J(R"({"TableName":"threads",
      "KeyConditions":{"forum":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"f"}]}},
      "FilterExpression":"author = :a","ExpressionAttributeValues":{":a":{"S":"ann"}}})"));
  EXPECT_EQ(mixed.at("Count"), 3);

  json on_key = fails("Query", R"({"TableName":"threads",
      "KeyConditions":{"forum":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"f"}]}},
      "QueryFilter":{"seq":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"1"}]}}})");
  EXPECT_EQ(on_key.at("message"), "QueryFilter can only contain non-primary key attributes: Primary key attribute: seq");
  json not_indexable = fails("Query", R"({"TableName":"threads",
      "KeyConditions":{"forum":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"f"}]},
                       "seq":{"ComparisonOperator":"NE","AttributeValueList":[{"N":"1"}]}}})");
  EXPECT_EQ(not_indexable.at("message"), "Attempted conditional constraint is not an indexable operation");
  json hash_range = fails("Query", R"({"TableName":"threads",
      "KeyConditions":{"forum":{"ComparisonOperator":"GT","AttributeValueList":[{"S":"f"}]}}})");
  EXPECT_EQ(hash_range.at("message"), "Query key condition not supported");
  json wrong_type = fails("Query", R"({"TableName":"threads",
      "KeyConditions":{"forum":{"ComparisonOperator":"EQ","AttributeValueList":[{"N":"1"}]}}})");
  EXPECT_EQ(wrong_type.at("message"), "One or more parameter values were invalid: Condition parameter type does not match schema type");
}

TEST_F(dynamodbDispatchTest, ScanWithScanFilterAndConditionalOperator) {
  create_threads_table();
  for (int seq = 1; seq <= 6; ++seq) put_post("f", seq, seq % 2 ? "ann" : "bob");
  json page = ok("Scan", J(R"({"TableName":"threads","ConditionalOperator":"OR","ScanFilter":{
      "seq":{"ComparisonOperator":"IN","AttributeValueList":[{"N":"1"},{"N":"2"}]},
      "author":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"b"}]}}})"));
  EXPECT_EQ(page.at("Count"), 4);  // 1, 2, 4, 6
  EXPECT_EQ(page.at("ScannedCount"), 6);
  json missing = ok("Scan", J(R"({"TableName":"threads","ScanFilter":{"nothing":{"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"x"}]}}})"));
  EXPECT_EQ(missing.at("Count"), 0) << "NOT_CONTAINS needs the attribute";
  json mixed = fails("Scan", R"({"TableName":"threads","ScanFilter":{},"FilterExpression":"seq > :s","ExpressionAttributeValues":{":s":{"N":"4"}}})");
  EXPECT_EQ(mixed.at("message"),
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
            "{ScanFilter} Expression parameters: {FilterExpression}");
}

TEST_F(dynamodbDispatchTest, TransactionActionsIgnoreLegacyMembersOutsideTheirShape) {
  create_hits_table();
  // Expected is not a member of a transaction's Put: AWS ignores unknown members, so the Put runs.
  ok("TransactWriteItems", J(R"({"TransactItems":[{"Put":{"TableName":"hits","Item":{"path":{"S":"/t"}},
      "Expected":{"path":{"ComparisonOperator":"NOT_NULL"}}}}]})"));
  EXPECT_EQ(ok("GetItem", J(R"({"TableName":"hits","Key":{"path":{"S":"/t"}}})")).at("Item"), J(R"({"path":{"S":"/t"}})"));
}

}  // namespace
}  // namespace localray::dynamodb::protocol
