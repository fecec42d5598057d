#include "services/dynamodb/protocol/dispatch.hpp"

#include <exception>
#include <map>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/operations.hpp"
#include "services/dynamodb/protocol/request_json.hpp"
#include "services/dynamodb/protocol/response.hpp"

namespace localray::dynamodb::protocol {
namespace {

// Each operation is one of two kinds: a single-table operation, run on its table's strand, or a
// batch that visits the strands of the tables it names.
struct Entry {
  Operation single = nullptr;
  BatchOperation batch = nullptr;
};
using Operations = std::map<std::string_view, Entry, std::less<>>;

const Operations& operations() {
  static const Operations table{
      {"BatchGetItem", {nullptr, &batch_get_item}}, {"BatchWriteItem", {nullptr, &batch_write_item}}, {"CreateTable", {&create_table}},
      {"DeleteItem", {&delete_item}},               {"DeleteTable", {&delete_table}},                 {"DescribeTable", {&describe_table}},
      {"GetItem", {&get_item}},                     {"ListTables", {&list_tables}},                   {"PutItem", {&put_item}},
      {"Query", {&query}},                          {"Scan", {&scan}},                                {"UpdateItem", {&update_item}},
      {"TagResource", {nullptr, &tag_resource}},    {"UntagResource", {nullptr, &untag_resource}},    {"ListTagsOfResource", {nullptr, &list_tags_of_resource}},
      {"TransactWriteItems", {nullptr, &transact_write_items}}, {"TransactGetItems", {nullptr, &transact_get_items}},
      {"UpdateTable", {&update_table}},
      {"ExecuteStatement", {nullptr, &execute_statement}},     {"BatchExecuteStatement", {nullptr, &batch_execute_statement}},
      {"ExecuteTransaction", {nullptr, &execute_transaction}},
      {"UpdateTimeToLive", {&update_time_to_live}},            {"DescribeTimeToLive", {&describe_time_to_live}},
      {"DescribeLimits", {&describe_limits}},       {"DescribeEndpoints", {}},  // answered in handle(): it needs the Host
  };
  return table;
}

// "DynamoDB_20120810.GetItem" -> the GetItem operation, or nothing.
std::optional<Entry> operation_of(const http::Request& request) {
  std::string_view target = request.headers.get("X-Amz-Target");
  auto dot = target.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto found = operations().find(target.substr(dot + 1));
  if (found == operations().end()) return std::nullopt;
  return found->second;
}

// The table a single-table operation names, when the name is a string of a table that exists;
// anything else is left for the operation to report in DynamoDB's words and order.
std::shared_ptr<model::TableHandle> named_table(const nlohmann::json& body, const model::Backend& backend) {
  auto name = table_name(body);
  if (!name) return nullptr;
  auto h = backend.handle(*name);
  return h ? *h : nullptr;
}

boost::asio::awaitable<model::Result<nlohmann::json>> run(const Entry& op, const nlohmann::json& body, model::Backend& backend) {
  if (op.batch) co_return co_await op.batch(body, backend);
  // Declared in this order so that they go in the reverse one: the scope, then the lock, then the
  // handle that owns the lock's mutex (a DeleteTable leaves it the last owner).
  auto table = named_table(body, backend);
  std::unique_lock<std::mutex> held;
  if (table) held = co_await model::enter(table);
  model::TableScope scope{backend, table};
  co_return op.single(body, scope);
}

}  // namespace

boost::asio::awaitable<http::Response> handle(const http::Request& request, model::Backend& backend, http::CallContext call) {
  const std::string& request_id = call.request_id;
  // AWS names the operation before it reads the body: an unknown one is reported as such even
  // when the body is malformed too.
  auto operation = operation_of(request);
  if (!operation) co_return error_reply(kUnknownOperation, "An unknown operation was requested.", request_id);
  auto body = parse_body(request.body);
  if (!body) co_return error_reply(body.error(), request_id);
  if (request.headers.get("X-Amz-Target").ends_with(".DescribeEndpoints")) {
    // Endpoint discovery (the Java SDK's, when enabled) sends later calls to the address given:
    // the one this request reached, not AWS's.
    std::string address{request.headers.get("Host")};
    co_return success_reply(nlohmann::json{{"Endpoints", {{{"Address", address}, {"CachePeriodInMinutes", 1440}}}}}, request_id);
  }

  std::optional<model::Result<nlohmann::json>> result;
  try {
    // The whole operation runs on its table's strand, reading its request included: that parsing
    // is brief, and it keeps each operation one function from request JSON to response JSON.
    result = co_await run(*operation, *body, backend);
  } catch (const std::exception&) {
    // Not bad input (that is answered as a value above): a bug. Answered in DynamoDB's own shape,
    // which SDKs retry, rather than as the edge server's generic failure.
    co_return error_reply(kInternalServerError, "Internal server error", request_id);
  }
  if (!*result) co_return error_reply(result->error(), request_id);
  co_return success_reply(**result, request_id);
}

}  // namespace localray::dynamodb::protocol
