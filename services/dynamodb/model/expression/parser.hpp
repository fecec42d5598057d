#pragma once
// Phase 2: tokens to syntax trees, with names and values still unresolved. Reports what
// DynamoDB reports at this stage: syntax errors ("Syntax error; token: ..., near: ..."), empty
// expressions, repeated update clauses and reserved words used as attribute names.
#include <string_view>

#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"

namespace localray::dynamodb::model::expression {

auto parse_update_syntax(std::string_view text) -> Result<UpdateExpression>;

// ConditionExpression, FilterExpression and KeyConditionExpression share one grammar; `kind`
// only names the parameter in errors.
auto parse_condition_syntax(std::string_view text, Kind kind) -> Result<Condition>;

auto parse_projection_syntax(std::string_view text) -> Result<Projection>;

}  // namespace localray::dynamodb::model::expression
