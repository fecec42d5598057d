#include "services/dynamodb/protocol/attribute_value_json.hpp"

#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

#include "http/base64.hpp"

namespace localray::dynamodb::protocol {

using model::AttributeValue;
using model::Error;
using model::Result;

namespace {

constexpr std::array<std::string_view, 10> kTypeKeys{"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};

// SerializationException: the JSON is well formed but a member has the wrong JSON type, which
// the AWS front end rejects before DynamoDB validates anything.
Error serialization_error(const nlohmann::json& found, std::string_view expected) {
  std::string_view kind = "VALUE";
  switch (found.type()) {
    case nlohmann::json::value_t::string: kind = "STRING_VALUE"; break;
    case nlohmann::json::value_t::boolean: kind = found.get<bool>() ? "TRUE_VALUE" : "FALSE_VALUE"; break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: kind = "NUMBER_VALUE"; break;
    case nlohmann::json::value_t::object: kind = "START_OBJECT"; break;
    case nlohmann::json::value_t::array: kind = "START_ARRAY"; break;
    default: kind = "NULL"; break;
  }
  return Error{model::Code::Serialization, std::string{kind} + " can not be converted to " + std::string{expected}};
}

auto string_of(const nlohmann::json& json) -> Result<std::string> {
  if (!json.is_string()) return serialization_error(json, "String");
  return json.get<std::string>();
}

auto binary_of(const nlohmann::json& json) -> Result<std::string> {
  if (!json.is_string()) return serialization_error(json, "Blob");
  auto decoded = http::base64_decode(json.get_ref<const std::string&>());
  if (!decoded) return Error{model::Code::Serialization, "Base64 encoded value is not valid: " + json.get<std::string>()};
  return *decoded;
}

auto number_of(const nlohmann::json& json) -> Result<model::Number> {
  if (!json.is_string()) return serialization_error(json, "String");
  return model::Number::parse(json.get_ref<const std::string&>());
}

Error empty_set(std::string_view kind) {
  return model::invalid_parameter("An " + std::string{kind} + " set  may not be empty");
}

Error duplicates(const nlohmann::json& array) {
  std::string listed;
  for (const auto& e : array) listed += (listed.empty() ? "" : ", ") + (e.is_string() ? e.get<std::string>() : e.dump());
  return model::invalid_parameter("Input collection [" + listed + "] contains duplicates.");
}

// SS, NS and BS share this: an array, non-empty, no duplicates (by value: "1" and "1.0" collide).
template <class Set, class Parse>
auto set_of(const nlohmann::json& json, std::string_view kind, Parse parse) -> Result<Set> {
  if (!json.is_array()) return serialization_error(json, "List");
  if (json.empty()) return empty_set(kind);
  Set out;
  for (const auto& element : json) {
    auto value = parse(element);
    if (!value) return value.error();
    if (!out.values.insert(std::move(*value)).second) return duplicates(json);
  }
  return out;
}

}  // namespace

auto attribute_value_from_json(const nlohmann::json& json) -> Result<AttributeValue> {
  if (!json.is_object()) return serialization_error(json, "AttributeValue");
  // Members other than the ten types are ignored, as AWS's deserializer does.
  std::string_view type;
  const nlohmann::json* value = nullptr;
  for (auto key : kTypeKeys) {
    auto found = json.find(std::string{key});
    if (found == json.end() || found->is_null()) continue;
    if (value != nullptr) {
      return model::validation_error(
          "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
    }
    type = key;
    value = &*found;
  }
  if (value == nullptr) {
    return model::validation_error("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  }
  const nlohmann::json& v = *value;

  if (type == "S") {
    auto s = string_of(v);
    if (!s) return s.error();
    return AttributeValue{std::move(*s)};
  }
  if (type == "N") {
    auto n = number_of(v);
    if (!n) return n.error();
    return AttributeValue{std::move(*n)};
  }
  if (type == "B") {
    auto b = binary_of(v);
    if (!b) return b.error();
    return AttributeValue{model::Binary{std::move(*b)}};
  }
  if (type == "BOOL") {
    if (!v.is_boolean()) return serialization_error(v, "Boolean");
    return AttributeValue{v.get<bool>()};
  }
  if (type == "NULL") {
    if (!v.is_boolean()) return serialization_error(v, "Boolean");
    if (!v.get<bool>()) return model::invalid_parameter("Null attribute value types must have the value of true");
    return AttributeValue{model::Null{}};
  }
  if (type == "M") {
    auto map = item_from_json(v);
    if (!map) return map.error();
    return AttributeValue{std::move(*map)};
  }
  if (type == "L") {
    if (!v.is_array()) return serialization_error(v, "List");
    model::List list;
    for (const auto& element : v) {
      auto parsed = attribute_value_from_json(element);
      if (!parsed) return parsed.error();
      list.push_back(std::move(*parsed));
    }
    return AttributeValue{std::move(list)};
  }
  if (type == "SS") {
    auto set = set_of<model::StringSet>(v, "string", string_of);
    if (!set) return set.error();
    return AttributeValue{std::move(*set)};
  }
  if (type == "NS") {
    auto set = set_of<model::NumberSet>(v, "number", number_of);
    if (!set) return set.error();
    return AttributeValue{std::move(*set)};
  }
  auto set = set_of<model::BinarySet>(v, "binary", binary_of);
  if (!set) return set.error();
  return AttributeValue{std::move(*set)};
}

nlohmann::json attribute_value_to_json(const AttributeValue& value) {
  struct Visitor {
    nlohmann::json operator()(const std::string& s) const { return {{"S", s}}; }
    nlohmann::json operator()(const model::Number& n) const { return {{"N", n.to_string()}}; }
    nlohmann::json operator()(const model::Binary& b) const { return {{"B", http::base64_encode(b.bytes)}}; }
    nlohmann::json operator()(bool b) const { return {{"BOOL", b}}; }
    nlohmann::json operator()(const model::Null&) const { return {{"NULL", true}}; }
    nlohmann::json operator()(const model::Map& m) const { return {{"M", item_to_json(m)}}; }
    nlohmann::json operator()(const model::List& l) const {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : l) out.push_back(attribute_value_to_json(e));
      return {{"L", std::move(out)}};
    }
    nlohmann::json operator()(const model::StringSet& s) const { return {{"SS", s.values}}; }
    nlohmann::json operator()(const model::NumberSet& s) const {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& n : s.values) out.push_back(n.to_string());
      return {{"NS", std::move(out)}};
    }
    nlohmann::json operator()(const model::BinarySet& s) const {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& b : s.values) out.push_back(http::base64_encode(b));
      return {{"BS", std::move(out)}};
    }
  };
  return std::visit(Visitor{}, value.variant());
}

auto item_from_json(const nlohmann::json& json) -> Result<model::Item> {
  if (!json.is_object()) return serialization_error(json, "Map");
  model::Item item;
  for (const auto& [name, element] : json.items()) {
    auto value = attribute_value_from_json(element);
    if (!value) return value.error();
    item.emplace(name, std::move(*value));
  }
  return item;
}

nlohmann::json item_to_json(const model::Item& item) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : item) out[name] = attribute_value_to_json(value);
  return out;
}

}  // namespace localray::dynamodb::protocol
