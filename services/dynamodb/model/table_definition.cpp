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

std::string_view view_type_name(StreamViewType view) {
  switch (view) {
    case StreamViewType::KeysOnly: return "KEYS_ONLY";
    case StreamViewType::NewImage: return "NEW_IMAGE";
    case StreamViewType::OldImage: return "OLD_IMAGE";
    case StreamViewType::NewAndOldImages: return "NEW_AND_OLD_IMAGES";
  }
  return "KEYS_ONLY";
}

std::optional<StreamViewType> view_type_of(std::string_view name) {
  for (auto v : {StreamViewType::KeysOnly, StreamViewType::NewImage, StreamViewType::OldImage, StreamViewType::NewAndOldImages}) {
    if (view_type_name(v) == name) return v;
  }
  return std::nullopt;
}

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

auto updated_definition(const TableDefinition& current, const TableUpdate& update) -> Result<TableDefinition> {
  TableDefinition next = current;
  std::size_t online = 0;
  for (const auto& change : update.index_updates) online += change.kind != IndexUpdate::Kind::Update ? 1 : 0;
  if (online > 1) return Error{Code::LimitExceeded, "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"};

  auto& globals = next.global_secondary_indexes;
  auto find_global = [&globals](const std::string& name) {
    return std::find_if(globals.begin(), globals.end(), [&](const IndexDefinition& i) { return i.name == name; });
  };
  for (const auto& change : update.index_updates) {
    const std::string& name = change.index.name;
    if (change.kind == IndexUpdate::Kind::Create) {
      if (next.find_index(name) != nullptr) return validation_error("Attempting to create an index which already exists");
      // The new index's keys are named in this request's AttributeDefinitions, not the table's.
      std::vector<std::string> missing;
      for (const KeyElement* k : {&change.index.key.hash, change.index.key.range ? &*change.index.key.range : nullptr}) {
        if (k == nullptr) continue;
        bool defined = std::any_of(update.attribute_definitions.begin(), update.attribute_definitions.end(),
                                   [&](const AttributeDefinition& d) { return d.name == k->name; });
        if (!defined) missing.push_back(k->name);
      }
      if (!missing.empty()) {
        std::string keys, defined;
        for (const auto& m : missing) keys += (keys.empty() ? "" : ", ") + m;
        for (const auto& d : update.attribute_definitions) defined += (defined.empty() ? "" : ", ") + d.name;
        return invalid_parameter("Some index key attributes are not defined in AttributeDefinitions. Keys: [" + keys + "], AttributeDefinitions: [" +
                                 defined + "]");
      }
      globals.push_back(change.index);
    } else {
      auto found = find_global(name);
      if (found == globals.end()) {
        return Error{Code::ResourceNotFound, "Requested resource not found: Index: " + name + " not found"};
      }
      if (change.kind == IndexUpdate::Kind::Delete) globals.erase(found);
    }
  }

  const BillingMode mode = update.billing_mode.value_or(current.billing_mode);
  if (mode == BillingMode::PayPerRequest && update.provisioned_throughput) {
    return invalid_parameter("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  }
  if (mode == BillingMode::Provisioned && current.billing_mode != BillingMode::Provisioned && !update.provisioned_throughput) {
    return invalid_parameter("ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
  }
  if (mode == BillingMode::Provisioned && current.billing_mode == BillingMode::Provisioned && update.provisioned_throughput &&
      current.provisioned_throughput) {
    const auto& now = *current.provisioned_throughput;
    const auto& asked = *update.provisioned_throughput;
    if (now.read_capacity_units == asked.read_capacity_units && now.write_capacity_units == asked.write_capacity_units) {
      const std::string r = std::to_string(now.read_capacity_units), w = std::to_string(now.write_capacity_units);
      return validation_error("The provisioned throughput for the table will not change. The requested value equals the current value. "
                              "Current ReadCapacityUnits provisioned for the table: " + r + ". Requested ReadCapacityUnits: " + r +
                              ". Current WriteCapacityUnits provisioned for the table: " + w + ". Requested WriteCapacityUnits: " + w +
                              ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.");
    }
  }
  if (update.stream) {
    if (*update.stream && current.stream) return validation_error("Table already has an enabled stream: TableName: " + current.name);
    if (!*update.stream && !current.stream) return validation_error("Table has no stream to disable: TableName: " + current.name);
    next.stream = *update.stream;
  }
  next.billing_mode = mode;
  if (mode == BillingMode::PayPerRequest) next.provisioned_throughput.reset();
  else if (update.provisioned_throughput) next.provisioned_throughput = update.provisioned_throughput;

  // Attribute definitions: the table's and the request's, then only those a key still uses.
  for (const auto& d : update.attribute_definitions) {
    auto same = std::find_if(next.attribute_definitions.begin(), next.attribute_definitions.end(),
                             [&](const AttributeDefinition& a) { return a.name == d.name; });
    if (same == next.attribute_definitions.end()) next.attribute_definitions.push_back(d);
    else if (same->type != d.type) {
      return invalid_parameter("Cannot change the type of attribute " + d.name + " which is part of a key schema");
    }
  }
  std::set<std::string> used{next.key.hash.name};
  if (next.key.range) used.insert(next.key.range->name);
  for (const auto* list : {&next.global_secondary_indexes, &next.local_secondary_indexes}) {
    for (const auto& index : *list) {
      used.insert(index.key.hash.name);
      if (index.key.range) used.insert(index.key.range->name);
    }
  }
  std::erase_if(next.attribute_definitions, [&used](const AttributeDefinition& d) { return used.count(d.name) == 0; });
  return resolve_definition(std::move(next));
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
