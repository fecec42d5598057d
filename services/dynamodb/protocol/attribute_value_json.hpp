#pragma once
// AttributeValues in DynamoDB's wire JSON: {"S":"x"}, {"N":"1"}, {"B":"<base64>"}, {"BOOL":true},
// {"NULL":true}, {"M":{...}}, {"L":[...]}, {"SS":[...]}, {"NS":["1"]}, {"BS":["<base64>"]}.
// Reading validates as DynamoDB does and answers in its words; writing emits canonical numbers.
#include <nlohmann/json_fwd.hpp>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"

namespace localray::dynamodb::protocol {

auto attribute_value_from_json(const nlohmann::json& json) -> model::Result<model::AttributeValue>;
nlohmann::json attribute_value_to_json(const model::AttributeValue& value);

// An Item, Key or ExpressionAttributeValues map: {"name": AttributeValue, ...}.
auto item_from_json(const nlohmann::json& json) -> model::Result<model::Item>;
nlohmann::json item_to_json(const model::Item& item);

}  // namespace localray::dynamodb::protocol
