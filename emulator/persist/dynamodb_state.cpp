#include "emulator/persist/dynamodb_state.hpp"

#include <map>
#include <optional>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "services/dynamodb/protocol/attribute_value_json.hpp"
#include "services/dynamodb/protocol/table_json.hpp"

namespace localray::emulator::persist {

namespace asio = boost::asio;
namespace model = dynamodb::model;
using nlohmann::json;

namespace {

std::string items_owner(const std::string& scope_owner, const model::Table& t) { return scope_owner + "/" + t.definition().name; }

// An item's row key: its key attributes in the wire's JSON form, which orders nothing but names
// one item exactly.
std::string row_key(const model::KeySchema& schema, const model::PrimaryKey& key) {
  model::Item k{{schema.hash.name, key.hash}};
  if (schema.range && key.range) k.emplace(schema.range->name, *key.range);
  return dynamodb::protocol::item_to_json(k).dump();
}

std::string_view scalar_name(model::Type t) { return model::type_name(t); }

json key_schema_json(const model::KeySchema& k) {
  json out = json::array({{{"AttributeName", k.hash.name}, {"KeyType", "HASH"}}});
  if (k.range) out.push_back({{"AttributeName", k.range->name}, {"KeyType", "RANGE"}});
  return out;
}

json index_json(const model::IndexDefinition& index, const model::TableDefinition& d) {
  json projection{{"ProjectionType", index.projection == model::ProjectionType::All        ? "ALL"
                                     : index.projection == model::ProjectionType::KeysOnly ? "KEYS_ONLY"
                                                                                           : "INCLUDE"}};
  if (!index.non_key_attributes.empty()) projection["NonKeyAttributes"] = index.non_key_attributes;
  json out{{"IndexName", index.name}, {"KeySchema", key_schema_json(index.key)}, {"Projection", std::move(projection)}};
  if (d.provisioned_throughput)
    out["ProvisionedThroughput"] = {{"ReadCapacityUnits", d.provisioned_throughput->read_capacity_units},
                                    {"WriteCapacityUnits", d.provisioned_throughput->write_capacity_units}};
  return out;
}

// The CreateTable request that makes this definition again.
json create_request(const model::TableDefinition& d) {
  json attributes = json::array();
  for (const auto& a : d.attribute_definitions) attributes.push_back({{"AttributeName", a.name}, {"AttributeType", scalar_name(a.type)}});
  json out{{"TableName", d.name},
           {"KeySchema", key_schema_json(d.key)},
           {"AttributeDefinitions", std::move(attributes)},
           {"BillingMode", d.billing_mode == model::BillingMode::PayPerRequest ? "PAY_PER_REQUEST" : "PROVISIONED"}};
  if (d.provisioned_throughput)
    out["ProvisionedThroughput"] = {{"ReadCapacityUnits", d.provisioned_throughput->read_capacity_units},
                                    {"WriteCapacityUnits", d.provisioned_throughput->write_capacity_units}};
  for (const auto& [member, list] : {std::pair{"GlobalSecondaryIndexes", &d.global_secondary_indexes},
                                     std::pair{"LocalSecondaryIndexes", &d.local_secondary_indexes}}) {
    if (list->empty()) continue;
    json indexes = json::array();
    for (const auto& index : *list) indexes.push_back(index_json(index, d));
    out[member] = std::move(indexes);
  }
  // A restored table gets a new stream (new ARN, no records): the records are not kept.
  if (d.stream) out["StreamSpecification"] = {{"StreamEnabled", true}, {"StreamViewType", model::view_type_name(*d.stream)}};
  return out;
}

std::int64_t ns(std::chrono::system_clock::time_point t) { return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count(); }

}  // namespace

DynamoDbState::DynamoDbState(tracing::StateJournal& journal, base::Scope scope) : journal_{journal}, scope_owner_{scope_owner(scope)} {}

void DynamoDbState::table_changed(const model::Table& t, const std::string& id) {
  json j{{"definition", create_request(t.definition())}, {"created", ns(t.created())}, {"id", id}};
  if (!t.tags().empty()) j["tags"] = t.tags();
  if (t.time_to_live()) j["ttl"] = *t.time_to_live();
  journal_.put(kDynamoDbTableRows, scope_owner_, t.definition().name, j.dump());
}

void DynamoDbState::table_removed(const model::Table& t) {
  journal_.erase(kDynamoDbTableRows, scope_owner_, t.definition().name);
  journal_.erase_owner(kDynamoDbItemRows, items_owner(scope_owner_, t));
}

void DynamoDbState::item_stored(const model::Table& t, const model::Item& item) {
  auto key = model::try_key_of_item(t.definition().key, item);
  if (!key) return;  // the table checked it before storing
  journal_.put(kDynamoDbItemRows, items_owner(scope_owner_, t), row_key(t.definition().key, *key),
               dynamodb::protocol::item_to_json(item).dump());
}

void DynamoDbState::item_removed(const model::Table& t, const model::PrimaryKey& key) {
  journal_.erase(kDynamoDbItemRows, items_owner(scope_owner_, t), row_key(t.definition().key, key));
}

asio::awaitable<RestoreCounts> restore_dynamodb(model::Backend& backend, const base::Scope& scope, const std::vector<tracing::StateRow>& rows,
                                                tracing::StateJournal& journal, std::shared_ptr<spdlog::logger> log) {
  RestoreCounts counts;
  const std::string owner = scope_owner(scope);
  std::map<std::string, std::vector<const tracing::StateRow*>> items;
  for (const auto& row : rows)
    if (row.kind == kDynamoDbItemRows && row.owner.starts_with(owner + "/")) items[row.owner].push_back(&row);
  for (const auto& row : rows) {
    if (row.kind != kDynamoDbTableRows || row.owner != owner) continue;
    auto j = json::parse(row.value, nullptr, false);
    model::Result<model::TableDefinition> definition = model::Error{model::Code::Validation, "unreadable"};
    std::int64_t created = 0;
    std::string id;
    model::Tags tags;
    std::optional<std::string> ttl;
    if (j.is_object() && j.contains("definition") && j["created"].is_number_integer() && j["id"].is_string()) {
      definition = dynamodb::protocol::table_definition_from_json(j["definition"]);
      created = j["created"].get<std::int64_t>();
      id = j["id"].get<std::string>();
      if (auto stored = j.find("tags"); stored != j.end() && stored->is_object())
        for (const auto& [key, value] : stored->items())
          if (value.is_string()) tags[key] = value.get<std::string>();
      if (auto stored = j.find("ttl"); stored != j.end() && stored->is_string()) ttl = stored->get<std::string>();
    }
    std::shared_ptr<model::TableHandle> h;
    bool same_schema = true;
    if (!definition) {
      log->warn("--persist: table {} in {} not restored: {}", row.key, owner, definition.error().message);
    } else if (auto existing = backend.handle(row.key)) {
      // Made by the topology just now: its definition is the file's, the items are the store's.
      h = *existing;
      auto resolved = model::resolve_definition(*definition);
      same_schema = resolved && resolved->key == h->table->definition().key;
      if (!same_schema) log->warn("--persist: the items of table {} in {} not restored: the topology gives it another key schema", row.key, owner);
    } else {
      auto made = backend.restore_table(std::move(*definition),
                                        std::chrono::system_clock::time_point{std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds{created})},
                                        id, tags);
      if (made) h = *made;
      else log->warn("--persist: table {} in {} not restored: {}", row.key, owner, made.error().message);
    }
    auto listed = items.find(owner + "/" + row.key);
    if (!h) {
      journal.erase(kDynamoDbTableRows, owner, row.key);
      ++counts.skipped;
      continue;
    }
    ++counts.resources;
    // Held to the end of this table's turn of the loop, which awaits nothing more.
    auto held = co_await dynamodb::model::enter(h);
    // A table the topology made takes the tags the file kept: they were set over the API.
    if (!tags.empty()) h->table->set_tags(std::move(tags));
    // Before the items, which it indexes by expiry as they come back.
    if (ttl) h->table->set_time_to_live(std::move(ttl));
    if (listed == items.end()) {
      if (auto* changes = h->table->changes(); changes) changes->table_changed(*h->table, h->id);
      continue;
    }
    for (const auto* r : listed->second) {
      auto item = same_schema ? dynamodb::protocol::item_from_json(json::parse(r->value, nullptr, false))
                              : model::Result<model::Item>{model::Error{model::Code::Validation, "another key schema"}};
      if (!item || !h->table->restore(std::move(*item))) {
        if (same_schema) log->warn("--persist: an item of table {} in {} not restored: its row is unreadable", row.key, owner);
        journal.erase(kDynamoDbItemRows, r->owner, r->key);
        ++counts.skipped;
        continue;
      }
      ++counts.items;
    }
    if (auto* changes = h->table->changes(); changes) changes->table_changed(*h->table, h->id);
    items.erase(listed);
  }
  for (const auto& [stale, list] : items) {
    journal.erase_owner(kDynamoDbItemRows, stale);
    counts.skipped += list.size();
  }
  co_return counts;
}

}  // namespace localray::emulator::persist
