// The legacy parameters against their expression equivalents: each case is evaluated on the same
// items both ways and must agree, except where DynamoDB's old semantics differ, which is asserted.
#include "services/dynamodb/protocol/legacy_parameters.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/dynamodb/model/expression/condition.hpp"
#include "services/dynamodb/model/expression/expressions.hpp"
#include "services/dynamodb/model/expression/update.hpp"
#include "services/dynamodb/protocol/attribute_value_json.hpp"

namespace localray::dynamodb::protocol {
namespace {

using nlohmann::json;
namespace ex = model::expression;

// Items that exercise every operator: attribute `a` absent, or of each type.
std::vector<model::Item> legacy_sample_items() {
  std::vector<model::Item> items;
  for (const char* a : {R"(null)", R"({"S":"abc"})", R"({"S":"b"})", R"({"N":"5"})", R"({"N":"1"})", R"({"N":"12"})",
                        R"({"SS":["a","b"]})", R"({"NS":["1","5"]})", R"({"L":[{"S":"b"},{"N":"1"}]})", R"({"B":"YWJj"})",
                        R"({"BOOL":true})", R"({"NULL":true})", R"({"M":{"b":{"S":"x"}}})"}) {
    json item = {{"k", {{"S", "key"}}}, {"extra", {{"N", "5"}}}};
    if (std::string_view{a} != "null") item["a"] = json::parse(a);
    auto parsed = item_from_json(item);
    EXPECT_TRUE(parsed.has_value());
    items.push_back(std::move(*parsed));
  }
  return items;
}

ex::Condition legacy_expected(const json& request) {
  auto parsed = expected_condition(request);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message);
  EXPECT_TRUE(parsed && parsed->has_value());
  return parsed && *parsed ? std::move(**parsed) : ex::Condition{};
}

ex::Condition expression_condition(const std::string& text, const json& values) {
  ex::ExpressionInput in;
  in.condition = text;
  if (!values.empty()) {
    auto parsed_values = item_from_json(values);
    EXPECT_TRUE(parsed_values.has_value());
    in.values = std::move(*parsed_values);
  }
  auto parsed = ex::parse_expressions(in);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? std::move(*parsed->condition) : ex::Condition{};
}

std::string legacy_error(const model::Result<std::optional<ex::Condition>>& r) { return r ? "<ok>" : r.error().message; }

struct EquivalentCase {
  const char* expected;    // one Expected entry for attribute `a`
  const char* expression;  // the ConditionExpression that means the same
  const char* values;      // its ExpressionAttributeValues
};

TEST(dynamodbLegacyParametersTest, ExpectedAgreesWithItsConditionExpressionOnEveryItem) {
  const EquivalentCase cases[] = {
      {R"({"ComparisonOperator":"EQ","AttributeValueList":[{"S":"abc"}]})", "a = :v", R"({":v":{"S":"abc"}})"},
      {R"({"ComparisonOperator":"EQ","AttributeValueList":[{"SS":["b","a"]}]})", "a = :v", R"({":v":{"SS":["a","b"]}})"},
      {R"({"ComparisonOperator":"NE","AttributeValueList":[{"S":"abc"}]})", "a <> :v", R"({":v":{"S":"abc"}})"},
      {R"({"ComparisonOperator":"LT","AttributeValueList":[{"N":"5"}]})", "a < :v", R"({":v":{"N":"5"}})"},
      {R"({"ComparisonOperator":"LE","AttributeValueList":[{"N":"5"}]})", "a <= :v", R"({":v":{"N":"5"}})"},
      {R"({"ComparisonOperator":"GT","AttributeValueList":[{"S":"abc"}]})", "a > :v", R"({":v":{"S":"abc"}})"},
      {R"({"ComparisonOperator":"GE","AttributeValueList":[{"N":"5"}]})", "a >= :v", R"({":v":{"N":"5"}})"},
      {R"({"ComparisonOperator":"NOT_NULL"})", "attribute_exists(a)", "{}"},
      {R"({"ComparisonOperator":"NULL"})", "attribute_not_exists(a)", "{}"},
      {R"({"ComparisonOperator":"CONTAINS","AttributeValueList":[{"S":"b"}]})", "contains(a, :v)", R"({":v":{"S":"b"}})"},
      {R"({"ComparisonOperator":"CONTAINS","AttributeValueList":[{"N":"1"}]})", "contains(a, :v)", R"({":v":{"N":"1"}})"},
      {R"({"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"b"}]})", "attribute_exists(a) AND NOT contains(a, :v)",
       R"({":v":{"S":"b"}})"},
      {R"({"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"ab"}]})", "begins_with(a, :v)", R"({":v":{"S":"ab"}})"},
      {R"({"ComparisonOperator":"BEGINS_WITH","Value":{"B":"YWI="}})", "begins_with(a, :v)", R"({":v":{"B":"YWI="}})"},
      {R"({"ComparisonOperator":"IN","AttributeValueList":[{"N":"1"},{"N":"12"}]})", "a IN (:x, :y)",
       R"({":x":{"N":"1"},":y":{"N":"12"}})"},
      {R"({"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"5"}]})", "a BETWEEN :lo AND :hi",
       R"({":lo":{"N":"1"},":hi":{"N":"5"}})"},
      {R"({"Exists":false})", "attribute_not_exists(a)", "{}"},
      {R"({"Value":{"N":"5"}})", "a = :v", R"({":v":{"N":"5"}})"},
      {R"({"Exists":true,"Value":{"S":"b"}})", "a = :v", R"({":v":{"S":"b"}})"},
  };
  auto items = legacy_sample_items();
  for (const auto& c : cases) {
    ex::Condition legacy = legacy_expected(json{{"Expected", {{"a", json::parse(c.expected)}}}});
    ex::Condition expression = expression_condition(c.expression, json::parse(c.values));
    int held = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      bool by_legacy = ex::evaluate(legacy, items[i]);
      EXPECT_EQ(by_legacy, ex::evaluate(expression, items[i])) << c.expected << " vs " << c.expression << " on item " << i;
      held += by_legacy;
    }
    EXPECT_GT(held, 0) << c.expected << " holds for some item";
    EXPECT_LT(held, static_cast<int>(items.size())) << c.expected << " fails for some item";
  }
}

