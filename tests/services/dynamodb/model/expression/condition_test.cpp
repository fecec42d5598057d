#include "services/dynamodb/model/expression/condition.hpp"

#include <gtest/gtest.h>

#include "tests/services/dynamodb/model/test_support.hpp"

namespace localray::dynamodb::model::expression {
namespace {

using testing::N;
using testing::S;

const Item kItem{
    {"n", N("5")},
    {"s", S("hello world")},
    {"b", AttributeValue{Binary{"\x01\x02\x03"}}},
    {"ss", AttributeValue{StringSet{{"red", "green"}}}},
    {"ns", AttributeValue{NumberSet{{Number::from_integer(1), Number::from_integer(2)}}}},
    {"l", AttributeValue{List{S("x"), N("7")}}},
    {"m", AttributeValue{Map{{"deep", AttributeValue{Map{{"flag", AttributeValue{true}}}}}}}},
    {"nul", AttributeValue{Null{}}},
};

const Values kValues{
    {":1", N("1")},   {":5", N("5")},   {":9", N("9")},      {":hello", S("hello")}, {":world", S("world")},
    {":red", S("red")}, {":x", S("x")}, {":7", N("7")},      {":S", S("S")},         {":N", S("N")},
    {":L", S("L")},   {":SS", S("SS")}, {":b12", AttributeValue{Binary{"\x01\x02"}}}, {":3", N("3")}, {":11", N("11")},
};

// Evaluates `text` on kItem. Unused values are fine here: the test shares one table of values.
bool holds(const std::string& text, const Item& item = kItem) {
  auto substitutions = Substitutions::create(Names{{"#n", "n"}, {"#deep", "deep"}}, kValues).value();
  auto condition = parse_condition(text, Kind::Condition, substitutions);
  EXPECT_TRUE(condition.has_value()) << text << ": " << (condition ? "" : condition.error().message);
  return condition && evaluate(*condition, item);
}

TEST(dynamodbConditionTest, ComparisonsOrderNumbersStringsAndBinaries) {
  EXPECT_TRUE(holds("n = :5"));
  EXPECT_TRUE(holds("#n <> :1"));
  EXPECT_TRUE(holds("n > :1 AND n >= :5 AND n < :9 AND n <= :5"));
  EXPECT_FALSE(holds("n < :5"));
  EXPECT_TRUE(holds("s > :hello"));  // "hello world" sorts after "hello"
  EXPECT_TRUE(holds(":1 < n"));      // value on the left
}

TEST(dynamodbConditionTest, MismatchedTypesCompareFalseAndNotEqualHoldsForMissing) {
  EXPECT_FALSE(holds("s < :5"));
  EXPECT_TRUE(holds("NOT s < :5"));
  EXPECT_FALSE(holds("absent = :1"));
  EXPECT_TRUE(holds("absent <> :1"));
  EXPECT_FALSE(holds("absent < :1"));
}

TEST(dynamodbConditionTest, BetweenAndInTestRangesAndMembership) {
  EXPECT_TRUE(holds("n BETWEEN :1 AND :9"));
  EXPECT_TRUE(holds("n BETWEEN :5 AND :5"));
  EXPECT_FALSE(holds("n BETWEEN :7 AND :9"));
  EXPECT_TRUE(holds("n IN (:1, :5)"));
  EXPECT_FALSE(holds("n IN (:1, :9)"));
  EXPECT_TRUE(holds("n in (:5)"));  // keywords are case-insensitive
}

TEST(dynamodbConditionTest, AndBindsTighterThanOrAndParenthesesOverride) {
  EXPECT_TRUE(holds("n = :5 OR n = :1 AND n = :9"));
  EXPECT_FALSE(holds("(n = :5 OR n = :1) AND n = :9"));
  EXPECT_TRUE(holds("NOT n = :1 AND n = :5"));
  EXPECT_FALSE(holds("NOT (n = :5 OR n = :1)"));
}

TEST(dynamodbConditionTest, AttributeExistenceAndTypeFollowDocumentPaths) {
  EXPECT_TRUE(holds("attribute_exists(m.#deep.flag)"));
  EXPECT_FALSE(holds("attribute_exists(m.deep.elsewhere)"));
  EXPECT_TRUE(holds("attribute_not_exists(m.deep.elsewhere)"));
  EXPECT_TRUE(holds("attribute_exists(l[1])"));
  EXPECT_FALSE(holds("attribute_exists(l[2])"));
  EXPECT_TRUE(holds("attribute_not_exists(anything)", Item{}));
  EXPECT_TRUE(holds("attribute_type(s, :S) AND attribute_type(n, :N) AND attribute_type(l, :L) AND attribute_type(ss, :SS)"));
  EXPECT_FALSE(holds("attribute_type(n, :S)"));
}

TEST(dynamodbConditionTest, BeginsWithContainsAndSizeInspectValues) {
  EXPECT_TRUE(holds("begins_with(s, :hello)"));
  EXPECT_FALSE(holds("begins_with(s, :world)"));
  EXPECT_TRUE(holds("begins_with(b, :b12)"));
  EXPECT_TRUE(holds("contains(s, :world)"));
  EXPECT_TRUE(holds("contains(ss, :red)"));
  EXPECT_TRUE(holds("contains(ns, :1)"));
  EXPECT_TRUE(holds("contains(l, :x) AND contains(l, :7)"));
  EXPECT_FALSE(holds("contains(n, :5)"));
  EXPECT_TRUE(holds("size(s) = :11"));
  EXPECT_TRUE(holds("size(b) = :3 AND size(ss) < :3 AND size(l) > :1"));
  EXPECT_FALSE(holds("size(n) = :1"));  // numbers have no size
}

}  // namespace
}  // namespace localray::dynamodb::model::expression
