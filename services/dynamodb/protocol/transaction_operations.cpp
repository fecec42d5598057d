// TransactWriteItems and TransactGetItems. Everything the request alone can show wrong is refused
// before any table is looked at, in the order DynamoDB checks; then the tables are held together
// (their items locks, in name order) while the model checks and runs the actions, so that no
// other call sees some of a transaction's writes and not the rest.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/dynamodb/model/limits.hpp"
#include "services/dynamodb/model/transaction.hpp"
#include "services/dynamodb/protocol/attribute_value_json.hpp"
#include "services/dynamodb/protocol/capacity.hpp"
#include "services/dynamodb/protocol/item_requests.hpp"
#include "services/dynamodb/protocol/operations.hpp"
#include "services/dynamodb/protocol/request_json.hpp"
#include "services/dynamodb/protocol/transactions.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Result;

namespace {

constexpr std::size_t kMaxTransactItems = 100;
constexpr std::size_t kMaxTokenLength = 36;
constexpr const char* kSameItemTwice = "Transaction request cannot include multiple operations on one item";

auto transact_items(const json& request) -> Result<const json*> {
  if (auto ok = require(request, {"TransactItems"}); !ok) return ok.error();
  auto items = array_member(request, "TransactItems");
  if (!items) return items.error();
  if ((*items)->empty()) return model::constraint_error("[]", "transactItems", "have length greater than or equal to 1");
  if ((*items)->size() > kMaxTransactItems) {
    return model::validation_error("1 validation error detected: Value at 'TransactItems' failed to satisfy constraint: "
                                   "Member must have length less than or equal to 100");
  }
  return *items;
}

std::string item_path(std::size_t index, std::string_view member) {
  return "transactItems." + std::to_string(index + 1) + ".member." + std::string{member};
}

// One action of a TransactWriteItems call, read but not yet run.
struct WriteItem {
  std::string table_name;
  model::WriteAction action;
};

auto check_action(const json& element, std::size_t index) -> Result<WriteItem> {
  static constexpr std::pair<const char*, const char*> kKinds[] = {
      {"ConditionCheck", "conditionCheck"}, {"Put", "put"}, {"Delete", "delete"}, {"Update", "update"}};
  if (!element.is_object()) return type_mismatch(element, "TransactWriteItem");
  const json* body = nullptr;
  std::string_view kind, path_name;
  for (auto [name, lower] : kKinds) {
    const json* found = member(element, name);
    if (found == nullptr) continue;
    if (body != nullptr) return model::validation_error("TransactItems can only contain one of Check, Put, Update or Delete");
    body = found;
    kind = name;
    path_name = lower;
  }
  if (body == nullptr) return model::validation_error("Invalid Request: TransactWriteRequest should contain Delete or Put or Update request");
  if (!body->is_object()) return type_mismatch(*body, kind);
  const std::string path = item_path(index, path_name);

  if (kind == "Put") {
    if (auto ok = require(*body, {"Item", "TableName"}, path); !ok) return ok.error();
  } else if (kind == "Update") {
    if (auto ok = require(*body, {"Key", "UpdateExpression", "TableName"}, path); !ok) return ok.error();
  } else if (kind == "ConditionCheck") {
    if (auto ok = require(*body, {"Key", "TableName", "ConditionExpression"}, path); !ok) return ok.error();
  } else {
    if (auto ok = require(*body, {"Key", "TableName"}, path); !ok) return ok.error();
  }
  auto name = table_name(*body);
  if (!name) return name.error();

  if (kind == "Put") {
    auto put = put_request(*body);
    if (!put) return put.error();
    if (model::item_size(put->item) > model::kMaxItemBytes) return model::validation_error("Item size has exceeded the maximum allowed size");
    return WriteItem{std::move(*name), std::move(*put)};
  }
  if (kind == "Update") {
    auto update = update_request(*body);
    if (!update) return update.error();
    return WriteItem{std::move(*name), std::move(*update)};
  }
  if (kind == "Delete") {
    auto remove = delete_request(*body);
    if (!remove) return remove.error();
    return WriteItem{std::move(*name), std::move(*remove)};
  }
  // ConditionCheck: Delete's members, with a condition that is required.
  auto check = delete_request(*body);
  if (!check) return check.error();
  return WriteItem{std::move(*name), model::CheckRequest{std::move(check->key), std::move(*check->condition), check->return_old_item_on_condition_failure}};
}

const model::Item& key_or_item(const model::WriteAction& action) {
  return std::visit(
      [](const auto& a) -> const model::Item& {
        if constexpr (std::is_same_v<std::decay_t<decltype(a)>, model::PutRequest>) return a.item;
        else return a.key;
      },
      action);
}

using Handles = std::map<std::string, std::shared_ptr<model::TableHandle>, std::less<>>;

// Every table named, found and ACTIVE; ResourceNotFound for the first that is not.
auto find_tables(const std::vector<std::string>& names, model::Backend& backend) -> Result<Handles> {
  Handles out;
  for (const auto& name : names) {
    if (out.count(name)) continue;
    auto h = backend.item_handle(name);
    if (!h) return h.error();
    out.emplace(name, std::move(*h));
  }
  return out;
}

// Every table's items lock, in name order; then each must still be the table its name names (a
// table deleted meanwhile is ResourceNotFound, as if the transaction had come second).
auto hold(const Handles& tables, model::Backend& backend) -> Result<std::vector<std::unique_lock<std::mutex>>> {
  std::vector<std::unique_lock<std::mutex>> held;
  held.reserve(tables.size());
  for (const auto& [name, h] : tables) held.emplace_back(h->items_lock);
  for (const auto& [name, h] : tables) {
    auto current = backend.item_handle(name);
    if (!current || *current != h) return model::Error{model::Code::ResourceNotFound, "Requested resource not found"};
  }
  return held;
}

// The same item twice is refused; keys that do not fit their table are left to the action's own
// check, which cancels the transaction with its reason. Empty or oversized key values refuse the
// whole request.
template <class KeyOf>
auto check_targets(const std::vector<std::string>& names, const Handles& tables, KeyOf key_of) -> Result<void> {
  std::set<std::pair<std::string, model::PrimaryKey>> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& schema = tables.find(names[i])->second->table->definition().key;
    auto [key, raw] = key_of(schema, i);
    if (auto ok = model::check_key_values(schema, *raw); !ok) return ok.error();
    if (key && !seen.emplace(names[i], std::move(*key)).second) return model::validation_error(kSameItemTwice);
  }
  return {};
}