TEST(dynamodbLegacyParametersTest, NotContainsIsFalseForAMissingAttributeUnlikeNotContainsInAnExpression) {
  model::Item missing;
  ex::Condition legacy = legacy_expected(json::parse(R"({"Expected":{"a":{"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"b"}]}}})"));
  EXPECT_FALSE(ex::evaluate(legacy, missing));
  EXPECT_TRUE(ex::evaluate(expression_condition("NOT contains(a, :v)", json::parse(R"({":v":{"S":"b"}})")), missing));
}

TEST(dynamodbLegacyParametersTest, ConditionalOperatorJoinsEntriesLikeAndAndOr) {
  auto items = legacy_sample_items();
  const char* expected = R"({"a":{"ComparisonOperator":"EQ","AttributeValueList":[{"N":"5"}]},
                             "extra":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"4"}]}})";
  for (const char* op : {"AND", "OR"}) {
    ex::Condition legacy = legacy_expected(json{{"Expected", json::parse(expected)}, {"ConditionalOperator", op}});
    ex::Condition expression =
        expression_condition(std::string{"a = :five "} + op + " extra > :four", json::parse(R"({":five":{"N":"5"},":four":{"N":"4"}})"));
    for (std::size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(ex::evaluate(legacy, items[i]), ex::evaluate(expression, items[i])) << op << " on item " << i;
    }
  }
  ex::Condition implicit_and = legacy_expected(json{{"Expected", json::parse(expected)}});
  EXPECT_FALSE(ex::evaluate(implicit_and, items[2])) << "without ConditionalOperator the entries are ANDed";
}

