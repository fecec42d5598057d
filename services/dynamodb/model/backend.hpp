#pragma once
// The DynamoDB tables of one account and region.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
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
#include "services/dynamodb/model/transaction.hpp"
#include "tracing/clock.hpp"

namespace localray::dynamodb::model {

// What DescribeTable, CreateTable and DeleteTable report.
struct TableDescription {
  std::string name;
  std::string arn;     // arn:aws:dynamodb:{region}:{account}:table/{name}
  std::string id;      // TableId, a UUID
  std::string status;  // "CREATING" until the table takes requests, "ACTIVE", "DELETING" once deleted
  std::chrono::system_clock::time_point created;
  KeySchema key;
  std::vector<AttributeDefinition> attribute_definitions;
  BillingMode billing_mode = BillingMode::PayPerRequest;
  std::optional<ProvisionedThroughput> provisioned_throughput;
  std::vector<IndexDefinition> global_secondary_indexes;
  std::vector<IndexDefinition> local_secondary_indexes;
  std::size_t item_count = 0;
  std::size_t size_bytes = 0;
  std::vector<std::string> creating_indexes;  // GSIs an UpdateTable is still building
  std::optional<StreamViewType> stream_view;  // StreamSpecification, when a stream is enabled
  std::string latest_stream_arn;              // LatestStreamArn, LatestStreamLabel: the enabled stream's
  std::string latest_stream_label;
};

struct StreamList {
  std::vector<std::shared_ptr<Stream>> streams;
  std::optional<std::string> last_evaluated_stream_arn;
};

struct TableList {
  std::vector<std::string> names;
  std::optional<std::string> last_evaluated_table_name;  // set when more names follow
};

// One table and what serialises work on it: its items, and its definition but for the name and
// key schema (UpdateTable changes the rest), are touched on its strand with its items lock held;
// the name and key schema never change and may be read anywhere.
struct TableHandle {
  TableHandle(boost::asio::any_io_executor ex, std::shared_ptr<Table> t, std::string table_id, tracing::TimePoint active)
      : strand{boost::asio::make_strand(ex)}, table{std::move(t)}, id{std::move(table_id)}, active_at{active} {}
  boost::asio::strand<boost::asio::any_io_executor> strand;
  std::shared_ptr<Table> table;
  std::string id;                // TableId
  tracing::TimePoint active_at;  // CREATING before it: found, described, not yet read or written
  // Held, on the strand, by whatever touches the table's items: a transaction takes the locks of
  // all its tables at once (in name order), which strands alone cannot give. Never held across a
  // suspension point, and a call holding it takes no other table's.
  std::mutex items_lock;
  // UPDATING until then (UpdateTable), with the indexes it creates CREATING; under items_lock.
  tracing::TimePoint updating_until{};
  std::vector<std::string> indexes_created;
};

// When a table created over the API turns ACTIVE: after the configured delay, as on AWS, or at
// once for tables that a topology or a stack declares (their creation completes before anything
// can call them).
enum class Activation { AfterDelay, Now };

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
  // Waits for an expiry turn under way on another thread, and stops the loop.
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  const std::string& region() const { return region_; }
  const std::string& account_id() const { return account_id_; }
  std::string table_arn(std::string_view name) const;

  // ResourceInUse if the name is taken, by a table that stands or one still DELETING.
  auto create_table(TableDefinition definition, Tags tags = {}, Activation activation = Activation::Now) -> Result<TableDescription>;
  // How long a table stays CREATING after CreateTable (--dynamodb-create-ms), and how long a
  // deleted one stays DELETING (--dynamodb-delete-ms): described and listed, refused to data calls.
  void set_lifecycle(std::chrono::milliseconds creating, std::chrono::milliseconds deleting) {
    creating_ = creating;
    deleting_time_ = deleting;
  }
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
  // The one place a missing table becomes ResourceNotFound. A CREATING table is found: table-level
  // calls take it.
  auto handle(std::string_view name) const -> Result<std::shared_ptr<TableHandle>>;
  // The table for reading and writing items: ResourceNotFound while it is CREATING, as on AWS.
  auto item_handle(std::string_view name) const -> Result<std::shared_ptr<TableHandle>>;
  bool creating(const TableHandle& handle) const { return clock_.now() < handle.active_at; }
  // DynamoDB Streams: the streams of this account and region, a deleted table's or a disabled one
  // for 24 hours after. In ARN order, after `exclusive_start`, at most `limit` (1..100).
  auto list_streams(const std::optional<std::string>& table_name, const std::optional<std::string>& exclusive_start, std::size_t limit)
      -> Result<StreamList>;
  auto stream(std::string_view arn) const -> Result<std::shared_ptr<Stream>>;
  // The ARN of the enabled stream of a table; empty when it has none.
  std::string stream_arn_of(std::string_view table_name) const;
  IdempotencyTokens& transaction_tokens() { return tokens_; }
  // Time to live: every `period`, each table's expired items are removed (expire_items), on the
  // executor the backend was made with. Until the backend is destroyed or the executor stops.
  void start_expiry(std::chrono::milliseconds period);
  // One turn of it, safe from any thread (each table's items lock is taken in turn): the number
  // of items removed.
  std::size_t expire_items();

