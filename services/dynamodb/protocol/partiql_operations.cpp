// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL statements read from the
// request, planned against their table's key schema (model/partiql) and run with the table calls
// the expression API uses, so that conditions, updates, streams and limits behave the same.
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "http/base64.hpp"
#include "services/dynamodb/model/partiql/plan.hpp"
#include "services/dynamodb/protocol/attribute_value_json.hpp"
#include "services/dynamodb/protocol/capacity.hpp"
#include "services/dynamodb/protocol/operations.hpp"
#include "services/dynamodb/protocol/request_json.hpp"
#include "services/dynamodb/protocol/transactions.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Result;
namespace partiql = model::partiql;

namespace {

constexpr std::size_t kMaxStatementLength = 8192;
constexpr std::size_t kMaxBatchStatements = 25;
constexpr std::size_t kMaxTransactStatements = 100;
constexpr const char* kDuplicateItem = "Duplicate primary key exists in table";

// One statement with its parameters, as each of the three calls carries it.
struct StatementInput {
  std::string text;
  std::vector<model::AttributeValue> parameters = {};
  bool consistent = false;
  bool old_item_on_failure = false;
};

auto statement_input(const json& object, const std::string& path) -> Result<StatementInput> {
  if (auto ok = require(object, {"Statement"}, path); !ok) return ok.error();
  auto text = string_member(object, "Statement");
  if (!text) return text.error();
  const std::string member = member_path("Statement", path);
  if ((*text)->empty()) return model::constraint_error("", member, "have length greater than or equal to 1");
  if ((*text)->size() > kMaxStatementLength) {
    return model::constraint_error(**text, member, "have length less than or equal to " + std::to_string(kMaxStatementLength));
  }
  StatementInput out{std::move(**text)};
  auto parameters = array_member(object, "Parameters");
  if (!parameters) return parameters.error();
  if (*parameters) {
    if ((*parameters)->empty()) return model::constraint_error("[]", member_path("Parameters", path), "have length greater than or equal to 1");
    for (const auto& p : **parameters) {
      auto value = attribute_value_from_json(p);
      if (!value) return value.error();
      out.parameters.push_back(std::move(*value));
    }
  }
  auto consistent = bool_member(object, "ConsistentRead");
  if (!consistent) return consistent.error();
  out.consistent = consistent->value_or(false);
  auto on_failure = enum_member(object, "ReturnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"}, path);
  if (!on_failure) return on_failure.error();
  out.old_item_on_failure = *on_failure == "ALL_OLD";
  return out;
}

bool is_global_index(const model::TableDefinition& definition, const std::optional<std::string>& index) {
  if (!index) return false;
  for (const auto& gsi : definition.global_secondary_indexes) {
    if (gsi.name == *index) return true;
  }
  return false;
}

// NextToken: the key to resume after, tied to the statement and parameters it pages through
// (another request with it is refused, as DynamoDB refuses it).
std::string request_fingerprint(const StatementInput& input) {
  std::string text = input.text;
  for (const auto& p : input.parameters) text += "\x1f" + attribute_value_to_json(p).dump();
  return std::to_string(std::hash<std::string>{}(text));
}

std::string next_token(const StatementInput& input, const model::Item& last_key) {
  return http::base64_encode(json{{"r", request_fingerprint(input)}, {"k", item_to_json(last_key)}}.dump());
}

auto resume_key(const json& request, const StatementInput& input) -> Result<std::optional<model::Item>> {
  auto token = string_member(request, "NextToken");
  if (!token) return token.error();
  if (!*token) return std::optional<model::Item>{};
  if ((*token)->size() > 32768) return model::constraint_error(**token, "nextToken", "have length less than or equal to 32768");
  auto decoded = http::base64_decode(**token);
  json parsed = decoded ? json::parse(*decoded, nullptr, false) : json{};
  if (!parsed.is_object() || !parsed.contains("r") || !parsed.contains("k") || !parsed["r"].is_string()) {
    return model::validation_error("Invalid NextToken");
  }
  if (parsed["r"] != request_fingerprint(input)) return model::validation_error("NextToken does not match request");
  auto key = item_from_json(parsed["k"]);
  if (!key) return model::validation_error("Invalid NextToken");
  return std::optional<model::Item>{std::move(*key)};
}

struct Outcome {
  json items = json::array();
  std::optional<model::Item> last_key;
  double units = 0;
};

