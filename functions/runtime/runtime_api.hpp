#pragma once
// The Lambda Runtime API (2018-06-01) a worker talks to, as AWS documents it and its runtime
// interface emulator implements it: routes and headers in, calls on the execution environment
// behind it, status codes and bodies out. It holds no state.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "http/message.hpp"

namespace localray::functions::runtime {

// Lambda's synchronous response quota, and the slack AWS's Runtime API allows over it.
constexpr std::size_t kMaxResponseBytes = 6 * 1024 * 1024 + 100;

struct NextInvocation {
  std::string request_id;
  std::string event;
  std::int64_t deadline_ms = 0;  // Unix epoch milliseconds
  std::string function_arn;
  std::string trace_header;      // Root=…;Parent=…;Sampled=…
  std::string client_context;    // JSON, as the caller sent it
  std::string cognito_identity;  // JSON
};

// What a runtime reported about an invocation or about its own start.
struct RuntimeError {
  std::string type;  // Lambda-Runtime-Function-Error-Type, or the body's errorType
  std::string body;  // the error document the runtime sent
};

enum class Ack { Accepted, UnknownRequest, NotNow, TooLarge };

// The execution environment behind one Runtime API endpoint.
class RuntimeEndpoint {
 public:
  virtual ~RuntimeEndpoint() = default;
  // Waits for the next invocation; nullopt when the environment is being shut down.
  virtual boost::asio::awaitable<std::optional<NextInvocation>> next() = 0;
  virtual boost::asio::awaitable<Ack> respond(std::string request_id, std::string payload) = 0;
  virtual boost::asio::awaitable<Ack> fail(std::string request_id, RuntimeError error) = 0;
  virtual boost::asio::awaitable<Ack> fail_init(RuntimeError error) = 0;
};

// Accepted error types, as AWS's Runtime API checks them: anything else becomes Runtime.Unknown
// or Function.Unknown.
std::string normalise_error_type(std::string_view header, std::string_view body);

boost::asio::awaitable<http::Response> serve_runtime_api(http::Request request, RuntimeEndpoint& endpoint);

}  // namespace localray::functions::runtime
