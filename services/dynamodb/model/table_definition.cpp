#include "services/dynamodb/model/table_definition.hpp"

#include <algorithm>
#include <set>

namespace localray::dynamodb::model {

const IndexDefinition* TableDefinition::find_index(std::string_view index_name) const {
  for (const auto* list : {&global_secondary_indexes, &local_secondary_indexes}) {
    for (const auto& index : *list) {
      if (index.name == index_name) return &index;
    }
  }
  return nullptr;
}

namespace {

auto check_name(std::string_view value, std::string_view member) -> Result<void> {
  std::string v{value};
  std::string m{member};
  if (value.size() < 3) return constraint_error(v, m, "have length greater than or equal to 3");
  if (value.size() > 255) return constraint_error(v, m, "have length less than or equal to 255");
  bool valid = std::all_of(value.begin(), value.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
  if (!valid) return constraint_error(v, m, "satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  return {};
}

std::string bracket_list(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out + "]";
}

// Types one key schema from the attribute definitions; records the names it used.
auto type_key(KeySchema& key, const std::vector<AttributeDefinition>& definitions, std::set<std::string>& used) -> Result<void> {
  std::vector<std::string> key_names{key.hash.name};
  if (key.range) key_names.push_back(key.range->name);
  std::vector<std::string> defined;
  for (const auto& d : definitions) defined.push_back(d.name);
  for (KeyElement* element : {&key.hash, key.range ? &*key.range : nullptr}) {
    if (element == nullptr) continue;
    auto found = std::find_if(definitions.begin(), definitions.end(), [&](const auto& d) { return d.name == element->name; });
    if (found == definitions.end()) {
      return invalid_parameter("Some index key attributes are not defined in AttributeDefinitions. Keys: " + bracket_list(key_names) +
                               ", AttributeDefinitions: " + bracket_list(defined));
    }
    element->type = found->type;
    used.insert(element->name);
  }
  if (key.range && key.range->name == key.hash.name) {
    return invalid_parameter("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  return {};
}

auto check_projection(const IndexDefinition& index) -> Result<void> {
  if (index.projection == ProjectionType::Include && index.non_key_attributes.empty()) {
    return invalid_parameter("ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
  }
  if (index.projection != ProjectionType::Include && !index.non_key_attributes.empty()) {
    return invalid_parameter(std::string{"ProjectionType is "} + (index.projection == ProjectionType::All ? "ALL" : "KEYS_ONLY") +
                             ", but NonKeyAttributes is specified");
  }
  return {};
}

}  // namespace

auto validate_table_name(std::string_view name) -> Result<void> { return check_name(name, "tableName"); }

auto resolve_definition(TableDefinition definition) -> Result<TableDefinition> {
  if (auto ok = validate_table_name(definition.name); !ok) return ok.error();
  for (const auto& d : definition.attribute_definitions) {
    if (!is_key_type(d.type)) {
      return invalid_parameter("AttributeDefinitions may only use types S, N or B; attribute: " + d.name);
    }
  }

  std::set<std::string> used;
  if (auto ok = type_key(definition.key, definition.attribute_definitions, used); !ok) return ok.error();

  std::set<std::string> index_names;
  if (!definition.local_secondary_indexes.empty() && !definition.key.range) {
    return invalid_parameter("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
  }
  for (auto* list : {&definition.global_secondary_indexes, &definition.local_secondary_indexes}) {
    bool local = list == &definition.local_secondary_indexes;
    for (auto& index : *list) {
      if (auto ok = check_name(index.name, "indexName"); !ok) return ok.error();
      if (!index_names.insert(index.name).second) return invalid_parameter("Duplicate index name: " + index.name);
      if (auto ok = type_key(index.key, definition.attribute_definitions, used); !ok) return ok.error();
      if (auto ok = check_projection(index); !ok) return ok.error();
      if (local && index.key.hash.name != definition.key.hash.name) {
        return invalid_parameter("Index KeySchema does not have the same leading hash key as table KeySchema for index: " + index.name +
                                 ". index hash key: " + index.key.hash.name + ", table hash key: " + definition.key.hash.name);
      }
      if (local && !index.key.range) {
        return invalid_parameter("Index KeySchema does not have a range key for index: " + index.name);
      }
    }
  }

  std::set<std::string> defined;
  for (const auto& d : definition.attribute_definitions) defined.insert(d.name);
  if (defined != used || defined.size() != definition.attribute_definitions.size()) {
    return invalid_parameter(
        "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
  }

  if (definition.billing_mode == BillingMode::Provisioned && !definition.provisioned_throughput) {
    return invalid_parameter("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
  }
  if (definition.billing_mode == BillingMode::PayPerRequest && definition.provisioned_throughput) {
    return invalid_parameter("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  }
  return definition;
}

auto check_index_keys(const TableDefinition& definition, const Item& item) -> Result<void> {
  for (const auto* list : {&definition.global_secondary_indexes, &definition.local_secondary_indexes}) {
    for (const auto& index : *list) {
      for (const KeyElement* element : {&index.key.hash, index.key.range ? &*index.key.range : nullptr}) {
        if (element == nullptr) continue;
        auto found = item.find(element->name);
        if (found == item.end()) continue;  // sparse: the item is simply not in this index
        if (found->second.type() != element->type) {
          return invalid_parameter("Type mismatch for Index Key " + element->name + " Expected: " + std::string{type_name(element->type)} +
                                   " Actual: " + std::string{type_name(found->second.type())} + " IndexName: " + index.name);
        }
        if (attribute_size(found->second) == 0) {
          return validation_error(
              "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The "
              "AttributeValue for a key attribute cannot contain an empty string value. IndexName: " +
              index.name + ", IndexKey: " + element->name);
        }
      }
    }
  }
  return {};
}

Item project_to_index(const TableDefinition& definition, const IndexDefinition& index, const Item& item) {
  if (index.projection == ProjectionType::All) return item;
  Item out = key_attributes(definition.key, item);
  out.merge(key_attributes(index.key, item));
  for (const auto& name : index.non_key_attributes) {
    if (auto it = item.find(name); it != item.end()) out.emplace(*it);
  }
  return out;
}

}  // namespace localray::dynamodb::model
