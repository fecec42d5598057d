#include "services/dynamodb/model/backend.hpp"

#include <gtest/gtest.h>

#include "tests/services/dynamodb/model/test_support.hpp"

namespace localray::dynamodb::model {
namespace {

using testing::S;

TableDefinition hits_table(const std::string& name = "hits") {
  TableDefinition d;
  d.name = name;
  d.key.hash.name = "path";  // typed from the attribute definitions, as the wire form leaves it
  d.attribute_definitions = {{"path", Type::String}};
  return d;
}

TEST(dynamodbBackendTest, CreatedTableIsDescribedActiveWithItsArnAndTypedKey) {
  tracing::ManualClock clock;
  Backend backend{"eu-west-1", "123456789012", clock};
  auto created = backend.create_table(hits_table());
  ASSERT_TRUE(created.has_value()) << created.error().message;
  auto d = backend.describe_table("hits").value();
  EXPECT_EQ(d.name, "hits");
  EXPECT_EQ(d.arn, "arn:aws:dynamodb:eu-west-1:123456789012:table/hits");
  EXPECT_EQ(d.status, "ACTIVE");
  EXPECT_EQ(d.created, clock.now());
  EXPECT_EQ(d.key.hash, (KeyElement{"path", Type::String}));
  EXPECT_EQ(d.billing_mode, BillingMode::PayPerRequest);
  EXPECT_EQ(d.item_count, 0u);
  EXPECT_EQ(d.id.size(), 36u);
  EXPECT_EQ(d.id, created->id);
}

TEST(dynamodbBackendTest, CreatingAnExistingTableIsResourceInUse) {
  Backend backend{"us-east-1", "000000000000"};
  ASSERT_TRUE(backend.create_table(hits_table()));
  auto again = backend.create_table(hits_table());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, Code::ResourceInUse);
  EXPECT_EQ(again.error().message, "Table already exists: hits");
}

TEST(dynamodbBackendTest, UnknownTableIsResourceNotFoundEverywhere) {
  Backend backend{"us-east-1", "000000000000"};
  for (auto code : {backend.describe_table("nope").error().code, backend.delete_table("nope").error().code,
                    backend.table("nope").error().code}) {
    EXPECT_EQ(code, Code::ResourceNotFound);
  }
  EXPECT_EQ(backend.table("nope").error().message, "Requested resource not found");
}

TEST(dynamodbBackendTest, DescribeCountsItemsWrittenThroughTheTable) {
  Backend backend{"us-east-1", "000000000000"};
  ASSERT_TRUE(backend.create_table(hits_table()));
  auto table = backend.table("hits").value();
  ASSERT_TRUE(table->put_item(PutRequest{Item{{"path", S("/a")}}}));
  ASSERT_TRUE(table->put_item(PutRequest{Item{{"path", S("/b")}}}));
  auto d = backend.describe_table("hits").value();
  EXPECT_EQ(d.item_count, 2u);
  EXPECT_EQ(d.size_bytes, 2u * (4u + 2u));
}

TEST(dynamodbBackendTest, DeletedTableIsGoneAndReportedDeleting) {
  Backend backend{"us-east-1", "000000000000"};
  ASSERT_TRUE(backend.create_table(hits_table()));
  auto deleted = backend.delete_table("hits");
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->status, "DELETING");
  EXPECT_EQ(backend.describe_table("hits").error().code, Code::ResourceNotFound);
  EXPECT_TRUE(backend.create_table(hits_table()));  // the name is free again
}

TEST(dynamodbBackendTest, ListTablesPagesInNameOrder) {
  Backend backend{"us-east-1", "000000000000"};
  for (const char* name : {"eee", "bbb", "aaa", "ddd", "ccc"}) ASSERT_TRUE(backend.create_table(hits_table(name)));
  auto first = backend.list_tables(std::nullopt, 2).value();
  EXPECT_EQ(first.names, (std::vector<std::string>{"aaa", "bbb"}));
  EXPECT_EQ(first.last_evaluated_table_name, "bbb");
  auto second = backend.list_tables(first.last_evaluated_table_name, 2).value();
  EXPECT_EQ(second.names, (std::vector<std::string>{"ccc", "ddd"}));
  auto third = backend.list_tables(second.last_evaluated_table_name, 2).value();
  EXPECT_EQ(third.names, std::vector<std::string>{"eee"});
  EXPECT_FALSE(third.last_evaluated_table_name);
  EXPECT_EQ(backend.list_tables(std::nullopt, std::nullopt).value().names.size(), 5u);
  EXPECT_EQ(backend.list_tables(std::nullopt, 0).error().message,
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than "
            "or equal to 1");
}

TEST(dynamodbBackendTest, CreateTableChecksTheDefinitionAsDynamoDbDoes) {
  Backend backend{"us-east-1", "000000000000"};
  auto message = [&](TableDefinition d) {
    auto r = backend.create_table(std::move(d));
    return r ? std::string{"<ok>"} : r.error().message;
  };
  EXPECT_EQ(message(hits_table("ab")),
            "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater "
            "than or equal to 3");
  EXPECT_EQ(message(hits_table("bad name")),
            "1 validation error detected: Value 'bad name' at 'tableName' failed to satisfy constraint: Member must satisfy regular "
            "expression pattern: [a-zA-Z0-9_.-]+");
  TableDefinition undefined = hits_table();
  undefined.attribute_definitions = {{"other", Type::String}};
  EXPECT_EQ(message(undefined),
            "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [path], "
            "AttributeDefinitions: [other]");
  TableDefinition extra = hits_table();
  extra.attribute_definitions.push_back({"unused", Type::Number});
  EXPECT_EQ(message(extra),
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes "
            "defined in AttributeDefinitions");
  TableDefinition provisioned = hits_table();
  provisioned.billing_mode = BillingMode::Provisioned;
  EXPECT_EQ(message(provisioned),
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode "
            "is PROVISIONED");
  EXPECT_EQ(backend.list_tables(std::nullopt, std::nullopt).value().names.size(), 0u);
}

}  // namespace
}  // namespace localray::dynamodb::model
