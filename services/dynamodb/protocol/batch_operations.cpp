// BatchGetItem and BatchWriteItem. Both check every table and key before touching any item, so a
// bad batch changes nothing (the checks read table definitions only, which never change); then
// each table's part is served on that table's strand. Every request is served (no
// UnprocessedKeys/Items: a local table is never throttled, but the members are always present
// because SDKs loop on them).
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "services/dynamodb/model/limits.hpp"
#include "services/dynamodb/protocol/attribute_value_json.hpp"
#include "services/dynamodb/protocol/capacity.hpp"
#include "services/dynamodb/protocol/operations.hpp"
#include "services/dynamodb/protocol/request_json.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Result;

namespace {

constexpr std::size_t kMaxBatchGetKeys = 100;     // BatchGetItem quota, over all tables
constexpr std::size_t kMaxBatchWriteItems = 25;   // BatchWriteItem quota, over all tables

constexpr const char* kDuplicateKeys = "Provided list of item keys contains duplicates";

// RequestItems: a non-empty map from table name to that table's part of the batch.
auto request_items(const json& request) -> Result<const json*> {
  if (auto ok = require(request, {"RequestItems"}); !ok) return ok.error();
  auto items = object_member(request, "RequestItems");
  if (!items) return items.error();
  if ((*items)->empty()) return model::constraint_error("{}", "requestItems", "have length greater than or equal to 1");
  return *items;
}

// The key's place in the table, so that a batch naming one item twice is refused.
auto unique_key(const model::KeySchema& schema, const model::Item& key, std::set<model::PrimaryKey>& seen) -> Result<void> {
  auto parsed = model::parse_key(schema, key);
  if (!parsed) return parsed.error();
  if (!seen.insert(std::move(*parsed)).second) return model::validation_error(kDuplicateKeys);
  return {};
}

// --- BatchGetItem -------------------------------------------------------------------------

struct TableKeys {
  std::string table_name;
  std::vector<model::Item> keys = {};
  std::optional<model::expression::Projection> projection = {};
  bool consistent = false;
};

auto keys_of(const json& entry) -> Result<std::vector<model::Item>> {
  auto keys = array_member(entry, "Keys");
  if (!keys) return keys.error();
  if ((*keys)->empty()) return model::constraint_error("[]", "keys", "have length greater than or equal to 1");
  std::vector<model::Item> out;
  for (const auto& key : **keys) {
    auto parsed = item_from_json(key);
    if (!parsed) return parsed.error();
    out.push_back(std::move(*parsed));
  }
  return out;
}

auto table_keys(const std::string& name, const json& entry) -> Result<TableKeys> {
  if (!entry.is_object()) return type_mismatch(entry, "KeysAndAttributes");
  if (auto ok = require(entry, {"Keys"}, "requestItems." + name + ".member"); !ok) return ok.error();
  TableKeys out{name};
  auto keys = keys_of(entry);
  if (!keys) return keys.error();
  out.keys = std::move(*keys);
  auto parsed = parse_expression_members(entry, {"ProjectionExpression"});
  if (!parsed) return parsed.error();
  auto listed = attributes_to_get(entry);
  if (!listed) return listed.error();
  out.projection = parsed->projection ? std::move(parsed->projection) : std::move(*listed);
  auto consistent = bool_member(entry, "ConsistentRead");
  if (!consistent) return consistent.error();
  out.consistent = consistent->value_or(false);
  return out;
}

// RequestItems parsed table by table with `parse`; `size` counts a part against the batch's
// quota, which holds over all tables together.
template <class Part, class Parse, class Size>
auto per_table(const json& request, Parse parse, Size size, std::size_t quota, const char* operation) -> Result<std::vector<Part>> {
  auto items = request_items(request);
  if (!items) return items.error();
  std::vector<Part> out;
  std::size_t total = 0;
  for (const auto& [name, entry] : (*items)->items()) {
    auto part = parse(name, entry);
    if (!part) return part.error();
    total += size(*part);
    out.push_back(std::move(*part));
  }
  if (total > quota) return model::validation_error(std::string{"Too many items requested for the "} + operation + " call");
  return out;
}

auto batch_get_input(const json& request) -> Result<std::vector<TableKeys>> {
  return per_table<TableKeys>(request, table_keys, [](const TableKeys& p) { return p.keys.size(); }, kMaxBatchGetKeys, "BatchGetItem");
}

// The table, once every key of its part of the batch is known to be valid and distinct.
auto checked_table(const model::Backend& backend, const TableKeys& part) -> Result<std::shared_ptr<model::TableHandle>> {
  auto table = backend.item_handle(part.table_name);
  if (!table) return table.error();
  // The table's definition may change under UpdateTable: read under its items lock.
  std::lock_guard held{(*table)->items_lock};
  std::set<model::PrimaryKey> seen;
  for (const auto& key : part.keys) {
    if (auto ok = unique_key((*table)->table->definition().key, key, seen); !ok) return ok.error();
  }
  return table;
}

// One table's items; `units` gathers what reading them cost (each key billed on its own).
auto read_part(const model::Table& table, const TableKeys& part, double& units) -> Result<json> {
  json items = json::array();
  for (const auto& key : part.keys) {
    auto found = table.get_item(model::GetRequest{key, part.projection});
    if (!found) return found.error();
    if (*found) items.push_back(item_to_json(**found));
    units += read_units(stored_item_size(table, key), part.consistent);
  }
  return success(std::move(items));
}

// --- BatchWriteItem -----------------------------------------------------------------------

// A PutRequest carries an item, a DeleteRequest a key.
struct WriteRequest {
  bool put = true;
  model::Item item_or_key;
};

struct TableWrites {
  std::string table_name;
  std::vector<WriteRequest> requests = {};
};

auto write_request_of(const json& element, const std::string& at) -> Result<WriteRequest> {
  if (!element.is_object()) return type_mismatch(element, "WriteRequest");
  auto put = object_member(element, "PutRequest");
  if (!put) return put.error();
  auto remove = object_member(element, "DeleteRequest");
  if (!remove) return remove.error();
  if ((*put == nullptr) == (*remove == nullptr)) {
    return model::validation_error("Supplied WriteRequest must contain exactly one of PutRequest or DeleteRequest");
  }
  bool is_put = *put != nullptr;
  const json& body = is_put ? **put : **remove;
  std::string_view member_name = is_put ? "Item" : "Key";
  if (auto ok = require(body, {member_name}, at + (is_put ? ".putRequest" : ".deleteRequest")); !ok) return ok.error();
  auto item = item_member(body, member_name);
  if (!item) return item.error();
  return WriteRequest{is_put, std::move(**item)};
}

auto table_writes(const std::string& name, const json& list) -> Result<TableWrites> {
  if (!list.is_array()) return type_mismatch(list, "List");
  if (list.empty()) return model::constraint_error("[]", "requestItems." + name + ".member", "have length greater than or equal to 1");
  TableWrites out{name};
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto request = write_request_of(list[i], "requestItems." + name + ".member." + std::to_string(i + 1) + ".member");
    if (!request) return request.error();
    out.requests.push_back(std::move(*request));
  }
  return out;
}

