#include "services/dynamodb/model/backend.hpp"

#include <algorithm>
#include <cstdio>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

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

// What the table-level calls (DescribeTable, DeleteTable, ...) say of a name no table has.
Error table_not_found(std::string_view name) {
  return Error{Code::ResourceNotFound, "Requested resource not found: Table: " + std::string{name} + " not found"};
}

Error in_use(std::string_view doing, std::string_view name) {
  return Error{Code::ResourceInUse, "Attempt to change a resource which is still in use: Table is being " + std::string{doing} + ": " + std::string{name}};
}

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

auto Backend::create_table(TableDefinition definition, Tags tags, Activation activation) -> Result<TableDescription> {
  auto resolved = resolve_definition(std::move(definition));
  if (!resolved) return resolved.error();
  std::string name = resolved->name;
  const tracing::TimePoint now = clock_.now();
  auto table = std::make_shared<Table>(std::move(*resolved), now);
  table->set_budget(budget_);
  table->set_tags(std::move(tags));
  std::unique_lock lock{mutex_};
  if (tables_.count(name) > 0) return Error{Code::ResourceInUse, "Table already exists: " + name};
  if (auto gone = deleted_.find(name); gone != deleted_.end()) {
    // A topology or stack replacing its own table takes the name at once: its delete and create
    // are one change, not two calls a client makes.
    if (activation == Activation::AfterDelay && now < gone->second.gone_at) return in_use("deleted", name);
    deleted_.erase(gone);
  }
  if (tables_.size() >= kMaxTablesPerRegion) return too_many_tables();
  const tracing::TimePoint active = activation == Activation::Now ? tracing::TimePoint{} : now + creating_;
  attach_stream(*table, activation == Activation::Now);
  auto h = std::make_shared<TableHandle>(ex_, std::move(table), table_id(table_arn(name), created_count_++), active);
  // Described before it is published: once in the map, its counts belong to its strand. CreateTable
  // answers CREATING whatever the delay, as AWS always does.
  auto description = describe(*h);
  if (activation == Activation::AfterDelay) description.status = "CREATING";
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
  attach_stream(*table);
  auto h = std::make_shared<TableHandle>(ex_, std::move(table), std::move(id), tracing::TimePoint{});
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
  const tracing::TimePoint now = clock_.now();
  std::shared_lock lock{mutex_};
  // Tables still DELETING are listed, as AWS lists them: the names of both maps, in order.
  std::vector<std::string_view> names;
  auto it = exclusive_start_table_name ? tables_.upper_bound(*exclusive_start_table_name) : tables_.begin();
  for (; it != tables_.end() && names.size() <= max; ++it) names.push_back(it->first);
  auto gone = exclusive_start_table_name ? deleted_.upper_bound(*exclusive_start_table_name) : deleted_.begin();
  for (; gone != deleted_.end(); ++gone) {
    if (now < gone->second.gone_at) names.push_back(gone->first);
  }
  std::sort(names.begin(), names.end());
  TableList out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) out.names.emplace_back(names[i]);
  if (names.size() > max) out.last_evaluated_table_name = out.names.back();
  return out;
}

auto Backend::handle(std::string_view name) const -> Result<std::shared_ptr<TableHandle>> {
  std::shared_lock lock{mutex_};
  auto found = tables_.find(name);
  if (found == tables_.end()) return not_found();
  return found->second;
}

auto Backend::item_handle(std::string_view name) const -> Result<std::shared_ptr<TableHandle>> {
  auto h = handle(name);
  if (h && creating(**h)) return not_found();
  return h;
}

auto Backend::deleting(std::string_view name) const -> Result<TableDescription> {
  const tracing::TimePoint now = clock_.now();
  std::shared_lock lock{mutex_};
  auto gone = deleted_.find(name);
  if (gone == deleted_.end() || now >= gone->second.gone_at) return table_not_found(name);
  return gone->second.description;
}

