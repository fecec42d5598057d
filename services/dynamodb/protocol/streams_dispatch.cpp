#include "services/dynamodb/protocol/streams_dispatch.hpp"

#include <charconv>
#include <exception>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/attribute_value_json.hpp"
#include "services/dynamodb/protocol/request_json.hpp"
#include "services/dynamodb/protocol/response.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;
using model::Result;

namespace {

constexpr std::size_t kMaxGetRecordsLimit = 1000;
constexpr std::size_t kMaxListStreamsLimit = 100;

double creation_seconds(tracing::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() / 1000.0;
}

json stream_key_schema(const model::KeySchema& key) {
  json out = json::array({{{"AttributeName", key.hash.name}, {"KeyType", "HASH"}}});
  if (key.range) out.push_back({{"AttributeName", key.range->name}, {"KeyType", "RANGE"}});
  return out;
}

// A shard iterator as DynamoDB Streams shapes them: the stream's ARN, then where to read from.
std::string iterator_of(const model::Stream& stream, std::uint64_t position) { return stream.arn() + "|1|" + std::to_string(position); }

struct Iterator {
  std::string arn;
  std::uint64_t position = 0;
};

std::optional<Iterator> parse_iterator(std::string_view text) {
  auto last = text.rfind('|');
  if (last == std::string_view::npos || last < 2 || text.substr(last - 2, 2) != "|1") return std::nullopt;
  Iterator out;
  out.arn = std::string{text.substr(0, last - 2)};
  auto digits = text.substr(last + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.position);
  if (ec != std::errc{} || end != digits.data() + digits.size() || out.arn.empty()) return std::nullopt;
  return out;
}

auto stream_limit(const json& request, std::size_t max) -> Result<std::size_t> {
  auto limit = integer_member(request, "Limit");
  if (!limit) return limit.error();
  if (!*limit) return max;
  if (**limit < 1) return model::constraint_error(std::to_string(**limit), "limit", "have value greater than or equal to 1");
  if (static_cast<std::size_t>(**limit) > max) {
    return model::constraint_error(std::to_string(**limit), "limit", "have value less than or equal to " + std::to_string(max));
  }
  return static_cast<std::size_t>(**limit);
}

auto stream_named(const json& request, model::Backend& backend) -> Result<std::shared_ptr<model::Stream>> {
  if (auto ok = require(request, {"StreamArn"}); !ok) return ok.error();
  auto arn = string_member(request, "StreamArn");
  if (!arn) return arn.error();
  return backend.stream(**arn);
}

auto list_streams(const json& request, model::Backend& backend) -> Result<json> {
  auto table = string_member(request, "TableName");
  if (!table) return table.error();
  auto start = string_member(request, "ExclusiveStartStreamArn");
  if (!start) return start.error();
  auto limit = stream_limit(request, kMaxListStreamsLimit);
  if (!limit) return limit.error();
  auto listed = backend.list_streams(*table, *start, *limit);
  if (!listed) return listed.error();
  json streams = json::array();
  for (const auto& s : listed->streams) streams.push_back({{"StreamArn", s->arn()}, {"TableName", s->table_name()}, {"StreamLabel", s->label()}});
  json out{{"Streams", std::move(streams)}};
  if (listed->last_evaluated_stream_arn) out["LastEvaluatedStreamArn"] = *listed->last_evaluated_stream_arn;
  return success(std::move(out));
}

auto describe_stream(const json& request, model::Backend& backend) -> Result<json> {
  auto stream = stream_named(request, backend);
  if (!stream) return stream.error();
  if (auto limit = stream_limit(request, kMaxListStreamsLimit); !limit) return limit.error();
  const model::Stream& s = **stream;
  const auto range = s.range();
  const bool enabled = s.enabled();
  json sequence{{"StartingSequenceNumber", s.sequence_number(range.first)}};
  if (!enabled && range.end > range.first) sequence["EndingSequenceNumber"] = s.sequence_number(range.end - 1);
  json description{{"StreamArn", s.arn()},
                   {"StreamLabel", s.label()},
                   {"StreamStatus", enabled ? "ENABLED" : "DISABLED"},
                   {"StreamViewType", model::view_type_name(s.view())},
                   {"CreationRequestDateTime", creation_seconds(s.created())},
                   {"TableName", s.table_name()},
                   {"KeySchema", stream_key_schema(s.key())},
                   {"Shards", json::array({{{"ShardId", s.shard_id()}, {"SequenceNumberRange", std::move(sequence)}}})}};
  return success(json{{"StreamDescription", std::move(description)}});
}

auto get_shard_iterator(const json& request, model::Backend& backend) -> Result<json> {
  if (auto ok = require(request, {"StreamArn", "ShardId", "ShardIteratorType"}); !ok) return ok.error();
  auto type = enum_member(request, "ShardIteratorType", {"TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"});
  if (!type) return type.error();
  auto shard = string_member(request, "ShardId");
  if (!shard) return shard.error();
  auto sequence = string_member(request, "SequenceNumber");
  if (!sequence) return sequence.error();
  auto stream = stream_named(request, backend);
  if (!stream) return stream.error();
  const model::Stream& s = **stream;
  if (**shard != s.shard_id()) {
    return model::Error{model::Code::ResourceNotFound, "Requested resource not found: Shard does not exist"};
  }
  const auto range = s.range();
  std::uint64_t position = range.first;
  if (**type == "LATEST") {
    position = range.end;
  } else if (**type != "TRIM_HORIZON") {
    if (!*sequence) return model::validation_error("SequenceNumber is required when ShardIteratorType is " + **type);
    auto at = s.position_of(**sequence);
    if (!at || *at >= range.end) {
      return model::validation_error("Invalid SequenceNumber for ShardIteratorType " + **type + ": " + **sequence);
    }
    position = **type == "AT_SEQUENCE_NUMBER" ? *at : *at + 1;
  }
  return success(json{{"ShardIterator", iterator_of(s, position)}});
}

}  // namespace

