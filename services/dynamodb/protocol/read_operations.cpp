// Query and Scan: one page of items, Count, ScannedCount and LastEvaluatedKey to resume from.
#include <algorithm>
#include <climits>

#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/attribute_value_json.hpp"
#include "services/dynamodb/protocol/capacity.hpp"
#include "services/dynamodb/protocol/legacy_parameters.hpp"
#include "services/dynamodb/protocol/operations.hpp"
#include "services/dynamodb/protocol/request_json.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Result;

namespace {

// What Query and Scan share.
struct ReadOptions {
  std::string table_name;
  CapacityMode capacity = CapacityMode::None;
  bool consistent = false;
  std::optional<std::string> index_name;
  model::expression::Expressions expressions;  // projection already merged with AttributesToGet
  std::optional<model::Select> select;
  std::optional<std::size_t> limit;
  std::optional<model::Item> exclusive_start_key;
};

auto limit_of(const json& request) -> Result<std::optional<std::size_t>> {
  auto limit = integer_member(request, "Limit");
  if (!limit) return limit.error();
  if (!*limit) return std::optional<std::size_t>{};
  if (**limit < 1) return model::constraint_error(std::to_string(**limit), "limit", "have value greater than or equal to 1");
  return std::optional<std::size_t>{static_cast<std::size_t>(**limit)};
}

model::Select select_value(const std::string& wire) {
  if (wire == "ALL_ATTRIBUTES") return model::Select::AllAttributes;
  if (wire == "ALL_PROJECTED_ATTRIBUTES") return model::Select::AllProjectedAttributes;
  if (wire == "COUNT") return model::Select::Count;
  return model::Select::SpecificAttributes;
}

// Select and the projection must agree; a projection alone means SPECIFIC_ATTRIBUTES.
auto select_of(const json& request, const ReadOptions& read) -> Result<std::optional<model::Select>> {
  auto wire = enum_member(request, "Select", {"ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"});
  if (!wire) return wire.error();
  std::string_view projection_member = member(request, "ProjectionExpression") ? "ProjectionExpression" : "AttributesToGet";
  bool projected = read.expressions.projection.has_value();
  if (!*wire) return projected ? std::optional<model::Select>{model::Select::SpecificAttributes} : std::nullopt;
  const std::string& select = **wire;
  if (select == "ALL_PROJECTED_ATTRIBUTES" && !read.index_name) {
    return model::validation_error("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  if (projected && select != "SPECIFIC_ATTRIBUTES") {
    return model::validation_error("Cannot specify the " + std::string{projection_member} + " when choosing to get " +
                                   (select == "COUNT" ? std::string{"only the Count"} : select));
  }
  if (!projected && select == "SPECIFIC_ATTRIBUTES") {
    return model::validation_error("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
  }
  return std::optional<model::Select>{select_value(select)};
}

auto read_options(const json& request, std::initializer_list<std::string_view> expressions) -> Result<ReadOptions> {
  ReadOptions read;
  auto name = table_name(request);
  if (!name) return name.error();
  read.table_name = std::move(*name);
  auto mode = capacity_mode(request);
  if (!mode) return mode.error();
  read.capacity = *mode;
  auto consistent = bool_member(request, "ConsistentRead");
  if (!consistent) return consistent.error();
  read.consistent = consistent->value_or(false);
  auto index = string_member(request, "IndexName");
  if (!index) return index.error();
  read.index_name = std::move(*index);
  auto parsed = parse_expression_members(request, expressions);
  if (!parsed) return parsed.error();
  read.expressions = std::move(*parsed);
  auto listed = attributes_to_get(request);
  if (!listed) return listed.error();
  if (*listed) read.expressions.projection = std::move(*listed);
  auto select = select_of(request, read);
  if (!select) return select.error();
  read.select = *select;
  auto limit = limit_of(request);
  if (!limit) return limit.error();
  read.limit = *limit;
  auto start = item_member(request, "ExclusiveStartKey");
  if (!start) return start.error();
  read.exclusive_start_key = std::move(*start);
  return read;
}

auto check_consistent_read(const model::TableDefinition& definition, const ReadOptions& read) -> Result<void> {
  if (!read.consistent || !read.index_name) return {};
  for (const auto& index : definition.global_secondary_indexes) {
    if (index.name == *read.index_name) return model::validation_error("Consistent reads are not supported on global secondary indexes");
  }
  return {};
}

CapacityTarget capacity_target(const model::TableDefinition& definition, const ReadOptions& read) {
  CapacityTarget target{read.table_name};
  if (!read.index_name) return target;
  target.index = *read.index_name;
  for (const auto& index : definition.global_secondary_indexes) target.global_index |= index.name == *read.index_name;
  return target;
}

// Query and Scan bill what they read, before the filter and the projection: the same page read
// again without them tells how much that was. Only done when capacity is asked for.
template <class Request, class Run>
std::size_t bytes_read(Request request, Run run) {
  request.filter.reset();
  request.projection.reset();
  if (request.select != model::Select::AllAttributes) request.select.reset();
  auto page = run(request);
  std::size_t bytes = 0;
  if (page) {
    for (const auto& item : page->items) bytes += model::item_size(item);
  }
  return bytes;
}

json page_json(const model::Page& page, const ReadOptions& read) {
  json out{{"Count", page.count}, {"ScannedCount", page.scanned_count}};
  if (read.select != model::Select::Count) {
    json items = json::array();
    for (const auto& item : page.items) items.push_back(item_to_json(item));
    out["Items"] = std::move(items);
  }
  if (page.last_evaluated_key) out["LastEvaluatedKey"] = item_to_json(*page.last_evaluated_key);
  return out;
}

// Runs a Query or Scan request built from `read` and answers with its page.
template <class Request, class Run>
auto read_page(const model::Table& table, const ReadOptions& read, const Request& request, Run run) -> Result<json> {
  if (auto ok = check_consistent_read(table.definition(), read); !ok) return ok.error();
  auto page = run(request);
  if (!page) return page.error();
  json out = page_json(*page, read);
  if (read.capacity != CapacityMode::None) {
    double units = read_units(bytes_read(request, run), read.consistent);
    out["ConsumedCapacity"] = consumed_capacity(capacity_target(table.definition(), read), units, read.capacity);
  }
  return success(std::move(out));
}

auto query_request(const json& request, ReadOptions& read) -> Result<model::QueryRequest> {
  if (!read.expressions.key_condition) {
    auto legacy = key_conditions(request);
    if (!legacy) return legacy.error();
    if (!*legacy) return model::validation_error("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
    read.expressions.key_condition = std::move(*legacy);
  }
  auto legacy_filter = filter_condition(request, "QueryFilter");
  if (!legacy_filter) return legacy_filter.error();
  if (*legacy_filter) read.expressions.filter = std::move(*legacy_filter);
  auto forward = bool_member(request, "ScanIndexForward");
  if (!forward) return forward.error();
  return model::QueryRequest{read.index_name,           std::move(*read.expressions.key_condition),
                             read.expressions.filter,   read.expressions.projection,
                             read.select,               forward->value_or(true),
                             read.limit,                read.exclusive_start_key,
                             member(request, "QueryFilter") ? "QueryFilter" : "Filter Expression"};
}

// Beyond int, a segment number is out of range anyway; clamping keeps the model's message.
int clamped(long long value) { return static_cast<int>(std::clamp<long long>(value, INT_MIN, INT_MAX)); }

auto scan_request(const json& request, ReadOptions& read) -> Result<model::ScanRequest> {
  auto legacy_filter = filter_condition(request, "ScanFilter");
  if (!legacy_filter) return legacy_filter.error();
  if (*legacy_filter) read.expressions.filter = std::move(*legacy_filter);
  auto segment = integer_member(request, "Segment");
  if (!segment) return segment.error();
  auto total = integer_member(request, "TotalSegments");
  if (!total) return total.error();
  model::ScanRequest scan{read.index_name, read.expressions.filter, read.expressions.projection, read.select, read.limit,
                          read.exclusive_start_key};
  if (*segment) scan.segment = clamped(**segment);
  if (*total) scan.total_segments = clamped(**total);
  return scan;
}

}  // namespace

auto query(const json& request, model::TableScope& backend) -> Result<json> {
  if (auto ok = check_parameter_style(request, {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions", "ProjectionExpression",
                                                 "FilterExpression", "KeyConditionExpression"});
      !ok)
    return ok.error();
  auto read = read_options(request, {"KeyConditionExpression", "FilterExpression", "ProjectionExpression"});
  if (!read) return read.error();
  auto query_input = query_request(request, *read);
  if (!query_input) return query_input.error();
  auto table = backend.table(read->table_name);
  if (!table) return table.error();
  const model::Table& t = **table;
  return read_page(t, *read, *query_input, [&](const model::QueryRequest& r) { return t.query(r); });
}

auto scan(const json& request, model::TableScope& backend) -> Result<json> {
  if (auto ok = check_parameter_style(request, {"AttributesToGet", "ScanFilter", "ConditionalOperator", "ProjectionExpression", "FilterExpression"});
      !ok)
    return ok.error();
  auto read = read_options(request, {"FilterExpression", "ProjectionExpression"});
  if (!read) return read.error();
  auto scan_input = scan_request(request, *read);
  if (!scan_input) return scan_input.error();
  auto table = backend.table(read->table_name);
  if (!table) return table.error();
  const model::Table& t = **table;
  return read_page(t, *read, *scan_input, [&](const model::ScanRequest& r) { return t.scan(r); });
}

}  // namespace localray::dynamodb::protocol
