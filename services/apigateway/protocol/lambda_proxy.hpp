#pragma once
// The Lambda proxy integration's wire shapes (payload format 1.0): the event a function gets for
// an API request, and the response it answers with.
#include <string>

#include "services/apigateway/model/integration.hpp"
#include "tracing/error.hpp"

namespace localray::apigateway::protocol {

// {resource, path, httpMethod, headers, multiValueHeaders, queryStringParameters,
//  multiValueQueryStringParameters, pathParameters, stageVariables, requestContext, body,
// isBase64Encoded}; empty maps are null, as API Gateway sends them.
std::string proxy_event(const model::IntegrationRequest& request);

struct ProxyResponse {
  unsigned status = 200;
  model::Pairs headers;  // headers and multiValueHeaders merged; multiValueHeaders wins
  std::string body;      // decoded when isBase64Encoded
};
// The function's answer; an error when it is not the shape API Gateway accepts (it then answers
// 502 "Internal server error", logging "Malformed Lambda proxy response").
tracing::Result<ProxyResponse> parse_proxy_response(const std::string& payload);

}  // namespace localray::apigateway::protocol
