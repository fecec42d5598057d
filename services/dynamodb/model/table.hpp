#pragma once
// One DynamoDB table: its definition and its items, ordered by hash key then range key.
// Plain synchronous C++; not thread-safe: the caller serialises access (one strand per table).
// Expressions arrive parsed and validated (expression/expressions.hpp); the table evaluates them.
#include <chrono>
#include <cstddef>
#include <map>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/error.hpp"
#include "services/dynamodb/model/expression/ast.hpp"
#include "services/dynamodb/model/expression/key_condition.hpp"
#include "services/dynamodb/model/item_budget.hpp"
#include "services/dynamodb/model/key_schema.hpp"
#include "services/dynamodb/model/stream.hpp"
#include "services/dynamodb/model/table_definition.hpp"
#include "services/dynamodb/model/tags.hpp"

namespace localray::dynamodb::model {

enum class ReturnValues { None, AllOld, UpdatedOld, AllNew, UpdatedNew };

// Query/Scan `Select`; unset means ALL_ATTRIBUTES on a table, ALL_PROJECTED_ATTRIBUTES on an index.
enum class Select { AllAttributes, AllProjectedAttributes, SpecificAttributes, Count };

struct PutRequest {
  Item item = {};
  std::optional<expression::Condition> condition = {};
  ReturnValues return_values = ReturnValues::None;      // NONE or ALL_OLD
  bool return_old_item_on_condition_failure = false;    // ReturnValuesOnConditionCheckFailure ALL_OLD
};

struct GetRequest {
  Item key = {};
  std::optional<expression::Projection> projection = {};
};

struct DeleteRequest {
  Item key = {};
  std::optional<expression::Condition> condition = {};
  ReturnValues return_values = ReturnValues::None;  // NONE or ALL_OLD
  bool return_old_item_on_condition_failure = false;
};

struct UpdateRequest {
  Item key = {};
  std::optional<expression::UpdateExpression> update = {};  // none: the item is created with its key only
  std::optional<expression::Condition> condition = {};
  ReturnValues return_values = ReturnValues::None;
  bool return_old_item_on_condition_failure = false;
};

struct QueryRequest {
  std::optional<std::string> index_name = {};
  expression::KeyCondition key_condition = {};
  std::optional<expression::Condition> filter = {};
  std::optional<expression::Projection> projection = {};
  std::optional<Select> select = {};
  bool scan_index_forward = true;
  std::optional<std::size_t> limit = {};  // items evaluated (before the filter), as DynamoDB counts
  std::optional<Item> exclusive_start_key = {};
  // What errors call the filter: "QueryFilter" when it came from the legacy parameter.
  std::string filter_name = "Filter Expression";
};

struct ScanRequest {
  std::optional<std::string> index_name = {};
  std::optional<expression::Condition> filter = {};
  std::optional<expression::Projection> projection = {};
  std::optional<Select> select = {};
  std::optional<std::size_t> limit = {};
  std::optional<Item> exclusive_start_key = {};
  std::optional<int> segment = {};  // parallel scan: both or neither
  std::optional<int> total_segments = {};
};

// TransactWriteItems' ConditionCheck: a condition on an item, which nothing writes.
struct CheckRequest {
  Item key = {};
  expression::Condition condition = {};
  bool return_old_item_on_condition_failure = false;
};

// A write checked against the item as it stands and computed, not yet stored: what a transaction
// holds for each of its items until every one of them has been checked.
struct PreparedWrite {
  PrimaryKey key;
  std::optional<Item> item = {};  // what to store; nothing: the item is removed
  bool check_only = false;        // a ConditionCheck: nothing to store or remove
};

// One page of a Query or Scan. last_evaluated_key is set only when more items remain, whether
// the page ended at Limit or at 1 MB of items read.
struct Page {
  std::vector<Item> items = {};  // empty with Select COUNT
  std::size_t count = 0;
  std::size_t scanned_count = 0;
  std::optional<Item> last_evaluated_key = {};
};

class Table;

// Told of each change to a table's items, on the table's strand and in order, so that a copy can
// be kept elsewhere (--persist).
class TableChanges {
 public:
  virtual ~TableChanges() = default;
  // Created or restored; `id` is its TableId.
  virtual void table_changed(const Table& t, const std::string& id) = 0;
  virtual void table_removed(const Table& t) = 0;
  virtual void item_stored(const Table& t, const Item& item) = 0;
  virtual void item_removed(const Table& t, const PrimaryKey& key) = 0;
};

class Table {
 public:
  // `definition` as resolve_definition returns it (checked, key elements typed).
  Table(TableDefinition definition, std::chrono::system_clock::time_point created);
  ~Table();  // gives its items' bytes back to the budget
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  Table(Table&&) = default;  // the moved-from table holds no budget, so gives nothing back
  Table& operator=(Table&&) = delete;

