// PutItem, GetItem, UpdateItem, DeleteItem. Each reads its request into the model's request
// struct first, so that every shape error is found before the table is touched.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/attribute_value_json.hpp"
#include "services/dynamodb/protocol/capacity.hpp"
#include "services/dynamodb/protocol/item_requests.hpp"
#include "services/dynamodb/protocol/legacy_parameters.hpp"
#include "services/dynamodb/protocol/operations.hpp"
#include "services/dynamodb/protocol/request_json.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Result;

namespace {

auto return_values(const json& request) -> Result<model::ReturnValues> {
  auto value = enum_member(request, "ReturnValues", {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"});
  if (!value) return value.error();
  std::string v = value->value_or("NONE");
  if (v == "ALL_OLD") return model::ReturnValues::AllOld;
  if (v == "UPDATED_OLD") return model::ReturnValues::UpdatedOld;
  if (v == "ALL_NEW") return model::ReturnValues::AllNew;
  if (v == "UPDATED_NEW") return model::ReturnValues::UpdatedNew;
  return model::ReturnValues::None;
}

// ReturnValuesOnConditionCheckFailure ALL_OLD: a failed condition sends the item back.
auto old_item_on_failure(const json& request) -> Result<bool> {
  auto value = enum_member(request, "ReturnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"});
  if (!value) return value.error();
  return *value == "ALL_OLD";
}

// The common parts of every single-item request.
struct Target {
  std::string table_name;
  CapacityMode capacity = CapacityMode::None;
};

auto target_of(const json& request, std::initializer_list<std::string_view> required) -> Result<Target> {
  if (auto ok = require(request, required); !ok) return ok.error();
  auto name = table_name(request);
  if (!name) return name.error();
  auto mode = capacity_mode(request);
  if (!mode) return mode.error();
  return Target{std::move(*name), *mode};
}

auto key_of(const json& request) -> Result<model::Item> {
  auto key = item_member(request, "Key");
  if (!key) return key.error();
  return std::move(**key);
}

// A write's answer: `Attributes` when the model returns some, `ConsumedCapacity` when asked for;
// `{}` otherwise, never an empty body.
json write_response(const std::optional<model::Item>& attributes, const Target& target, std::size_t bytes) {
  json out = json::object();
  if (attributes) out["Attributes"] = item_to_json(*attributes);
  if (target.capacity != CapacityMode::None) {
    out["ConsumedCapacity"] = consumed_capacity({target.table_name}, write_units(bytes), target.capacity);
  }
  return out;
}

// What every write takes besides its item or key.
struct WriteOptions {
  std::optional<model::expression::Condition> condition;
  std::optional<model::expression::UpdateExpression> update;
  model::ReturnValues return_values = model::ReturnValues::None;
  bool old_item_on_failure = false;
};

auto write_options(const json& request, std::initializer_list<std::string_view> expressions) -> Result<WriteOptions> {
  WriteOptions options;
  auto parsed = parse_expression_members(request, expressions);
  if (!parsed) return parsed.error();
  options.condition = std::move(parsed->condition);
  options.update = std::move(parsed->update);
  auto values = return_values(request);
  if (!values) return values.error();
  options.return_values = *values;
  auto on_failure = old_item_on_failure(request);
  if (!on_failure) return on_failure.error();
  options.old_item_on_failure = *on_failure;
  return options;
}

// The single-item calls also take the legacy members, which a transaction's actions do not have.
// A request uses one style or the other, so a legacy member fills what no expression did.
auto with_expected(const json& request, std::optional<model::expression::Condition>& condition) -> Result<void> {
  auto expected = expected_condition(request);
  if (!expected) return expected.error();
  if (*expected) condition = std::move(*expected);
  return {};
}

auto single_put_request(const json& request) -> Result<model::PutRequest> {
  if (auto ok = check_parameter_style(request, {"Expected", "ConditionalOperator", "ConditionExpression"}); !ok) return ok.error();
  auto put = put_request(request);
  if (!put) return put.error();
  if (auto ok = with_expected(request, put->condition); !ok) return ok.error();
  return put;
}

auto single_update_request(const json& request) -> Result<model::UpdateRequest> {
  if (auto ok = check_parameter_style(request, {"AttributeUpdates", "Expected", "ConditionalOperator", "UpdateExpression", "ConditionExpression"});
      !ok)
    return ok.error();
  auto update = update_request(request);
  if (!update) return update.error();
  auto legacy = attribute_updates(request);
  if (!legacy) return legacy.error();
  if (*legacy) update->update = std::move(*legacy);
  if (auto ok = with_expected(request, update->condition); !ok) return ok.error();
  return update;
}

auto single_delete_request(const json& request) -> Result<model::DeleteRequest> {
  if (auto ok = check_parameter_style(request, {"Expected", "ConditionalOperator", "ConditionExpression"}); !ok) return ok.error();
  auto remove = delete_request(request);
  if (!remove) return remove.error();
  if (auto ok = with_expected(request, remove->condition); !ok) return ok.error();
  return remove;
}

}  // namespace

auto put_request(const json& request) -> Result<model::PutRequest> {
  auto item = item_member(request, "Item");
  if (!item) return item.error();
  auto options = write_options(request, {"ConditionExpression"});
  if (!options) return options.error();
  return model::PutRequest{std::move(**item), std::move(options->condition), options->return_values, options->old_item_on_failure};
}

auto update_request(const json& request) -> Result<model::UpdateRequest> {
  auto key = key_of(request);
  if (!key) return key.error();
  auto options = write_options(request, {"UpdateExpression", "ConditionExpression"});
  if (!options) return options.error();
  return model::UpdateRequest{std::move(*key), std::move(options->update), std::move(options->condition), options->return_values,
                              options->old_item_on_failure};
}

auto delete_request(const json& request) -> Result<model::DeleteRequest> {
  auto key = key_of(request);
  if (!key) return key.error();
  auto options = write_options(request, {"ConditionExpression"});
  if (!options) return options.error();
  return model::DeleteRequest{std::move(*key), std::move(options->condition), options->return_values, options->old_item_on_failure};
}

// ProjectionExpression, or the older AttributesToGet.
auto get_request(const json& request) -> Result<model::GetRequest> {
  model::GetRequest get;
  auto key = key_of(request);
  if (!key) return key.error();
  get.key = std::move(*key);
  auto parsed = parse_expression_members(request, {"ProjectionExpression"});
  if (!parsed) return parsed.error();
  auto listed = attributes_to_get(request);
  if (!listed) return listed.error();
  get.projection = parsed->projection ? std::move(parsed->projection) : std::move(*listed);
  return get;
}

auto put_item(const json& request, model::TableScope& backend) -> Result<json> {
  auto target = target_of(request, {"TableName", "Item"});
  if (!target) return target.error();
  auto put = single_put_request(request);
  if (!put) return put.error();
  auto table = backend.table(target->table_name);
  if (!table) return table.error();
  // A put is billed on the larger of the item it replaces and the item it writes.
  std::size_t bytes = model::item_size(put->item);
  if (target->capacity != CapacityMode::None) {
    bytes = std::max(bytes, stored_item_size(**table, model::key_attributes((*table)->definition().key, put->item)));
  }
  auto written = (*table)->put_item(std::move(*put));
  if (!written) return written.error();
  return success(write_response(*written, *target, bytes));
}

auto get_item(const json& request, model::TableScope& backend) -> Result<json> {
  auto target = target_of(request, {"TableName", "Key"});
  if (!target) return target.error();
  auto get = get_request(request);
  if (!get) return get.error();
  auto consistent = bool_member(request, "ConsistentRead");
  if (!consistent) return consistent.error();
  auto table = backend.table(target->table_name);
  if (!table) return table.error();
  auto found = (*table)->get_item(*get);
  if (!found) return found.error();
  json out = json::object();
  if (*found) out["Item"] = item_to_json(**found);
  if (target->capacity != CapacityMode::None) {
    // Billed on the whole stored item, whatever the projection keeps.
    double units = read_units(stored_item_size(**table, get->key), consistent->value_or(false));
    out["ConsumedCapacity"] = consumed_capacity({target->table_name}, units, target->capacity);
  }
  return success(std::move(out));
}

auto update_item(const json& request, model::TableScope& backend) -> Result<json> {
  auto target = target_of(request, {"TableName", "Key"});
  if (!target) return target.error();
  auto update = single_update_request(request);
  if (!update) return update.error();
  auto table = backend.table(target->table_name);
  if (!table) return table.error();
  std::size_t old_bytes = target->capacity != CapacityMode::None ? stored_item_size(**table, update->key) : 0;
  auto updated = (*table)->update_item(*update);
  if (!updated) return member(request, "AttributeUpdates") ? legacy_update_error(updated.error()) : updated.error();
  std::size_t new_bytes = target->capacity != CapacityMode::None ? stored_item_size(**table, update->key) : 0;
  return success(write_response(*updated, *target, std::max(old_bytes, new_bytes)));
}

auto delete_item(const json& request, model::TableScope& backend) -> Result<json> {
  auto target = target_of(request, {"TableName", "Key"});
  if (!target) return target.error();
  auto remove = single_delete_request(request);
  if (!remove) return remove.error();
  auto table = backend.table(target->table_name);
  if (!table) return table.error();
  std::size_t bytes = target->capacity != CapacityMode::None ? stored_item_size(**table, remove->key) : 0;
  auto deleted = (*table)->delete_item(*remove);
  if (!deleted) return deleted.error();
  return success(write_response(*deleted, *target, bytes));
}

}  // namespace localray::dynamodb::protocol
