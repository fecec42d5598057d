#include "services/dynamodb/model/expression/update.hpp"

#include <gtest/gtest.h>

#include "tests/services/dynamodb/model/test_support.hpp"

namespace localray::dynamodb::model::expression {
namespace {

using testing::N;
using testing::S;

// Applies `update` (with the given values) to `item`; the test expects it to succeed.
Item updated(const Item& item, const std::string& update, Values values = {}, std::optional<Names> names = std::nullopt) {
  ExpressionInput in;
  in.update = update;
  if (!values.empty()) in.values = std::move(values);
  in.names = std::move(names);
  auto parsed = testing::parse(in);
  if (!parsed.update) return {};
  auto result = apply_update(*parsed.update, item);
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  return result ? *result : Item{};
}

std::string update_error(const Item& item, const std::string& update, Values values = {}) {
  ExpressionInput in;
  in.update = update;
  if (!values.empty()) in.values = std::move(values);
  auto parsed = testing::parse(in);
  if (!parsed.update) return "<parse failed>";
  auto result = apply_update(*parsed.update, item);
  return result ? "<no error>" : result.error().message;
}

TEST(dynamodbUpdateTest, AddOnAbsentNumberStartsFromZero) {
  Item out = updated(Item{{"path", S("/a")}}, "ADD hits :incr", {{":incr", N("1")}});
  EXPECT_EQ(out, (Item{{"path", S("/a")}, {"hits", N("1")}}));
}

TEST(dynamodbUpdateTest, AddOnPresentNumberAddsExactly) {
  EXPECT_EQ(updated(Item{{"hits", N("41")}}, "ADD hits :incr", {{":incr", N("1")}}).at("hits"), N("42"));
  EXPECT_EQ(updated(Item{{"hits", N("99999999999999999999999999999999999998")}}, "ADD hits :incr", {{":incr", N("1")}}).at("hits"),
            N("99999999999999999999999999999999999999"));
  EXPECT_EQ(updated(Item{{"x", N("0.1")}}, "ADD x :d", {{":d", N("0.2")}}).at("x").as<Number>().to_string(), "0.3");
  EXPECT_EQ(updated(Item{{"x", N("5")}}, "ADD x :d", {{":d", N("-7")}}).at("x"), N("-2"));
}

TEST(dynamodbUpdateTest, AddUnionsSetsAndDeleteRemovesElements) {
  Item item{{"tags", AttributeValue{StringSet{{"a", "b"}}}}};
  EXPECT_EQ(updated(item, "ADD tags :t", {{":t", AttributeValue{StringSet{{"b", "c"}}}}}).at("tags"),
            AttributeValue(StringSet{{"a", "b", "c"}}));
  EXPECT_EQ(updated(item, "DELETE tags :t", {{":t", AttributeValue{StringSet{{"a", "z"}}}}}).at("tags"), AttributeValue(StringSet{{"b"}}));
  // DynamoDB has no empty sets: deleting every element removes the attribute.
  EXPECT_EQ(updated(item, "DELETE tags :t", {{":t", AttributeValue{StringSet{{"a", "b"}}}}}).count("tags"), 0u);
  // ADD of a set to a missing attribute creates it.
  EXPECT_EQ(updated(Item{}, "ADD ns :n", {{":n", AttributeValue{NumberSet{{Number::from_integer(3)}}}}}).at("ns"),
            AttributeValue(NumberSet{{Number::from_integer(3)}}));
}

TEST(dynamodbUpdateTest, SetAssignsArithmeticResults) {
  Item out = updated(Item{{"c", N("10")}}, "SET a = :s, c = c + :one, d = :ten - c", {{":s", S("x")}, {":one", N("1")}, {":ten", N("10")}});
  EXPECT_EQ(out.at("a"), S("x"));
  EXPECT_EQ(out.at("c"), N("11"));
  EXPECT_EQ(out.at("d"), N("0"));  // reads c as it was before the update
}

TEST(dynamodbUpdateTest, EveryOperandReadsTheItemAsItWasBeforeTheUpdate) {
  Item out = updated(Item{{"a", S("old")}}, "SET a = :new, b = a", {{":new", S("new")}});
  EXPECT_EQ(out.at("a"), S("new"));
  EXPECT_EQ(out.at("b"), S("old"));
}

TEST(dynamodbUpdateTest, IfNotExistsKeepsAnExistingValueAndOtherwiseUsesTheDefault) {
  Values v{{":zero", N("0")}};
  EXPECT_EQ(updated(Item{{"n", N("5")}}, "SET n = if_not_exists(n, :zero)", v).at("n"), N("5"));
  EXPECT_EQ(updated(Item{}, "SET n = if_not_exists(n, :zero)", v).at("n"), N("0"));
  // The usual counter idiom: missing counts as zero.
  Values w{{":zero", N("0")}, {":one", N("1")}};
  EXPECT_EQ(updated(Item{}, "SET n = if_not_exists(n, :zero) + :one", w).at("n"), N("1"));
}

TEST(dynamodbUpdateTest, ListAppendConcatenatesInTheGivenOrder) {
  Item item{{"l", AttributeValue{List{S("a")}}}};
  Values v{{":more", AttributeValue{List{S("b"), S("c")}}}};
  EXPECT_EQ(updated(item, "SET l = list_append(l, :more)", v).at("l"), AttributeValue(List{S("a"), S("b"), S("c")}));
  EXPECT_EQ(updated(item, "SET l = list_append(:more, l)", v).at("l"), AttributeValue(List{S("b"), S("c"), S("a")}));
  Values w{{":more", AttributeValue{List{S("b")}}}, {":empty", AttributeValue{List{}}}};
  EXPECT_EQ(updated(Item{}, "SET l = list_append(if_not_exists(l, :empty), :more)", w).at("l"), AttributeValue(List{S("b")}));
}

TEST(dynamodbUpdateTest, RemoveDeletesAttributesAndListElementsByOriginalPosition) {
  Item item{{"a", S("x")}, {"keep", S("y")}, {"l", AttributeValue{List{S("0"), S("1"), S("2"), S("3")}}}};
  Item out = updated(item, "REMOVE a, l[0], l[2], absent");
  EXPECT_EQ(out, (Item{{"keep", S("y")}, {"l", AttributeValue{List{S("1"), S("3")}}}}));
}

TEST(dynamodbUpdateTest, NestedPathsAndNamePlaceholdersReachInsideMapsAndLists) {
  Item item{{"m", AttributeValue{Map{{"nested", AttributeValue{List{N("1"), N("2")}}}}}}};
  Item out = updated(item, "SET #m.#i[1] = :v, #m.added = :v", {{":v", N("9")}}, Names{{"#m", "m"}, {"#i", "nested"}});
  EXPECT_EQ(out.at("m"), AttributeValue(Map{{"nested", AttributeValue{List{N("1"), N("9")}}}, {"added", N("9")}}));
  // An index past the end appends.
  Item appended = updated(item, "SET m.nested[7] = :v", {{":v", N("3")}});
  EXPECT_EQ(appended.at("m").as<Map>().at("nested"), AttributeValue(List{N("1"), N("2"), N("3")}));
}

TEST(dynamodbUpdateTest, ItemThatDoesNotFitTheExpressionIsReportedNotChanged) {
  Item item{{"s", S("text")}, {"m", AttributeValue{Map{}}}};
  EXPECT_EQ(update_error(item, "SET a = absent"), "The provided expression refers to an attribute that does not exist in the item");
  EXPECT_EQ(update_error(item, "SET a = s + :one", {{":one", N("1")}}), "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(update_error(item, "ADD s :one", {{":one", N("1")}}), "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(update_error(item, "SET l = list_append(s, :l)", {{":l", AttributeValue{List{}}}}),
            "An operand in the update expression has an incorrect data type");
  EXPECT_EQ(update_error(item, "SET nothere.x = :one", {{":one", N("1")}}),
            "The document path provided in the update expression is invalid for update");
  EXPECT_EQ(update_error(item, "SET s[0] = :one", {{":one", N("1")}}),
            "The document path provided in the update expression is invalid for update");
}

TEST(dynamodbUpdateTest, UpdatedPathsNameEveryActionTarget) {
  auto parsed = testing::parse(ExpressionInput{.update = "SET a = :v REMOVE b.c ADD n :v", .values = Values{{":v", N("1")}}});
  ASSERT_TRUE(parsed.update);
  auto paths = updated_paths(*parsed.update);
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[1], (Path{{std::string{"b"}, std::string{"c"}}}));
}

}  // namespace
}  // namespace localray::dynamodb::model::expression