TEST(dynamodbLegacyParametersTest, FiltersAgreeWithTheirFilterExpression) {
  auto items = legacy_sample_items();
  json filter = json::parse(R"({"a":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"a"}]},
                                "extra":{"ComparisonOperator":"IN","AttributeValueList":[{"N":"5"},{"N":"6"}]}})");
  for (const char* member : {"QueryFilter", "ScanFilter"}) {
    auto legacy = filter_condition(json{{member, filter}, {"ConditionalOperator", "AND"}}, member);
    ASSERT_TRUE(legacy && *legacy) << legacy_error(legacy);
    ex::Condition expression =
        expression_condition("begins_with(a, :p) AND extra IN (:x, :y)", json::parse(R"({":p":{"S":"a"},":x":{"N":"5"},":y":{"N":"6"}})"));
    int held = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(ex::evaluate(**legacy, items[i]), ex::evaluate(expression, items[i])) << member << " on item " << i;
      held += ex::evaluate(**legacy, items[i]);
    }
    EXPECT_EQ(held, 1) << "only {a: abc} begins with a";
  }
}

TEST(dynamodbLegacyParametersTest, AbsentOrEmptyParametersMeanNoCondition) {
  auto none = expected_condition(json::object());
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
  auto empty = expected_condition(json{{"Expected", json::object()}});
  ASSERT_TRUE(empty.has_value());
  EXPECT_FALSE(empty->has_value());
  auto updates = attribute_updates(json{{"AttributeUpdates", json::object()}});
  ASSERT_TRUE(updates.has_value());
  EXPECT_FALSE(updates->has_value());
}

TEST(dynamodbLegacyParametersTest, ExpectedErrorsInDynamoDbsWords) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"a":{"Exists":true,"ComparisonOperator":"EQ","Value":{"S":"x"}}})",
       "One or more parameter values were invalid: Exists and ComparisonOperator cannot be used together for Attribute: a"},
      {R"({"a":{"Value":{"S":"x"},"AttributeValueList":[{"S":"x"}],"ComparisonOperator":"EQ"}})",
       "One or more parameter values were invalid: Value and AttributeValueList cannot be used together for Attribute: a"},
      {R"({"a":{"AttributeValueList":[{"S":"x"}]}})",
       "One or more parameter values were invalid: AttributeValueList can only be used with a ComparisonOperator for Attribute: a"},
      {R"({"a":{"Exists":false,"Value":{"S":"x"}}})",
       "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"},
      {R"({"a":{"ComparisonOperator":"GT"}})",
       "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: GT for Attribute: a"},
      {R"({"a":{}})", "One or more parameter values were invalid: Value must be provided when Exists is null for Attribute: a"},
      {R"({"a":{"Exists":true}})", "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"},
      {R"({"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"}]}})",
       "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator"},
      {R"({"a":{"ComparisonOperator":"NULL","AttributeValueList":[{"N":"1"}]}})",
       "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator"},
      {R"({"a":{"ComparisonOperator":"LT","AttributeValueList":[{"SS":["x"]}]}})",
       "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type"},
      {R"({"a":{"ComparisonOperator":"BEGINS_WITH","Value":{"N":"1"}}})",
       "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"},
      {R"({"a":{"ComparisonOperator":"IN","AttributeValueList":[{"N":"1"},{"S":"1"}]}})",
       "One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type"},
      {R"({"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"9"},{"N":"1"}]}})",
       "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"},
      {R"({"a":{"ComparisonOperator":"ABOUT","Value":{"N":"1"}}})",
       "1 validation error detected: Value 'ABOUT' at 'expected.a.member.comparisonOperator' failed to satisfy constraint: Member must "
       "satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"},
  };
  for (const auto& [expected, message] : cases) {
    EXPECT_EQ(legacy_error(expected_condition(json{{"Expected", json::parse(expected)}})), message) << expected;
  }
  EXPECT_EQ(legacy_error(expected_condition(json{{"ConditionalOperator", "OR"}})),
            "ConditionalOperator cannot be used without Filter or Expected");
  EXPECT_EQ(legacy_error(expected_condition(json::parse(R"({"ConditionalOperator":"OR","Expected":{"a":{"Exists":false}}})"))),
            "ConditionalOperator can only be used when Filter or Expected has two or more elements");
  EXPECT_EQ(legacy_error(filter_condition(json::parse(R"({"ScanFilter":{"a":{"AttributeValueList":[{"N":"1"}]}}})"), "ScanFilter")),
            "1 validation error detected: Value null at 'scanFilter.a.member.comparisonOperator' failed to satisfy constraint: Member "
            "must not be null");
}

