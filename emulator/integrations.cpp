#include "emulator/integrations.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "services/apigateway/protocol/lambda_proxy.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using apigateway::model::IntegrationResponse;
using nlohmann::json;

asio::awaitable<apigateway::model::PublishOutcome> SnsTopicPublisher::publish(std::string message,
                                                                             std::map<std::string, std::string> string_attributes,
                                                                             tracing::TraceHeader ctx) {
  std::string request_id = ids_.uuid();
  sns::model::PublishRequest p{topic_arn_, std::move(message), std::nullopt, {}};
  for (auto& [k, v] : string_attributes) p.attributes[k] = {"String", std::move(v)};
  std::optional<tracing::TraceHeader> caller = ctx;  // named: see below
  auto r = co_await sns_.publish(std::move(p), caller, request_id);
  if (!r) co_return apigateway::model::PublishOutcome{false, r.error().message, request_id};
  co_return apigateway::model::PublishOutcome{true, {}, request_id};
}

void LambdaProxyIntegration::describe_target(json& aws) const {
  aws["function_name"] = function_;
  aws["resource_names"] = {function_};
}

namespace {

IntegrationResponse gateway_error(unsigned status, const char* message) {
  IntegrationResponse out;
  out.status = status;
  out.headers = {{"Content-Type", "application/json"}, {"x-amzn-ErrorType", status == 429 ? "TooManyRequestsException" : "InternalServerErrorException"}};
  out.body = json{{"message", message}}.dump();
  out.call_failed = true;
  return out;
}

}  // namespace

asio::awaitable<IntegrationResponse> LambdaProxyIntegration::call(const apigateway::model::IntegrationRequest& request,
                                                                  const tracing::TraceHeader& ctx) {
  auto event = apigateway::protocol::proxy_event(request);
  // Every argument named: GCC 12 destroys temporaries made inside a co_await expression twice.
  std::optional<tracing::TraceHeader> caller = ctx;
  nlohmann::json no_links = nullptr;
  auto result = co_await runner_.invoke(function_, std::move(event), caller, no_links);
  if (!result) {
    bool throttled = result.error().code == lambda::model::Code::TooManyRequests;
    log_->warn("[{}] {} integration with {} failed: {}", ctx.root, throttled ? "throttled:" : "", function_, result.error().message);
    auto out = throttled ? gateway_error(429, "Too Many Requests") : gateway_error(500, "Internal server error");
    out.call_fault = !throttled;
    co_return out;
  }
  if (result->error) {
    // The function failed: API Gateway answers 502 and the call is the function's fault.
    auto out = gateway_error(502, "Internal server error");
    out.request_id = result->request_id;
    out.call_fault = true;
    co_return out;
  }
  auto parsed = apigateway::protocol::parse_proxy_response(result->payload);
  if (!parsed) {
    log_->warn("[{}] Execution failed due to configuration error: {} (function {})", ctx.root, parsed.error().message, function_);
    auto out = gateway_error(502, "Internal server error");
    out.request_id = result->request_id;
    co_return out;
  }
  IntegrationResponse out;
  out.status = parsed->status;
  out.headers = std::move(parsed->headers);
  out.body = std::move(parsed->body);
  out.request_id = result->request_id;
  co_return out;
}

}  // namespace localray::emulator
