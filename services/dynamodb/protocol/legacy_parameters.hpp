#pragma once
// DynamoDB's parameters from before expressions (Expected with ConditionalOperator,
// AttributeUpdates, KeyConditions, QueryFilter, ScanFilter), read into the syntax trees the
// expressions produce, so that the model evaluates one kind of condition and one kind of update.
// Where the old semantics differ from the nearest expression, the translation spells them out:
// NOT_CONTAINS is false for a missing attribute, and ADD of a list appends to it.
//
// Legacy names are literal top-level attribute names: "a.b" is one attribute, not a path.
#include <initializer_list>
#include <optional>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"
#include "services/dynamodb/model/expression/key_condition.hpp"

namespace localray::dynamodb::protocol {

// Refuses a request that uses both styles, naming each side's members as DynamoDB does: "Can not
// use both expression and non-expression parameters in the same request: Non-expression
// parameters: {Expected} Expression parameters: {ConditionExpression}". `members` are the ones
// the operation takes; others are ignored, as AWS ignores members outside an operation's shape.
// KeyConditions only counts against a KeyConditionExpression: with a FilterExpression it is allowed.
auto check_parameter_style(const nlohmann::json& request, std::initializer_list<std::string_view> members) -> model::Result<void>;

// Expected, joined by ConditionalOperator (AND when absent). Nothing when Expected is absent or empty.
auto expected_condition(const nlohmann::json& request) -> model::Result<std::optional<model::expression::Condition>>;

// QueryFilter or ScanFilter (`member`), joined by ConditionalOperator.
auto filter_condition(const nlohmann::json& request, std::string_view member)
    -> model::Result<std::optional<model::expression::Condition>>;

// KeyConditions as the key condition of a Query. Whether its terms name the key schema is left to
// the table, as for KeyConditionExpression.
auto key_conditions(const nlohmann::json& request) -> model::Result<std::optional<model::expression::KeyCondition>>;

// AttributeUpdates as an update expression: PUT is SET, DELETE without a value REMOVE, DELETE of
// a set DELETE, ADD of a number or set ADD, ADD of a list SET to the list with the value appended.
auto attribute_updates(const nlohmann::json& request) -> model::Result<std::optional<model::expression::UpdateExpression>>;

// The message DynamoDB gives an AttributeUpdates ADD or DELETE that meets a value of another type,
// where an UpdateExpression gets "An operand in the update expression has an incorrect data type".
model::Error legacy_update_error(model::Error error);

}  // namespace localray::dynamodb::protocol