TEST(dynamodbLegacyParametersTest, MixingTheStylesNamesBothSides) {
  auto style = [](const char* request, std::initializer_list<std::string_view> members) {
    auto r = check_parameter_style(json::parse(request), members);
    return r ? std::string{"<ok>"} : r.error().message;
  };
  EXPECT_EQ(style(R"({"Expected":{},"ConditionalOperator":"AND","ConditionExpression":"x"})",
                  {"Expected", "ConditionalOperator", "ConditionExpression"}),
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected, "
            "ConditionalOperator} Expression parameters: {ConditionExpression}");
  EXPECT_EQ(style(R"({"KeyConditions":{},"KeyConditionExpression":"k = :k","QueryFilter":{}})",
                  {"QueryFilter", "KeyConditions", "KeyConditionExpression"}),
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter, "
            "KeyConditions} Expression parameters: {KeyConditionExpression}");
  EXPECT_EQ(style(R"({"KeyConditions":{},"FilterExpression":"a = :a"})", {"KeyConditions", "FilterExpression", "KeyConditionExpression"}),
            "<ok>")
      << "KeyConditions goes with a FilterExpression";
  EXPECT_EQ(style(R"({"Expected":{},"UpdateExpression":"SET a = :a"})", {"Expected", "ConditionExpression"}), "<ok>")
      << "members outside the operation are ignored";
}

TEST(dynamodbLegacyParametersTest, KeyConditionsBecomeKeyTerms) {
  auto parsed = key_conditions(json::parse(R"({"KeyConditions":{
      "k":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]},
      "r":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"3"}]}}})"));
  ASSERT_TRUE(parsed && *parsed) << (parsed ? "" : parsed.error().message);
  ASSERT_EQ((*parsed)->terms.size(), 2u);
  EXPECT_EQ((*parsed)->terms[0].attribute, "k");
  EXPECT_EQ((*parsed)->terms[0].op, ex::KeyOperator::Eq);
  EXPECT_EQ((*parsed)->terms[1].op, ex::KeyOperator::Between);
  EXPECT_EQ((*parsed)->terms[1].values.size(), 2u);

  auto message = [](const char* request) {
    auto r = key_conditions(json::parse(request));
    return r ? std::string{"<ok>"} : r.error().message;
  };
  EXPECT_EQ(message(R"({"KeyConditions":{}})"), "Conditions can be of length 1 or 2 only");
  EXPECT_EQ(message(R"({"KeyConditions":{"k":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]},
                                         "r":{"ComparisonOperator":"NE","AttributeValueList":[{"S":"x"}]}}})"),
            "Attempted conditional constraint is not an indexable operation");
  auto absent = key_conditions(json::object());
  ASSERT_TRUE(absent.has_value());
  EXPECT_FALSE(absent->has_value());
}

model::Item legacy_item(const char* text) {
  auto parsed = item_from_json(json::parse(text));
  EXPECT_TRUE(parsed.has_value());
  return parsed ? std::move(*parsed) : model::Item{};
}

