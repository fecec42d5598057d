#include "services/dynamodb/protocol/table_json.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/request_json.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Result;

namespace {

// "keySchema.2.member": DynamoDB numbers list elements from 1 in its messages.
std::string element_path(const std::string& list_path, std::size_t index) {
  return list_path + "." + std::to_string(index + 1) + ".member";
}

auto key_schema_from_json(const json& list, const std::string& path) -> Result<model::KeySchema> {
  if (!list.is_array()) return type_mismatch(list, "List");
  if (list.empty()) return model::constraint_error(list.dump(), path, "have length greater than or equal to 1");
  if (list.size() > 2) return model::constraint_error(list.dump(), path, "have length less than or equal to 2");
  model::KeySchema schema;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& element = list[i];
    std::string at = element_path(path, i);
    if (!element.is_object()) return type_mismatch(element, "KeySchemaElement");
    if (auto ok = require(element, {"AttributeName", "KeyType"}, at); !ok) return ok.error();
    auto name = string_member(element, "AttributeName");
    if (!name) return name.error();
    auto type = enum_member(element, "KeyType", {"HASH", "RANGE"}, at);
    if (!type) return type.error();
    bool hash = **type == "HASH";
    if (i == 0 && !hash) return model::validation_error("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    if (i == 1 && hash) return model::validation_error("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    (i == 0 ? schema.hash : schema.range.emplace()) = model::KeyElement{std::move(**name)};
  }
  return schema;
}

model::Type key_type(const std::string& wire) {
  if (wire == "N") return model::Type::Number;
  if (wire == "B") return model::Type::Binary;
  return model::Type::String;
}

auto attribute_definitions_from_json(const json& list) -> Result<std::vector<model::AttributeDefinition>> {
  if (!list.is_array()) return type_mismatch(list, "List");
  std::vector<model::AttributeDefinition> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& element = list[i];
    std::string at = element_path("attributeDefinitions", i);
    if (!element.is_object()) return type_mismatch(element, "AttributeDefinition");
    if (auto ok = require(element, {"AttributeName", "AttributeType"}, at); !ok) return ok.error();
    auto name = string_member(element, "AttributeName");
    if (!name) return name.error();
    auto type = enum_member(element, "AttributeType", {"B", "N", "S"}, at);
    if (!type) return type.error();
    out.push_back(model::AttributeDefinition{std::move(**name), key_type(**type)});
  }
  return out;
}

// Projection {ProjectionType, NonKeyAttributes}; an absent ProjectionType reads as ALL.
auto read_projection(const json& projection, const std::string& path, model::IndexDefinition& index) -> Result<void> {
  if (!projection.is_object()) return type_mismatch(projection, "Projection");
  auto type = enum_member(projection, "ProjectionType", {"ALL", "KEYS_ONLY", "INCLUDE"}, path);
  if (!type) return type.error();
  std::string t = type->value_or("ALL");
  index.projection = t == "ALL"         ? model::ProjectionType::All
                     : t == "KEYS_ONLY" ? model::ProjectionType::KeysOnly
                                        : model::ProjectionType::Include;
  auto attributes = array_member(projection, "NonKeyAttributes");
  if (!attributes) return attributes.error();
  if (*attributes == nullptr) return {};
  auto names = string_list(**attributes);
  if (!names) return names.error();
  index.non_key_attributes = std::move(*names);
  return {};
}

// One GlobalSecondaryIndexes or LocalSecondaryIndexes element. A GSI's own ProvisionedThroughput
// is accepted and not kept: the model bills nothing per index.
auto index_from_json(const json& element, const std::string& at) -> Result<model::IndexDefinition> {
  if (!element.is_object()) return type_mismatch(element, "Index");
  if (auto ok = require(element, {"IndexName", "KeySchema", "Projection"}, at); !ok) return ok.error();
  auto name = string_member(element, "IndexName");
  if (!name) return name.error();
  model::IndexDefinition index;
  index.name = std::move(**name);
  auto key = key_schema_from_json(element.at("KeySchema"), member_path("KeySchema", at));
  if (!key) return key.error();
  index.key = std::move(*key);
  if (auto ok = read_projection(element.at("Projection"), member_path("Projection", at), index); !ok) return ok.error();
  return index;
}

