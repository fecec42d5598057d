#pragma once
// The DynamoDB JSON 1.0 API: `X-Amz-Target: DynamoDB_20120810.<Operation>`, POST /.
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/call_context.hpp"
#include "http/message.hpp"
#include "services/dynamodb/model/backend.hpp"

namespace localray::dynamodb::protocol {

// Answers every request whose X-Amz-Target starts with "DynamoDB_20120810." (the router checks
// that), in DynamoDB's wire shapes, errors included; sets x-amzn-RequestId and x-amz-crc32.
boost::asio::awaitable<http::Response> handle(const http::Request& request, model::Backend& backend, http::CallContext call);

}  // namespace localray::dynamodb::protocol