// ConsumedCapacity of a transaction: one entry per table, `kind` ReadCapacityUnits or
// WriteCapacityUnits beside the total.
json transaction_capacity(const std::map<std::string, double>& units, const char* kind, CapacityMode mode) {
  json out = json::array();
  for (const auto& [table, n] : units) {
    json entry{{"TableName", table}, {"CapacityUnits", n}, {kind, n}};
    if (mode == CapacityMode::Indexes) entry["Table"] = {{"CapacityUnits", n}, {kind, n}};
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

auto run_write_transaction(const std::vector<std::string>& names, std::vector<model::WriteAction> actions,
                           const std::optional<std::string>& token, const std::string& fingerprint, CapacityMode mode,
                           model::Backend& backend) -> Result<json> {
  auto tables = find_tables(names, backend);
  if (!tables) return tables.error();
  auto targets = check_targets(names, *tables, [&](const model::KeySchema& schema, std::size_t i) {
    return std::pair{model::action_key(schema, actions[i]), &key_or_item(actions[i])};
  });
  if (!targets) return targets.error();

  auto& tokens = backend.transaction_tokens();
  model::IdempotencyTokens::Seen seen = model::IdempotencyTokens::Seen::New;
  if (token) {
    auto checked = tokens.check(*token, fingerprint, backend.now());
    if (!checked) return checked.error();
    seen = *checked;
  }

  std::map<std::string, double> units;
  {
    auto held = hold(*tables, backend);
    if (!held) return held.error();
    std::vector<model::Table*> on;
    for (const auto& name : names) on.push_back(tables->find(name)->second->table.get());
    if (seen == model::IdempotencyTokens::Seen::Repeat) {
      // Answered again without writing: what is billed is reading the items as they are now.
      for (std::size_t i = 0; i < actions.size(); ++i) {
        std::size_t size = 0;
        if (auto key = model::action_key(on[i]->definition().key, actions[i])) {
          model::Item probe = model::key_attributes(on[i]->definition().key, key_or_item(actions[i]));
          auto found = on[i]->get_item(model::GetRequest{std::move(probe), std::nullopt});
          if (found && *found) size = model::item_size(**found);
        }
        units[names[i]] += 2 * read_units(size, true);
      }
    } else {
      auto billed = model::transact_write(std::move(actions), on);
      if (!billed) return billed.error();
      for (std::size_t i = 0; i < billed->size(); ++i) units[names[i]] += 2 * write_units((*billed)[i]);
      if (token) tokens.record(*token, fingerprint, backend.now());
    }
  }
  json out = json::object();
  if (mode != CapacityMode::None) {
    out["ConsumedCapacity"] = transaction_capacity(units, seen == model::IdempotencyTokens::Seen::Repeat ? "ReadCapacityUnits" : "WriteCapacityUnits", mode);
  }
  return success(std::move(out));
}


auto run_read_transaction(const std::vector<std::string>& names, const std::vector<model::GetRequest>& gets, CapacityMode mode,
                          model::Backend& backend) -> Result<json> {
  auto tables = find_tables(names, backend);
  if (!tables) return tables.error();
  auto targets = check_targets(names, *tables, [&](const model::KeySchema& schema, std::size_t i) {
    auto key = model::parse_key(schema, gets[i].key);
    return std::pair{key ? std::optional<model::PrimaryKey>{std::move(*key)} : std::nullopt, &gets[i].key};
  });
  if (!targets) return targets.error();

  Result<model::TransactRead> read = model::Error{model::Code::ResourceNotFound, ""};
  {
    auto held = hold(*tables, backend);
    if (!held) return held.error();
    std::vector<const model::Table*> on;
    for (const auto& name : names) on.push_back(tables->find(name)->second->table.get());
    read = model::transact_get(gets, on);
  }
  if (!read) return read.error();
  json responses = json::array();
  std::map<std::string, double> units;
  for (std::size_t i = 0; i < read->items.size(); ++i) {
    responses.push_back(read->items[i] ? json{{"Item", item_to_json(*read->items[i])}} : json::object());
    units[names[i]] += 2 * read_units(read->sizes[i], true);
  }
  json out{{"Responses", std::move(responses)}};
  if (mode != CapacityMode::None) out["ConsumedCapacity"] = transaction_capacity(units, "ReadCapacityUnits", mode);
  return success(std::move(out));
}

auto transact_write_items(const json& request, model::Backend& backend) -> boost::asio::awaitable<Result<json>> {
  auto token = string_member(request, "ClientRequestToken");
  if (!token) co_return token.error();
  if (*token && (*token)->size() > kMaxTokenLength) {
    co_return model::constraint_error(**token, "clientRequestToken", "have length less than or equal to 36");
  }
  if (*token && (*token)->empty()) co_return model::constraint_error("", "clientRequestToken", "have length greater than or equal to 1");
  auto mode = capacity_mode(request);
  if (!mode) co_return mode.error();
  if (auto metrics = enum_member(request, "ReturnItemCollectionMetrics", {"SIZE", "NONE"}); !metrics) co_return metrics.error();
  auto items = transact_items(request);
  if (!items) co_return items.error();

  std::vector<model::WriteAction> actions;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    auto parsed = check_action((**items)[i], i);
    if (!parsed) co_return parsed.error();
    names.push_back(std::move(parsed->table_name));
    actions.push_back(std::move(parsed->action));
  }
  // The token's request as DynamoDB compares it: the members, in any order.
  const std::string fingerprint = *token ? (**items).dump() : std::string{};
  co_return run_write_transaction(names, std::move(actions), *token, fingerprint, *mode, backend);
}

auto transact_get_items(const json& request, model::Backend& backend) -> boost::asio::awaitable<Result<json>> {
  auto mode = capacity_mode(request);
  if (!mode) co_return mode.error();
  auto items = transact_items(request);
  if (!items) co_return items.error();
  std::vector<model::GetRequest> gets;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    const json& element = (**items)[i];
    if (!element.is_object()) co_return type_mismatch(element, "TransactGetItem");
    if (auto ok = require(element, {"Get"}, "transactItems." + std::to_string(i + 1) + ".member"); !ok) co_return ok.error();
    auto body = object_member(element, "Get");
    if (!body) co_return body.error();
    if (auto ok = require(**body, {"Key", "TableName"}, item_path(i, "get")); !ok) co_return ok.error();
    auto name = table_name(**body);
    if (!name) co_return name.error();
    auto get = get_request(**body);
    if (!get) co_return get.error();
    names.push_back(std::move(*name));
    gets.push_back(std::move(*get));
  }
  co_return run_read_transaction(names, gets, *mode, backend);
}

}  // namespace localray::dynamodb::protocol
