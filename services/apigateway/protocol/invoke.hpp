#pragma once
// API Gateway's invoke URLs on the edge port, as LocalStack serves them:
// `/restapis/{apiId}/{stage}/_user_request_/{path}`. Translates the edge request into the REST
// API's request and its answer back, with API Gateway's headers and error shape.
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/call_context.hpp"
#include "http/message.hpp"
#include "services/apigateway/model/backend.hpp"

namespace localray::apigateway::protocol {

// The API an id names, in whichever account and region it lives (an id is the API's host on AWS).
using FindApi = std::function<std::shared_ptr<const model::RestApi>(std::string_view id)>;

// nullopt when the path is not an invoke URL. `edge_url` is where the client called, for the
// stage segment's http.request.url.
boost::asio::awaitable<std::optional<http::Response>> handle(const http::Request& request, const FindApi& find_api, http::CallContext call,
                                                             std::string edge_url);

std::string invoke_path(const std::string& api_id, const std::string& stage);

}  // namespace localray::apigateway::protocol
