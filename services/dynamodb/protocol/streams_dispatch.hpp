#pragma once
// The DynamoDB Streams JSON 1.0 API: `X-Amz-Target: DynamoDBStreams_20120810.<Operation>`, POST /.
// ListStreams, DescribeStream, GetShardIterator, GetRecords over the streams of one account and
// region (model::Backend holds them).
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json_fwd.hpp>

#include "http/call_context.hpp"
#include "http/message.hpp"
#include "services/dynamodb/model/backend.hpp"

namespace localray::dynamodb::protocol {

// One stream record as GetRecords (and, with eventSourceARN added, a Lambda event) holds it.
nlohmann::json stream_record_json(const model::StreamRecord& record, const model::Stream& stream, const std::string& region);

boost::asio::awaitable<http::Response> handle_streams(const http::Request& request, model::Backend& backend, http::CallContext call);

}  // namespace localray::dynamodb::protocol