auto indexes_from_json(const json& request, std::string_view member_name) -> Result<std::vector<model::IndexDefinition>> {
  auto list = array_member(request, member_name);
  if (!list) return list.error();
  std::vector<model::IndexDefinition> out;
  if (*list == nullptr) return out;
  if ((*list)->empty()) return model::invalid_parameter("List of " + std::string{member_name} + " is empty");
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    auto index = index_from_json((**list)[i], element_path(member_path(member_name), i));
    if (!index) return index.error();
    out.push_back(std::move(*index));
  }
  return out;
}

auto capacity_units(const json& throughput, std::string_view name) -> Result<long long> {
  auto units = integer_member(throughput, name);
  if (!units) return units.error();
  if (**units < 1) {
    return model::constraint_error(std::to_string(**units), member_path(name, "provisionedThroughput"),
                                   "have value greater than or equal to 1");
  }
  return **units;
}

auto throughput_from_json(const json& request) -> Result<std::optional<model::ProvisionedThroughput>> {
  auto throughput = object_member(request, "ProvisionedThroughput");
  if (!throughput) return throughput.error();
  if (*throughput == nullptr) return std::optional<model::ProvisionedThroughput>{};
  const json& t = **throughput;
  if (auto ok = require(t, {"ReadCapacityUnits", "WriteCapacityUnits"}, "provisionedThroughput"); !ok) return ok.error();
  auto read = capacity_units(t, "ReadCapacityUnits");
  if (!read) return read.error();
  auto write = capacity_units(t, "WriteCapacityUnits");
  if (!write) return write.error();
  return std::optional<model::ProvisionedThroughput>{model::ProvisionedThroughput{*read, *write}};
}

auto read_billing(const json& request, model::TableDefinition& definition) -> Result<void> {
  auto mode = enum_member(request, "BillingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  if (!mode) return mode.error();
  definition.billing_mode = mode->value_or("PROVISIONED") == "PAY_PER_REQUEST" ? model::BillingMode::PayPerRequest
                                                                              : model::BillingMode::Provisioned;
  auto throughput = throughput_from_json(request);
  if (!throughput) return throughput.error();
  definition.provisioned_throughput = *throughput;
  return {};
}

// StreamSpecification: absent; present and enabled, with its view type; present and disabled.
auto stream_specification(const json& request) -> Result<std::optional<std::optional<model::StreamViewType>>> {
  using Out = std::optional<std::optional<model::StreamViewType>>;
  auto spec = object_member(request, "StreamSpecification");
  if (!spec) return spec.error();
  if (*spec == nullptr) return Out{};
  if (auto ok = require(**spec, {"StreamEnabled"}, "streamSpecification"); !ok) return ok.error();
  auto enabled = bool_member(**spec, "StreamEnabled");
  if (!enabled) return enabled.error();
  auto view = enum_member(**spec, "StreamViewType", {"NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"});
  if (!view) return view.error();
  if (!**enabled) return Out{std::optional<model::StreamViewType>{}};
  if (!*view) return model::invalid_parameter("You must specify a StreamViewType when enabling a stream");
  return Out{model::view_type_of(**view)};
}

}  // namespace

auto table_definition_from_json(const json& request) -> Result<model::TableDefinition> {
  if (auto ok = require(request, {"AttributeDefinitions", "TableName", "KeySchema"}); !ok) return ok.error();
  model::TableDefinition definition;
  auto name = table_name(request);
  if (!name) return name.error();
  definition.name = std::move(*name);
  auto key = key_schema_from_json(request.at("KeySchema"), "keySchema");
  if (!key) return key.error();
  definition.key = std::move(*key);
  auto attributes = attribute_definitions_from_json(request.at("AttributeDefinitions"));
  if (!attributes) return attributes.error();
  definition.attribute_definitions = std::move(*attributes);
  if (auto ok = read_billing(request, definition); !ok) return ok.error();
  auto global = indexes_from_json(request, "GlobalSecondaryIndexes");
  if (!global) return global.error();
  definition.global_secondary_indexes = std::move(*global);
  auto local = indexes_from_json(request, "LocalSecondaryIndexes");
  if (!local) return local.error();
  definition.local_secondary_indexes = std::move(*local);
  auto stream = stream_specification(request);
  if (!stream) return stream.error();
  if (*stream) definition.stream = **stream;
  return definition;
}

