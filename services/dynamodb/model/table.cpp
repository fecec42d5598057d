#include "services/dynamodb/model/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "services/dynamodb/model/expression/condition.hpp"
#include "services/dynamodb/model/expression/projection.hpp"
#include "services/dynamodb/model/expression/update.hpp"
#include "services/dynamodb/model/limits.hpp"

namespace localray::dynamodb::model {
namespace {

auto check_put_return_values(ReturnValues r) -> Result<void> {
  if (r != ReturnValues::None && r != ReturnValues::AllOld) return validation_error("Return values set to invalid value");
  return {};
}

bool condition_holds(const std::optional<expression::Condition>& condition, const Item* existing) {
  static const Item kNoItem;
  return !condition || expression::evaluate(*condition, existing ? *existing : kNoItem);
}

// An item's expiry under time to live: its attribute's Number, in whole epoch seconds.
std::optional<std::int64_t> expiry_of(const Item& item, const std::string& attribute) {
  auto found = item.find(attribute);
  if (found == item.end() || found->second.type() != Type::Number) return std::nullopt;
  long double seconds = std::strtold(found->second.as<Number>().to_string().c_str(), nullptr);
  if (!std::isfinite(seconds)) return std::nullopt;
  constexpr long double kBound = 9.2e18L;
  return static_cast<std::int64_t>(std::floor(std::clamp(seconds, -kBound, kBound)));
}

// DynamoDB leaves alone expiries more than five years back (a value in milliseconds, say).
constexpr std::int64_t kExpiryHorizonSeconds = 5LL * 365 * 24 * 3600;

std::optional<Item> non_empty(Item item) {
  if (item.empty()) return std::nullopt;
  return item;
}

}  // namespace

Table::Table(TableDefinition definition, std::chrono::system_clock::time_point created)
    : definition_{std::move(definition)}, created_{created} {}

void Table::redefine(const TableDefinition& changed) {
  definition_.attribute_definitions = changed.attribute_definitions;
  definition_.billing_mode = changed.billing_mode;
  definition_.provisioned_throughput = changed.provisioned_throughput;
  definition_.global_secondary_indexes = changed.global_secondary_indexes;
  definition_.stream = changed.stream;
}

Error Table::condition_failed(const Item* existing, bool return_item) const {
  Error e{Code::ConditionalCheckFailed, "The conditional request failed"};
  if (return_item && existing != nullptr) e.item = std::make_shared<const Item>(*existing);
  return e;
}

Table::~Table() {
  if (budget_) budget_->give(size_bytes_);
}

auto Table::store(const PrimaryKey& key, Item item, bool prepaid) -> Result<void> {
  auto size = item_size(item);
  auto found = items_.find(key);
  std::size_t old = found == items_.end() ? 0 : item_size(found->second);
  if (budget_ && !prepaid && size > old && !budget_->try_take(size - old))
    return Error{Code::LimitExceeded, "localray holds " + std::to_string(budget_->used() >> 20) + " MiB of DynamoDB items, its bound (--dynamodb-max-mb " +
                                          std::to_string(budget_->limit() >> 20) + "): the write was refused; delete items or raise the bound"};
  if (budget_ && old > size) budget_->give(old - size);
  size_bytes_ = size_bytes_ - old + size;
  if (ttl_attribute_) track_expiry(key, found == items_.end() ? nullptr : &found->second, &item);
  if (stream_) stream_->record(found == items_.end() ? nullptr : &found->second, &item, false);
  if (found == items_.end()) found = items_.emplace(key, std::move(item)).first;
  else found->second = std::move(item);
  if (changes_) changes_->item_stored(*this, found->second);
  return {};
}

Item Table::erase(std::map<PrimaryKey, Item>::iterator found) {
  auto freed = item_size(found->second);
  size_bytes_ -= freed;
  if (budget_) budget_->give(freed);
  if (changes_) changes_->item_removed(*this, found->first);
  if (ttl_attribute_) track_expiry(found->first, &found->second, nullptr);
  if (stream_) stream_->record(&found->second, nullptr, expiring_);
  Item removed = std::move(found->second);
  items_.erase(found);
  return removed;
}

const Item* Table::find(const PrimaryKey& key) const {
  auto found = items_.find(key);
  return found == items_.end() ? nullptr : &found->second;
}

bool Table::restore(Item item) {
  auto key = try_key_of_item(definition_.key, item);
  if (!key) return false;
  auto saved_changes = changes_;
  auto saved_budget = std::move(budget_);
  auto saved_stream = std::move(stream_);  // what is put back was recorded before
  changes_ = nullptr;
  budget_ = nullptr;
  auto before = size_bytes_;
  (void)store(*key, std::move(item));
  if (saved_budget && size_bytes_ > before) saved_budget->take(size_bytes_ - before);
  changes_ = saved_changes;
  budget_ = std::move(saved_budget);
  stream_ = std::move(saved_stream);
  return true;
}

auto Table::prepare_put(PutRequest&& request) const -> Result<PreparedWrite> {
  auto key = key_of_item(definition_.key, request.item);
  if (!key) return key.error();
  if (auto ok = check_index_keys(definition_, request.item); !ok) return ok.error();
  if (item_size(request.item) > kMaxItemBytes) return validation_error("Item size has exceeded the maximum allowed size");
  const Item* existing = find(*key);
  if (!condition_holds(request.condition, existing)) return condition_failed(existing, request.return_old_item_on_condition_failure);
  return PreparedWrite{std::move(*key), std::move(request.item)};
}

auto Table::prepare_delete(const DeleteRequest& request) const -> Result<PreparedWrite> {
  auto key = parse_key(definition_.key, request.key);
  if (!key) return key.error();
  const Item* existing = find(*key);
  if (!condition_holds(request.condition, existing)) return condition_failed(existing, request.return_old_item_on_condition_failure);
  return PreparedWrite{std::move(*key)};
}

auto Table::prepare_update(const UpdateRequest& request) const -> Result<PreparedWrite> {
  auto key = parse_key(definition_.key, request.key);
  if (!key) return key.error();
  if (request.update) {
    for (const auto& action : request.update->actions) {
      const auto& attribute = std::get<std::string>(action.path.steps.front());
      if (definition_.key.contains(attribute)) {
        return invalid_parameter("Cannot update attribute " + attribute + ". This attribute is part of the key");
      }
    }
  }
  const Item* existing = find(*key);
  if (!condition_holds(request.condition, existing)) return condition_failed(existing, request.return_old_item_on_condition_failure);

  // An absent item is upserted: the update starts from its key attributes.
  const Item& base = existing ? *existing : request.key;
  Item updated;
  if (request.update) {
    auto applied = expression::apply_update(*request.update, base);
    if (!applied) return applied.error();
    updated = std::move(*applied);
  } else {
    updated = base;
  }
  if (auto ok = check_index_keys(definition_, updated); !ok) return ok.error();
  if (item_size(updated) > kMaxItemBytes) return validation_error("Item size to update has exceeded the maximum allowed size");
  return PreparedWrite{std::move(*key), std::move(updated)};
}

auto Table::prepare_check(const CheckRequest& request) const -> Result<PreparedWrite> {
  auto key = parse_key(definition_.key, request.key);
  if (!key) return key.error();
  const Item* existing = find(*key);
  if (!condition_holds(request.condition, existing)) return condition_failed(existing, request.return_old_item_on_condition_failure);
  return PreparedWrite{std::move(*key), std::nullopt, true};
}

std::size_t Table::growth(const PreparedWrite& write) const {
  if (write.check_only || !write.item) return 0;
  const Item* existing = find(write.key);
  std::size_t old = existing ? item_size(*existing) : 0;
  std::size_t size = item_size(*write.item);
  return size > old ? size - old : 0;
}

auto Table::commit(PreparedWrite&& write, bool prepaid) -> Result<void> {
  if (write.check_only) return {};
  if (write.item) return store(write.key, std::move(*write.item), prepaid);
  if (auto found = items_.find(write.key); found != items_.end()) (void)erase(found);
  return {};
}

auto Table::put_item(PutRequest request) -> Result<std::optional<Item>> {
  if (auto ok = check_put_return_values(request.return_values); !ok) return ok.error();
  const ReturnValues return_values = request.return_values;
  auto prepared = prepare_put(std::move(request));
  if (!prepared) return prepared.error();
  std::optional<Item> old;
  if (return_values == ReturnValues::AllOld) {
    if (const Item* existing = find(prepared->key)) old = *existing;
  }
  if (auto stored = commit(std::move(*prepared)); !stored) return stored.error();
  return old;
}

auto Table::delete_item(const DeleteRequest& request) -> Result<std::optional<Item>> {
  if (auto ok = check_put_return_values(request.return_values); !ok) return ok.error();
  auto prepared = prepare_delete(request);
  if (!prepared) return prepared.error();
  auto found = items_.find(prepared->key);
  if (found == items_.end()) return std::optional<Item>{};
  Item removed = erase(found);
  if (request.return_values != ReturnValues::AllOld) return std::optional<Item>{};
  return std::optional<Item>{std::move(removed)};
}

auto Table::update_item(const UpdateRequest& request) -> Result<std::optional<Item>> {
  auto prepared = prepare_update(request);
  if (!prepared) return prepared.error();
  const Item* existing = request.return_values == ReturnValues::None ? nullptr : find(prepared->key);
  const Item& updated = *prepared->item;
  std::vector<expression::Path> paths = request.update ? expression::updated_paths(*request.update) : std::vector<expression::Path>{};
  std::optional<Item> result;
  switch (request.return_values) {
    case ReturnValues::None: break;
    case ReturnValues::AllOld: if (existing) result = *existing; break;
    case ReturnValues::UpdatedOld: if (existing) result = non_empty(expression::project(*existing, paths)); break;
    case ReturnValues::AllNew: result = updated; break;
    case ReturnValues::UpdatedNew: result = non_empty(expression::project(updated, paths)); break;
  }
  if (auto stored = commit(std::move(*prepared)); !stored) return stored.error();
  return result;
}

void Table::track_expiry(const PrimaryKey& key, const Item* before, const Item* after) {
  if (before) {
    if (auto at = expiry_of(*before, *ttl_attribute_)) expiries_.erase(Expiry{*at, key});
  }
  if (after) {
    if (auto at = expiry_of(*after, *ttl_attribute_)) expiries_.emplace(*at, key);
  }
}

void Table::set_time_to_live(std::optional<std::string> attribute) {
  ttl_attribute_ = std::move(attribute);
  expiries_.clear();
  if (!ttl_attribute_) return;
  for (const auto& [key, item] : items_) track_expiry(key, nullptr, &item);
}

std::vector<Item> Table::expire(std::int64_t now, std::size_t limit) {
  std::vector<Item> removed;
  if (!ttl_attribute_) return removed;
  std::vector<PrimaryKey> due;
  for (auto it = expiries_.lower_bound(now - kExpiryHorizonSeconds); it != expiries_.end() && it->first <= now && due.size() < limit; ++it) {
    due.push_back(it->second);
  }
  expiring_ = true;
  for (const auto& key : due) {
    if (auto found = items_.find(key); found != items_.end()) removed.push_back(erase(found));
  }
  expiring_ = false;
  return removed;
}

auto Table::get_item(const GetRequest& request) const -> Result<std::optional<Item>> {
  auto key = parse_key(definition_.key, request.key);
  if (!key) return key.error();
  auto found = items_.find(*key);
  if (found == items_.end()) return std::optional<Item>{};
  if (request.projection) return std::optional<Item>{expression::project(found->second, request.projection->paths)};
  return std::optional<Item>{found->second};
}

}  // namespace localray::dynamodb::model
