#pragma once
// ConsumedCapacity as DynamoDB bills it (CapacityUnitCalculations in the developer guide):
// one read unit per 4 KB read, rounded up, halved for an eventually consistent read; one write
// unit per 1 KB written, rounded up; every item read or written costs at least one unit (half
// for an eventually consistent read), even when it does not exist.
#include <cstddef>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/table.hpp"

namespace localray::dynamodb::protocol {

enum class CapacityMode { None, Total, Indexes };

// ReturnConsumedCapacity: NONE (the default), TOTAL or INDEXES.
auto capacity_mode(const nlohmann::json& request) -> model::Result<CapacityMode>;

double read_units(std::size_t bytes, bool consistent);
double write_units(std::size_t bytes);

// What was read or written: a table, or one of its secondary indexes (Query and Scan).
struct CapacityTarget {
  std::string table;
  std::string index = {};  // empty: the table itself
  bool global_index = false;
};

// {"TableName": ..., "CapacityUnits": ...}; INDEXES adds where the units went: "Table", or
// "GlobalSecondaryIndexes"/"LocalSecondaryIndexes" by index name.
nlohmann::json consumed_capacity(const CapacityTarget& target, double units, CapacityMode mode);

// Bytes of the item stored under `key` (as DynamoDB sizes it); 0 when there is none.
std::size_t stored_item_size(const model::Table& table, const model::Item& key);

}  // namespace localray::dynamodb::protocol
