#pragma once
// ExpressionAttributeNames and ExpressionAttributeValues of one request. Every expression of the
// request resolves its placeholders here, so that afterwards check_all_used can report the ones
// no expression used, as DynamoDB does.
#include <map>
#include <optional>
#include <set>
#include <string>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"

namespace localray::dynamodb::model::expression {

using Names = std::map<std::string, std::string>;
using Values = std::map<std::string, AttributeValue>;

class Substitutions {
 public:
  Substitutions() = default;

  // Absent maps are fine; present ones must be non-empty and keyed "#..." / ":...".
  static auto create(std::optional<Names> names, std::optional<Values> values) -> Result<Substitutions>;

  auto name(const std::string& placeholder, Kind kind) -> Result<std::string>;
  auto value(const std::string& placeholder, Kind kind) -> Result<AttributeValue>;

  // "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}", then values.
  auto check_all_used() const -> Result<void>;

  bool has_names() const { return !names_.empty(); }
  bool has_values() const { return !values_.empty(); }

 private:
  Names names_;
  Values values_;
  std::set<std::string> used_names_;
  std::set<std::string> used_values_;
};

}  // namespace localray::dynamodb::model::expression
