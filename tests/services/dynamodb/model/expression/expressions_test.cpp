#include "services/dynamodb/model/expression/expressions.hpp"

#include <gtest/gtest.h>

#include "services/dynamodb/model/expression/reserved_words.hpp"
#include "tests/services/dynamodb/model/test_support.hpp"

namespace localray::dynamodb::model::expression {
namespace {

using testing::N;
using testing::parse_error;
using testing::S;

ExpressionInput update(std::string text, std::optional<Values> values = std::nullopt, std::optional<Names> names = std::nullopt) {
  ExpressionInput in;
  in.update = std::move(text);
  in.values = std::move(values);
  in.names = std::move(names);
  return in;
}

TEST(dynamodbExpressionErrorsTest, UnusedAttributeValueIsRejected) {
  EXPECT_EQ(parse_error(update("SET a = :x", Values{{":x", N("1")}, {":y", N("2")}, {":z", N("3")}})),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y, :z}");
}

TEST(dynamodbExpressionErrorsTest, UnusedAttributeNameIsRejected) {
  EXPECT_EQ(parse_error(update("SET a = :x", Values{{":x", N("1")}}, Names{{"#unused", "u"}})),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}");
}

TEST(dynamodbExpressionErrorsTest, ValuesUsedByAnyExpressionOfTheRequestCount) {
  ExpressionInput in = update("SET a = :x", Values{{":x", N("1")}, {":expected", N("0")}});
  in.condition = "b = :expected";
  EXPECT_EQ(parse_error(in), "<no error>");
}

TEST(dynamodbExpressionErrorsTest, UndefinedValueIsNamedWithItsExpression) {
  EXPECT_EQ(parse_error(update("SET a = :x")),
            "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :x");
  ExpressionInput in;
  in.condition = "a = :missing";
  in.values = Values{{":other", N("1")}};
  EXPECT_EQ(parse_error(in),
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :missing");
}

TEST(dynamodbExpressionErrorsTest, UndefinedNameIsRejected) {
  EXPECT_EQ(parse_error(update("SET #n = :v", Values{{":v", N("1")}})),
            "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #n");
}

TEST(dynamodbExpressionErrorsTest, ReservedWordNeedsAnAlias) {
  EXPECT_EQ(parse_error(update("SET status = :v", Values{{":v", S("ok")}})),
            "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status");
  ExpressionInput in;
  in.condition = "attribute_exists(Name)";
  EXPECT_EQ(parse_error(in), "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Name");
  in.projection = "a, data.x";
  in.condition.reset();
  EXPECT_EQ(parse_error(in), "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: data");
  EXPECT_EQ(parse_error(update("SET #s = :v", Values{{":v", S("ok")}}, Names{{"#s", "status"}})), "<no error>");
}

TEST(dynamodbExpressionErrorsTest, ReservedWordListCoversTheDocumentedWordsInAnyCase) {
  for (const char* word : {"PATH", "status", "Name", "count", "DATA", "key", "value", "timestamp", "ttl", "zone", "abort"}) {
    EXPECT_TRUE(is_reserved_word(word)) << word;
  }
  for (const char* word : {"hits", "path_", "message", "createdAt"}) EXPECT_FALSE(is_reserved_word(word)) << word;
}

TEST(dynamodbExpressionErrorsTest, PathMayAppearInOneActionOnly) {
  Values v{{":v", N("1")}};
  EXPECT_EQ(parse_error(update("SET a = :v REMOVE a", v)),
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a], path two: [a]");
  EXPECT_EQ(parse_error(update("SET a.b[2] = :v REMOVE a", v)),
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a, b, [2]], path two: [a]");
  EXPECT_EQ(parse_error(update("SET a.b = :v, a.c = :v", v)), "<no error>");
}

TEST(dynamodbExpressionErrorsTest, ClausesComeInAnyOrderButEachOnce) {
  Values v{{":v", N("1")}, {":set", AttributeValue{StringSet{{"x"}}}}};
  EXPECT_EQ(parse_error(update("remove x ADD n :v SET a = :v DELETE s :set", v)), "<no error>");
  EXPECT_EQ(parse_error(update("SET a = :v SET b = :v", v)),
            "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;");
}

TEST(dynamodbExpressionErrorsTest, SyntaxErrorsQuoteTheTokenAndItsNeighbours) {
  Values v{{":v", N("1")}, {":w", N("2")}};
  EXPECT_EQ(parse_error(update("SET a = :v :w", v)), "Invalid UpdateExpression: Syntax error; token: \":w\", near: \":v :w\"");
  EXPECT_EQ(parse_error(update("SET a = ", v)), "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
  EXPECT_EQ(parse_error(update("SET a = :v + :w + :v", v)), "Invalid UpdateExpression: Syntax error; token: \"+\", near: \":w + :v\"");
  EXPECT_EQ(parse_error(update("   ", v)), "Invalid UpdateExpression: The expression can not be empty;");
  EXPECT_EQ(parse_error(update("ADD n n", v)), "Invalid UpdateExpression: Syntax error; token: \"n\", near: \"n n\"");
}

TEST(dynamodbExpressionErrorsTest, FunctionsAreCheckedForNamePlaceAndOperands) {
  Values v{{":v", N("1")}, {":s", S("x")}};
  EXPECT_EQ(parse_error(update("SET a = foo(:v)", v)), "Invalid UpdateExpression: Invalid function name; function: foo");
  EXPECT_EQ(parse_error(update("SET a = size(b)", v)),
            "Invalid UpdateExpression: The function is not allowed in an update expression; function: size");
  EXPECT_EQ(parse_error(update("SET a = if_not_exists(:v, :v)", v)),
            "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists");
  EXPECT_EQ(parse_error(update("SET a = list_append(a, :v)", v)),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, "
            "operand type: N");
  EXPECT_EQ(parse_error(update("SET a = a + :s", v)),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S");
  EXPECT_EQ(parse_error(update("ADD a :s", v)),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: "
            "ALLOWED_FOR_ADD_OPERAND");
  EXPECT_EQ(parse_error(update("DELETE a :v", v)),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: "
            "ALLOWED_FOR_DELETE_OPERAND");
  ExpressionInput in;
  in.condition = "begins_with(a)";
  EXPECT_EQ(parse_error(in),
            "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, "
            "number of operands: 1");
  in.condition = "a = attribute_exists(b)";
  EXPECT_EQ(parse_error(in),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists");
}

TEST(dynamodbExpressionErrorsTest, BetweenBoundsMustBeOrdered) {
  ExpressionInput in;
  in.filter = "a BETWEEN :hi AND :lo";
  in.values = Values{{":hi", N("5")}, {":lo", N("1")}};
  EXPECT_EQ(parse_error(in),
            "Invalid FilterExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower "
            "bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}");
}

TEST(dynamodbExpressionErrorsTest, SubstitutionMapsMustBeUsefulAndWellFormed) {
  ExpressionInput in;
  in.projection = "a";
  in.values = Values{{":v", N("1")}};
  EXPECT_EQ(parse_error(in), "ExpressionAttributeValues can only be specified when using expressions");
  EXPECT_EQ(parse_error(update("SET a = :v", Values{})), "ExpressionAttributeValues must not be empty");
  EXPECT_EQ(parse_error(update("SET a = :v", Values{{"v", N("1")}})),
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"v\"");
}

TEST(dynamodbExpressionErrorsTest, ProjectionPathsMayNotOverlap) {
  ExpressionInput in;
  in.projection = "a.b, c, a";
  EXPECT_EQ(parse_error(in),
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; "
            "path one: [a, b], path two: [a]");
}

TEST(dynamodbExpressionErrorsTest, KeyConditionAcceptsOnlyKeyShapes) {
  ExpressionInput in;
  in.values = Values{{":p", S("x")}, {":q", S("y")}};
  in.key_condition = "pk = :p OR sk = :q";
  EXPECT_EQ(parse_error(in), "Invalid operator used in KeyConditionExpression: OR");
  in.key_condition = "pk = :p AND sk <> :q";
  EXPECT_EQ(parse_error(in), "Invalid operator used in KeyConditionExpression: <>");
  in.key_condition = "pk = :p AND pk = :q";
  EXPECT_EQ(parse_error(in), "KeyConditionExpressions must only contain one condition per key");
  in.key_condition = "pk = :p AND begins_with(sk, :q)";
  auto parsed = testing::parse(in);
  ASSERT_TRUE(parsed.key_condition);
  ASSERT_EQ(parsed.key_condition->terms.size(), 2u);
  EXPECT_EQ(parsed.key_condition->terms[1].op, KeyOperator::BeginsWith);
  EXPECT_EQ(parsed.key_condition->terms[1].values.front(), S("y"));
}

}  // namespace
}  // namespace localray::dynamodb::model::expression

#include "services/dynamodb/model/expression/parser.hpp"

namespace localray::dynamodb::model::expression {
namespace {

// Found by the dynamodb_expressions fuzz target: parentheses and NOT nested thousands deep
// overflowed the parser's stack.
TEST(dynamodbExpressionNestingTest, DeepNestingIsAValidationErrorNotACrash) {
  auto deep = std::string(5000, '(') + "a = :v" + std::string(5000, ')');
  auto r = parse_condition_syntax(deep, Kind::Condition);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nested too deeply"), std::string::npos) << r.error().message;
  std::string nots;
  for (int i = 0; i < 3000; ++i) nots += "NOT ";
  EXPECT_FALSE(parse_condition_syntax(nots + "a = :v", Kind::Filter));
  EXPECT_TRUE(parse_condition_syntax(std::string(20, '(') + "a = :v" + std::string(20, ')'), Kind::Condition)) << "ordinary nesting still parses";
}

}  // namespace
}  // namespace localray::dynamodb::model::expression