auto Backend::update(TableHandle& h, const TableUpdate& update) -> Result<TableDescription> {
  const std::string& name = h.table->definition().name;
  const tracing::TimePoint now = clock_.now();
  if (creating(h)) return in_use("created", name);
  if (now < h.updating_until) return in_use("updated", name);
  auto next = updated_definition(h.table->definition(), update);
  if (!next) return next.error();
  h.table->redefine(*next);
  if (update.stream) {
    if (const auto& old = h.table->stream()) old->disable();
    h.table->set_stream(nullptr);
    std::unique_lock lock{mutex_};
    attach_stream(*h.table);
  }
  h.updating_until = now + creating_;
  h.indexes_created.clear();
  for (const auto& change : update.index_updates) {
    if (change.kind == IndexUpdate::Kind::Create) h.indexes_created.push_back(change.index.name);
  }
  if (auto* changes = h.table->changes()) changes->table_changed(*h.table, h.id);
  // UpdateTable answers UPDATING whatever the delay, as CreateTable answers CREATING.
  TableDescription description = describe(h);
  description.status = "UPDATING";
  description.creating_indexes = h.indexes_created;
  return description;
}

auto Backend::remove(const std::shared_ptr<TableHandle>& h) -> Result<TableDescription> {
  if (creating(*h)) return in_use("created", h->table->definition().name);
  if (clock_.now() < h->updating_until) return in_use("updated", h->table->definition().name);
  TableDescription description = describe(*h);
  description.status = "DELETING";
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
    if (const auto& stream = h->table->stream()) stream->disable();
    std::erase_if(streams_, [now = clock_.now()](const auto& entry) { return entry.second->expired(now); });
    const tracing::TimePoint now = clock_.now();
    std::erase_if(deleted_, [now](const auto& entry) { return entry.second.gone_at <= now; });
    if (deleting_time_.count() > 0) deleted_.insert_or_assign(description.name, Deleted{description, now + deleting_time_});
  }
  return description;
}

void Backend::attach_stream(Table& table, bool epoch_label) {
  const TableDefinition& d = table.definition();
  if (!d.stream) return;
  const tracing::TimePoint now = clock_.now();
  std::erase_if(streams_, [now](const auto& entry) { return entry.second->expired(now); });
  // A stream is named by its creation time in milliseconds: one made again within the same
  // millisecond (a table deleted and created at once) takes the next free one.
  tracing::TimePoint created = epoch_label ? tracing::TimePoint{} : now;
  auto stream = std::make_shared<Stream>(table_arn(d.name), d.name, d.key, *d.stream, clock_, created);
  while (streams_.count(stream->arn())) {
    created += std::chrono::milliseconds{1};
    stream = std::make_shared<Stream>(table_arn(d.name), d.name, d.key, *d.stream, clock_, created);
  }
  streams_[stream->arn()] = stream;
  table.set_stream(std::move(stream));
}

auto Backend::list_streams(const std::optional<std::string>& table_name, const std::optional<std::string>& exclusive_start, std::size_t limit)
    -> Result<StreamList> {
  if (limit < 1) return constraint_error(std::to_string(limit), "limit", "have value greater than or equal to 1");
  if (limit > 100) return constraint_error(std::to_string(limit), "limit", "have value less than or equal to 100");
  const tracing::TimePoint now = clock_.now();
  std::unique_lock lock{mutex_};
  std::erase_if(streams_, [now](const auto& entry) { return entry.second->expired(now); });
  StreamList out;
  auto it = exclusive_start ? streams_.upper_bound(*exclusive_start) : streams_.begin();
  for (; it != streams_.end(); ++it) {
    if (table_name && it->second->table_name() != *table_name) continue;
    if (out.streams.size() == limit) {
      out.last_evaluated_stream_arn = out.streams.back()->arn();
      break;
    }
    out.streams.push_back(it->second);
  }
  return out;
}

std::string Backend::stream_arn_of(std::string_view table_name) const {
  auto h = handle(table_name);
  if (!h) return {};
  std::lock_guard held{(*h)->items_lock};
  const auto& stream = (*h)->table->stream();
  return stream ? stream->arn() : std::string{};
}

