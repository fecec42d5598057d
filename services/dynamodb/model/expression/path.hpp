#pragma once
// Document paths against items: lookup, overlap, and DynamoDB's way of printing them.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/expression/ast.hpp"

namespace localray::dynamodb::model::expression {

// "[a, b, [0]]", as DynamoDB quotes paths in "Two document paths overlap" errors.
std::string describe_path(const Path& path);

// True when one path is a prefix of (or equal to) the other: they touch the same data.
bool overlaps(const Path& a, const Path& b);

// The first overlapping pair, in order of appearance.
std::optional<std::pair<const Path*, const Path*>> find_overlap(const std::vector<const Path*>& paths);

Error overlap_error(Kind kind, const Path& one, const Path& two);

// The value at `path`, or null when any step is missing or of the wrong container type.
const AttributeValue* find_path(const Item& item, const Path& path);

}  // namespace localray::dynamodb::model::expression
