#pragma once
// The DynamoDB tables of one account and region.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

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

// One table and what serialises work on it: its items are touched on its strand only; its
// definition is fixed when it is created and may be read anywhere.
struct TableHandle {
  TableHandle(boost::asio::any_io_executor ex, std::shared_ptr<Table> t, std::string table_id)
      : strand{boost::asio::make_strand(ex)}, table{std::move(t)}, id{std::move(table_id)} {}
  boost::asio::strand<boost::asio::any_io_executor> strand;
  std::shared_ptr<Table> table;
  std::string id;  // TableId
};

// All DynamoDB tables of one account and region, by name. The name -> table map has a lock of its
// own: creating, finding and listing tables is safe from any thread. Each table works on its own
// strand, so operations on different tables run side by side; what reads or changes a table's
// items (describe_table's counts, delete_table's description, anything done through table())
// runs on that table's strand. A table handed out stays alive while a caller works on it, even if
// deleted meanwhile.
class Backend {
 public:
  Backend(boost::asio::any_io_executor ex, std::string region, std::string account_id);
  Backend(boost::asio::any_io_executor ex, std::string region, std::string account_id, const tracing::Clock& clock);

  const std::string& region() const { return region_; }
  const std::string& account_id() const { return account_id_; }
  std::string table_arn(std::string_view name) const;

  auto create_table(TableDefinition definition, Tags tags = {}) -> Result<TableDescription>;  // ResourceInUse if it exists
  // A table a copy kept, with its creation time and TableId (ResourceInUse if the name is taken).
  auto restore_table(TableDefinition definition, std::chrono::system_clock::time_point created, std::string id, Tags tags = {})
      -> Result<std::shared_ptr<TableHandle>>;
  // Where every table created from now on reports its changes (--persist); set before the first.
  void set_changes(std::shared_ptr<TableChanges> changes) { changes_ = std::move(changes); }
  // The bound every table created from now on counts its items against; set before the first.
  void set_item_budget(std::shared_ptr<ItemBudget> budget) { budget_ = std::move(budget); }
  const std::shared_ptr<TableChanges>& changes() const { return changes_; }
  // Names in order, after `exclusive_start_table_name`, at most `limit` (1..100, default 100).
  auto list_tables(const std::optional<std::string>& exclusive_start_table_name, std::optional<std::size_t> limit) const
      -> Result<TableList>;
  // The one place a missing table becomes ResourceNotFound.
  auto handle(std::string_view name) const -> Result<std::shared_ptr<TableHandle>>;

  // On the handle's strand: the table as DescribeTable reports it.
  TableDescription describe(const TableHandle& handle) const;
  // On the handle's strand: removes the table if it still stands under its name (DELETING).
  auto remove(const std::shared_ptr<TableHandle>& handle) -> Result<TableDescription>;

  // By name, for callers that serialise on their own (single-threaded tests): each looks the name
  // up again, so on a live process use handle() and the handle's strand instead.
  auto describe_table(std::string_view name) const -> Result<TableDescription>;
  auto delete_table(std::string_view name) -> Result<TableDescription>;
  auto table(std::string_view name) const -> Result<std::shared_ptr<Table>>;

 private:
  boost::asio::any_io_executor ex_;
  std::string region_;
  std::string account_id_;
  const tracing::Clock& clock_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<TableHandle>, std::less<>> tables_;
  std::uint64_t created_count_ = 0;  // makes TableIds of recreated tables differ; under mutex_
  std::shared_ptr<TableChanges> changes_;
  std::shared_ptr<ItemBudget> budget_;
};

// What one operation may touch: the registry for table-level calls, and the one table it names,
// on whose strand it runs (the caller hopped there). Another name, or a table created or deleted
// under that name meanwhile, is ResourceNotFound, as if the operation had come first.
class TableScope {
 public:
  TableScope(Backend& backend, std::shared_ptr<TableHandle> pinned) : backend_{backend}, pinned_{std::move(pinned)} {}

  auto create_table(TableDefinition definition, Tags tags = {}) -> Result<TableDescription> {
    return backend_.create_table(std::move(definition), std::move(tags));
  }
  auto list_tables(const std::optional<std::string>& exclusive_start_table_name, std::optional<std::size_t> limit) const
      -> Result<TableList> {
    return backend_.list_tables(exclusive_start_table_name, limit);
  }
  auto describe_table(std::string_view name) const -> Result<TableDescription>;
  auto delete_table(std::string_view name) -> Result<TableDescription>;
  auto table(std::string_view name) const -> Result<std::shared_ptr<Table>>;

 private:
  bool pinned(std::string_view name) const;
  Backend& backend_;
  std::shared_ptr<TableHandle> pinned_;
};

// Runs `f(Table&)` on the table's strand and returns what it returns.
template <class F>
auto run_on_table(std::shared_ptr<TableHandle> h, F f) -> boost::asio::awaitable<decltype(f(std::declval<Table&>()))> {
  co_await boost::asio::dispatch(boost::asio::bind_executor(h->strand, boost::asio::use_awaitable));
  co_return f(*h->table);
}

}  // namespace localray::dynamodb::model
