#include "emulator/integrations.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "http/form.hpp"
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

asio::awaitable<IntegrationResponse> UnsupportedIntegration::call(const apigateway::model::IntegrationRequest&, const tracing::TraceHeader&) {
  IntegrationResponse out;
  out.status = 500;
  out.headers = {{"Content-Type", "application/json"}, {"x-amzn-ErrorType", "InternalServerErrorException"}};
  out.body = json{{"message", "Internal server error"}, {"localray", why_}}.dump();
  co_return out;
}

asio::awaitable<apigateway::model::ServiceAnswer> EdgeServiceCaller::call(apigateway::model::ServiceCall call, tracing::TraceHeader ctx) {
  http::Request r;
  r.method = call.http_method.empty() ? "POST" : call.http_method;
  r.path = "/";
  for (const auto& [k, v] : call.headers) r.headers.set(k, v);
  r.headers.set("Host", edge_url_.substr(edge_url_.find("//") + 2));
  r.headers.set("X-Amzn-Trace-Id", ctx.to_string());
  // A key of twelve digits names the account, the scope the region: the API's own.
  r.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=" + account_ + "/20240101/" + region_ + "/" + call.service +
                                     "/aws4_request, SignedHeaders=host, Signature=0");
  if (call.service == "sns" || call.service == "sqs") {
    // One form: the template's fields, the action of an action/ URI, the mapped query string.
    http::FormFields fields = http::parse_form(call.body).value_or(http::FormFields{});
    if (!call.action.empty() && !http::form_value(fields, "Action")) fields.insert(fields.begin(), {"Action", call.action});
    for (auto& q : call.query) fields.push_back(std::move(q));
    if (!http::form_value(fields, "Version")) fields.emplace_back("Version", call.service == "sns" ? "2010-03-31" : "2012-11-05");
    // SQS path/ACCOUNT/QUEUE names the queue by its path, as the queue URL's path does.
    if (call.service == "sqs" && !call.path.empty() && !http::form_value(fields, "QueueUrl")) {
      auto slash = call.path.find('/');
      if (slash != std::string::npos)
        fields.emplace_back("QueueUrl", edge_url_ + "/queue/" + region_ + "/" + call.path.substr(0, slash) + "/" + call.path.substr(slash + 1));
    }
    std::string body;
    for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + http::form_encode(k) + "=" + http::form_encode(v);
    r.body = std::move(body);
    r.method = "POST";
    r.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  } else if (call.service == "dynamodb") {
    r.headers.set("X-Amz-Target", "DynamoDB_20120810." + call.action);
    r.headers.set("Content-Type", "application/x-amz-json-1.0");
    r.body = std::move(call.body);
  } else {  // lambda: path/2015-03-31/functions/ARN/invocations
    r.path = "/" + call.path;
    r.body = std::move(call.body);
  }
  r.target = r.path;
  auto response = co_await dispatch_(std::move(r));
  apigateway::model::ServiceAnswer out;
  out.status = response.status;
  for (const auto& [k, v] : response.headers) out.headers.emplace_back(k, v);
  out.body = std::move(response.body);
  out.request_id = std::string{response.headers.get("x-amzn-RequestId")};
  co_return out;
}

}  // namespace localray::emulator
