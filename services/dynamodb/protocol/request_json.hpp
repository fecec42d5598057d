#pragma once
// Reading request members as DynamoDB's front end does: a member of the wrong JSON type is a
// SerializationException; a required member that is absent is a ValidationException naming it
// in lowerCamelCase ("Value null at 'tableName' failed to satisfy constraint: Member must not be
// null"). A JSON null counts as absent, as it does for AWS's deserializer.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/expressions.hpp"

namespace localray::dynamodb::protocol {

// `value` as a successful Result. Spelled out because a json converts implicitly to any type,
// model::Error included, which leaves Result<json>'s converting constructors ambiguous.
model::Result<nlohmann::json> success(nlohmann::json value);

// A request body: a JSON object (an empty body reads as {}). Malformed JSON or another JSON type
// is a SerializationException; nesting deeper than any valid request is a ValidationException.
auto parse_body(std::string_view body) -> model::Result<nlohmann::json>;

// "NUMBER_VALUE can not be converted to String": a member of the wrong JSON type.
model::Error type_mismatch(const nlohmann::json& found, std::string_view expected);

// The member, or nullptr when it is absent or null.
const nlohmann::json* member(const nlohmann::json& object, std::string_view name);

// Every absent one of `names`, reported in one error as DynamoDB does ("2 validation errors
// detected: ...; ..."). `path` prefixes nested members, e.g. "keySchema.1.member".
auto require(const nlohmann::json& object, std::initializer_list<std::string_view> names, std::string_view path = {})
    -> model::Result<void>;

auto string_member(const nlohmann::json& object, std::string_view name) -> model::Result<std::optional<std::string>>;
auto bool_member(const nlohmann::json& object, std::string_view name) -> model::Result<std::optional<bool>>;
auto integer_member(const nlohmann::json& object, std::string_view name) -> model::Result<std::optional<long long>>;
// nullptr when absent.
auto object_member(const nlohmann::json& object, std::string_view name) -> model::Result<const nlohmann::json*>;
auto array_member(const nlohmann::json& object, std::string_view name) -> model::Result<const nlohmann::json*>;
auto item_member(const nlohmann::json& object, std::string_view name) -> model::Result<std::optional<model::Item>>;
auto string_list(const nlohmann::json& array) -> model::Result<std::vector<std::string>>;

// One of `allowed`, else "Value 'X' at 'returnValues' failed to satisfy constraint: Member must
// satisfy enum value set: [...]". `path` prefixes nested members, as for require.
auto enum_member(const nlohmann::json& object, std::string_view name, std::initializer_list<std::string_view> allowed,
                 std::string_view path = {}) -> model::Result<std::optional<std::string>>;

// Where a member sits in DynamoDB's messages: "TableName" -> "tableName", or under `path`
// ("keySchema.1.member" + "KeyType" -> "keySchema.1.member.keyType").
std::string member_path(std::string_view name, std::string_view path = {});

// TableName: required and well formed; a table ARN stands for its table's name.
auto table_name(const nlohmann::json& object) -> model::Result<std::string>;

// The expression members an operation takes (of UpdateExpression, ConditionExpression,
// FilterExpression, KeyConditionExpression, ProjectionExpression), with ExpressionAttributeNames
// and ExpressionAttributeValues, unparsed. Members the operation does not take are ignored, as
// AWS ignores unknown members.
auto expression_input(const nlohmann::json& object, std::initializer_list<std::string_view> expressions)
    -> model::Result<model::expression::ExpressionInput>;

// expression_input parsed and validated together (unused names and values are errors).
auto parse_expression_members(const nlohmann::json& object, std::initializer_list<std::string_view> expressions)
    -> model::Result<model::expression::Expressions>;

// AttributesToGet as a projection of top-level attributes; together with ProjectionExpression it
// is refused, as DynamoDB refuses mixing the two styles.
auto attributes_to_get(const nlohmann::json& object) -> model::Result<std::optional<model::expression::Projection>>;

}  // namespace localray::dynamodb::protocol