auto table_update_from_json(const json& request) -> Result<model::TableUpdate> {
  model::TableUpdate update;
  auto mode = enum_member(request, "BillingMode", {"PROVISIONED", "PAY_PER_REQUEST"});
  if (!mode) return mode.error();
  if (*mode) update.billing_mode = **mode == "PAY_PER_REQUEST" ? model::BillingMode::PayPerRequest : model::BillingMode::Provisioned;
  auto throughput = throughput_from_json(request);
  if (!throughput) return throughput.error();
  update.provisioned_throughput = *throughput;
  if (const json* definitions = member(request, "AttributeDefinitions")) {
    auto attributes = attribute_definitions_from_json(*definitions);
    if (!attributes) return attributes.error();
    update.attribute_definitions = std::move(*attributes);
  }
  auto list = array_member(request, "GlobalSecondaryIndexUpdates");
  if (!list) return list.error();
  if (*list) {
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      const json& element = (**list)[i];
      const std::string at = "globalSecondaryIndexUpdates." + std::to_string(i + 1) + ".member";
      if (!element.is_object()) return type_mismatch(element, "GlobalSecondaryIndexUpdate");
      model::IndexUpdate change;
      if (const json* create = member(element, "Create")) {
        auto index = index_from_json(*create, at + ".create");
        if (!index) return index.error();
        change.index = std::move(*index);
      } else {
        const json* other = member(element, "Update");
        change.kind = model::IndexUpdate::Kind::Update;
        if (other == nullptr) {
          other = member(element, "Delete");
          change.kind = model::IndexUpdate::Kind::Delete;
        }
        if (other == nullptr) {
          return model::validation_error("One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Create, "
                                         "GlobalSecondaryIndexUpdate.Update, or GlobalSecondaryIndexUpdate.Delete must be specified");
        }
        if (!other->is_object()) return type_mismatch(*other, "Structure");
        const std::string path = at + (change.kind == model::IndexUpdate::Kind::Update ? ".update" : ".delete");
        if (auto ok = require(*other, {"IndexName"}, path); !ok) return ok.error();
        auto name = string_member(*other, "IndexName");
        if (!name) return name.error();
        change.index.name = std::move(**name);
        if (change.kind == model::IndexUpdate::Kind::Update) {
          // Its throughput is checked and, as at CreateTable, not kept.
          if (auto ok = require(*other, {"ProvisionedThroughput"}, path); !ok) return ok.error();
          if (auto t = throughput_from_json(*other); !t) return t.error();
        }
      }
      update.index_updates.push_back(std::move(change));
    }
  }
  auto stream = stream_specification(request);
  if (!stream) return stream.error();
  update.stream = *stream;
  if (!update.billing_mode && !update.provisioned_throughput && update.index_updates.empty() && !update.stream &&
      member(request, "SSESpecification") == nullptr && member(request, "ReplicaUpdates") == nullptr &&
      member(request, "TableClass") == nullptr && member(request, "DeletionProtectionEnabled") == nullptr) {
    return model::validation_error(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or "
        "ReplicaUpdates is required");
  }
  return update;
}

IndexStats index_stats(const model::Table& table, const std::string& index_name) {
  IndexStats stats;
  model::ScanRequest scan;
  scan.index_name = index_name;
  // Scan pages stop at 1 MB; walk them all.
  while (true) {
    auto page = table.scan(scan);
    if (!page) return stats;
    stats.item_count += page->items.size();
    for (const auto& item : page->items) stats.size_bytes += model::item_size(item);
    if (!page->last_evaluated_key) return stats;
    scan.exclusive_start_key = std::move(page->last_evaluated_key);
  }
}

namespace {

// Epoch seconds with millisecond precision, as DynamoDB sends timestamps.
double epoch_seconds(std::chrono::system_clock::time_point t) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()) / 1000.0;
}

