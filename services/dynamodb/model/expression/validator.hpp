#pragma once
// Phase 3: resolves "#n" and ":v" through the request's Substitutions and checks what can be
// checked without the item: known functions used in their place with the right number and kind
// of operands, literal operand types, overlapping paths. What passes here can still meet an item
// it does not fit (phase 4 reports that), but never malformed input.
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"
#include "services/dynamodb/model/expression/substitutions.hpp"

namespace localray::dynamodb::model::expression {

auto validate_update(UpdateExpression expression, Substitutions& substitutions) -> Result<UpdateExpression>;
auto validate_condition(Condition condition, Kind kind, Substitutions& substitutions) -> Result<Condition>;
auto validate_projection(Projection projection, Substitutions& substitutions) -> Result<Projection>;

}  // namespace localray::dynamodb::model::expression
