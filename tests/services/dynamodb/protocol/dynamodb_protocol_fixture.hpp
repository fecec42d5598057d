#pragma once
// Runs dynamodb::protocol::handle() on a private io_context with requests as the SDKs build them
// (JSON 1.0, X-Amz-Target), one call to completion at a time.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "services/dynamodb/protocol/dispatch.hpp"
#include "tracing/clock.hpp"

namespace localray::dynamodb::protocol {

using nlohmann::json;

// A request or an expected answer written as JSON text.
inline json J(const char* text) { return json::parse(text); }

inline constexpr const char* kNotFound = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException";
inline constexpr const char* kValidation = "com.amazon.coral.validate#ValidationException";
inline constexpr const char* kSerialization = "com.amazon.coral.service#SerializationException";

// Runs handle() to completion on a private io_context, as the router would for one request.
class dynamodbDispatchTest : public ::testing::Test {
 protected:
  http::Response call(const std::string& operation, const std::string& body) {
    http::Request request;
    request.method = "POST";
    request.target = "/";
    request.path = "/";
    request.headers.set("X-Amz-Target", "DynamoDB_20120810." + operation);
    request.headers.set("Content-Type", "application/x-amz-json-1.0");
    request.body = body;
    return run_request(std::move(request));
  }

  http::Response run_request(http::Request request) {
    std::string target{request.headers.get("X-Amz-Target")};
    std::string operation = target.substr(target.find('.') + 1);
    std::optional<http::Response> response;
    boost::asio::co_spawn(io_, handle(request, access_, http::CallContext{"req-" + operation, {}, "us-east-1", "000000000000", {}}), [&](std::exception_ptr e, http::Response r) {
      if (e) std::rethrow_exception(e);
      response = std::move(r);
    });
    io_.restart();
    io_.run();
    return response.value();
  }

  // A successful call's parsed body; the status is asserted.
  json ok(const std::string& operation, const json& body) {
    http::Response r = call(operation, body.dump());
    EXPECT_EQ(r.status, 200u) << operation << ": " << r.body;
    return json::parse(r.body);
  }

  // A failed call's parsed body, its status asserted.
  json fails(const std::string& operation, const std::string& body, unsigned status = 400) {
    http::Response r = call(operation, body);
    EXPECT_EQ(r.status, status) << operation << ": " << r.body;
    return json::parse(r.body);
  }

  void create_hits_table() {
    ok("CreateTable", {{"TableName", "hits"},
                       {"KeySchema", {{{"AttributeName", "path"}, {"KeyType", "HASH"}}}},
                       {"AttributeDefinitions", {{{"AttributeName", "path"}, {"AttributeType", "S"}}}},
                       {"BillingMode", "PAY_PER_REQUEST"}});
  }

  // forum (S) + seq (N), with a GSI on author and an LSI on title.
  json create_threads_table() {
    return ok("CreateTable",
              {{"TableName", "threads"},
               {"KeySchema", {{{"AttributeName", "forum"}, {"KeyType", "HASH"}}, {{"AttributeName", "seq"}, {"KeyType", "RANGE"}}}},
               {"AttributeDefinitions",
                {{{"AttributeName", "forum"}, {"AttributeType", "S"}},
                 {{"AttributeName", "seq"}, {"AttributeType", "N"}},
                 {{"AttributeName", "author"}, {"AttributeType", "S"}},
                 {{"AttributeName", "title"}, {"AttributeType", "S"}}}},
               {"GlobalSecondaryIndexes",
                {{{"IndexName", "by-author"},
                  {"KeySchema", {{{"AttributeName", "author"}, {"KeyType", "HASH"}}}},
                  {"Projection", {{"ProjectionType", "INCLUDE"}, {"NonKeyAttributes", {"title"}}}},
                  {"ProvisionedThroughput", {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}}}}}},
               {"LocalSecondaryIndexes",
                {{{"IndexName", "by-title"},
                  {"KeySchema", {{{"AttributeName", "forum"}, {"KeyType", "HASH"}}, {{"AttributeName", "title"}, {"KeyType", "RANGE"}}}},
                  {"Projection", {{"ProjectionType", "KEYS_ONLY"}}}}}},
               {"BillingMode", "PROVISIONED"},
               {"ProvisionedThroughput", {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 7}}}})["TableDescription"];
  }

  void put_post(const std::string& forum, int seq, const std::string& author) {
    ok("PutItem", {{"TableName", "threads"},
                   {"Item",
                    {{"forum", {{"S", forum}}},
                     {"seq", {{"N", std::to_string(seq)}}},
                     {"author", {{"S", author}}},
                     {"title", {{"S", "t" + std::to_string(seq)}}},
                     {"body", {{"S", "text"}}}}}});
  }

  boost::asio::io_context io_;
  tracing::ManualClock clock_;  // moves only when a test says so: tables' CREATING and DELETING
  model::Backend access_{io_.get_executor(), "us-east-1", "000000000000", clock_};
};

}  // namespace localray::dynamodb::protocol