  const TableDefinition& definition() const { return definition_; }
  // Where each change of an item is recorded (DynamoDB Streams); null: no stream. Under the
  // items lock, like the items.
  void set_stream(std::shared_ptr<Stream> stream) {
    if (stream) latest_stream_ = stream;
    stream_ = std::move(stream);
  }
  const std::shared_ptr<Stream>& stream() const { return stream_; }
  // The stream made last, enabled or not: DescribeTable's LatestStreamArn.
  const std::shared_ptr<Stream>& latest_stream() const { return latest_stream_; }
  // UpdateTable: takes `changed`'s indexes, attribute definitions and billing, under the items
  // lock. The name and key schema, which are read without it, never change.
  void redefine(const TableDefinition& changed);
  std::chrono::system_clock::time_point created() const { return created_; }
  std::size_t item_count() const { return items_.size(); }
  std::size_t size_bytes() const { return size_bytes_; }
  // Changed on the table's strand, like its items; the caller reports the change (table_changed).
  const Tags& tags() const { return tags_; }
  void set_tags(Tags tags) { tags_ = std::move(tags); }

  // Each write returns the `Attributes` to send back, or nothing to omit them.
  auto put_item(PutRequest request) -> Result<std::optional<Item>>;
  auto delete_item(const DeleteRequest& request) -> Result<std::optional<Item>>;
  auto update_item(const UpdateRequest& request) -> Result<std::optional<Item>>;  // upserts

  // Each prepare_* checks the request and the condition on the item as it stands, and computes the
  // write without making it; commit() makes it. The single-item calls above are prepare + commit.
  auto prepare_put(PutRequest&& request) const -> Result<PreparedWrite>;
  auto prepare_delete(const DeleteRequest& request) const -> Result<PreparedWrite>;
  auto prepare_update(const UpdateRequest& request) const -> Result<PreparedWrite>;
  auto prepare_check(const CheckRequest& request) const -> Result<PreparedWrite>;
  // `prepaid`: the growth in bytes was taken from the budget beforehand (reserve()), as a
  // transaction does so that no write of it can be refused once the first is made.
  auto commit(PreparedWrite&& write, bool prepaid = false) -> Result<void>;
  // The bytes `write` would add to the table (0 when it shrinks or removes).
  std::size_t growth(const PreparedWrite& write) const;
  const std::shared_ptr<ItemBudget>& budget() const { return budget_; }

  // UpdateTimeToLive's attribute: a Number holding each item's expiry in epoch seconds; nothing:
  // time to live is off. Setting it indexes every item by its expiry.
  const std::optional<std::string>& time_to_live() const { return ttl_attribute_; }
  void set_time_to_live(std::optional<std::string> attribute);
  // DynamoDB's background deletion: removes the items whose expiry is at or before `now` (epoch
  // seconds), at most `limit` of them (the rest on the next call), and returns them. As on AWS,
  // an expiry more than five years back is never acted on.
  std::vector<Item> expire(std::int64_t now, std::size_t limit);

  // Nothing when there is no such item.
  auto get_item(const GetRequest& request) const -> Result<std::optional<Item>>;

  auto query(const QueryRequest& request) const -> Result<Page>;
  auto scan(const ScanRequest& request) const -> Result<Page>;

  // The bound its items count against (set before any item is stored); null: none. Shared: a
  // table may outlive the registry that made it (a coroutine still holding it at exit).
  void set_budget(std::shared_ptr<ItemBudget> budget) { budget_ = std::move(budget); }
  // Where changes to items are reported from now on; null: nowhere.
  void set_changes(TableChanges* changes) { changes_ = changes; }
  TableChanges* changes() const { return changes_; }
  // Puts back an item a copy kept, unchecked and unreported; false if its key does not fit the schema.
  bool restore(Item item);

 private:
  // Where a write's condition failed: the error, carrying the old item when asked for.
  Error condition_failed(const Item* existing, bool return_item) const;
  // Refused (LimitExceeded, nothing changed) when the item would take the budget past its bound.
  auto store(const PrimaryKey& key, Item item, bool prepaid = false) -> Result<void>;
  Item erase(std::map<PrimaryKey, Item>::iterator found);  // the item removed
  const Item* find(const PrimaryKey& key) const;

  // Keeps expiries_ in step with an item stored (`after`) or removed, when time to live is on.
  void track_expiry(const PrimaryKey& key, const Item* before, const Item* after);

  using Expiry = std::pair<std::int64_t, PrimaryKey>;
  struct ExpiryOrder {
    using is_transparent = void;
    bool operator()(const Expiry& a, const Expiry& b) const { return a.first != b.first ? a.first < b.first : std::is_lt(a.second <=> b.second); }
    bool operator()(const Expiry& a, std::int64_t b) const { return a.first < b; }
    bool operator()(std::int64_t a, const Expiry& b) const { return a < b.first; }
  };

  TableDefinition definition_;
  Tags tags_;
  std::shared_ptr<Stream> stream_;
  std::shared_ptr<Stream> latest_stream_;
  bool expiring_ = false;  // within expire(): the stream records removals as time to live's
  std::optional<std::string> ttl_attribute_;
  std::set<Expiry, ExpiryOrder> expiries_;  // items with a Number under ttl_attribute_, soonest first
  std::chrono::system_clock::time_point created_;
  std::map<PrimaryKey, Item> items_;
  std::size_t size_bytes_ = 0;  // sum of item_size over items_
  TableChanges* changes_ = nullptr;
  std::shared_ptr<ItemBudget> budget_;
};

}  // namespace localray::dynamodb::model
