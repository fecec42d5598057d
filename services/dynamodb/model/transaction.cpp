#include "services/dynamodb/model/transaction.hpp"

#include <memory>

namespace localray::dynamodb::model {
namespace {

auto prepare(const Table& table, WriteAction&& action) -> Result<PreparedWrite> {
  return std::visit(
      [&table](auto&& a) -> Result<PreparedWrite> {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, CheckRequest>) return table.prepare_check(a);
        if constexpr (std::is_same_v<A, PutRequest>) return table.prepare_put(std::move(a));
        if constexpr (std::is_same_v<A, DeleteRequest>) return table.prepare_delete(a);
        if constexpr (std::is_same_v<A, UpdateRequest>) return table.prepare_update(a);
      },
      std::move(action));
}


std::size_t stored_size(const Table& table, const PrimaryKey& key) {
  Item probe{{table.definition().key.hash.name, key.hash}};
  if (key.range) probe.emplace(table.definition().key.range->name, *key.range);
  auto found = table.get_item(GetRequest{std::move(probe), std::nullopt});
  return found && *found ? item_size(**found) : 0;
}

}  // namespace

Error transaction_cancelled(std::vector<CancellationReason> reasons) {
  std::string codes;
  for (const auto& r : reasons) codes += (codes.empty() ? "" : ", ") + r.code;
  Error e{Code::TransactionCanceled, "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]"};
  e.reasons = std::make_shared<const std::vector<CancellationReason>>(std::move(reasons));
  return e;
}

std::optional<PrimaryKey> action_key(const KeySchema& schema, const WriteAction& action) {
  Result<PrimaryKey> key = std::visit(
      [&schema](const auto& a) -> Result<PrimaryKey> {
        if constexpr (std::is_same_v<std::decay_t<decltype(a)>, PutRequest>) return key_of_item(schema, a.item);
        else return parse_key(schema, a.key);
      },
      action);
  if (!key) return std::nullopt;
  return std::move(*key);
}

auto transact_write(std::vector<WriteAction> actions, const std::vector<Table*>& tables) -> Result<std::vector<std::size_t>> {
  std::vector<PreparedWrite> prepared;
  prepared.reserve(actions.size());
  std::vector<CancellationReason> reasons(actions.size());
  bool failed = false;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    auto p = prepare(*tables[i], std::move(actions[i]));
    if (p) {
      prepared.push_back(std::move(*p));
      continue;
    }
    failed = true;
    prepared.emplace_back();
    const Error& e = p.error();
    if (e.code == Code::ConditionalCheckFailed) reasons[i] = CancellationReason{"ConditionalCheckFailed", e.message, e.item};
    else reasons[i] = CancellationReason{"ValidationError", e.message, nullptr};
  }
  if (failed) return transaction_cancelled(std::move(reasons));

  // Billed on the larger of the item before and after, a check or a delete on the item as it is.
  std::vector<std::size_t> billed(prepared.size());
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    std::size_t before = stored_size(*tables[i], prepared[i].key);
    billed[i] = std::max(before, prepared[i].item ? item_size(*prepared[i].item) : 0);
  }
  // The growth of every write is taken from the bound before the first is made, so that none can
  // be refused halfway.
  std::map<ItemBudget*, std::size_t> growth;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    auto* budget = tables[i]->budget().get();
    if (auto bytes = tables[i]->growth(prepared[i]); budget && bytes > 0) growth[budget] += bytes;
  }
  for (auto it = growth.begin(); it != growth.end(); ++it) {
    if (it->first->try_take(it->second)) continue;
    for (auto back = growth.begin(); back != it; ++back) back->first->give(back->second);
    return Error{Code::LimitExceeded, "localray holds " + std::to_string(it->first->used() >> 20) + " MiB of DynamoDB items, its bound (--dynamodb-max-mb " +
                                          std::to_string(it->first->limit() >> 20) + "): the transaction was refused; delete items or raise the bound"};
  }
  for (std::size_t i = 0; i < prepared.size(); ++i) (void)tables[i]->commit(std::move(prepared[i]), true);
  return billed;
}

auto transact_get(const std::vector<GetRequest>& gets, const std::vector<const Table*>& tables) -> Result<TransactRead> {
  TransactRead out;
  std::vector<CancellationReason> reasons(gets.size());
  bool failed = false;
  for (std::size_t i = 0; i < gets.size(); ++i) {
    auto key = parse_key(tables[i]->definition().key, gets[i].key);
    if (!key) {
      failed = true;
      reasons[i] = CancellationReason{"ValidationError", key.error().message, nullptr};
      continue;
    }
    if (failed) continue;
    auto whole = tables[i]->get_item(GetRequest{gets[i].key, std::nullopt});
    if (!whole) return whole.error();
    out.sizes.push_back(*whole ? item_size(**whole) : 0);
    if (*whole && gets[i].projection) {
      Item projected = *tables[i]->get_item(gets[i]).value();
      // A projection that keeps nothing of the item leaves Item out, as for an absent one.
      out.items.push_back(projected.empty() ? std::nullopt : std::optional<Item>{std::move(projected)});
    } else {
      out.items.push_back(std::move(*whole));
    }
  }
  if (failed) return transaction_cancelled(std::move(reasons));
  return out;
}

auto IdempotencyTokens::check(const std::string& token, const std::string& request, tracing::TimePoint now) -> Result<Seen> {
  std::lock_guard lock{mutex_};
  auto found = used_.find(token);
  if (found == used_.end() || now - found->second.at >= kWindow) return Seen::New;
  if (found->second.request != request) {
    return Error{Code::IdempotentParameterMismatch, "Specified idempotent token was used with different request parameters within the idempotency window"};
  }
  return Seen::Repeat;
}

void IdempotencyTokens::record(const std::string& token, std::string request, tracing::TimePoint now) {
  std::lock_guard lock{mutex_};
  std::erase_if(used_, [now](const auto& entry) { return now - entry.second.at >= kWindow; });
  used_.insert_or_assign(token, Used{std::move(request), now});
}

}  // namespace localray::dynamodb::model