TEST(dynamodbLegacyParametersTest, AttributeUpdatesAgreeWithTheirUpdateExpression) {
  auto parsed = attribute_updates(json::parse(R"({"AttributeUpdates":{
      "name":{"Value":{"S":"new"}},
      "count":{"Action":"ADD","Value":{"N":"9"}},
      "tags":{"Action":"ADD","Value":{"SS":["c"]}},
      "gone":{"Action":"DELETE"},
      "drop":{"Action":"DELETE","Value":{"NS":["1"]}}}})"));
  ASSERT_TRUE(parsed && *parsed) << (parsed ? "" : parsed.error().message);
  ex::ExpressionInput in;
  in.update = "SET #n = :name ADD #c :nine, tags :c REMOVE gone DELETE #d :one";
  in.names = ex::Names{{"#n", "name"}, {"#c", "count"}, {"#d", "drop"}};
  in.values = legacy_item(R"({":name":{"S":"new"},":nine":{"N":"9"},":c":{"SS":["c"]},":one":{"NS":["1"]}})");
  auto expression = ex::parse_expressions(in);
  ASSERT_TRUE(expression.has_value()) << expression.error().message;
  for (const char* before : {R"({"k":{"S":"x"}})",
                             R"({"k":{"S":"x"},"name":{"S":"old"},"count":{"N":"1"},"tags":{"SS":["a"]},"gone":{"S":"g"},"drop":{"NS":["1","2"]}})"}) {
    auto by_legacy = ex::apply_update(**parsed, legacy_item(before));
    auto by_expression = ex::apply_update(*expression->update, legacy_item(before));
    ASSERT_TRUE(by_legacy && by_expression) << before;
    EXPECT_EQ(*by_legacy, *by_expression) << before;
  }
}

TEST(dynamodbLegacyParametersTest, AddOfAListAppendsWhereAnExpressionWouldRefuse) {
  auto parsed = attribute_updates(json::parse(R"({"AttributeUpdates":{"log":{"Action":"ADD","Value":{"L":[{"S":"b"}]}}}})"));
  ASSERT_TRUE(parsed && *parsed);
  auto created = ex::apply_update(**parsed, legacy_item(R"({"k":{"S":"x"}})"));
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(*created, legacy_item(R"({"k":{"S":"x"},"log":{"L":[{"S":"b"}]}})"));
  auto appended = ex::apply_update(**parsed, *created);
  ASSERT_TRUE(appended.has_value());
  EXPECT_EQ(*appended, legacy_item(R"({"k":{"S":"x"},"log":{"L":[{"S":"b"},{"S":"b"}]}})"));
  auto mismatch = ex::apply_update(**parsed, legacy_item(R"({"k":{"S":"x"},"log":{"S":"text"}})"));
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_EQ(legacy_update_error(mismatch.error()).message, "Type mismatch for attribute to update");
}

TEST(dynamodbLegacyParametersTest, AttributeUpdatesErrorsInDynamoDbsWords) {
  auto message = [](const char* updates) {
    auto r = attribute_updates(json{{"AttributeUpdates", json::parse(updates)}});
    return r ? std::string{"<ok>"} : r.error().message;
  };
  EXPECT_EQ(message(R"({"a":{"Action":"PUT"}})"),
            "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified");
  EXPECT_EQ(message(R"({"a":{}})"),
            "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified");
  EXPECT_EQ(message(R"({"a":{"Action":"DELETE","Value":{"S":"x"}}})"),
            "One or more parameter values were invalid: DELETE action with value is not supported for the type S");
  EXPECT_EQ(message(R"({"a":{"Action":"ADD","Value":{"S":"x"}}})"),
            "One or more parameter values were invalid: ADD action is not supported for the type S");
  EXPECT_EQ(message(R"({"a":{"Action":"ADD","Value":{"M":{}}}})"),
            "One or more parameter values were invalid: ADD action is not supported for the type M");
  EXPECT_EQ(message(R"({"a":{"Action":"REPLACE","Value":{"S":"x"}}})"),
            "1 validation error detected: Value 'REPLACE' at 'attributeUpdates.a.member.action' failed to satisfy constraint: Member must "
            "satisfy enum value set: [ADD, PUT, DELETE]");
}

}  // namespace
}  // namespace localray::dynamodb::protocol