auto batch_write_input(const json& request) -> Result<std::vector<TableWrites>> {
  return per_table<TableWrites>(request, table_writes, [](const TableWrites& p) { return p.requests.size(); }, kMaxBatchWriteItems,
                                "BatchWriteItem");
}

// Everything PutItem and DeleteItem would refuse, checked before anything is written.
auto check_write(const model::TableDefinition& definition, const WriteRequest& request, std::set<model::PrimaryKey>& seen)
    -> Result<void> {
  if (!request.put) return unique_key(definition.key, request.item_or_key, seen);
  auto key = model::key_of_item(definition.key, request.item_or_key);
  if (!key) return key.error();
  if (auto ok = model::check_index_keys(definition, request.item_or_key); !ok) return ok.error();
  if (model::item_size(request.item_or_key) > model::kMaxItemBytes) {
    return model::validation_error("Item size has exceeded the maximum allowed size");
  }
  if (!seen.insert(std::move(*key)).second) return model::validation_error(kDuplicateKeys);
  return {};
}

auto checked_table(const model::Backend& backend, const TableWrites& part) -> Result<std::shared_ptr<model::TableHandle>> {
  auto table = backend.item_handle(part.table_name);
  if (!table) return table.error();
  std::lock_guard held{(*table)->items_lock};
  std::set<model::PrimaryKey> seen;
  for (const auto& request : part.requests) {
    if (auto ok = check_write((*table)->table->definition(), request, seen); !ok) return ok.error();
  }
  return table;
}

