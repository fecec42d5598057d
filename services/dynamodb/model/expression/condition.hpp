#pragma once
// Phase 4 for ConditionExpression and FilterExpression.
#include <optional>
#include <set>
#include <string>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/expression/ast.hpp"

namespace localray::dynamodb::model::expression {

// True when `item` (empty for an absent item) satisfies a validated condition. Cannot fail:
// as in DynamoDB, a missing attribute or a type mismatch makes a comparison false, not an error.
bool evaluate(const Condition& condition, const Item& item);

// The value of a condition operand (path, value, size()), or nothing when it has none.
std::optional<AttributeValue> evaluate_operand(const Operand& operand, const Item& item);

// The top-level attribute names a validated condition reads (Query filters may not read keys).
std::set<std::string> referenced_attributes(const Condition& condition);

}  // namespace localray::dynamodb::model::expression
