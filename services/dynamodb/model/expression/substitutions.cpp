#include "services/dynamodb/model/expression/substitutions.hpp"

#include <algorithm>

namespace localray::dynamodb::model::expression {
namespace {

bool valid_key(const std::string& key, char prefix) {
  return key.size() > 1 && key[0] == prefix && std::all_of(key.begin() + 1, key.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
         });
}

template <class Map>
auto unused(const Map& provided, const std::set<std::string>& used, const char* parameter) -> Result<void> {
  std::string keys;
  for (const auto& [key, _] : provided) {
    if (used.count(key) == 0) keys += (keys.empty() ? "" : ", ") + key;
  }
  if (keys.empty()) return {};
  return validation_error(std::string{"Value provided in "} + parameter + " unused in expressions: keys: {" + keys + "}");
}

}  // namespace

auto Substitutions::create(std::optional<Names> names, std::optional<Values> values) -> Result<Substitutions> {
  Substitutions out;
  if (names) {
    if (names->empty()) return validation_error("ExpressionAttributeNames must not be empty");
    for (const auto& [key, _] : *names) {
      if (!valid_key(key, '#')) {
        return validation_error("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + key + "\"");
      }
    }
    out.names_ = std::move(*names);
  }
  if (values) {
    if (values->empty()) return validation_error("ExpressionAttributeValues must not be empty");
    for (const auto& [key, _] : *values) {
      if (!valid_key(key, ':')) {
        return validation_error("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key + "\"");
      }
    }
    out.values_ = std::move(*values);
  }
  return out;
}

auto Substitutions::name(const std::string& placeholder, Kind kind) -> Result<std::string> {
  auto found = names_.find(placeholder);
  if (found == names_.end()) {
    return invalid(kind, "An expression attribute name used in the document path is not defined; attribute name: " + placeholder);
  }
  used_names_.insert(placeholder);
  return found->second;
}

auto Substitutions::value(const std::string& placeholder, Kind kind) -> Result<AttributeValue> {
  auto found = values_.find(placeholder);
  if (found == values_.end()) {
    return invalid(kind, "An expression attribute value used in expression is not defined; attribute value: " + placeholder);
  }
  used_values_.insert(placeholder);
  return found->second;
}

auto Substitutions::check_all_used() const -> Result<void> {
  if (auto ok = unused(names_, used_names_, "ExpressionAttributeNames"); !ok) return ok;
  return unused(values_, used_values_, "ExpressionAttributeValues");
}

}  // namespace localray::dynamodb::model::expression
