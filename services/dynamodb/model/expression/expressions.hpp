#pragma once
// Entry point: every expression of one request, parsed and validated together, so that
// ExpressionAttributeNames/Values shared between them are checked for unused entries once.
//
//   expression::ExpressionInput in;
//   in.update = "ADD hits :incr";
//   in.values = expression::Values{{":incr", Number::from_integer(1)}};
//   auto parsed = expression::parse_expressions(in);          // Result<Expressions>
//   if (!parsed) return parsed.error();
//   table.update_item(key, UpdateRequest{.update = std::move(*parsed->update), ...});
#include <optional>
#include <string>
#include <string_view>

#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"
#include "services/dynamodb/model/expression/key_condition.hpp"
#include "services/dynamodb/model/expression/substitutions.hpp"

namespace localray::dynamodb::model::expression {

struct ExpressionInput {
  std::optional<std::string> update = {};  // UpdateExpression
  std::optional<std::string> condition = {};  // ConditionExpression
  std::optional<std::string> filter = {};  // FilterExpression
  std::optional<std::string> key_condition = {};  // KeyConditionExpression
  std::optional<std::string> projection = {};  // ProjectionExpression
  std::optional<Names> names = {};  // ExpressionAttributeNames (absent, not empty, when not sent)
  std::optional<Values> values = {};  // ExpressionAttributeValues
};

struct Expressions {
  std::optional<UpdateExpression> update = {};
  std::optional<Condition> condition = {};
  std::optional<Condition> filter = {};
  std::optional<KeyCondition> key_condition = {};
  std::optional<Projection> projection = {};
};

auto parse_expressions(const ExpressionInput& input) -> Result<Expressions>;

// Single expressions, for callers that hold their own Substitutions (call check_all_used after).
auto parse_update(std::string_view text, Substitutions& substitutions) -> Result<UpdateExpression>;
auto parse_condition(std::string_view text, Kind kind, Substitutions& substitutions) -> Result<Condition>;
auto parse_key_condition(std::string_view text, Substitutions& substitutions) -> Result<KeyCondition>;
auto parse_projection(std::string_view text, Substitutions& substitutions) -> Result<Projection>;

}  // namespace localray::dynamodb::model::expression
