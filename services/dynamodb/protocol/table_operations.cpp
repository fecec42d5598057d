// CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTable, UpdateTimeToLive, DescribeTimeToLive.
#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/operations.hpp"
#include "services/dynamodb/protocol/request_json.hpp"
#include "services/dynamodb/protocol/table_json.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Result;

auto create_table(const json& request, model::TableScope& backend) -> Result<json> {
  auto definition = table_definition_from_json(request);
  if (!definition) return definition.error();
  auto tags = tag_list(request, "Tags", "tags");
  if (!tags) return tags.error();
  model::Tags table_tags;
  for (auto& tag : tags->value_or(std::vector<model::Tag>{})) table_tags[tag.key] = std::move(tag.value);
  auto created = backend.create_table(std::move(*definition), std::move(table_tags));
  if (!created) return created.error();
  // A new table holds nothing: no index needs counting.
  return success(json{{"TableDescription", table_description_to_json(*created, nullptr)}});
}

auto describe_table(const json& request, model::TableScope& backend) -> Result<json> {
  auto name = table_name(request);
  if (!name) return name.error();
  auto description = backend.describe_table(*name);
  if (!description) return description.error();
  auto table = backend.described_table(*name);
  return success(json{{"Table", table_description_to_json(*description, table.get())}});
}

namespace {

auto list_limit(const json& request) -> Result<std::optional<std::size_t>> {
  auto limit = integer_member(request, "Limit");
  if (!limit) return limit.error();
  if (!*limit) return std::optional<std::size_t>{};
  // Negative values cannot reach the model's size_t; the model checks the upper bound.
  if (**limit < 1) return model::constraint_error(std::to_string(**limit), "limit", "have value greater than or equal to 1");
  return std::optional<std::size_t>{static_cast<std::size_t>(**limit)};
}

}  // namespace

auto list_tables(const json& request, model::TableScope& backend) -> Result<json> {
  auto start = string_member(request, "ExclusiveStartTableName");
  if (!start) return start.error();
  auto limit = list_limit(request);
  if (!limit) return limit.error();
  auto listed = backend.list_tables(*start, *limit);
  if (!listed) return listed.error();
  json out{{"TableNames", listed->names}};
  if (listed->last_evaluated_table_name) out["LastEvaluatedTableName"] = *listed->last_evaluated_table_name;
  return success(std::move(out));
}

auto delete_table(const json& request, model::TableScope& backend) -> Result<json> {
  auto name = table_name(request);
  if (!name) return name.error();
  // Held across the delete so that the description can still count the indexes' items.
  auto table = backend.described_table(*name);
  auto deleted = backend.delete_table(*name);
  if (!deleted) return deleted.error();
  return success(json{{"TableDescription", table_description_to_json(*deleted, table.get())}});
}

auto update_table(const json& request, model::TableScope& backend) -> Result<json> {
  auto name = table_name(request);
  if (!name) return name.error();
  auto update = table_update_from_json(request);
  if (!update) return update.error();
  auto updated = backend.update_table(*name, *update);
  if (!updated) return updated.error();
  return success(json{{"TableDescription", table_description_to_json(*updated, backend.described_table(*name).get())}});
}

auto update_time_to_live(const json& request, model::TableScope& backend) -> Result<json> {
  if (auto ok = require(request, {"TableName", "TimeToLiveSpecification"}); !ok) return ok.error();
  auto name = table_name(request);
  if (!name) return name.error();
  auto spec = object_member(request, "TimeToLiveSpecification");
  if (!spec) return spec.error();
  if (auto ok = require(**spec, {"AttributeName", "Enabled"}, "timeToLiveSpecification"); !ok) return ok.error();
  auto attribute = string_member(**spec, "AttributeName");
  if (!attribute) return attribute.error();
  auto enabled = bool_member(**spec, "Enabled");
  if (!enabled) return enabled.error();
  const std::string& attribute_name = **attribute;
  if (attribute_name.empty()) {
    return model::constraint_error("", "timeToLiveSpecification.attributeName", "have length greater than or equal to 1");
  }
  if (attribute_name.size() > 255) {
    return model::constraint_error(attribute_name, "timeToLiveSpecification.attributeName", "have length less than or equal to 255");
  }
  auto table = backend.any_table(*name);
  if (!table) return table.error();
  const bool on = (*table)->time_to_live().has_value();
  // Not idempotent on AWS: turning it on again, even for another attribute, is refused.
  if (**enabled && on) return model::validation_error("TimeToLive is already enabled");
  if (!**enabled && !on) return model::validation_error("TimeToLive is already disabled");
  (*table)->set_time_to_live(**enabled ? std::optional<std::string>{attribute_name} : std::nullopt);
  if (auto* changes = (*table)->changes()) changes->table_changed(**table, backend.pinned_id());
  return success(json{{"TimeToLiveSpecification", {{"AttributeName", attribute_name}, {"Enabled", **enabled}}}});
}

auto describe_time_to_live(const json& request, model::TableScope& backend) -> Result<json> {
  auto name = table_name(request);
  if (!name) return name.error();
  auto table = backend.any_table(*name);
  if (!table) return table.error();
  // The change takes effect at once here; AWS passes through ENABLING/DISABLING for up to an hour.
  const auto& attribute = (*table)->time_to_live();
  json description{{"TimeToLiveStatus", attribute ? "ENABLED" : "DISABLED"}};
  if (attribute) description["AttributeName"] = *attribute;
  return success(json{{"TimeToLiveDescription", std::move(description)}});
}

}  // namespace localray::dynamodb::protocol
