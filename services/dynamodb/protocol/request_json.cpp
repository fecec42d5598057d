#include "services/dynamodb/protocol/request_json.hpp"

#include <algorithm>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "services/dynamodb/model/table_definition.hpp"
#include "services/dynamodb/protocol/attribute_value_json.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Error;
using model::Result;

namespace {

// DynamoDB nests documents at most 32 levels deep (two JSON levels each), inside at most seven
// levels of request structure (BatchWriteItem). Anything deeper is refused while parsing, so the
// recursive codec and model never see it.
constexpr int kMaxJsonDepth = 96;

std::string lower_camel(std::string_view name) {
  std::string out{name};
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

std::string joined(std::initializer_list<std::string_view> values) {
  std::string out;
  for (auto v : values) out += (out.empty() ? "" : ", ") + std::string{v};
  return out;
}

}  // namespace

std::string member_path(std::string_view name, std::string_view path) {
  return path.empty() ? lower_camel(name) : std::string{path} + "." + lower_camel(name);
}

model::Result<json> success(json value) { return model::Result<json>{boost::system::in_place_value, std::move(value)}; }

auto parse_body(std::string_view body) -> Result<json> {
  if (std::all_of(body.begin(), body.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; })) {
    return success(json::object());
  }
  bool too_deep = false;
  auto limit_depth = [&](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;  // discarding means no deep value is ever built
  };
  json parsed = json::parse(body, limit_depth, /*allow_exceptions=*/false);
  if (too_deep) return model::validation_error("Nesting Levels have exceeded supported limits");
  if (parsed.is_discarded()) return Error{model::Code::Serialization, "Malformed JSON in the request body"};
  if (!parsed.is_object()) return type_mismatch(parsed, "Structure");
  return success(std::move(parsed));
}

Error type_mismatch(const json& found, std::string_view expected) {
  std::string_view kind = "NULL";
  switch (found.type()) {
    case json::value_t::string: kind = "STRING_VALUE"; break;
    case json::value_t::boolean: kind = found.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE"; break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: kind = "NUMBER_VALUE"; break;
    case json::value_t::object: kind = "START_OBJECT"; break;
    case json::value_t::array: kind = "START_ARRAY"; break;
    default: break;
  }
  return Error{model::Code::Serialization, std::string{kind} + " can not be converted to " + std::string{expected}};
}

const json* member(const json& object, std::string_view name) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) return nullptr;
  return &*found;
}

auto require(const json& object, std::initializer_list<std::string_view> names, std::string_view path) -> Result<void> {
  std::vector<std::string> violations;
  for (auto name : names) {
    if (member(object, name) != nullptr) continue;
    violations.push_back("Value null at '" + member_path(name, path) + "' failed to satisfy constraint: Member must not be null");
  }
  if (violations.empty()) return {};
  std::string message = std::to_string(violations.size()) + (violations.size() == 1 ? " validation error" : " validation errors") +
                        " detected: ";
  for (std::size_t i = 0; i < violations.size(); ++i) message += (i ? "; " : "") + violations[i];
  return model::validation_error(std::move(message));
}

auto string_member(const json& object, std::string_view name) -> Result<std::optional<std::string>> {
  const json* value = member(object, name);
  if (value == nullptr) return std::optional<std::string>{};
  if (!value->is_string()) return type_mismatch(*value, "String");
  return std::optional<std::string>{value->get<std::string>()};
}

auto bool_member(const json& object, std::string_view name) -> Result<std::optional<bool>> {
  const json* value = member(object, name);
  if (value == nullptr) return std::optional<bool>{};
  if (!value->is_boolean()) return type_mismatch(*value, "Boolean");
  return std::optional<bool>{value->get<bool>()};
}

auto integer_member(const json& object, std::string_view name) -> Result<std::optional<long long>> {
  const json* value = member(object, name);
  if (value == nullptr) return std::optional<long long>{};
  if (value->is_number_unsigned() && value->get<unsigned long long>() > static_cast<unsigned long long>(INT64_MAX)) {
    return type_mismatch(*value, "Long");
  }
  if (!value->is_number_integer()) return type_mismatch(*value, "Integer");
  return std::optional<long long>{value->get<long long>()};
}

auto object_member(const json& object, std::string_view name) -> Result<const json*> {
  const json* value = member(object, name);
  if (value != nullptr && !value->is_object()) return type_mismatch(*value, "Map");
  return value;
}

auto array_member(const json& object, std::string_view name) -> Result<const json*> {
  const json* value = member(object, name);
  if (value != nullptr && !value->is_array()) return type_mismatch(*value, "List");
  return value;
}