json key_schema_json(const model::KeySchema& key) {
  json out = json::array({{{"AttributeName", key.hash.name}, {"KeyType", "HASH"}}});
  if (key.range) out.push_back({{"AttributeName", key.range->name}, {"KeyType", "RANGE"}});
  return out;
}

json projection_json(const model::IndexDefinition& index) {
  switch (index.projection) {
    case model::ProjectionType::All: return {{"ProjectionType", "ALL"}};
    case model::ProjectionType::KeysOnly: return {{"ProjectionType", "KEYS_ONLY"}};
    case model::ProjectionType::Include: break;
  }
  return {{"ProjectionType", "INCLUDE"}, {"NonKeyAttributes", index.non_key_attributes}};
}

json throughput_json(long long read, long long write) {
  return {{"ReadCapacityUnits", read}, {"WriteCapacityUnits", write}, {"NumberOfDecreasesToday", 0}};
}

json index_json(const model::TableDescription& d, const model::IndexDefinition& index, bool global, const model::Table* table) {
  IndexStats stats = table ? index_stats(*table, index.name) : IndexStats{};
  json out{{"IndexName", index.name},
           {"KeySchema", key_schema_json(index.key)},
           {"Projection", projection_json(index)},
           {"IndexSizeBytes", stats.size_bytes},
           {"ItemCount", stats.item_count},
           {"IndexArn", d.arn + "/index/" + index.name}};
  if (!global) return out;
  // A table's indexes are built with it: CREATING together, then ACTIVE; one UpdateTable adds is
  // CREATING and backfilling while the table is UPDATING.
  const bool added = std::find(d.creating_indexes.begin(), d.creating_indexes.end(), index.name) != d.creating_indexes.end();
  out["IndexStatus"] = d.status == "CREATING" || added ? "CREATING" : "ACTIVE";
  if (added) out["Backfilling"] = true;
  // On-demand indexes report zero throughput; a provisioned index's own figures are not kept.
  if (d.billing_mode == model::BillingMode::PayPerRequest) out["ProvisionedThroughput"] = throughput_json(0, 0);
  return out;
}

json attribute_definitions_json(const std::vector<model::AttributeDefinition>& definitions) {
  json out = json::array();
  for (const auto& a : definitions) out.push_back({{"AttributeName", a.name}, {"AttributeType", model::type_name(a.type)}});
  return out;
}

json billing_summary_json(const model::TableDescription& d) {
  if (d.billing_mode == model::BillingMode::Provisioned) return {{"BillingMode", "PROVISIONED"}};
  return {{"BillingMode", "PAY_PER_REQUEST"}, {"LastUpdateToPayPerRequestDateTime", epoch_seconds(d.created)}};
}

}  // namespace

json table_description_to_json(const model::TableDescription& d, const model::Table* table) {
  model::ProvisionedThroughput throughput = d.provisioned_throughput.value_or(model::ProvisionedThroughput{});
  json out{{"TableName", d.name},
           {"TableArn", d.arn},
           {"TableId", d.id},
           {"TableStatus", d.status},
           {"CreationDateTime", epoch_seconds(d.created)},
           {"KeySchema", key_schema_json(d.key)},
           {"AttributeDefinitions", attribute_definitions_json(d.attribute_definitions)},
           {"ProvisionedThroughput", throughput_json(throughput.read_capacity_units, throughput.write_capacity_units)},
           {"BillingModeSummary", billing_summary_json(d)},
           {"ItemCount", d.item_count},
           {"TableSizeBytes", d.size_bytes}};
  if (d.stream_view) out["StreamSpecification"] = {{"StreamEnabled", true}, {"StreamViewType", model::view_type_name(*d.stream_view)}};
  if (!d.latest_stream_arn.empty()) {
    out["LatestStreamArn"] = d.latest_stream_arn;
    out["LatestStreamLabel"] = d.latest_stream_label;
  }
  for (bool global : {true, false}) {
    const auto& indexes = global ? d.global_secondary_indexes : d.local_secondary_indexes;
    if (indexes.empty()) continue;
    json list = json::array();
    for (const auto& index : indexes) list.push_back(index_json(d, index, global, table));
    out[global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes"] = std::move(list);
  }
  return out;
}

}  // namespace localray::dynamodb::protocol