// Applies one write; returns the bytes it is billed on (the larger of old and new item).
auto apply_write(model::Table& table, WriteRequest request) -> Result<std::size_t> {
  const model::KeySchema& schema = table.definition().key;
  model::Item key = request.put ? model::key_attributes(schema, request.item_or_key) : request.item_or_key;
  std::size_t old_bytes = stored_item_size(table, key);
  std::size_t new_bytes = request.put ? model::item_size(request.item_or_key) : 0;
  auto written = request.put ? table.put_item(model::PutRequest{std::move(request.item_or_key)})
                             : table.delete_item(model::DeleteRequest{std::move(key)});
  if (!written) return written.error();
  return std::max(old_bytes, new_bytes);
}

}  // namespace

auto batch_get_item(const json& request, model::Backend& backend) -> boost::asio::awaitable<Result<json>> {
  auto parts = batch_get_input(request);
  if (!parts) co_return parts.error();
  auto mode = capacity_mode(request);
  if (!mode) co_return mode.error();
  std::vector<std::shared_ptr<model::TableHandle>> tables;
  for (const auto& part : *parts) {
    auto table = checked_table(backend, part);
    if (!table) co_return table.error();
    tables.push_back(std::move(*table));
  }
  json out{{"Responses", json::object()}, {"UnprocessedKeys", json::object()}};
  json capacity = json::array();
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const TableKeys& part = (*parts)[i];
    double units = 0;
    auto items = co_await model::run_on_table(tables[i], [&](model::Table& table) { return read_part(table, part, units); });
    if (!items) co_return items.error();
    out["Responses"][part.table_name] = std::move(*items);
    capacity.push_back(consumed_capacity({part.table_name}, units, *mode));
  }
  if (*mode != CapacityMode::None) out["ConsumedCapacity"] = std::move(capacity);
  co_return success(std::move(out));
}

auto batch_write_item(const json& request, model::Backend& backend) -> boost::asio::awaitable<Result<json>> {
  auto parts = batch_write_input(request);
  if (!parts) co_return parts.error();
  auto mode = capacity_mode(request);
  if (!mode) co_return mode.error();
  std::vector<std::shared_ptr<model::TableHandle>> tables;
  for (const auto& part : *parts) {
    auto table = checked_table(backend, part);
    if (!table) co_return table.error();
    tables.push_back(std::move(*table));
  }
  json capacity = json::array();
  for (std::size_t i = 0; i < parts->size(); ++i) {
    TableWrites& part = (*parts)[i];
    auto units = co_await model::run_on_table(tables[i], [&](model::Table& table) -> Result<double> {
      double sum = 0;
      for (auto& write : part.requests) {
        auto bytes = apply_write(table, std::move(write));
        if (!bytes) return bytes.error();
        sum += write_units(*bytes);
      }
      return sum;
    });
    if (!units) co_return units.error();
    capacity.push_back(consumed_capacity({part.table_name}, *units, *mode));
  }
  json out{{"UnprocessedItems", json::object()}};
  if (*mode != CapacityMode::None) out["ConsumedCapacity"] = std::move(capacity);
  co_return success(std::move(out));
}

}  // namespace localray::dynamodb::protocol
