#include "services/dynamodb/model/backend.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/system_executor.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "services/dynamodb/model/limits.hpp"
#include "services/dynamodb/model/shortcuts.hpp"

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
  Backend backend{boost::asio::system_executor{}, "eu-west-1", "123456789012", clock};
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
  Backend backend{boost::asio::system_executor{}, "us-east-1", "000000000000"};
  ASSERT_TRUE(backend.create_table(hits_table()));
  auto again = backend.create_table(hits_table());
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, Code::ResourceInUse);
  EXPECT_EQ(again.error().message, "Table already exists: hits");
}

TEST(dynamodbBackendTest, UnknownTableIsResourceNotFoundEverywhere) {
  Backend backend{boost::asio::system_executor{}, "us-east-1", "000000000000"};
  for (auto code : {backend.describe_table("nope").error().code, backend.delete_table("nope").error().code,
                    backend.table("nope").error().code}) {
    EXPECT_EQ(code, Code::ResourceNotFound);
  }
  EXPECT_EQ(backend.table("nope").error().message, "Requested resource not found");
}

TEST(dynamodbBackendTest, DescribeCountsItemsWrittenThroughTheTable) {
  Backend backend{boost::asio::system_executor{}, "us-east-1", "000000000000"};
  ASSERT_TRUE(backend.create_table(hits_table()));
  auto table = backend.table("hits").value();
  ASSERT_TRUE(table->put_item(PutRequest{Item{{"path", S("/a")}}}));
  ASSERT_TRUE(table->put_item(PutRequest{Item{{"path", S("/b")}}}));
  auto d = backend.describe_table("hits").value();
  EXPECT_EQ(d.item_count, 2u);
  EXPECT_EQ(d.size_bytes, 2u * (4u + 2u));
}

TEST(dynamodbBackendTest, DeletedTableIsGoneAndReportedDeleting) {
  Backend backend{boost::asio::system_executor{}, "us-east-1", "000000000000"};
  ASSERT_TRUE(backend.create_table(hits_table()));
  auto deleted = backend.delete_table("hits");
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->status, "DELETING");
  EXPECT_EQ(backend.describe_table("hits").error().code, Code::ResourceNotFound);
  EXPECT_TRUE(backend.create_table(hits_table()));  // the name is free again
}

TEST(dynamodbBackendTest, ListTablesPagesInNameOrder) {
  Backend backend{boost::asio::system_executor{}, "us-east-1", "000000000000"};
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
  Backend backend{boost::asio::system_executor{}, "us-east-1", "000000000000"};
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

TEST(dynamodbBackendTest, UpdatesOfOneTableFromManyThreadsAreSerialisedOnItsStrand) {
  boost::asio::io_context io;
  Backend backend{io.get_executor(), "us-east-1", "000000000000"};
  ASSERT_TRUE(backend.create_table(hits_table()));
  ASSERT_TRUE(backend.create_table(hits_table("other")));
  constexpr int kUpdates = 2000;
  std::atomic<int> failed{0};
  for (int i = 0; i < kUpdates; ++i)
    boost::asio::co_spawn(io, [&, i]() -> boost::asio::awaitable<void> {
      auto r = co_await add_to_counter(backend, i % 2 ? "hits" : "other", "path", "/a", "hits", 1);
      if (!r) ++failed;
    }, boost::asio::detached);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed, 0);
  for (const char* name : {"hits", "other"}) {
    auto item = backend.table(name).value()->get_item(GetRequest{Item{{"path", S("/a")}}, std::nullopt}).value();
    ASSERT_TRUE(item) << name;
    EXPECT_EQ(item->at("hits").as<Number>().to_string(), std::to_string(kUpdates / 2)) << "no update lost on " << name;
  }
}

TEST(dynamodbBackendTest, AScopeKnowsNothingOfATableCreatedAgainUnderItsName) {
  Backend backend{boost::asio::system_executor{}, "us-east-1", "000000000000"};
  ASSERT_TRUE(backend.create_table(hits_table()));
  TableScope scope{backend, backend.handle("hits").value()};
  EXPECT_TRUE(scope.table("hits"));
  EXPECT_EQ(scope.table("other").error().code, Code::ResourceNotFound) << "only the table the operation names";
  ASSERT_TRUE(backend.delete_table("hits"));
  ASSERT_TRUE(backend.create_table(hits_table()));
  EXPECT_EQ(scope.table("hits").error().code, Code::ResourceNotFound);
  EXPECT_EQ(scope.describe_table("hits").error().code, Code::ResourceNotFound);
}

}  // namespace
}  // namespace localray::dynamodb::model

