#include "services/dynamodb/protocol/legacy_parameters.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/attribute_value_json.hpp"
#include "services/dynamodb/protocol/request_json.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Result;
namespace ex = model::expression;

namespace {

enum class Operator { Eq, Ne, Le, Lt, Ge, Gt, NotNull, Null, Contains, NotContains, BeginsWith, In, Between };

// The order DynamoDB lists the set in its enum errors.
auto operator_member(const json& entry, const std::string& path) -> Result<std::optional<std::string>> {
  return enum_member(entry, "ComparisonOperator",
                     {"IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS"}, path);
}

struct OperatorRule {
  std::string_view name;
  Operator op;
  std::size_t min_values;
  std::size_t max_values;
};

constexpr std::size_t kAny = ~std::size_t{0};
constexpr std::array<OperatorRule, 13> kRules{{
    {"EQ", Operator::Eq, 1, 1},
    {"NE", Operator::Ne, 1, 1},
    {"LE", Operator::Le, 1, 1},
    {"LT", Operator::Lt, 1, 1},
    {"GE", Operator::Ge, 1, 1},
    {"GT", Operator::Gt, 1, 1},
    {"NOT_NULL", Operator::NotNull, 0, 0},
    {"NULL", Operator::Null, 0, 0},
    {"CONTAINS", Operator::Contains, 1, 1},
    {"NOT_CONTAINS", Operator::NotContains, 1, 1},
    {"BEGINS_WITH", Operator::BeginsWith, 1, 1},
    {"IN", Operator::In, 1, kAny},
    {"BETWEEN", Operator::Between, 2, 2},
}};

const OperatorRule& rule_of(std::string_view name) {
  return *std::find_if(kRules.begin(), kRules.end(), [&](const OperatorRule& r) { return r.name == name; });
}

bool sortable(model::Type t) { return t == model::Type::String || t == model::Type::Number || t == model::Type::Binary; }

// Which values each operator compares with, as DynamoDB checks the AttributeValueList.
bool type_supported(Operator op, model::Type t) {
  switch (op) {
    case Operator::Eq:
    case Operator::Ne:
    case Operator::NotNull:
    case Operator::Null: return true;
    case Operator::Contains:
    case Operator::NotContains: return sortable(t) || t == model::Type::Bool || t == model::Type::Null;
    case Operator::BeginsWith: return t == model::Type::String || t == model::Type::Binary;
    default: return sortable(t);
  }
}

auto check_arguments(const OperatorRule& rule, const std::vector<model::AttributeValue>& values) -> Result<void> {
  if (values.size() < rule.min_values || values.size() > rule.max_values) {
    return model::invalid_parameter("Invalid number of argument(s) for the " + std::string{rule.name} + " ComparisonOperator");
  }
  for (const auto& value : values) {
    if (!type_supported(rule.op, value.type())) {
      return model::invalid_parameter("ComparisonOperator " + std::string{rule.name} + " is not valid for " +
                                      std::string{model::type_name(value.type())} + " AttributeValue type");
    }
    if (value.type() != values.front().type()) {
      return model::invalid_parameter("AttributeValues inside AttributeValueList must be of same type");
    }
  }
  if (rule.op == Operator::Between && std::is_gt(model::compare_scalars(values[0], values[1]))) {
    return model::validation_error("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
  }
  return {};
}

ex::Operand attribute(const std::string& name) { return ex::Operand{ex::Path{{name}}}; }

// Placeholders are never resolved (the value is already there); the name only shows in debugging.
ex::Operand literal(model::AttributeValue value) { return ex::Operand{ex::ValueRef{":legacy", std::move(value)}}; }

ex::Condition function(std::string name, std::vector<ex::Operand> args) {
  return ex::Condition{ex::Predicate{ex::FunctionCall{std::move(name), std::move(args)}}};
}

ex::Condition joined(bool is_and, ex::Condition lhs, ex::Condition rhs) {
  return ex::Condition{ex::Logical{is_and, std::move(lhs), std::move(rhs)}};
}

ex::Condition compared(ex::Comparator c, const std::string& name, model::AttributeValue value) {
  return ex::Condition{ex::Comparison{c, attribute(name), literal(std::move(value))}};
}

ex::Condition condition_of(Operator op, const std::string& name, std::vector<model::AttributeValue> values) {
  switch (op) {
    case Operator::Eq: return compared(ex::Comparator::Eq, name, std::move(values[0]));
    case Operator::Ne: return compared(ex::Comparator::Ne, name, std::move(values[0]));
    case Operator::Le: return compared(ex::Comparator::Le, name, std::move(values[0]));
    case Operator::Lt: return compared(ex::Comparator::Lt, name, std::move(values[0]));
    case Operator::Ge: return compared(ex::Comparator::Ge, name, std::move(values[0]));
    case Operator::Gt: return compared(ex::Comparator::Gt, name, std::move(values[0]));
    case Operator::NotNull: return function("attribute_exists", {attribute(name)});
    case Operator::Null: return function("attribute_not_exists", {attribute(name)});
    case Operator::Contains: return function("contains", {attribute(name), literal(std::move(values[0]))});
    case Operator::NotContains:
      // NOT_CONTAINS holds only for an attribute that is there: `NOT contains(a, :v)` alone would
      // also hold for a missing one.
      return joined(true, function("attribute_exists", {attribute(name)}),
                    ex::Condition{ex::Not{function("contains", {attribute(name), literal(std::move(values[0]))})}});
    case Operator::BeginsWith: return function("begins_with", {attribute(name), literal(std::move(values[0]))});
    case Operator::In: {
      ex::In in{attribute(name), {}};
      for (auto& value : values) in.candidates.push_back(literal(std::move(value)));
      return ex::Condition{std::move(in)};
    }
    case Operator::Between: return ex::Condition{ex::Between{attribute(name), literal(std::move(values[0])), literal(std::move(values[1]))}};
  }
  return {};
}

auto value_list(const json& entry) -> Result<std::optional<std::vector<model::AttributeValue>>> {
  auto list = array_member(entry, "AttributeValueList");
  if (!list) return list.error();
  if (*list == nullptr) return std::optional<std::vector<model::AttributeValue>>{};
  std::vector<model::AttributeValue> values;
  for (const auto& element : **list) {
    auto value = attribute_value_from_json(element);
    if (!value) return value.error();
    values.push_back(std::move(*value));
  }
  return std::optional<std::vector<model::AttributeValue>>{std::move(values)};
}

auto optional_value(const json& entry, std::string_view name) -> Result<std::optional<model::AttributeValue>> {
  const json* found = member(entry, name);
  if (found == nullptr) return std::optional<model::AttributeValue>{};
  auto value = attribute_value_from_json(*found);
  if (!value) return value.error();
  return std::optional<model::AttributeValue>{std::move(*value)};
}

auto entries_of(const json& request, std::string_view name) -> Result<const json*> { return object_member(request, name); }

// One Expected entry, checked in the order DynamoDB checks it.
auto expected_entry(const std::string& name, const json& entry) -> Result<ex::Condition> {
  if (!entry.is_object()) return type_mismatch(entry, "Structure");
  auto op = operator_member(entry, "expected." + name + ".member");
  if (!op) return op.error();
  auto exists = bool_member(entry, "Exists");
  if (!exists) return exists.error();
  bool has_value = member(entry, "Value") != nullptr;
  bool has_list = member(entry, "AttributeValueList") != nullptr;
  const std::string suffix = " for Attribute: " + name;
  if (*exists && *op) return model::invalid_parameter("Exists and ComparisonOperator cannot be used together" + suffix);
  if (has_value && has_list) return model::invalid_parameter("Value and AttributeValueList cannot be used together" + suffix);
  if (!*op && has_list) return model::invalid_parameter("AttributeValueList can only be used with a ComparisonOperator" + suffix);
  if (*exists && !**exists && has_value) return model::invalid_parameter("Value cannot be used when Exists is false" + suffix);
  if (!has_value && !has_list) {
    if (*op && **op != "NULL" && **op != "NOT_NULL") {
      return model::invalid_parameter("Value or AttributeValueList must be used with ComparisonOperator: " + **op + suffix);
    }
    if (!*op && !*exists) return model::invalid_parameter("Value must be provided when Exists is null" + suffix);
    if (!*op && **exists) return model::invalid_parameter("Value must be provided when Exists is true" + suffix);
  }
  auto value = optional_value(entry, "Value");
  if (!value) return value.error();
  auto list = value_list(entry);
  if (!list) return list.error();
  if (!*op) {
    if (!*value) return function("attribute_not_exists", {attribute(name)});  // Exists: false
    return compared(ex::Comparator::Eq, name, std::move(**value));
  }
  std::vector<model::AttributeValue> values;
  if (*value) values.push_back(std::move(**value));
  if (*list) values = std::move(**list);
  const OperatorRule& rule = rule_of(**op);
  if (auto ok = check_arguments(rule, values); !ok) return ok.error();
  return condition_of(rule.op, name, std::move(values));
}

// One Condition of KeyConditions, QueryFilter or ScanFilter: an operator and its values.
struct Term {
  const OperatorRule* rule;
  std::vector<model::AttributeValue> values;
};

auto condition_entry(const std::string& name, const json& entry, std::string_view parameter) -> Result<Term> {
  if (!entry.is_object()) return type_mismatch(entry, "Structure");
  std::string path = member_path(parameter) + "." + name + ".member";
  if (auto ok = require(entry, {"ComparisonOperator"}, path); !ok) return ok.error();
  auto op = operator_member(entry, path);
  if (!op) return op.error();
  auto list = value_list(entry);
  if (!list) return list.error();
  Term term{&rule_of(**op), list->value_or(std::vector<model::AttributeValue>{})};
  if (auto ok = check_arguments(*term.rule, term.values); !ok) return ok.error();
  return term;
}

// ConditionalOperator: AND or OR between the `count` conditions of Expected or a filter.
auto conditional_operator(const json& request, std::size_t count) -> Result<bool> {
  auto op = enum_member(request, "ConditionalOperator", {"OR", "AND"});
  if (!op) return op.error();
  if (!*op) return true;
  if (count == 0) return model::validation_error("ConditionalOperator cannot be used without Filter or Expected");
  if (count == 1) return model::validation_error("ConditionalOperator can only be used when Filter or Expected has two or more elements");
  return **op == "AND";
}

std::optional<ex::Condition> all_of(std::vector<ex::Condition> conditions, bool is_and) {
  if (conditions.empty()) return std::nullopt;
  ex::Condition out = std::move(conditions.front());
  for (std::size_t i = 1; i < conditions.size(); ++i) out = joined(is_and, std::move(out), std::move(conditions[i]));
  return out;
}

std::optional<ex::KeyOperator> key_operator(Operator op) {
  switch (op) {
    case Operator::Eq: return ex::KeyOperator::Eq;
    case Operator::Lt: return ex::KeyOperator::Lt;
    case Operator::Le: return ex::KeyOperator::Le;
    case Operator::Gt: return ex::KeyOperator::Gt;
    case Operator::Ge: return ex::KeyOperator::Ge;
    case Operator::Between: return ex::KeyOperator::Between;
    case Operator::BeginsWith: return ex::KeyOperator::BeginsWith;
    default: return std::nullopt;
  }
}

auto update_action(const std::string& name, const json& entry) -> Result<ex::UpdateAction> {
  if (!entry.is_object()) return type_mismatch(entry, "Structure");
  auto action = enum_member(entry, "Action", {"ADD", "PUT", "DELETE"}, "attributeUpdates." + name + ".member");
  if (!action) return action.error();
  auto value = optional_value(entry, "Value");
  if (!value) return value.error();
  std::string kind = action->value_or("PUT");
  if (!*value && kind != "DELETE") return model::invalid_parameter("Only DELETE action is allowed when no attribute value is specified");
  ex::Path path{{name}};
  if (!*value) return ex::UpdateAction{ex::ActionType::Remove, std::move(path), std::nullopt};
  model::Type type = (*value)->type();
  std::string type_text{model::type_name(type)};
  bool is_set = type == model::Type::StringSet || type == model::Type::NumberSet || type == model::Type::BinarySet;
  if (kind == "PUT") return ex::UpdateAction{ex::ActionType::Set, std::move(path), literal(std::move(**value))};
  if (kind == "DELETE") {
    if (!is_set) return model::invalid_parameter("DELETE action with value is not supported for the type " + type_text);
    return ex::UpdateAction{ex::ActionType::Delete, std::move(path), literal(std::move(**value))};
  }
  if (type == model::Type::List) {
    // ADD of a list appends, starting from an empty list: `SET a = list_append(if_not_exists(a, []), :v)`.
    ex::Operand existing{ex::FunctionCall{"if_not_exists", {attribute(name), literal(model::List{})}}};
    ex::Operand appended{ex::FunctionCall{"list_append", {std::move(existing), literal(std::move(**value))}}};
    return ex::UpdateAction{ex::ActionType::Set, std::move(path), std::move(appended)};
  }
  if (!is_set && type != model::Type::Number) return model::invalid_parameter("ADD action is not supported for the type " + type_text);
  return ex::UpdateAction{ex::ActionType::Add, std::move(path), literal(std::move(**value))};
}

}  // namespace

auto check_parameter_style(const json& request, std::initializer_list<std::string_view> members) -> Result<void> {
  auto takes = [&](std::string_view name) {
    return std::find(members.begin(), members.end(), name) != members.end() && member(request, name) != nullptr;
  };
  std::vector<std::string_view> legacy;
  std::vector<std::string_view> expressions;
  for (std::string_view name : {"AttributeUpdates", "AttributesToGet", "Expected", "QueryFilter", "ScanFilter", "ConditionalOperator"}) {
    if (takes(name)) legacy.push_back(name);
  }
  for (std::string_view name : {"UpdateExpression", "ProjectionExpression", "ConditionExpression", "FilterExpression"}) {
    if (takes(name)) expressions.push_back(name);
  }
  if (takes("KeyConditionExpression")) {
    expressions.push_back("KeyConditionExpression");
    if (takes("KeyConditions")) legacy.push_back("KeyConditions");
  }
  if (legacy.empty() || expressions.empty()) return {};
  auto braced = [](const std::vector<std::string_view>& names) {
    std::string out = "{";
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + std::string{names[i]};
    return out + "}";
  };
  return model::validation_error("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: " +
                                 braced(legacy) + " Expression parameters: " + braced(expressions));
}

auto expected_condition(const json& request) -> Result<std::optional<ex::Condition>> {
  auto entries = entries_of(request, "Expected");
  if (!entries) return entries.error();
  std::vector<ex::Condition> conditions;
  if (*entries != nullptr) {
    for (const auto& [name, entry] : (*entries)->items()) {
      auto condition = expected_entry(name, entry);
      if (!condition) return condition.error();
      conditions.push_back(std::move(*condition));
    }
  }
  auto is_and = conditional_operator(request, conditions.size());
  if (!is_and) return is_and.error();
  return all_of(std::move(conditions), *is_and);
}

auto filter_condition(const json& request, std::string_view parameter) -> Result<std::optional<ex::Condition>> {
  auto entries = entries_of(request, parameter);
  if (!entries) return entries.error();
  std::vector<ex::Condition> conditions;
  if (*entries != nullptr) {
    for (const auto& [name, entry] : (*entries)->items()) {
      auto term = condition_entry(name, entry, parameter);
      if (!term) return term.error();
      conditions.push_back(condition_of(term->rule->op, name, std::move(term->values)));
    }
  }
  auto is_and = conditional_operator(request, conditions.size());
  if (!is_and) return is_and.error();
  return all_of(std::move(conditions), *is_and);
}

auto key_conditions(const json& request) -> Result<std::optional<ex::KeyCondition>> {
  auto entries = entries_of(request, "KeyConditions");
  if (!entries) return entries.error();
  if (*entries == nullptr) return std::optional<ex::KeyCondition>{};
  ex::KeyCondition out;
  std::vector<std::pair<std::string, Term>> terms;
  for (const auto& [name, entry] : (*entries)->items()) {
    auto term = condition_entry(name, entry, "KeyConditions");
    if (!term) return term.error();
    terms.emplace_back(name, std::move(*term));
  }
  if (terms.empty() || terms.size() > 2) return model::validation_error("Conditions can be of length 1 or 2 only");
  for (auto& [name, term] : terms) {
    auto op = key_operator(term.rule->op);
    if (!op) return model::validation_error("Attempted conditional constraint is not an indexable operation");
    out.terms.push_back(ex::KeyTerm{name, *op, std::move(term.values)});
  }
  return std::optional<ex::KeyCondition>{std::move(out)};
}

auto attribute_updates(const json& request) -> Result<std::optional<ex::UpdateExpression>> {
  auto entries = entries_of(request, "AttributeUpdates");
  if (!entries) return entries.error();
  if (*entries == nullptr || (*entries)->empty()) return std::optional<ex::UpdateExpression>{};
  ex::UpdateExpression update;
  for (const auto& [name, entry] : (*entries)->items()) {
    auto action = update_action(name, entry);
    if (!action) return action.error();
    update.actions.push_back(std::move(*action));
  }
  return std::optional<ex::UpdateExpression>{std::move(update)};
}

model::Error legacy_update_error(model::Error error) {
  if (error.message == "An operand in the update expression has an incorrect data type") error.message = "Type mismatch for attribute to update";
  return error;
}

}  // namespace localray::dynamodb::protocol
