#pragma once
// DynamoDB's PartiQL: one statement (SELECT, INSERT, UPDATE or DELETE on one table), parsed with
// its `?` parameters already in place. Conditions, paths and updates use the expression syntax
// trees, with every value resolved, so that the table evaluates them as it evaluates expressions.
//
//   auto statement = partiql::parse_statement("SELECT * FROM \"orders\" WHERE id = ?", {AttributeValue{"o-1"}});
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"

namespace localray::dynamodb::model::partiql {

struct Select {
  std::string table;
  std::optional<std::string> index;                       // FROM "table"."index"
  std::optional<expression::Projection> projection = {};  // none: SELECT *
  std::optional<expression::Condition> where = {};
};

struct Insert {
  std::string table;
  Item item;
};

// RETURNING ALL OLD * / MODIFIED OLD * / ALL NEW * / MODIFIED NEW *.
enum class Returning { None, AllOld, ModifiedOld, AllNew, ModifiedNew };

struct Update {
  std::string table;
  expression::UpdateExpression update;
  std::optional<expression::Condition> where = {};
  Returning returning = Returning::None;
};

struct Delete {
  std::string table;
  std::optional<expression::Condition> where = {};
  Returning returning = Returning::None;
};

using Statement = std::variant<Select, Insert, Update, Delete>;

// Syntax errors, and parameters that do not match the `?`s, are ValidationExceptions in DynamoDB's words.
auto parse_statement(std::string_view text, const std::vector<AttributeValue>& parameters) -> Result<Statement>;

const std::string& table_of(const Statement& statement);
bool is_read(const Statement& statement);

}  // namespace localray::dynamodb::model::partiql
