#pragma once
// CORS for the AWS APIs the edge serves, as AWS's endpoints answer browsers: a preflight (OPTIONS
// with Origin and Access-Control-Request-Method) is allowed for any origin, and every answer to a
// request that names an Origin says so and exposes the headers the SDKs read (the request id, the
// error type, DynamoDB's checksum). A user's REST API answers its own preflights: the router asks
// API Gateway first, so only what no API claims reaches this.
#include "http/message.hpp"

namespace localray::emulator {

bool is_preflight(const http::Request& request);

// 200 with the Access-Control-Allow-* headers, the requested headers echoed.
http::Response preflight_response(const http::Request& request);

// Adds Access-Control-Allow-Origin and -Expose-Headers to an answer when the request had an Origin.
void allow_origin(const http::Request& request, http::Response& response);

}  // namespace localray::emulator
