#include "services/dynamodb/model/key_schema.hpp"

#include "services/dynamodb/model/limits.hpp"

namespace localray::dynamodb::model {

std::weak_ordering operator<=>(const PrimaryKey& a, const PrimaryKey& b) {
  if (auto c = compare_scalars(a.hash, b.hash); c != 0) return c;
  if (a.range.has_value() != b.range.has_value()) return a.range.has_value() <=> b.range.has_value();
  return a.range ? compare_scalars(*a.range, *b.range) : std::weak_ordering::equivalent;
}

namespace {

constexpr const char* kKeyMismatch = "The provided key element does not match the schema";

// Key values may not be empty, and have their own size limits.
auto check_key_value(const KeyElement& element, const AttributeValue& value, bool is_hash) -> Result<void> {
  std::size_t size = attribute_size(value);
  if (size == 0) {
    const char* kind = value.type() == Type::Binary ? "binary" : "string";
    return validation_error(std::string{"One or more parameter values are not valid. The AttributeValue for a key attribute "
                                        "cannot contain an empty "} + kind + " value. Key: " + element.name);
  }
  if (is_hash && size > kMaxHashKeyBytes) {
    return invalid_parameter("Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
  if (!is_hash && size > kMaxRangeKeyBytes) {
    return invalid_parameter("Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
  return {};
}

}  // namespace

auto parse_key(const KeySchema& schema, const Item& key) -> Result<PrimaryKey> {
  std::size_t expected = schema.range ? 2 : 1;
  if (key.size() != expected) return validation_error(kKeyMismatch);
  auto hash = key.find(schema.hash.name);
  if (hash == key.end() || hash->second.type() != schema.hash.type) return validation_error(kKeyMismatch);
  if (auto ok = check_key_value(schema.hash, hash->second, true); !ok) return ok.error();
  PrimaryKey result{hash->second, std::nullopt};
  if (schema.range) {
    auto range = key.find(schema.range->name);
    if (range == key.end() || range->second.type() != schema.range->type) return validation_error(kKeyMismatch);
    if (auto ok = check_key_value(*schema.range, range->second, false); !ok) return ok.error();
    result.range = range->second;
  }
  return result;
}

auto key_of_item(const KeySchema& schema, const Item& item) -> Result<PrimaryKey> {
  PrimaryKey result;
  for (const KeyElement* element : {&schema.hash, schema.range ? &*schema.range : nullptr}) {
    if (element == nullptr) continue;
    auto found = item.find(element->name);
    if (found == item.end()) return invalid_parameter("Missing the key " + element->name + " in the item");
    if (found->second.type() != element->type) {
      return invalid_parameter("Type mismatch for key " + element->name + " expected: " + std::string{type_name(element->type)} +
                               " actual: " + std::string{type_name(found->second.type())});
    }
    bool is_hash = element == &schema.hash;
    if (auto ok = check_key_value(*element, found->second, is_hash); !ok) return ok.error();
    (is_hash ? result.hash : result.range.emplace()) = found->second;
  }
  return result;
}

auto check_key_values(const KeySchema& schema, const Item& item) -> Result<void> {
  for (const KeyElement* element : {&schema.hash, schema.range ? &*schema.range : nullptr}) {
    if (element == nullptr) continue;
    auto found = item.find(element->name);
    if (found == item.end() || found->second.type() != element->type) continue;
    if (auto ok = check_key_value(*element, found->second, element == &schema.hash); !ok) return ok.error();
  }
  return {};
}

std::optional<PrimaryKey> try_key_of_item(const KeySchema& schema, const Item& item) {
  auto hash = item.find(schema.hash.name);
  if (hash == item.end() || hash->second.type() != schema.hash.type) return std::nullopt;
  PrimaryKey result{hash->second, std::nullopt};
  if (schema.range) {
    auto range = item.find(schema.range->name);
    if (range == item.end() || range->second.type() != schema.range->type) return std::nullopt;
    result.range = range->second;
  }
  return result;
}

Item key_attributes(const KeySchema& schema, const Item& item) {
  Item out;
  if (auto it = item.find(schema.hash.name); it != item.end()) out.emplace(*it);
  if (schema.range) {
    if (auto it = item.find(schema.range->name); it != item.end()) out.emplace(*it);
  }
  return out;
}

}  // namespace localray::dynamodb::model
