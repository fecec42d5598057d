#pragma once
// Tables on the wire: CreateTable's members in, botocore's TableDescription shape out.
#include <cstddef>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "services/dynamodb/model/backend.hpp"
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/table.hpp"
#include "services/dynamodb/model/table_definition.hpp"

namespace localray::dynamodb::protocol {

// Checks the shape of each member (types, enums, required fields, HASH before RANGE) and keeps
// names as sent; whether keys, definitions and indexes fit together is the model's check.
// BillingMode defaults to PROVISIONED, as on AWS.
auto table_definition_from_json(const nlohmann::json& request) -> model::Result<model::TableDefinition>;
// An UpdateTable request's changes, read and checked for shape (the model checks them against the
// table).
auto table_update_from_json(const nlohmann::json& request) -> model::Result<model::TableUpdate>;

struct IndexStats {
  std::size_t item_count = 0;
  std::size_t size_bytes = 0;
};

// Items an index holds now, and their projected size.
IndexStats index_stats(const model::Table& table, const std::string& index_name);

// A TableDescription. `table`, when given, supplies each index's ItemCount and IndexSizeBytes;
// without it they are 0 (AWS itself refreshes them only every few hours).
nlohmann::json table_description_to_json(const model::TableDescription& description, const model::Table* table);

}  // namespace localray::dynamodb::protocol
