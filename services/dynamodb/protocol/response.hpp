#pragma once
// How every DynamoDB answer leaves: `application/x-amz-json-1.0`, `x-amzn-RequestId`, and
// `x-amz-crc32` over the exact body bytes (never gzip, so the bytes checked are the bytes sent).
// Errors are {"__type": ..., "message": ...}, their type and status taken from one table.
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "http/message.hpp"
#include "services/dynamodb/model/error.hpp"

namespace localray::dynamodb::protocol {

struct ErrorShape {
  std::string_view type;  // `__type` with the namespace AWS sends; SDKs keep the part after '#'
  unsigned status;
};

ErrorShape error_shape(model::Code code);

// Errors the codec raises itself, with no model code behind them.
inline constexpr ErrorShape kUnknownOperation{"com.amazon.coral.service#UnknownOperationException", 400};
inline constexpr ErrorShape kInternalServerError{"com.amazonaws.dynamodb.v20120810#InternalServerError", 500};

http::Response reply(unsigned status, std::string body, const std::string& request_id);
http::Response success_reply(const nlohmann::json& body, const std::string& request_id);
// ConditionalCheckFailed errors that carry the old item send it as `Item`.
http::Response error_reply(const model::Error& error, const std::string& request_id);
http::Response error_reply(ErrorShape shape, std::string_view message, const std::string& request_id);

}  // namespace localray::dynamodb::protocol
