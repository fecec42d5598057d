#include "services/dynamodb/model/table.hpp"

#include <gtest/gtest.h>

#include "services/dynamodb/model/limits.hpp"
#include "tests/services/dynamodb/model/test_support.hpp"

namespace localray::dynamodb::model {
namespace {

using testing::N;
using testing::S;

Table make_table(std::optional<KeyElement> range = std::nullopt) {
  TableDefinition d;
  d.name = "hits";
  d.key.hash = KeyElement{"path", Type::String};
  d.key.range = range;
  d.attribute_definitions.push_back({"path", Type::String});
  if (range) d.attribute_definitions.push_back({range->name, range->type});
  return Table{resolve_definition(d).value(), std::chrono::system_clock::time_point{}};
}

Item key(const std::string& path) { return Item{{"path", S(path)}}; }

UpdateRequest update_request(const std::string& path, expression::ExpressionInput in, ReturnValues r = ReturnValues::None) {
  auto parsed = testing::parse(in);
  UpdateRequest request;
  request.key = key(path);
  request.update = std::move(parsed.update);
  request.condition = std::move(parsed.condition);
  request.return_values = r;
  return request;
}

std::optional<Item> get(const Table& t, const std::string& path) { return t.get_item(GetRequest{key(path), std::nullopt}).value(); }

TEST(dynamodbTableTest, AddOnAbsentItemCreatesItWithOne) {
  Table t = make_table();
  auto result = t.update_item(update_request("/a", {.update = "ADD hits :incr", .values = expression::Values{{":incr", N("1")}}},
                                             ReturnValues::UpdatedNew));
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(*result, (Item{{"hits", N("1")}}));
  EXPECT_EQ(get(t, "/a"), (Item{{"path", S("/a")}, {"hits", N("1")}}));
  EXPECT_EQ(t.item_count(), 1u);
}

TEST(dynamodbTableTest, AddOnPresentItemIncrementsExactly) {
  Table t = make_table();
  ASSERT_TRUE(t.put_item(PutRequest{Item{{"path", S("/big")}, {"hits", N("99999999999999999999999999999999999998")}}}));
  auto incr = [&](const std::string& path) {
    return t.update_item(update_request(path, {.update = "ADD hits :incr", .values = expression::Values{{":incr", N("1")}}}));
  };
  ASSERT_TRUE(incr("/big"));
  EXPECT_EQ(get(t, "/big")->at("hits").as<Number>().to_string(), "99999999999999999999999999999999999999");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(incr("/small"));
  EXPECT_EQ(get(t, "/small")->at("hits"), N("3"));
  // One more on 38 nines needs 39 digits... of which only one is significant: still exact.
  ASSERT_TRUE(incr("/big"));
  EXPECT_EQ(get(t, "/big")->at("hits").as<Number>().to_string(), "1" + std::string(38, '0'));
}

TEST(dynamodbTableTest, FailedConditionLeavesTheItemUntouched) {
  Table t = make_table();
  Item original{{"path", S("/a")}, {"n", N("1")}};
  ASSERT_TRUE(t.put_item(PutRequest{original}));
  auto request = update_request("/a", {.update = "SET n = :two, extra = :two",
                                       .condition = "n = :five",
                                       .values = expression::Values{{":two", N("2")}, {":five", N("5")}}});
  request.return_old_item_on_condition_failure = true;
  auto result = t.update_item(request);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Code::ConditionalCheckFailed);
  EXPECT_EQ(result.error().message, "The conditional request failed");
  ASSERT_TRUE(result.error().item);
  EXPECT_EQ(*result.error().item, original);
  EXPECT_EQ(get(t, "/a"), original);
}

TEST(dynamodbTableTest, UpdateThatFailsHalfwayChangesNothing) {
  Table t = make_table();
  Item original{{"path", S("/a")}, {"s", S("text")}, {"n", N("1")}};
  ASSERT_TRUE(t.put_item(PutRequest{original}));
  auto result = t.update_item(
      update_request("/a", {.update = "SET n = :two, m = s + :two", .values = expression::Values{{":two", N("2")}}}));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message, "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(get(t, "/a"), original);
}

TEST(dynamodbTableTest, ConditionalPutRefusesToOverwriteAndReturnsOldItemOnRequest) {
  Table t = make_table();
  auto parsed = testing::parse({.condition = "attribute_not_exists(#p)", .names = expression::Names{{"#p", "path"}}});
  PutRequest first{Item{{"path", S("/a")}, {"v", N("1")}}, parsed.condition};
  ASSERT_TRUE(t.put_item(first));
  PutRequest second{Item{{"path", S("/a")}, {"v", N("2")}}, parsed.condition};
  auto refused = t.put_item(second);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, Code::ConditionalCheckFailed);
  EXPECT_EQ(refused.error().item, nullptr);  // not asked for
  EXPECT_EQ(get(t, "/a")->at("v"), N("1"));