auto run_select(model::Table& table, const partiql::Select& select, const StatementInput& input, std::optional<std::size_t> limit,
                std::optional<model::Item> start) -> Result<Outcome> {
  if (input.consistent && is_global_index(table.definition(), select.index)) {
    return model::validation_error("Strongly consistent read is not supported on Global Secondary Indexes");
  }
  auto plan = partiql::plan_select(select, table.definition(), limit, std::move(start));
  if (!plan) return plan.error();
  auto page = std::visit(
      [&](const auto& request) -> Result<model::Page> {
        if constexpr (std::is_same_v<std::decay_t<decltype(request)>, model::QueryRequest>) {
          return table.query(request);
        } else {
          return table.scan(request);
        }
      },
      plan->read);
  if (!page) return page.error();
  Outcome out;
  std::size_t bytes = 0;
  for (const auto& item : page->items) {
    bytes += model::item_size(item);
    if (auto kept = partiql::keep(*plan, item)) out.items.push_back(item_to_json(*kept));
  }
  out.last_key = std::move(page->last_evaluated_key);
  out.units = read_units(bytes, input.consistent);
  return out;
}

// What a write returns under RETURNING: the item, when there is one.
void add_returned(Outcome& out, const std::optional<model::Item>& attributes) {
  if (attributes) out.items.push_back(item_to_json(*attributes));
}

auto run_statement(model::Table& table, const partiql::Statement& statement, const StatementInput& input,
                   std::optional<std::size_t> limit, std::optional<model::Item> start) -> Result<Outcome> {
  const model::KeySchema& schema = table.definition().key;
  if (const auto* select = std::get_if<partiql::Select>(&statement)) return run_select(table, *select, input, limit, std::move(start));
  Outcome out;
  if (const auto* insert = std::get_if<partiql::Insert>(&statement)) {
    auto put = partiql::insert_request(*insert, schema);
    if (!put) return put.error();
    std::size_t bytes = model::item_size(put->item);
    auto written = table.put_item(std::move(*put));
    if (!written) {
      if (written.error().code == model::Code::ConditionalCheckFailed) return model::Error{model::Code::DuplicateItem, kDuplicateItem};
      return written.error();
    }
    out.units = write_units(bytes);
    return out;
  }
  if (const auto* update = std::get_if<partiql::Update>(&statement)) {
    auto request = partiql::update_request(*update, schema);
    if (!request) return request.error();
    request->return_old_item_on_condition_failure = input.old_item_on_failure;
    std::size_t before = stored_item_size(table, request->key);
    auto updated = table.update_item(*request);
    if (!updated) return updated.error();
    add_returned(out, *updated);
    out.units = write_units(std::max(before, stored_item_size(table, request->key)));
    return out;
  }
  const auto& remove = std::get<partiql::Delete>(statement);
  auto request = partiql::delete_request(remove, schema);
  if (!request) return request.error();
  request->return_old_item_on_condition_failure = input.old_item_on_failure;
  std::size_t before = stored_item_size(table, request->key);
  auto deleted = table.delete_item(*request);
  if (!deleted) return deleted.error();
  add_returned(out, *deleted);
  out.units = write_units(before);
  return out;
}

auto limit_member(const json& request) -> Result<std::optional<std::size_t>> {
  auto limit = integer_member(request, "Limit");
  if (!limit) return limit.error();
  if (!*limit) return std::optional<std::size_t>{};
  if (**limit < 1) return model::constraint_error(std::to_string(**limit), "limit", "have value greater than or equal to 1");
  return std::optional<std::size_t>{static_cast<std::size_t>(**limit)};
}

// The statements of BatchExecuteStatement and ExecuteTransaction, within `max`.
auto statement_list(const json& request, std::string_view name, std::size_t max) -> Result<const json*> {
  if (auto ok = require(request, {name}); !ok) return ok.error();
  auto list = array_member(request, name);
  if (!list) return list.error();
  const std::string member = member_path(name);
  if ((*list)->empty()) return model::constraint_error("[]", member, "have length greater than or equal to 1");
  if ((*list)->size() > max) {
    return model::constraint_error("[...]", member, "have length less than or equal to " + std::to_string(max));
  }
  return *list;
}

