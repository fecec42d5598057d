#include "services/dynamodb/protocol/response.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "services/dynamodb/protocol/attribute_value_json.hpp"
#include "services/dynamodb/protocol/crc32.hpp"

namespace localray::dynamodb::protocol {
namespace {

// Model error code -> AWS error shape. ValidationException keeps coral's namespace, as AWS sends it.
constexpr std::array<std::pair<model::Code, ErrorShape>, 10> kErrorShapes{{
    {model::Code::ResourceNotFound, {"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", 400}},
    {model::Code::ResourceInUse, {"com.amazonaws.dynamodb.v20120810#ResourceInUseException", 400}},
    {model::Code::Validation, {"com.amazon.coral.validate#ValidationException", 400}},
    {model::Code::ConditionalCheckFailed, {"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", 400}},
    {model::Code::Serialization, {"com.amazon.coral.service#SerializationException", 400}},
    {model::Code::LimitExceeded, {"com.amazonaws.dynamodb.v20120810#LimitExceededException", 400}},
    {model::Code::AccessDenied, {"com.amazon.coral.service#AccessDeniedException", 400}},
    {model::Code::TransactionCanceled, {"com.amazonaws.dynamodb.v20120810#TransactionCanceledException", 400}},
    {model::Code::IdempotentParameterMismatch, {"com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException", 400}},
    {model::Code::DuplicateItem, {"com.amazonaws.dynamodb.v20120810#DuplicateItemException", 400}},
}};

// Never throws: strings that are not UTF-8 (none should reach here) are replaced, not fatal.
std::string serialise(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

ErrorShape error_shape(model::Code code) {
  auto found = std::find_if(kErrorShapes.begin(), kErrorShapes.end(), [&](const auto& entry) { return entry.first == code; });
  return found != kErrorShapes.end() ? found->second : kInternalServerError;
}

http::Response reply(unsigned status, std::string body, const std::string& request_id) {
  std::string checksum = std::to_string(crc32(body));
  http::Response response = http::Response::json(status, std::move(body), "application/x-amz-json-1.0");
  response.headers.set("x-amzn-RequestId", request_id);
  response.headers.set("x-amz-crc32", std::move(checksum));
  return response;
}

http::Response success_reply(const nlohmann::json& body, const std::string& request_id) {
  return reply(200, serialise(body), request_id);
}

http::Response error_reply(ErrorShape shape, std::string_view message, const std::string& request_id) {
  nlohmann::json body{{"__type", shape.type}, {"message", message}};
  return reply(shape.status, serialise(body), request_id);
}

http::Response error_reply(const model::Error& error, const std::string& request_id) {
  ErrorShape shape = error_shape(error.code);
  // The transaction errors spell it "Message", as DynamoDB sends them (botocore reads either).
  const bool capital = error.code == model::Code::TransactionCanceled || error.code == model::Code::IdempotentParameterMismatch;
  nlohmann::json body{{"__type", shape.type}, {capital ? "Message" : "message", error.message}};
  if (error.item) body["Item"] = item_to_json(*error.item);
  if (error.reasons) {
    nlohmann::json reasons = nlohmann::json::array();
    for (const auto& reason : *error.reasons) {
      nlohmann::json r{{"Code", reason.code}};
      if (reason.item) r["Item"] = item_to_json(*reason.item);
      if (!reason.message.empty()) r["Message"] = reason.message;
      reasons.push_back(std::move(r));
    }
    body["CancellationReasons"] = std::move(reasons);
  }
  return reply(shape.status, serialise(body), request_id);
}

}  // namespace localray::dynamodb::protocol
