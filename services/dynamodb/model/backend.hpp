#pragma once
// All DynamoDB tables of one account and region, by name. Not thread-safe: the caller serialises
// calls; a table handed out stays alive (shared) while a caller works on it, even if deleted.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/table.hpp"
#include "services/dynamodb/model/table_definition.hpp"
#include "tracing/clock.hpp"

namespace localray::dynamodb::model {

// What DescribeTable, CreateTable and DeleteTable report.
struct TableDescription {
  std::string name;
  std::string arn;     // arn:aws:dynamodb:{region}:{account}:table/{name}
  std::string id;      // TableId, a UUID
  std::string status;  // "ACTIVE"; "DELETING" in DeleteTable's answer
  std::chrono::system_clock::time_point created;
  KeySchema key;
  std::vector<AttributeDefinition> attribute_definitions;
  BillingMode billing_mode = BillingMode::PayPerRequest;
  std::optional<ProvisionedThroughput> provisioned_throughput;
  std::vector<IndexDefinition> global_secondary_indexes;
  std::vector<IndexDefinition> local_secondary_indexes;
  std::size_t item_count = 0;
  std::size_t size_bytes = 0;
};

struct TableList {
  std::vector<std::string> names;
  std::optional<std::string> last_evaluated_table_name;  // set when more names follow
};

class Backend {
 public:
  Backend(std::string region, std::string account_id);
  Backend(std::string region, std::string account_id, const tracing::Clock& clock);

  const std::string& region() const { return region_; }
  const std::string& account_id() const { return account_id_; }
  std::string table_arn(std::string_view name) const;

  auto create_table(TableDefinition definition) -> Result<TableDescription>;  // ResourceInUse if it exists
  auto describe_table(std::string_view name) const -> Result<TableDescription>;
  auto delete_table(std::string_view name) -> Result<TableDescription>;
  // Names in order, after `exclusive_start_table_name`, at most `limit` (1..100, default 100).
  auto list_tables(const std::optional<std::string>& exclusive_start_table_name, std::optional<std::size_t> limit) const
      -> Result<TableList>;

  // The one place a missing table becomes ResourceNotFound; every item operation goes through it.
  auto table(std::string_view name) const -> Result<std::shared_ptr<Table>>;

 private:
  struct Entry {
    std::shared_ptr<Table> table;
    std::string id;
  };
  TableDescription describe(const Entry& entry) const;

  std::string region_;
  std::string account_id_;
  const tracing::Clock& clock_;
  std::map<std::string, Entry, std::less<>> tables_;
  std::uint64_t created_count_ = 0;  // makes TableIds of recreated tables differ
};

}  // namespace localray::dynamodb::model
