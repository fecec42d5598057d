#pragma once
// What CreateTable declares: name, key schema, attribute definitions, billing, secondary indexes.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/key_schema.hpp"

namespace localray::dynamodb::model {

enum class ProjectionType { All, KeysOnly, Include };

struct IndexDefinition {
  std::string name;
  KeySchema key;
  ProjectionType projection = ProjectionType::All;
  std::vector<std::string> non_key_attributes = {};  // INCLUDE only
};

struct AttributeDefinition {
  std::string name;
  Type type = Type::String;  // S, N or B
};

enum class BillingMode { PayPerRequest, Provisioned };

// StreamSpecification's StreamViewType: what a stream record holds of the item.
enum class StreamViewType { KeysOnly, NewImage, OldImage, NewAndOldImages };
std::string_view view_type_name(StreamViewType view);
std::optional<StreamViewType> view_type_of(std::string_view name);

struct ProvisionedThroughput {
  long long read_capacity_units = 0;
  long long write_capacity_units = 0;
};

struct TableDefinition {
  std::string name;
  // Key element types are filled from attribute_definitions by resolve_definition; a caller that
  // reads the wire form (names and HASH/RANGE only) may leave them at their default.
  KeySchema key;
  std::vector<AttributeDefinition> attribute_definitions;
  BillingMode billing_mode = BillingMode::PayPerRequest;
  std::optional<ProvisionedThroughput> provisioned_throughput;  // required iff PROVISIONED
  std::vector<IndexDefinition> global_secondary_indexes;
  std::vector<IndexDefinition> local_secondary_indexes;
  std::optional<StreamViewType> stream;  // StreamSpecification: a stream enabled, with this view

  const IndexDefinition* find_index(std::string_view index_name) const;
};

// UpdateTable's changes. Only what is given changes; the key schema and LSIs never do.
struct IndexUpdate {
  enum class Kind { Create, Update, Delete };
  Kind kind = Kind::Create;
  IndexDefinition index;  // Create: the new index; Update, Delete: its name only
};
struct TableUpdate {
  std::vector<AttributeDefinition> attribute_definitions;  // for the keys of indexes created
  std::optional<BillingMode> billing_mode;
  std::optional<ProvisionedThroughput> provisioned_throughput;
  std::vector<IndexUpdate> index_updates;
  // StreamSpecification: enabled with a view type, or disabled (nothing inside).
  std::optional<std::optional<StreamViewType>> stream;
};

// `current` as `update` changes it, checked as CreateTable checks a definition, in DynamoDB's
// words where UpdateTable has its own. Attribute definitions no key uses any longer are dropped.
auto updated_definition(const TableDefinition& current, const TableUpdate& update) -> Result<TableDefinition>;

auto validate_table_name(std::string_view name) -> Result<void>;

// Checks a CreateTable request as DynamoDB does and returns it with every key element typed
// from the attribute definitions.
auto resolve_definition(TableDefinition definition) -> Result<TableDefinition>;

// A written item must give every secondary index key it carries the declared type.
auto check_index_keys(const TableDefinition& definition, const Item& item) -> Result<void>;

// The attributes of `item` an index holds: table key, index key, and what its projection keeps.
Item project_to_index(const TableDefinition& definition, const IndexDefinition& index, const Item& item);

}  // namespace localray::dynamodb::model
