// CreateTable, DescribeTable, ListTables, DeleteTable.
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

}  // namespace localray::dynamodb::protocol
