#pragma once
// Key schemas (a table's or an index's) and the primary key of an item under one.
#include <compare>
#include <optional>
#include <string>
#include <vector>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"

namespace localray::dynamodb::model {

struct KeyElement {
  std::string name;
  Type type = Type::String;  // S, N or B
  friend bool operator==(const KeyElement&, const KeyElement&) = default;
};

struct KeySchema {
  KeyElement hash;
  std::optional<KeyElement> range = {};

  bool contains(const std::string& attribute) const {
    return hash.name == attribute || (range && range->name == attribute);
  }
  friend bool operator==(const KeySchema&, const KeySchema&) = default;
};

// A primary key's values; ordered hash first, then range, as a table stores its items.
struct PrimaryKey {
  AttributeValue hash;
  std::optional<AttributeValue> range = {};

  friend std::weak_ordering operator<=>(const PrimaryKey& a, const PrimaryKey& b);
  friend bool operator==(const PrimaryKey& a, const PrimaryKey& b) { return std::is_eq(a <=> b); }
};

// A Key parameter (GetItem, DeleteItem, UpdateItem, ExclusiveStartKey): exactly the schema's
// attributes with their declared types, else "The provided key element does not match the schema".
auto parse_key(const KeySchema& schema, const Item& key) -> Result<PrimaryKey>;

// The key of an item about to be written (PutItem, the result of UpdateItem): DynamoDB names the
// missing or mistyped attribute here.
auto key_of_item(const KeySchema& schema, const Item& item) -> Result<PrimaryKey>;

// The rules on key values alone (not empty, within the size limits), for the key attributes of
// `item` that are present and of their declared type: what a transaction refuses as a whole
// before it looks at any action's key shape.
auto check_key_values(const KeySchema& schema, const Item& item) -> Result<void>;

// The key of an item known to be valid under `schema`, or nothing when an attribute is absent or
// of another type (how sparse secondary indexes skip items).
std::optional<PrimaryKey> try_key_of_item(const KeySchema& schema, const Item& item);

// The schema's attributes of `item` as an Item (a LastEvaluatedKey, a DeleteItem key).
Item key_attributes(const KeySchema& schema, const Item& item);

}  // namespace localray::dynamodb::model
