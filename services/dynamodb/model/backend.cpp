#include "services/dynamodb/model/backend.hpp"

#include <cstdio>

#include "services/dynamodb/model/limits.hpp"

namespace localray::dynamodb::model {
namespace {

const tracing::SystemClock kSystemClock;

// A UUID-shaped id derived from the ARN and a counter: stable for a given run, no randomness
// needed (--seed reproducibility does not have to reach table ids).
std::string table_id(const std::string& arn, std::uint64_t counter) {
  std::uint64_t a = 1469598103934665603ULL;
  for (unsigned char c : arn) a = (a ^ c) * 1099511628211ULL;
  std::uint64_t b = (a ^ (counter + 0x9E3779B97F4A7C15ULL)) * 0xBF58476D1CE4E5B9ULL;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08llx-%04llx-4%03llx-%04llx-%012llx", static_cast<unsigned long long>(a >> 32),
                static_cast<unsigned long long>((a >> 16) & 0xffff), static_cast<unsigned long long>(a & 0xfff),
                static_cast<unsigned long long>(0x8000 | ((b >> 48) & 0x3fff)), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buffer;
}

Error not_found() { return Error{Code::ResourceNotFound, "Requested resource not found"}; }

// DynamoDB's words at its default quota of tables per account and region.
Error too_many_tables() {
  return Error{Code::LimitExceeded, "Subscriber limit exceeded: There is a limit of " + std::to_string(kMaxTablesPerRegion) + " tables per subscriber"};
}

}  // namespace

Backend::Backend(boost::asio::any_io_executor ex, std::string region, std::string account_id)
    : Backend(std::move(ex), std::move(region), std::move(account_id), kSystemClock) {}

Backend::Backend(boost::asio::any_io_executor ex, std::string region, std::string account_id, const tracing::Clock& clock)
    : ex_{std::move(ex)}, region_{std::move(region)}, account_id_{std::move(account_id)}, clock_{clock} {}

std::string Backend::table_arn(std::string_view name) const {
  return "arn:aws:dynamodb:" + region_ + ":" + account_id_ + ":table/" + std::string{name};
}

auto Backend::create_table(TableDefinition definition, Tags tags) -> Result<TableDescription> {
  auto resolved = resolve_definition(std::move(definition));
  if (!resolved) return resolved.error();
  std::string name = resolved->name;
  auto table = std::make_shared<Table>(std::move(*resolved), clock_.now());
  table->set_budget(budget_);
  table->set_tags(std::move(tags));
  std::unique_lock lock{mutex_};
  if (tables_.count(name) > 0) return Error{Code::ResourceInUse, "Table already exists: " + name};
  if (tables_.size() >= kMaxTablesPerRegion) return too_many_tables();
  auto h = std::make_shared<TableHandle>(ex_, std::move(table), table_id(table_arn(name), created_count_++));
  // Described before it is published: once in the map, its counts belong to its strand.
  auto description = describe(*h);
  if (changes_) {
    h->table->set_changes(changes_.get());
    changes_->table_changed(*h->table, h->id);
  }
  tables_.emplace(name, std::move(h));
  return description;
}

auto Backend::restore_table(TableDefinition definition, std::chrono::system_clock::time_point created, std::string id, Tags tags)
    -> Result<std::shared_ptr<TableHandle>> {
  auto resolved = resolve_definition(std::move(definition));
  if (!resolved) return resolved.error();
  std::string name = resolved->name;
  auto table = std::make_shared<Table>(std::move(*resolved), created);
  table->set_budget(budget_);
  table->set_tags(std::move(tags));
  std::unique_lock lock{mutex_};
  if (tables_.count(name) > 0) return Error{Code::ResourceInUse, "Table already exists: " + name};
  if (tables_.size() >= kMaxTablesPerRegion) return too_many_tables();
  auto h = std::make_shared<TableHandle>(ex_, std::move(table), std::move(id));
  ++created_count_;
  h->table->set_changes(changes_.get());
  tables_.emplace(name, h);
  return h;
}

auto Backend::list_tables(const std::optional<std::string>& exclusive_start_table_name, std::optional<std::size_t> limit) const
    -> Result<TableList> {
  std::size_t max = limit.value_or(kMaxListTablesLimit);
  if (max < 1) return constraint_error(std::to_string(max), "limit", "have value greater than or equal to 1");
  if (max > kMaxListTablesLimit) return constraint_error(std::to_string(max), "limit", "have value less than or equal to 100");
  std::shared_lock lock{mutex_};
  TableList out;
  auto it = exclusive_start_table_name ? tables_.upper_bound(*exclusive_start_table_name) : tables_.begin();
  for (; it != tables_.end() && out.names.size() < max; ++it) out.names.push_back(it->first);
  if (it != tables_.end() && !out.names.empty()) out.last_evaluated_table_name = out.names.back();
  return out;
}

auto Backend::handle(std::string_view name) const -> Result<std::shared_ptr<TableHandle>> {
  std::shared_lock lock{mutex_};
  auto found = tables_.find(name);
  if (found == tables_.end()) return not_found();
  return found->second;
}

auto Backend::remove(const std::shared_ptr<TableHandle>& h) -> Result<TableDescription> {
  {
    std::unique_lock lock{mutex_};
    auto found = tables_.find(h->table->definition().name);
    if (found == tables_.end() || found->second != h) return not_found();
    tables_.erase(found);
    // Under the lock, as creation is reported (a table made again under the name at once is
    // reported after this), and on the table's strand, like every write to it: none reports after.
    if (auto* changes = h->table->changes()) {
      changes->table_removed(*h->table);
      h->table->set_changes(nullptr);
    }
  }
  TableDescription description = describe(*h);
  description.status = "DELETING";
  return description;
}

auto Backend::describe_table(std::string_view name) const -> Result<TableDescription> {
  auto h = handle(name);
  if (!h) return h.error();
  return describe(**h);
}

auto Backend::delete_table(std::string_view name) -> Result<TableDescription> {
  auto h = handle(name);
  if (!h) return h.error();
  return remove(*h);
}

auto Backend::table(std::string_view name) const -> Result<std::shared_ptr<Table>> {
  auto h = handle(name);
  if (!h) return h.error();
  return (*h)->table;
}

TableDescription Backend::describe(const TableHandle& h) const {
  const Table& table = *h.table;
  const TableDefinition& d = table.definition();
  return TableDescription{
      d.name,
      table_arn(d.name),
      h.id,
      "ACTIVE",
      table.created(),
      d.key,
      d.attribute_definitions,
      d.billing_mode,
      d.provisioned_throughput,
      d.global_secondary_indexes,
      d.local_secondary_indexes,
      table.item_count(),
      table.size_bytes(),
  };
}

bool TableScope::pinned(std::string_view name) const {
  if (!pinned_ || pinned_->table->definition().name != name) return false;
  // Deleted (or deleted and created again) since the operation hopped onto its strand.
  auto current = backend_.handle(name);
  return current && *current == pinned_;
}

auto TableScope::describe_table(std::string_view name) const -> Result<TableDescription> {
  if (!pinned(name)) return not_found();
  return backend_.describe(*pinned_);
}

auto TableScope::delete_table(std::string_view name) -> Result<TableDescription> {
  if (!pinned(name)) return not_found();
  return backend_.remove(pinned_);
}

auto TableScope::table(std::string_view name) const -> Result<std::shared_ptr<Table>> {
  if (!pinned(name)) return not_found();
  return pinned_->table;
}

}  // namespace localray::dynamodb::model