// The full primary key a statement names by equality, for the checks that want one.
std::optional<model::PrimaryKey> statement_key(const partiql::Statement& statement, const model::TableDefinition& definition) {
  std::optional<model::Item> key;
  if (const auto* s = std::get_if<partiql::Select>(&statement)) {
    if (s->index) return std::nullopt;
    auto keyed = partiql::keyed_where(s->where, definition.key);
    if (keyed) key = std::move(keyed->key);
  } else if (const auto* i = std::get_if<partiql::Insert>(&statement)) {
    key = model::key_attributes(definition.key, i->item);
  } else if (const auto* u = std::get_if<partiql::Update>(&statement)) {
    auto keyed = partiql::keyed_where(u->where, definition.key);
    if (keyed) key = std::move(keyed->key);
  } else {
    auto keyed = partiql::keyed_where(std::get<partiql::Delete>(statement).where, definition.key);
    if (keyed) key = std::move(keyed->key);
  }
  if (!key) return std::nullopt;
  auto parsed = model::parse_key(definition.key, *key);
  return parsed ? std::optional<model::PrimaryKey>{std::move(*parsed)} : std::nullopt;
}

// A SELECT in a batch or transaction reads one item: its WHERE is exactly the primary key.
bool selects_one_item(const partiql::Select& select, const model::TableDefinition& definition) {
  if (select.index) return false;
  auto keyed = partiql::keyed_where(select.where, definition.key);
  return keyed && !keyed->condition;
}

// BatchExecuteStatement's Error.Code for a model error.
std::string batch_error_code(model::Code code) {
  switch (code) {
    case model::Code::ConditionalCheckFailed: return "ConditionalCheckFailed";
    case model::Code::DuplicateItem: return "DuplicateItem";
    case model::Code::ResourceNotFound: return "ResourceNotFound";
    case model::Code::Validation: return "ValidationError";
    case model::Code::LimitExceeded: return "RequestLimitExceeded";
    default: return "InternalServerError";
  }
}

}  // namespace

auto execute_statement(const json& request, model::Backend& backend) -> boost::asio::awaitable<Result<json>> {
  auto input = statement_input(request, "");
  if (!input) co_return input.error();
  auto mode = capacity_mode(request);
  if (!mode) co_return mode.error();
  auto limit = limit_member(request);
  if (!limit) co_return limit.error();
  auto start = resume_key(request, *input);
  if (!start) co_return start.error();
  auto statement = partiql::parse_statement(input->text, input->parameters);
  if (!statement) co_return statement.error();
  const std::string table_name = partiql::table_of(*statement);
  auto handle = backend.item_handle(table_name);
  if (!handle) co_return handle.error();
  auto work = [&](model::Table& table) { return run_statement(table, *statement, *input, *limit, std::move(*start)); };
  auto outcome = co_await model::run_on_table(*handle, work);
  if (!outcome) co_return outcome.error();
  json out{{"Items", std::move(outcome->items)}};
  if (outcome->last_key) out["NextToken"] = next_token(*input, *outcome->last_key);
  if (*mode != CapacityMode::None) out["ConsumedCapacity"] = consumed_capacity({table_name}, outcome->units, *mode);
  co_return success(std::move(out));
}