auto Backend::stream(std::string_view arn) const -> Result<std::shared_ptr<Stream>> {
  std::shared_lock lock{mutex_};
  auto found = streams_.find(arn);
  if (found == streams_.end() || found->second->expired(clock_.now())) {
    return Error{Code::ResourceNotFound, "Requested resource not found: Stream: " + std::string{arn} + " not found"};
  }
  return found->second;
}

Backend::~Backend() {
  std::lock_guard held{expiry_life_->mutex};
  expiry_life_->alive = false;
}

void Backend::start_expiry(std::chrono::milliseconds period) {
  boost::asio::co_spawn(
      ex_,
      [this, life = expiry_life_, period]() -> boost::asio::awaitable<void> {
        boost::asio::steady_timer timer{co_await boost::asio::this_coro::executor};
        for (;;) {
          timer.expires_after(period);
          boost::system::error_code ec;
          co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
          if (ec) co_return;
          std::lock_guard held{life->mutex};
          if (!life->alive) co_return;
          expire_items();
        }
      },
      boost::asio::detached);
}

std::size_t Backend::expire_items() {
  // A table's share of one turn: what a turn removes stays short for the tables' other callers.
  constexpr std::size_t kPerTableTurn = 1000;
  std::vector<std::shared_ptr<TableHandle>> handles;
  {
    std::shared_lock lock{mutex_};
    for (const auto& [name, h] : tables_) handles.push_back(h);
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  std::size_t removed = 0;
  for (const auto& h : handles) {
    std::lock_guard held{h->items_lock};
    removed += h->table->expire(now, kPerTableTurn).size();
  }
  return removed;
}

auto Backend::describe_table(std::string_view name) const -> Result<TableDescription> {
  auto h = handle(name);
  if (!h) return deleting(name);
  return describe(**h);
}

auto Backend::delete_table(std::string_view name) -> Result<TableDescription> {
  auto h = handle(name);
  if (!h) return deleting(name);
  std::lock_guard held{(*h)->items_lock};
  return remove(*h);
}

auto Backend::table(std::string_view name) const -> Result<std::shared_ptr<Table>> {
  auto h = item_handle(name);
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
      creating(h) ? "CREATING" : clock_.now() < h.updating_until ? "UPDATING" : "ACTIVE",
      table.created(),
      d.key,
      d.attribute_definitions,
      d.billing_mode,
      d.provisioned_throughput,
      d.global_secondary_indexes,
      d.local_secondary_indexes,
      table.item_count(),
      table.size_bytes(),
      clock_.now() < h.updating_until ? h.indexes_created : std::vector<std::string>{},
      d.stream,
      table.latest_stream() ? table.latest_stream()->arn() : std::string{},
      table.latest_stream() ? table.latest_stream()->label() : std::string{},
  };
}

bool TableScope::pinned(std::string_view name) const {
  if (!pinned_ || pinned_->table->definition().name != name) return false;
  // Deleted (or deleted and created again) since the operation hopped onto its strand.
  auto current = backend_.handle(name);
  return current && *current == pinned_;
}

auto TableScope::describe_table(std::string_view name) const -> Result<TableDescription> {
  if (!pinned(name)) return backend_.deleting(name);
  return backend_.describe(*pinned_);
}

auto TableScope::delete_table(std::string_view name) -> Result<TableDescription> {
  if (!pinned(name)) return backend_.deleting(name);
  return backend_.remove(pinned_);
}

auto TableScope::table(std::string_view name) const -> Result<std::shared_ptr<Table>> {
  if (!pinned(name) || backend_.creating(*pinned_)) return not_found();
  return pinned_->table;
}

auto TableScope::any_table(std::string_view name) const -> Result<std::shared_ptr<Table>> {
  if (!pinned(name)) return table_not_found(name);
  return pinned_->table;
}

auto TableScope::update_table(std::string_view name, const TableUpdate& update) -> Result<TableDescription> {
  if (!pinned(name)) return table_not_found(name);
  return backend_.update(*pinned_, update);
}

std::shared_ptr<Table> TableScope::described_table(std::string_view name) const {
  return pinned(name) ? pinned_->table : nullptr;
}

}  // namespace localray::dynamodb::model
