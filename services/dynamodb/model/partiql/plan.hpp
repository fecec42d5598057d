#pragma once
// A parsed PartiQL statement as the table requests that carry it out, bound to the table's key
// schema: a write names its item by the equalities its WHERE puts on the primary key (the rest of
// the WHERE becomes its condition); a SELECT reads one partition when its WHERE fixes the hash
// key, else the whole table, and keeps the items the WHERE holds for.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"
#include "services/dynamodb/model/partiql/statement.hpp"
#include "services/dynamodb/model/table.hpp"

namespace localray::dynamodb::model::partiql {

struct SelectPlan {
  std::variant<QueryRequest, ScanRequest> read;  // without filter or projection: applied by keep()
  std::optional<expression::Condition> where;
  std::optional<expression::Projection> projection;
  bool single_item = false;  // the WHERE fixes the whole primary key by equality
};

// `limit` counts the items read, as Query and Scan count them; `start` resumes after a key.
auto plan_select(const Select& select, const TableDefinition& definition, std::optional<std::size_t> limit,
                 std::optional<Item> start) -> Result<SelectPlan>;

// The item as the SELECT returns it, or nothing when its WHERE does not hold. A projected path
// comes back under its last name: `SELECT a.b` gives {b: ...}.
std::optional<Item> keep(const SelectPlan& plan, const Item& item);
// The projection part of keep(), for reads that found their item otherwise (ExecuteTransaction).
Item project(const Item& item, const expression::Projection& projection);

// The item a write names and the condition that remains, for UPDATE and DELETE.
struct KeyedWhere {
  Item key;
  std::optional<expression::Condition> condition;
};
auto keyed_where(const std::optional<expression::Condition>& where, const KeySchema& schema) -> Result<KeyedWhere>;

// INSERT: a Put that fails with DuplicateItem when the key is taken.
auto insert_request(const Insert& insert, const KeySchema& schema) -> Result<PutRequest>;
// UPDATE: fails with ConditionalCheckFailed when the item is not there (an UPDATE never creates).
auto update_request(const Update& update, const KeySchema& schema) -> Result<UpdateRequest>;
auto delete_request(const Delete& remove, const KeySchema& schema) -> Result<DeleteRequest>;

}  // namespace localray::dynamodb::model::partiql