json stream_record_json(const model::StreamRecord& r, const model::Stream& s, const std::string& region) {
  json dynamodb{{"ApproximateCreationDateTime", std::chrono::duration_cast<std::chrono::seconds>(r.created.time_since_epoch()).count()},
                {"Keys", item_to_json(r.keys)},
                {"SequenceNumber", r.sequence_number},
                {"SizeBytes", r.size_bytes},
                {"StreamViewType", model::view_type_name(s.view())}};
  if (r.new_image) dynamodb["NewImage"] = item_to_json(*r.new_image);
  if (r.old_image) dynamodb["OldImage"] = item_to_json(*r.old_image);
  json out{{"eventID", r.event_id},
           {"eventName", r.event_name},
           {"eventVersion", "1.1"},
           {"eventSource", "aws:dynamodb"},
           {"awsRegion", region},
           {"dynamodb", std::move(dynamodb)}};
  if (r.expired) out["userIdentity"] = {{"PrincipalId", "dynamodb.amazonaws.com"}, {"Type", "Service"}};
  return out;
}

namespace {

auto get_records(const json& request, model::Backend& backend) -> Result<json> {
  if (auto ok = require(request, {"ShardIterator"}); !ok) return ok.error();
  auto text = string_member(request, "ShardIterator");
  if (!text) return text.error();
  auto limit = stream_limit(request, kMaxGetRecordsLimit);
  if (!limit) return limit.error();
  auto iterator = parse_iterator(**text);
  if (!iterator) return model::validation_error("Invalid ShardIterator");
  auto stream = backend.stream(iterator->arn);
  if (!stream) return stream.error();
  const model::Stream& s = **stream;
  auto read = s.read(iterator->position, *limit);
  json list = json::array();
  std::uint64_t next = read.start;
  for (const auto& r : read.records) {
    list.push_back(stream_record_json(r, s, backend.region()));
    ++next;
  }
  json out{{"Records", std::move(list)}};
  // A disabled stream's shard is closed: once read to its end, no iterator follows.
  if (s.enabled() || next < s.range().end) out["NextShardIterator"] = iterator_of(s, next);
  return success(std::move(out));
}

using StreamOperation = auto (*)(const json&, model::Backend&) -> Result<json>;

std::optional<StreamOperation> stream_operation_of(std::string_view name) {
  if (name == "ListStreams") return &list_streams;
  if (name == "DescribeStream") return &describe_stream;
  if (name == "GetShardIterator") return &get_shard_iterator;
  if (name == "GetRecords") return &get_records;
  return std::nullopt;
}

}  // namespace

boost::asio::awaitable<http::Response> handle_streams(const http::Request& request, model::Backend& backend, http::CallContext call) {
  const std::string& request_id = call.request_id;
  std::string_view target = request.headers.get("X-Amz-Target");
  auto dot = target.find('.');
  auto operation = dot == std::string_view::npos ? std::nullopt : stream_operation_of(target.substr(dot + 1));
  if (!operation) co_return error_reply(kUnknownOperation, "An unknown operation was requested.", request_id);
  auto body = parse_body(request.body);
  if (!body) co_return error_reply(body.error(), request_id);
  std::optional<Result<json>> result;
  try {
    result = (*operation)(*body, backend);
  } catch (const std::exception&) {
    co_return error_reply(kInternalServerError, "Internal server error", request_id);
  }
  if (!*result) co_return error_reply(result->error(), request_id);
  co_return success_reply(**result, request_id);
}

}  // namespace localray::dynamodb::protocol