  auto replaced = t.put_item(PutRequest{Item{{"path", S("/a")}, {"v", N("3")}}, std::nullopt, ReturnValues::AllOld});
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(*replaced, (Item{{"path", S("/a")}, {"v", N("1")}}));
  EXPECT_EQ(get(t, "/a")->at("v"), N("3"));
}

TEST(dynamodbTableTest, DeleteHonoursItsConditionAndReturnsTheOldItem) {
  Table t = make_table();
  ASSERT_TRUE(t.put_item(PutRequest{Item{{"path", S("/a")}, {"v", N("1")}}}));
  auto parsed = testing::parse({.condition = "v = :two", .values = expression::Values{{":two", N("2")}}});
  auto refused = t.delete_item(DeleteRequest{key("/a"), parsed.condition});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, Code::ConditionalCheckFailed);
  EXPECT_EQ(t.item_count(), 1u);

  auto deleted = t.delete_item(DeleteRequest{key("/a"), std::nullopt, ReturnValues::AllOld});
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(*deleted, (Item{{"path", S("/a")}, {"v", N("1")}}));
  EXPECT_EQ(t.item_count(), 0u);
  EXPECT_EQ(t.size_bytes(), 0u);
  EXPECT_FALSE(get(t, "/a").has_value());
}

TEST(dynamodbTableTest, KeysMustMatchTheSchemaInDynamoDbWords) {
  Table t = make_table(KeyElement{"sk", Type::Number});
  auto put = [&](Item item) {
    auto r = t.put_item(PutRequest{std::move(item)});
    return r ? std::string{"<ok>"} : r.error().message;
  };
  EXPECT_EQ(put(Item{{"path", S("/a")}}), "One or more parameter values were invalid: Missing the key sk in the item");
  EXPECT_EQ(put(Item{{"path", S("/a")}, {"sk", S("1")}}),
            "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S");
  EXPECT_EQ(put(Item{{"path", S("")}, {"sk", N("1")}}),
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string "
            "value. Key: path");
  EXPECT_EQ(put(Item{{"path", S("/a")}, {"sk", N("1")}, {"empty", S("")}}), "<ok>");  // empty strings are fine outside keys

  auto get_error = [&](Item k) {
    auto r = t.get_item(GetRequest{std::move(k), std::nullopt});
    return r ? std::string{"<ok>"} : r.error().message;
  };
  EXPECT_EQ(get_error(Item{{"path", S("/a")}}), "The provided key element does not match the schema");
  EXPECT_EQ(get_error(Item{{"path", S("/a")}, {"sk", N("1")}, {"x", N("1")}}), "The provided key element does not match the schema");
  EXPECT_EQ(get_error(Item{{"path", S("/a")}, {"sk", S("1")}}), "The provided key element does not match the schema");
  EXPECT_EQ(get_error(Item{{"path", S("/a")}, {"sk", N("1")}}), "<ok>");
}

TEST(dynamodbTableTest, UpdateMayNotTouchKeyAttributes) {
  Table t = make_table();
  auto result = t.update_item(update_request("/a", {.update = "SET #p = :v", .names = expression::Names{{"#p", "path"}},
                                                    .values = expression::Values{{":v", S("/b")}}}));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message,
            "One or more parameter values were invalid: Cannot update attribute path. This attribute is part of the key");
  EXPECT_EQ(t.item_count(), 0u);
}

TEST(dynamodbTableTest, ItemsOverFourHundredKilobytesAreRejected) {
  Table t = make_table();
  // path (4) + "/a" (2) + big (3) + value: exactly at the limit is allowed.
  std::size_t room = kMaxItemBytes - 4 - 2 - 3;
  EXPECT_TRUE(t.put_item(PutRequest{Item{{"path", S("/a")}, {"big", S(std::string(room, 'x'))}}}));
  auto over = t.put_item(PutRequest{Item{{"path", S("/a")}, {"big", S(std::string(room + 1, 'x'))}}});
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().code, Code::Validation);
  EXPECT_EQ(over.error().message, "Item size has exceeded the maximum allowed size");

  auto grown = t.update_item(update_request("/a", {.update = "SET more = :v", .values = expression::Values{{":v", S("y")}}}));
  ASSERT_FALSE(grown.has_value());
  EXPECT_EQ(grown.error().message, "Item size to update has exceeded the maximum allowed size");
  EXPECT_EQ(get(t, "/a")->count("more"), 0u);
}

TEST(dynamodbTableTest, UpdateReturnValuesShowTheRequestedSide) {
  Table t = make_table();
  ASSERT_TRUE(t.put_item(PutRequest{Item{{"path", S("/a")}, {"a", N("1")}, {"b", N("2")}, {"keep", S("k")}}}));
  expression::ExpressionInput in{.update = "SET a = :ten REMOVE b", .values = expression::Values{{":ten", N("10")}}};
  EXPECT_EQ(t.update_item(update_request("/a", in, ReturnValues::UpdatedOld)).value(), (Item{{"a", N("1")}, {"b", N("2")}}));
  in.values = expression::Values{{":ten", N("11")}};
  in.update = "SET a = :ten";
  EXPECT_EQ(t.update_item(update_request("/a", in, ReturnValues::UpdatedNew)).value(), (Item{{"a", N("11")}}));
  EXPECT_EQ(t.update_item(update_request("/a", in, ReturnValues::AllNew)).value(),
            (Item{{"path", S("/a")}, {"a", N("11")}, {"keep", S("k")}}));
  EXPECT_FALSE(t.update_item(update_request("/a", in, ReturnValues::None)).value().has_value());
}

