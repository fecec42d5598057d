#pragma once
// Phase 4 for ProjectionExpression, and for the UPDATED_OLD / UPDATED_NEW return values.
#include <vector>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/expression/ast.hpp"

namespace localray::dynamodb::model::expression {

// The parts of `item` the paths name, in the same nesting: `a.b` keeps {a: {b: ...}}, and list
// elements keep their relative order (`l[3], l[1]` gives [l1, l3]). Paths that name nothing are
// skipped. The paths must not overlap (validation rejects that).
Item project(const Item& item, const std::vector<Path>& paths);

}  // namespace localray::dynamodb::model::expression
