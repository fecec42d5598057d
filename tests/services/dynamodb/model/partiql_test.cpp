// PartiQL statements: parsed into the expression trees, and planned against a key schema.
#include <gtest/gtest.h>

#include "services/dynamodb/model/expression/condition.hpp"
#include "services/dynamodb/model/partiql/plan.hpp"
#include "services/dynamodb/model/partiql/statement.hpp"

namespace localray::dynamodb::model::partiql {
namespace {

namespace ex = expression;

Statement parsed_ok(const std::string& text, const std::vector<AttributeValue>& parameters = {}) {
  auto s = parse_statement(text, parameters);
  EXPECT_TRUE(s.has_value()) << text << ": " << (s ? "" : s.error().message);
  return s ? std::move(*s) : Statement{};
}

std::string statement_error(const std::string& text, const std::vector<AttributeValue>& parameters = {}) {
  auto s = parse_statement(text, parameters);
  return s ? std::string{"<ok>"} : s.error().message;
}

Item partiql_item(std::initializer_list<std::pair<const std::string, AttributeValue>> attributes) { return Item{attributes}; }

TEST(PartiqlTest, SelectWithProjectionIndexAndWhere) {
  auto s = std::get<Select>(parsed_ok(R"(SELECT a.b, "c"[1] FROM "orders"."by-kind" WHERE kind = 'x' AND (n > 2 OR NOT n IS MISSING))"));
  EXPECT_EQ(s.table, "orders");
  EXPECT_EQ(s.index, "by-kind");
  ASSERT_TRUE(s.projection.has_value());
  ASSERT_EQ(s.projection->paths.size(), 2u);
  EXPECT_EQ(s.projection->paths[1].steps, (std::vector<ex::PathStep>{std::string{"c"}, std::size_t{1}}));
  ASSERT_TRUE(s.where.has_value());
  EXPECT_TRUE(ex::evaluate(*s.where, partiql_item({{"kind", "x"}, {"n", Number::from_integer(1)}})));
  EXPECT_FALSE(ex::evaluate(*s.where, partiql_item({{"kind", "y"}, {"n", Number::from_integer(3)}})));
  EXPECT_FALSE(ex::evaluate(*s.where, partiql_item({{"kind", "x"}})));
}

TEST(PartiqlTest, WhereOperatorsAndFunctionsMatchTheirExpressionMeaning) {
  Item item = partiql_item({{"s", "hello"}, {"n", Number::from_integer(5)}, {"l", List{AttributeValue{"a"}}}, {"z", Null{}}});
  const std::pair<const char*, bool> cases[] = {
      {"s = 'hello'", true},          {"s <> 'hello'", false},        {"n BETWEEN 1 AND 5", true}, {"n IN (1, 5)", true},
      {"n IN [1, 2]", false},         {"n NOT IN (1, 2)", true},     {"begins_with(s, 'he')", true}, {"contains(l, 'a')", true},
      {"attribute_type(n, 'N')", true}, {"missing IS MISSING", true}, {"s IS NOT MISSING", true},  {"z IS NULL", true},
      {"s IS NOT NULL", true},        {"size(s) = 5", true},         {"n >= -5.5", true},          {"NOT (n < 6)", false},
  };
  for (const auto& [where, holds] : cases) {
    auto s = std::get<Select>(parsed_ok(std::string{"SELECT * FROM t WHERE "} + where));
    EXPECT_EQ(ex::evaluate(*s.where, item), holds) << where;
  }
}

TEST(PartiqlTest, LiteralsAndParameters) {
  auto insert = std::get<Insert>(parsed_ok(
      "INSERT INTO \"t\" VALUE {'k': ?, 'n': -1.5e2, 'b': TRUE, 'z': NULL, 'l': [1, 'two'], 'm': {'in': 'side'}, 'ss': <<'a', 'b'>>, "
      "'ns': <<1, 2>>, 'q': 'it''s'}",
      {AttributeValue{"key"}}));
  EXPECT_EQ(insert.table, "t");
  EXPECT_EQ(insert.item.at("k"), AttributeValue{"key"});
  EXPECT_EQ(insert.item.at("n"), AttributeValue{*Number::parse("-150")});
  EXPECT_EQ(insert.item.at("b"), AttributeValue{true});
  EXPECT_EQ(insert.item.at("z"), AttributeValue{Null{}});
  EXPECT_EQ(insert.item.at("l"), AttributeValue(List{AttributeValue{Number::from_integer(1)}, AttributeValue{"two"}}));
  EXPECT_EQ(insert.item.at("m"), AttributeValue(Map{{"in", AttributeValue{"side"}}}));
  EXPECT_EQ(insert.item.at("ss"), AttributeValue(StringSet{{"a", "b"}}));
  EXPECT_TRUE(insert.item.at("ns").is<NumberSet>());
  EXPECT_EQ(insert.item.at("q"), AttributeValue{"it's"});
}

TEST(PartiqlTest, UpdateClausesBecomeUpdateActions) {
  auto u = std::get<Update>(parsed_ok(
      "UPDATE t SET a = a + 1, b = list_append(b, [1]) SET s = set_add(s, <<'x'>>) REMOVE old WHERE k = 'x' RETURNING MODIFIED NEW *"));
  ASSERT_EQ(u.update.actions.size(), 4u);
  EXPECT_EQ(u.update.actions[0].type, ex::ActionType::Set);
  EXPECT_TRUE(std::holds_alternative<ex::Arithmetic>(u.update.actions[0].value->node));
  EXPECT_EQ(u.update.actions[2].type, ex::ActionType::Add);
  EXPECT_EQ(u.update.actions[3].type, ex::ActionType::Remove);
  EXPECT_EQ(u.returning, Returning::ModifiedNew);
  auto d = std::get<Delete>(parsed_ok("DELETE FROM t WHERE k = 'x' RETURNING ALL OLD *;"));
  EXPECT_EQ(d.returning, Returning::AllOld);
}

TEST(PartiqlTest, ErrorsInDynamoDbsWords) {
  EXPECT_EQ(statement_error("SELECTT * FROMM t"), "Statement wasn't well formed, can't be processed: Expected data manipulation");
  EXPECT_EQ(statement_error("SELECT * FROM t WHERE"), "Statement wasn't well formed, can't be processed: Unexpected end of statement");
  EXPECT_EQ(statement_error("SELECT * FROM t WHERE a = 1 b"), "Statement wasn't well formed, can't be processed: Unexpected keyword at 1:29:1");
  EXPECT_EQ(statement_error("SELECT * FROM t WHERE a = ?"), "Number of parameters in request and statement don't match.");
  EXPECT_EQ(statement_error("INSERT INTO t VALUE {'a': <<>>}"), "Empty bags are not supported");
  EXPECT_EQ(statement_error("INSERT INTO t VALUE {'a': <<1, 'x'>>}"),
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
  EXPECT_EQ(statement_error("INSERT INTO t VALUE [1]"),
            "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.");
  EXPECT_EQ(statement_error("DELETE FROM t WHERE k = 'x' RETURNING ALL NEW *"),
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.");
  EXPECT_EQ(statement_error("SELECT * FROM t WHERE a = 'open"), "Statement wasn't well formed, can't be processed: Unterminated string at 1:27:1");
  EXPECT_EQ(statement_error("UPDATE t SET a = set_add(b, <<'x'>>) WHERE k = 'x'"), "The first argument to SET_ADD must equal the assignment value");
  EXPECT_EQ(statement_error("UPDATE t SET a = set_delete(a, 'x') WHERE k = 'x'"), "The second argument to SET_DELETE must be a value with type SET");
  EXPECT_EQ(statement_error("SELECT l[99999999999999999999999] FROM t"),
            "Statement wasn't well formed, can't be processed: List index out of range at 1:10:23");
}

TEST(PartiqlTest, NestingIsBoundedBeforeItCanExhaustTheStack) {
  std::string deep = "SELECT * FROM t WHERE " + std::string(5000, '(') + "a = 1" + std::string(5000, ')');
  EXPECT_EQ(statement_error(deep), "Statement wasn't well formed, can't be processed: Nesting exceeds 64 levels");
  std::string nots = "SELECT * FROM t WHERE ";
  for (int i = 0; i < 3000; ++i) nots += "NOT ";
  EXPECT_EQ(statement_error(nots + "a = 1"), "Statement wasn't well formed, can't be processed: Nesting exceeds 64 levels");
  EXPECT_EQ(statement_error("INSERT INTO t VALUE {'a': " + std::string(3000, '[') + std::string(3000, ']') + "}"),
            "Statement wasn't well formed, can't be processed: Nesting exceeds 64 levels");
  EXPECT_EQ(statement_error("SELECT * FROM t WHERE " + std::string(30, '(') + "a = 1" + std::string(30, ')')), "<ok>");
}

const KeySchema kOrderKey{{"customer", Type::String}, KeyElement{"seq", Type::Number}};

TableDefinition orders_definition() {
  TableDefinition definition;
  definition.name = "t";
  definition.key = kOrderKey;
  return definition;
}

TEST(PartiqlTest, WritesNeedEveryKeyByEqualityAndKeepTheRestAsTheirCondition) {
  auto u = std::get<Update>(parsed_ok("UPDATE t SET x = 1 WHERE seq = 3 AND customer = 'c' AND total > 10"));
  auto request = update_request(u, kOrderKey);
  ASSERT_TRUE(request.has_value()) << request.error().message;
  EXPECT_EQ(request->key, partiql_item({{"customer", "c"}, {"seq", Number::from_integer(3)}}));
  ASSERT_TRUE(request->condition.has_value());
  EXPECT_FALSE(ex::evaluate(*request->condition, Item{})) << "an UPDATE never creates its item";
  EXPECT_FALSE(ex::evaluate(*request->condition, partiql_item({{"customer", "c"}, {"total", Number::from_integer(5)}})));
  EXPECT_TRUE(ex::evaluate(*request->condition, partiql_item({{"customer", "c"}, {"total", Number::from_integer(50)}})));

  for (const char* text : {"DELETE FROM t WHERE customer = 'c'", "DELETE FROM t WHERE customer = 'c' OR seq = 1",
                           "DELETE FROM t WHERE customer = 'c' AND seq > 1", "DELETE FROM t"}) {
    auto d = delete_request(std::get<Delete>(parsed_ok(text)), kOrderKey);
    ASSERT_FALSE(d.has_value()) << text;
    EXPECT_EQ(d.error().message, "Where clause does not contain a mandatory equality on all key attributes") << text;
  }
  auto missing = insert_request(std::get<Insert>(parsed_ok("INSERT INTO t VALUE {'customer': 'c'}")), kOrderKey);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "Key attribute should be present in the item: Key seq");
}

TEST(PartiqlTest, SelectQueriesAPartitionWhenTheHashKeyIsFixedAndScansOtherwise) {
  TableDefinition definition = orders_definition();
  auto by_customer = plan_select(std::get<Select>(parsed_ok("SELECT * FROM t WHERE customer = 'c' AND seq > 1")), definition, 10, {});
  ASSERT_TRUE(by_customer.has_value());
  ASSERT_TRUE(std::holds_alternative<QueryRequest>(by_customer->read));
  EXPECT_EQ(std::get<QueryRequest>(by_customer->read).limit, 10u);
  EXPECT_FALSE(by_customer->single_item);
  auto one = plan_select(std::get<Select>(parsed_ok("SELECT * FROM t WHERE customer = 'c' AND seq = 1")), definition, {}, {});
  ASSERT_TRUE(one.has_value());
  EXPECT_TRUE(one->single_item);
  auto everything = plan_select(std::get<Select>(parsed_ok("SELECT * FROM t WHERE customer = 'c' OR seq = 1")), definition, {}, {});
  ASSERT_TRUE(everything.has_value());
  EXPECT_TRUE(std::holds_alternative<ScanRequest>(everything->read));
  auto no_index = plan_select(std::get<Select>(parsed_ok("SELECT * FROM t.nope")), definition, {}, {});
  ASSERT_FALSE(no_index.has_value());
  EXPECT_EQ(no_index.error().message, "The table does not have the specified index");
}

TEST(PartiqlTest, KeptItemsAreFilteredAndProjectedUnderTheirLastName) {
  TableDefinition definition = orders_definition();
  auto plan = plan_select(std::get<Select>(parsed_ok("SELECT m.inner, l[1], seq FROM t WHERE customer = 'c' AND seq > 1")), definition, {}, {});
  ASSERT_TRUE(plan.has_value());
  Item item = partiql_item({{"customer", "c"},
                            {"seq", Number::from_integer(2)},
                            {"m", Map{{"inner", AttributeValue{"deep"}}}},
                            {"l", List{AttributeValue{"zero"}, AttributeValue{"one"}}}});
  auto kept = keep(*plan, item);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(*kept, partiql_item({{"inner", "deep"}, {"l[1]", "one"}, {"seq", Number::from_integer(2)}}));
  item["seq"] = AttributeValue{Number::from_integer(1)};
  EXPECT_FALSE(keep(*plan, item).has_value());
}

}  // namespace
}  // namespace localray::dynamodb::model::partiql