auto batch_execute_statement(const json& request, model::Backend& backend) -> boost::asio::awaitable<Result<json>> {
  auto list = statement_list(request, "Statements", kMaxBatchStatements);
  if (!list) co_return list.error();
  auto mode = capacity_mode(request);
  if (!mode) co_return mode.error();

  // Every statement is read first: a mix of reads and writes, or one item named twice, refuses
  // the whole batch; a statement that cannot be parsed fails alone.
  std::vector<StatementInput> inputs;
  std::vector<Result<partiql::Statement>> statements;
  bool reads = false;
  bool writes = false;
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    const json& element = (**list)[i];
    if (!element.is_object()) co_return type_mismatch(element, "BatchStatementRequest");
    auto input = statement_input(element, "statements." + std::to_string(i + 1) + ".member");
    if (!input) co_return input.error();
    statements.push_back(partiql::parse_statement(input->text, input->parameters));
    if (statements.back()) (partiql::is_read(*statements.back()) ? reads : writes) = true;
    inputs.push_back(std::move(*input));
  }
  if (reads && writes) co_return model::validation_error("Read and write requests together in the same batch is not supported.");

  // Tables are found and keys compared before anything runs: one item named twice refuses the batch.
  std::vector<std::shared_ptr<model::TableHandle>> handles;  // null: not parsed, or no such table
  std::vector<std::string> missing;  // why a parsed statement's table was not found
  std::set<std::pair<std::string, model::PrimaryKey>> seen;
  for (const auto& statement : statements) {
    handles.emplace_back();
    missing.emplace_back();
    if (!statement) continue;
    const std::string& table_name = partiql::table_of(*statement);
    auto handle = backend.item_handle(table_name);
    if (!handle) {
      missing.back() = handle.error().message;
      continue;
    }
    handles.back() = *handle;
    std::optional<model::PrimaryKey> key;
    {
      std::lock_guard held{handles.back()->items_lock};
      key = statement_key(*statement, handles.back()->table->definition());
    }
    if (key && !seen.emplace(table_name, std::move(*key)).second) co_return model::validation_error("Provided list of item keys contains duplicates");
  }

  json responses = json::array();
  std::map<std::string, double> units;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (!statements[i]) {
      responses.push_back({{"Error", {{"Code", "ValidationError"}, {"Message", statements[i].error().message}}}});
      continue;
    }
    const partiql::Statement& statement = *statements[i];
    const std::string table_name = partiql::table_of(statement);
    if (!handles[i]) {
      responses.push_back({{"TableName", table_name}, {"Error", {{"Code", "ResourceNotFound"}, {"Message", missing[i]}}}});
      continue;
    }
    auto work = [&](model::Table& table) -> Result<Outcome> {
      if (const auto* select = std::get_if<partiql::Select>(&statement); select && !selects_one_item(*select, table.definition())) {
        return model::validation_error("Select statements within BatchExecuteStatement must specify the primary key in the where clause.");
      }
      return run_statement(table, statement, inputs[i], std::nullopt, std::nullopt);
    };
    auto outcome = co_await model::run_on_table(handles[i], work);
    if (!outcome) {
      json entry{{"Error", {{"Code", batch_error_code(outcome.error().code)}, {"Message", outcome.error().message}}}};
      if (outcome.error().code != model::Code::Validation) entry["TableName"] = table_name;
      responses.push_back(std::move(entry));
      continue;
    }
    json entry{{"TableName", table_name}};
    if (reads && !outcome->items.empty()) entry["Item"] = outcome->items.front();
    responses.push_back(std::move(entry));
    units[table_name] += outcome->units;
  }
  json out{{"Responses", std::move(responses)}};
  if (*mode != CapacityMode::None) {
    json capacity = json::array();
    for (const auto& [table, n] : units) capacity.push_back(consumed_capacity({table}, n, *mode));
    out["ConsumedCapacity"] = std::move(capacity);
  }
  co_return success(std::move(out));
}

