#pragma once
// JSON 1.0 wire form (`X-Amz-Target: AmazonSQS.<Operation>`): the body is the Tree itself.
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "services/sqs/model/error.hpp"
#include "services/sqs/protocol/tree.hpp"

namespace localray::sqs::protocol {

// The operation named by X-Amz-Target, empty when the header names none.
std::string_view json_operation(const http::Request& request);
// The body as an object; an empty body is `{}`. MalformedInput when it is not a JSON object.
model::Result<Tree> decode_json(const http::Request& request);

http::Response encode_json(const Tree& output, const std::string& request_id);
// `{"__type": ..., "message": ...}` plus `x-amzn-query-error: <query code>;Sender`, which
// awsQueryCompatible clients (botocore) report as the error code.
http::Response encode_json_error(const model::Error& error, const std::string& request_id);

}  // namespace localray::sqs::protocol