TEST(dynamodbTableTest, GetAppliesTheProjection) {
  Table t = make_table();
  ASSERT_TRUE(t.put_item(PutRequest{Item{{"path", S("/a")}, {"m", AttributeValue{Map{{"x", N("1")}, {"y", N("2")}}}}, {"z", N("3")}}}));
  auto parsed = testing::parse({.projection = "m.y, z, nothing"});
  auto got = t.get_item(GetRequest{key("/a"), parsed.projection}).value();
  EXPECT_EQ(got, (Item{{"m", AttributeValue{Map{{"y", N("2")}}}}, {"z", N("3")}}));
}

TEST(dynamodbTableTest, SizeBytesFollowsWrites) {
  Table t = make_table();
  Item item{{"path", S("/a")}, {"v", S("12345")}};
  ASSERT_TRUE(t.put_item(PutRequest{item}));
  EXPECT_EQ(t.size_bytes(), item_size(item));
  Item bigger{{"path", S("/a")}, {"v", S("1234567890")}};
  ASSERT_TRUE(t.put_item(PutRequest{bigger}));
  EXPECT_EQ(t.size_bytes(), item_size(bigger));
}

}  // namespace
}  // namespace localray::dynamodb::model

namespace localray::dynamodb::model {
namespace {

Item expiring(const std::string& path, AttributeValue expires) { return Item{{"path", S(path)}, {"expires", std::move(expires)}}; }

std::vector<std::string> paths_of(const std::vector<Item>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(item.at("path").as<std::string>());
  return out;
}

TEST(dynamodbTableTimeToLiveTest, ExpiredItemsGoSoonestFirstAndOthersStay) {
  Table t = make_table();
  const std::int64_t now = 1'700'000'000;
  ASSERT_TRUE(t.put_item(PutRequest{expiring("/past", N("1699999990"))}));
  ASSERT_TRUE(t.put_item(PutRequest{expiring("/now", N("1700000000.7"))}));  // whole seconds: due at `now`
  ASSERT_TRUE(t.put_item(PutRequest{expiring("/future", N("1700000001"))}));
  ASSERT_TRUE(t.put_item(PutRequest{expiring("/millis", N("1699999990000"))}));  // milliseconds: far future
  ASSERT_TRUE(t.put_item(PutRequest{expiring("/ancient", N("1500000000"))}));   // over five years back: left alone
  ASSERT_TRUE(t.put_item(PutRequest{expiring("/text", S("1600000000"))}));      // not a Number
  ASSERT_TRUE(t.put_item(PutRequest{Item{{"path", S("/none")}}}));
  EXPECT_TRUE(t.expire(now, 100).empty()) << "off until set";

  t.set_time_to_live("expires");
  EXPECT_EQ(paths_of(t.expire(now, 1)), std::vector<std::string>{"/past"});
  EXPECT_EQ(paths_of(t.expire(now, 100)), std::vector<std::string>{"/now"});
  EXPECT_TRUE(t.expire(now, 100).empty());
  EXPECT_EQ(t.item_count(), 5u);
  // Changing an item's expiry moves it; removing the attribute takes it out.
  ASSERT_TRUE(t.update_item(update_request("/future", {.update = "SET expires = :soon", .values = expression::Values{{":soon", N("1699999999")}}})));
  ASSERT_TRUE(t.update_item(update_request("/millis", {.update = "REMOVE expires"})));
  EXPECT_EQ(paths_of(t.expire(now, 100)), std::vector<std::string>{"/future"});
  EXPECT_TRUE(t.expire(now + 1'000'000'000'000, 100).empty());

  t.set_time_to_live(std::nullopt);
  ASSERT_TRUE(t.put_item(PutRequest{expiring("/late", N("1"))}));
  EXPECT_TRUE(t.expire(now, 100).empty());
}

TEST(dynamodbTableTimeToLiveTest, ItemsPutBackAndItemsPresentWhenEnabledAreIndexed) {
  Table t = make_table();
  ASSERT_TRUE(t.put_item(PutRequest{expiring("/before", N("100"))}));
  t.set_time_to_live("expires");
  ASSERT_TRUE(t.restore(expiring("/restored", N("200"))));
  ASSERT_TRUE(t.delete_item(DeleteRequest{key("/before")}));
  EXPECT_EQ(paths_of(t.expire(300, 100)), std::vector<std::string>{"/restored"});
  EXPECT_EQ(t.item_count(), 0u);
  EXPECT_EQ(t.size_bytes(), 0u);
}

}  // namespace
}  // namespace localray::dynamodb::model
