#pragma once
// Phase 4 for UpdateExpression, in two steps so that an update is all or nothing:
//   plan  - every operand is evaluated against the item as it was before the update (DynamoDB
//           semantics: `SET a = :x, b = a` gives b the old a), and every way the item can fail
//           to fit the expression is reported here;
//   apply - the planned mutations are made on a copy, and cannot fail.
#include <vector>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"

namespace localray::dynamodb::model::expression {

// The item after a validated update. `original` is the stored item, or empty when there is none
// (UpdateItem upserts); it is never modified.
auto apply_update(const UpdateExpression& update, const Item& original) -> Result<Item>;

// The paths an update writes, for ReturnValues UPDATED_OLD / UPDATED_NEW.
std::vector<Path> updated_paths(const UpdateExpression& update);

}  // namespace localray::dynamodb::model::expression
