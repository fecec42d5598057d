#pragma once
// A KeyConditionExpression reduced to what Query needs: one or two terms on top-level
// attributes. Whether the terms name the hash and range key of the queried table or index, with
// values of the declared types, is checked by the table, which knows the schema.
#include <string>
#include <vector>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"

namespace localray::dynamodb::model::expression {

enum class KeyOperator { Eq, Lt, Le, Gt, Ge, Between, BeginsWith };

struct KeyTerm {
  std::string attribute;
  KeyOperator op;
  std::vector<AttributeValue> values;  // two for Between, one otherwise
};

struct KeyCondition {
  std::vector<KeyTerm> terms;  // one or two, joined by AND
};

// From a validated condition: `k = :v [AND (r op :v | r BETWEEN :a AND :b | begins_with(r, :p))]`.
auto to_key_condition(const Condition& condition) -> Result<KeyCondition>;

bool matches(const KeyTerm& term, const AttributeValue& value);

}  // namespace localray::dynamodb::model::expression
