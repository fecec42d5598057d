#include "emulator/cors.hpp"

#include <gtest/gtest.h>

namespace localray::emulator {
namespace {

http::Request cors_request(std::string method) {
  http::Request r;
  r.method = std::move(method);
  r.path = "/";
  r.headers.set("Origin", "http://localhost:3000");
  return r;
}

TEST(CorsTest, APreflightIsAllowedWithTheHeadersItAsksFor) {
  http::Request r = cors_request("OPTIONS");
  EXPECT_FALSE(is_preflight(r)) << "an OPTIONS without Access-Control-Request-Method is no preflight";
  r.headers.set("Access-Control-Request-Method", "POST");
  r.headers.set("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-date,authorization");
  ASSERT_TRUE(is_preflight(r));
  http::Response response = preflight_response(r);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.headers.get("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(response.headers.get("Access-Control-Allow-Headers"), "content-type,x-amz-target,x-amz-date,authorization");
  EXPECT_NE(response.headers.get("Access-Control-Allow-Methods").find("POST"), std::string_view::npos);
  EXPECT_EQ(response.headers.get("Access-Control-Max-Age"), "172800");
}

TEST(CorsTest, AnswersToARequestWithAnOriginExposeTheSdksHeaders) {
  http::Response answered;
  allow_origin(cors_request("POST"), answered);
  EXPECT_EQ(answered.headers.get("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(answered.headers.get("Access-Control-Expose-Headers").find("x-amz-crc32"), std::string_view::npos);
  EXPECT_NE(answered.headers.get("Access-Control-Expose-Headers").find("x-amzn-RequestId"), std::string_view::npos);

  http::Request same_origin;
  same_origin.method = "POST";
  http::Response untouched;
  allow_origin(same_origin, untouched);
  EXPECT_FALSE(untouched.headers.has("Access-Control-Allow-Origin"));

  http::Response own;
  own.headers.set("Access-Control-Allow-Origin", "https://app.example");
  allow_origin(cors_request("GET"), own);
  EXPECT_EQ(own.headers.get("Access-Control-Allow-Origin"), "https://app.example") << "what an answer sets itself stays";
}

}  // namespace
}  // namespace localray::emulator