  tracing::TimePoint now() const { return clock_.now(); }
  // What DescribeTable says of a table deleted and still DELETING; ResourceNotFound otherwise.
  auto deleting(std::string_view name) const -> Result<TableDescription>;

  // On the handle's strand: the table as DescribeTable reports it.
  TableDescription describe(const TableHandle& handle) const;
  // On the handle's strand, its items lock held: UpdateTable. The table is UPDATING for as long
  // as a new one is CREATING; changing it while CREATING or UPDATING is ResourceInUse.
  auto update(TableHandle& handle, const TableUpdate& update) -> Result<TableDescription>;
  // On the handle's strand: removes the table if it still stands under its name (DELETING); a
  // CREATING table is ResourceInUse.
  auto remove(const std::shared_ptr<TableHandle>& handle) -> Result<TableDescription>;

  // By name, for callers that serialise on their own (single-threaded tests): each looks the name
  // up again, so on a live process use handle() and the handle's strand instead. A table still
  // DELETING is described, and deleting it again is no error; CREATING: see remove().
  auto describe_table(std::string_view name) const -> Result<TableDescription>;
  auto delete_table(std::string_view name) -> Result<TableDescription>;
  // For item calls: ResourceNotFound while CREATING.
  auto table(std::string_view name) const -> Result<std::shared_ptr<Table>>;

 private:
  boost::asio::any_io_executor ex_;
  std::string region_;
  std::string account_id_;
  const tracing::Clock& clock_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<TableHandle>, std::less<>> tables_;
  // Deleted tables while DELETING, as described at deletion: their items are gone already.
  struct Deleted {
    TableDescription description;
    tracing::TimePoint gone_at;
  };
  std::map<std::string, Deleted, std::less<>> deleted_;  // under mutex_; expired ones erased lazily
  // Gives `table` the stream its definition asks for and registers it; under mutex_. Labelled with
  // its creation time, or with the epoch for a table a template declares (whose StreamArn the
  // template's compiler gave out before the table was made).
  void attach_stream(Table& table, bool epoch_label = false);
  std::map<std::string, std::shared_ptr<Stream>, std::less<>> streams_;  // under mutex_
  IdempotencyTokens tokens_;
  // Shared with the expiry loop, which runs a turn only while `alive` holds, under the mutex: the
  // destructor clears it under the same mutex, so it never frees what a turn is using.
  struct ExpiryLife {
    std::mutex mutex;
    bool alive = true;
  };
  std::shared_ptr<ExpiryLife> expiry_life_ = std::make_shared<ExpiryLife>();
  std::chrono::milliseconds creating_{0};
  std::chrono::milliseconds deleting_time_{0};
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
    return backend_.create_table(std::move(definition), std::move(tags), Activation::AfterDelay);
  }
  auto list_tables(const std::optional<std::string>& exclusive_start_table_name, std::optional<std::size_t> limit) const
      -> Result<TableList> {
    return backend_.list_tables(exclusive_start_table_name, limit);
  }
  // The pinned table (CREATING or ACTIVE) or one still DELETING.
  auto describe_table(std::string_view name) const -> Result<TableDescription>;
  // DELETING again is no error (AWS's rule); CREATING is ResourceInUse.
  auto delete_table(std::string_view name) -> Result<TableDescription>;
  auto update_table(std::string_view name, const TableUpdate& update) -> Result<TableDescription>;
  // For item calls: ResourceNotFound while CREATING.
  auto table(std::string_view name) const -> Result<std::shared_ptr<Table>>;
  // The pinned table in any state, for what describes it; null when there is none.
  std::shared_ptr<Table> described_table(std::string_view name) const;
  // The pinned table in any state, for table-level calls (time to live); else ResourceNotFound
  // in those calls' words.
  auto any_table(std::string_view name) const -> Result<std::shared_ptr<Table>>;
  // The TableId of the pinned table, for reporting a change to it (--persist).
  const std::string& pinned_id() const { return pinned_->id; }

 private:
  bool pinned(std::string_view name) const;
  Backend& backend_;
  std::shared_ptr<TableHandle> pinned_;
};

// Onto the table's strand, then its items' lock, which the caller holds until it returns (with no
// co_await in between: the lock belongs to this thread).
inline auto enter(const std::shared_ptr<TableHandle>& h) -> boost::asio::awaitable<std::unique_lock<std::mutex>> {
  co_await boost::asio::dispatch(boost::asio::bind_executor(h->strand, boost::asio::use_awaitable));
  co_return std::unique_lock{h->items_lock};
}

// Runs `f(Table&)` on the table's strand, its items' lock held, and returns what it returns.
template <class F>
auto run_on_table(std::shared_ptr<TableHandle> h, F f) -> boost::asio::awaitable<decltype(f(std::declval<Table&>()))> {
  auto held = co_await enter(h);
  co_return f(*h->table);
}

}  // namespace localray::dynamodb::model