auto execute_transaction(const json& request, model::Backend& backend) -> boost::asio::awaitable<Result<json>> {
  auto list = statement_list(request, "TransactStatements", kMaxTransactStatements);
  if (!list) co_return list.error();
  auto token = string_member(request, "ClientRequestToken");
  if (!token) co_return token.error();
  if (*token && ((*token)->empty() || (*token)->size() > 36)) {
    co_return model::constraint_error(**token, "clientRequestToken", (*token)->empty() ? "have length greater than or equal to 1" : "have length less than or equal to 36");
  }
  auto mode = capacity_mode(request);
  if (!mode) co_return mode.error();

  auto failed_in = [](std::size_t i, const std::string& message) {
    return model::validation_error("Validation failed in TransactStatements[" + std::to_string(i) + "]: " + message);
  };
  std::vector<StatementInput> inputs;
  std::vector<partiql::Statement> statements;
  bool reads = false;
  bool writes = false;
  for (std::size_t i = 0; i < (*list)->size(); ++i) {
    const json& element = (**list)[i];
    if (!element.is_object()) co_return type_mismatch(element, "ParameterizedStatement");
    auto input = statement_input(element, "transactStatements." + std::to_string(i + 1) + ".member");
    if (!input) co_return input.error();
    auto statement = partiql::parse_statement(input->text, input->parameters);
    if (!statement) co_return failed_in(i, statement.error().message);
    (partiql::is_read(*statement) ? reads : writes) = true;
    const auto* update = std::get_if<partiql::Update>(&*statement);
    const auto* remove = std::get_if<partiql::Delete>(&*statement);
    if ((update && update->returning != partiql::Returning::None) || (remove && remove->returning != partiql::Returning::None)) {
      co_return failed_in(i, "RETURNING clause is not supported in ExecuteTransaction.");
    }
    if (const auto* select = std::get_if<partiql::Select>(&*statement); select && select->index) {
      co_return failed_in(i, "Reads on indices are not supported within transactions.");
    }
    inputs.push_back(std::move(*input));
    statements.push_back(std::move(*statement));
  }
  if (reads && writes) {
    co_return model::validation_error("ExecuteTransaction API does not support both read and write operations in the same request.");
  }

  // Each statement as the transaction action it is; the key schema comes from its table.
  std::vector<std::string> names;
  std::vector<model::WriteAction> actions;
  std::vector<model::GetRequest> gets;
  std::vector<std::optional<model::expression::Projection>> projections;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const std::string& name = partiql::table_of(statements[i]);
    auto handle = backend.item_handle(name);
    if (!handle) co_return handle.error();
    // The definition may change under UpdateTable: read it under the items lock.
    model::TableDefinition definition = [&] {
      std::lock_guard held{(*handle)->items_lock};
      return (*handle)->table->definition();
    }();
    names.push_back(name);
    const partiql::Statement& statement = statements[i];
    if (const auto* select = std::get_if<partiql::Select>(&statement)) {
      if (!selects_one_item(*select, definition)) {
        co_return failed_in(i, "Select statements within ExecuteTransaction must specify the primary key in the where clause.");
      }
      auto keyed = partiql::keyed_where(select->where, definition.key);
      gets.push_back(model::GetRequest{std::move(keyed->key), std::nullopt});
      projections.push_back(select->projection);
      continue;
    }
    Result<model::WriteAction> action = model::Error{model::Code::Validation, ""};
    if (const auto* insert = std::get_if<partiql::Insert>(&statement)) {
      auto put = partiql::insert_request(*insert, definition.key);
      action = put ? Result<model::WriteAction>{std::move(*put)} : Result<model::WriteAction>{put.error()};
    } else if (const auto* update = std::get_if<partiql::Update>(&statement)) {
      auto r = partiql::update_request(*update, definition.key);
      if (r) r->return_old_item_on_condition_failure = inputs[i].old_item_on_failure;
      action = r ? Result<model::WriteAction>{std::move(*r)} : Result<model::WriteAction>{r.error()};
    } else {
      auto r = partiql::delete_request(std::get<partiql::Delete>(statement), definition.key);
      if (r) r->return_old_item_on_condition_failure = inputs[i].old_item_on_failure;
      action = r ? Result<model::WriteAction>{std::move(*r)} : Result<model::WriteAction>{r.error()};
    }
    if (!action) co_return failed_in(i, action.error().message);
    actions.push_back(std::move(*action));
  }

  if (reads) {
    auto answer = run_read_transaction(names, gets, *mode, backend);
    if (!answer) co_return answer.error();
    // A missing item answers {}; a found one is projected as a SELECT projects (`a.b` comes back as b).
    json& responses = (*answer)["Responses"];
    for (std::size_t i = 0; i < responses.size() && i < projections.size(); ++i) {
      if (!projections[i] || !responses[i].contains("Item")) continue;
      auto item = item_from_json(responses[i]["Item"]);
      if (item) responses[i]["Item"] = item_to_json(partiql::project(*item, *projections[i]));
    }
    co_return answer;
  }
  std::string fingerprint;
  if (*token) fingerprint = (**list).dump();
  auto answer = run_write_transaction(names, std::move(actions), *token, fingerprint, *mode, backend);
  if (!answer && answer.error().code == model::Code::TransactionCanceled && answer.error().reasons) {
    // An INSERT cancelled by its own key condition is a duplicate item, as DynamoDB names it.
    std::vector<model::CancellationReason> reasons = *answer.error().reasons;
    for (std::size_t i = 0; i < reasons.size(); ++i) {
      if (std::holds_alternative<partiql::Insert>(statements[i]) && reasons[i].code == "ConditionalCheckFailed") {
        reasons[i] = model::CancellationReason{"DuplicateItem", kDuplicateItem};
      }
    }
    co_return model::transaction_cancelled(std::move(reasons));
  }
  if (!answer) co_return answer.error();
  json out{{"Responses", json::array()}};
  if (answer->contains("ConsumedCapacity")) out["ConsumedCapacity"] = (*answer)["ConsumedCapacity"];
  co_return success(std::move(out));
}

}  // namespace localray::dynamodb::protocol