auto item_member(const json& object, std::string_view name) -> Result<std::optional<model::Item>> {
  const json* value = member(object, name);
  if (value == nullptr) return std::optional<model::Item>{};
  auto item = item_from_json(*value);
  if (!item) return item.error();
  return std::optional<model::Item>{std::move(*item)};
}

auto string_list(const json& array) -> Result<std::vector<std::string>> {
  std::vector<std::string> out;
  for (const auto& element : array) {
    if (!element.is_string()) return type_mismatch(element, "String");
    out.push_back(element.get<std::string>());
  }
  return out;
}

auto enum_member(const json& object, std::string_view name, std::initializer_list<std::string_view> allowed, std::string_view path)
    -> Result<std::optional<std::string>> {
  auto value = string_member(object, name);
  if (!value || !*value) return value;
  if (std::find(allowed.begin(), allowed.end(), **value) == allowed.end()) {
    return model::constraint_error(**value, member_path(name, path), "satisfy enum value set: [" + joined(allowed) + "]");
  }
  return value;
}

namespace {

// DynamoDB takes a table ARN wherever it takes a TableName (since 2024); the region and account
// in it are this process's own, so only the name matters.
std::string name_from_arn(std::string value) {
  constexpr std::string_view kMarker = ":table/";
  if (value.rfind("arn:", 0) != 0) return value;
  auto at = value.find(kMarker);
  if (at == std::string::npos) return value;
  std::string name = value.substr(at + kMarker.size());
  return name.substr(0, name.find('/'));
}

}  // namespace

auto table_name(const json& object) -> Result<std::string> {
  if (auto ok = require(object, {"TableName"}); !ok) return ok.error();
  auto name = string_member(object, "TableName");
  if (!name) return name.error();
  std::string table = name_from_arn(std::move(**name));
  if (auto ok = model::validate_table_name(table); !ok) return ok.error();
  return table;
}

namespace {

auto names_member(const json& object) -> Result<std::optional<model::expression::Names>> {
  auto map = object_member(object, "ExpressionAttributeNames");
  if (!map) return map.error();
  if (*map == nullptr) return std::optional<model::expression::Names>{};
  model::expression::Names names;
  for (const auto& [placeholder, name] : (*map)->items()) {
    if (!name.is_string()) return type_mismatch(name, "String");
    names.emplace(placeholder, name.get<std::string>());
  }
  return std::optional<model::expression::Names>{std::move(names)};
}

}  // namespace

auto expression_input(const json& object, std::initializer_list<std::string_view> expressions)
    -> Result<model::expression::ExpressionInput> {
  model::expression::ExpressionInput in;
  struct Text {
    std::string_view name;
    std::optional<std::string>* target;
  };
  for (Text text : {Text{"UpdateExpression", &in.update}, Text{"ConditionExpression", &in.condition},
                    Text{"FilterExpression", &in.filter}, Text{"KeyConditionExpression", &in.key_condition},
                    Text{"ProjectionExpression", &in.projection}}) {
    if (std::find(expressions.begin(), expressions.end(), text.name) == expressions.end()) continue;
    auto value = string_member(object, text.name);
    if (!value) return value.error();
    // DynamoDB's limit; it also bounds the parser's recursion.
    if (*value && (*value)->size() > 4096)
      return model::validation_error("Invalid " + std::string{text.name} + ": Expression size has exceeded the maximum allowed size; expression size: " +
                                     std::to_string((*value)->size()));
    *text.target = std::move(*value);
  }
  auto names = names_member(object);
  if (!names) return names.error();
  in.names = std::move(*names);
  auto values = item_member(object, "ExpressionAttributeValues");
  if (!values) return values.error();
  in.values = std::move(*values);
  return in;
}

auto parse_expression_members(const json& object, std::initializer_list<std::string_view> expressions)
    -> Result<model::expression::Expressions> {
  auto input = expression_input(object, expressions);
  if (!input) return input.error();
  return model::expression::parse_expressions(*input);
}

auto attributes_to_get(const json& object) -> Result<std::optional<model::expression::Projection>> {
  auto list = array_member(object, "AttributesToGet");
  if (!list) return list.error();
  if (*list == nullptr) return std::optional<model::expression::Projection>{};
  if (member(object, "ProjectionExpression") != nullptr) {
    return model::validation_error(
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
        "{AttributesToGet} Expression parameters: {ProjectionExpression}");
  }
  auto names = string_list(**list);
  if (!names) return names.error();
  model::expression::Projection projection;
  for (auto& name : *names) projection.paths.push_back(model::expression::Path{{std::move(name)}});
  return std::optional<model::expression::Projection>{std::move(projection)};
}

}  // namespace localray::dynamodb::protocol