namespace localray::dynamodb::model {
namespace {

// Keeps what tables report, as --persist's copy would.
struct Recorded final : TableChanges {
  std::map<std::string, std::string> tables;  // name -> TableId
  std::map<std::string, Item> items;          // by the hash key's string
  void table_changed(const Table& t, const std::string& id) override { tables[t.definition().name] = id; }
  void table_removed(const Table& t) override { tables.erase(t.definition().name); }
  void item_stored(const Table&, const Item& item) override { items[item.at("path").as<std::string>()] = item; }
  void item_removed(const Table&, const PrimaryKey& key) override { items.erase(key.hash.as<std::string>()); }
};

TEST(dynamodbBackendTest, TablesReportTheirItemsAndARestoredTableKeepsItsIdAndTime) {
  tracing::ManualClock clock;
  auto copy = std::make_shared<Recorded>();
  Backend backend{boost::asio::system_executor{}, "us-east-1", "000000000000", clock};
  backend.set_changes(copy);
  auto created = backend.create_table(hits_table());
  ASSERT_TRUE(created);
  EXPECT_EQ(copy->tables.at("hits"), created->id);
  auto t = backend.table("hits").value();
  ASSERT_TRUE(t->put_item(PutRequest{Item{{"path", S("/a")}, {"v", S("1")}}}));
  ASSERT_TRUE(t->put_item(PutRequest{Item{{"path", S("/b")}}}));
  ASSERT_TRUE(t->delete_item(DeleteRequest{Item{{"path", S("/b")}}}));
  EXPECT_EQ(copy->items.size(), 1u);
  ASSERT_TRUE(backend.delete_table("hits"));
  EXPECT_TRUE(copy->tables.empty());
  ASSERT_TRUE(t->put_item(PutRequest{Item{{"path", S("/late")}}}));
  EXPECT_EQ(copy->items.count("/late"), 0u) << "a deleted table reports nothing more";

  clock.advance(std::chrono::hours{1});
  auto restored = backend.restore_table(hits_table(), created->created, created->id);
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_TRUE((*restored)->table->restore(copy->items.at("/a")));
  EXPECT_FALSE((*restored)->table->restore(Item{{"other", S("x")}})) << "an item without the table's key is refused";
  auto d = backend.describe_table("hits").value();
  EXPECT_EQ(d.id, created->id);
  EXPECT_EQ(d.created, created->created);
  EXPECT_EQ(d.item_count, 1u);
  ASSERT_TRUE((*restored)->table->put_item(PutRequest{Item{{"path", S("/c")}}}));
  EXPECT_EQ(copy->items.count("/c"), 1u) << "a restored table reports its changes";
  EXPECT_FALSE(backend.restore_table(hits_table(), created->created, created->id)) << "the name is taken";
}

}  // namespace
}  // namespace localray::dynamodb::model

namespace localray::dynamodb::model {
namespace {

TEST(dynamodbBackendTest, TablesPastTheQuotaAreLimitExceededInDynamoDBsWords) {
  Backend backend{boost::asio::system_executor{}, "us-east-1", "000000000000"};
  for (std::size_t i = 0; i < kMaxTablesPerRegion; ++i) ASSERT_TRUE(backend.create_table(hits_table("tab" + std::to_string(i))));
  auto more = backend.create_table(hits_table("one-too-many"));
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().code, Code::LimitExceeded);
  EXPECT_EQ(more.error().message, "Subscriber limit exceeded: There is a limit of 2500 tables per subscriber");
  ASSERT_TRUE(backend.delete_table("tab0"));
  EXPECT_TRUE(backend.create_table(hits_table("one-too-many"))) << "a deleted table frees its place";
}

TEST(dynamodbBackendTest, ItemsPastTheMemoryBoundAreRefusedAndDeletesGiveBack) {
  auto budget = std::make_shared<ItemBudget>(1000);
  Backend backend{boost::asio::system_executor{}, "us-east-1", "000000000000"};
  backend.set_item_budget(budget);
  ASSERT_TRUE(backend.create_table(hits_table()));
  auto t = backend.table("hits").value();
  auto item = [](const std::string& path, std::size_t size) { return Item{{"path", S(path)}, {"v", S(std::string(size, 'x'))}}; };
  ASSERT_TRUE(t->put_item(PutRequest{item("/a", 400)}));
  ASSERT_TRUE(t->put_item(PutRequest{item("/b", 400)}));
  EXPECT_EQ(budget->used(), t->size_bytes());
  auto refused = t->put_item(PutRequest{item("/c", 400)});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Code::LimitExceeded);
  EXPECT_EQ(t->item_count(), 2u) << "nothing was written";
  EXPECT_TRUE(t->put_item(PutRequest{item("/a", 100)})) << "a write that shrinks an item always goes through";
  EXPECT_TRUE(t->put_item(PutRequest{item("/c", 250)})) << "what the smaller /a gave back is free again";
  ASSERT_TRUE(t->delete_item(DeleteRequest{Item{{"path", S("/b")}}}));
  EXPECT_EQ(budget->used(), t->size_bytes());
  ASSERT_TRUE(backend.delete_table("hits"));
  t.reset();
  EXPECT_EQ(budget->used(), 0u) << "a deleted table gives all of its items back";
}

}  // namespace
}  // namespace localray::dynamodb::model
