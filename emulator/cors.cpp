#include "emulator/cors.hpp"

#include <string>

namespace localray::emulator {

namespace {

// What the AWS SDKs for JavaScript read from an answer in a browser.
constexpr const char* kExposed = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, x-amz-crc32, x-amz-request-id, x-amz-id-2, Date, ETag";
// How long a browser may keep the preflight's answer: two days, as AWS's endpoints say.
constexpr const char* kMaxAge = "172800";

}  // namespace

bool is_preflight(const http::Request& request) {
  return request.method == "OPTIONS" && request.headers.has("Origin") && request.headers.has("Access-Control-Request-Method");
}

http::Response preflight_response(const http::Request& request) {
  http::Response response;
  response.status = 200;
  response.headers.set("Access-Control-Allow-Origin", "*");
  response.headers.set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, HEAD");
  if (auto requested = request.headers.get("Access-Control-Request-Headers"); !requested.empty()) {
    response.headers.set("Access-Control-Allow-Headers", std::string{requested});
  }
  response.headers.set("Access-Control-Max-Age", kMaxAge);
  response.headers.set("Access-Control-Expose-Headers", kExposed);
  return response;
}

void allow_origin(const http::Request& request, http::Response& response) {
  if (!request.headers.has("Origin") || response.headers.has("Access-Control-Allow-Origin")) return;
  response.headers.set("Access-Control-Allow-Origin", "*");
  response.headers.set("Access-Control-Expose-Headers", kExposed);
}

}  // namespace localray::emulator
