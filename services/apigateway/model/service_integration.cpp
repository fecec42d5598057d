#include "services/apigateway/model/service_integration.hpp"

#include <nlohmann/json.hpp>

#include "base/percent_encoding.hpp"

namespace localray::apigateway::model {

using nlohmann::json;

namespace {

IntegrationResponse plain(unsigned status, const char* message, const char* type) {
  IntegrationResponse out;
  out.status = status;
  out.headers = {{"Content-Type", "application/json"}, {"x-amzn-ErrorType", type}};
  out.body = json{{"message", message}}.dump();
  return out;
}

// The action a query-protocol body names (Action=Publish&...), for the subsegment.
std::string action_in(const std::string& body) {
  auto at = body.rfind("Action=", 0) == 0 ? 0 : body.find("&Action=");
  if (at == std::string::npos) return {};
  at = body.find('=', at) + 1;
  return body.substr(at, body.find('&', at) - at);
}

// One field of a form body, decoded.
std::string form_field(const std::string& body, const std::string& name) {
  std::size_t pos = 0;
  while (pos <= body.size()) {
    auto amp = body.find('&', pos);
    std::string pair = body.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = pair.find('=');
    if (eq != std::string::npos && base::percent_decode(pair.substr(0, eq), true) == name)
      return base::percent_decode(pair.substr(eq + 1), true).value_or("");
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return {};
}

// The resource a mapped request addresses, as the subsegment names it for the service map.
std::map<std::string, std::string> target_of(const ServiceCall& call) {
  std::map<std::string, std::string> out;
  // The query string mapped from request parameters, then the template's form.
  auto field = [&call](const std::string& name) {
    for (const auto& [k, v] : call.query)
      if (k == name) return v;
    return form_field(call.body, name);
  };
  if (call.service == "sns") {
    auto topic = field("TopicArn");
    if (topic.empty()) topic = field("TargetArn");
    if (!topic.empty()) out["topic_arn"] = topic;
  } else if (call.service == "sqs") {
    auto queue = field("QueueUrl");
    if (!queue.empty()) out["queue_url"] = queue;
  } else if (call.service == "dynamodb") {
    json body = json::parse(call.body, nullptr, false);
    if (body.is_object() && body.contains("TableName") && body["TableName"].is_string()) out["table_name"] = body["TableName"].get<std::string>();
  }
  return out;
}

}  // namespace

std::string ServiceIntegration::service() const {
  if (target_.service == "sns") return "SNS";
  if (target_.service == "sqs") return "SQS";
  if (target_.service == "dynamodb") return "DynamoDB";
  if (target_.service == "lambda") return "Lambda";
  return target_.service;
}

void ServiceIntegration::describe_target(json& aws) const {
  if (resource_.empty()) return;
  if (target_.service == "sns") aws["topic_arn"] = resource_;
  else if (target_.service == "sqs") aws["queue_url"] = resource_;
  else if (target_.service == "lambda") aws["function_name"] = resource_;
  aws["resource_names"] = {resource_};
}

boost::asio::awaitable<IntegrationResponse> ServiceIntegration::call(const IntegrationRequest& request, const tracing::TraceHeader& ctx) {
  auto mapped = mapping_.request(request);
  if (!mapped || mapped->unsupported_media_type) {
    auto out = mapped ? plain(415, "Unsupported Media Type", "UnsupportedMediaTypeException")
                      : plain(500, "Internal server error", "InternalServerErrorException");
    out.called = false;
    co_return out;
  }
  ServiceCall call = target_;
  call.body = std::move(mapped->body);
  for (auto& h : mapped->headers) call.headers.push_back(std::move(h));
  for (auto& q : mapped->query) call.query.push_back(std::move(q));
  for (const auto& [name, value] : mapped->path) {
    const std::string placeholder = "{" + name + "}";
    for (auto at = call.path.find(placeholder); at != std::string::npos; at = call.path.find(placeholder)) call.path.replace(at, placeholder.size(), value);
  }
  std::string action = call.action.empty() ? action_in(call.body) : call.action;
  auto target = target_of(call);
  auto answer = co_await caller_->call(std::move(call), ctx);
  // Selection patterns match a Lambda function's errorMessage, and other services' status code.
  std::optional<std::string> selection = std::to_string(answer.status);
  if (target_.service == "lambda") {
    selection.reset();
    if (!header(answer.headers, "X-Amz-Function-Error").empty()) {
      json error = json::parse(answer.body, nullptr, false);
      selection = error.is_object() ? error.value("errorMessage", "") : answer.body;
    }
  }
  auto out = mapping_.response(request, selection, answer.headers, answer.body);
  out.request_id = answer.request_id;
  out.operation = action;
  out.target = std::move(target);
  if (answer.status >= 500) out.call_fault = true;
  else if (answer.status >= 400 || (target_.service == "lambda" && selection)) out.call_failed = true;
  co_return out;
}

boost::asio::awaitable<IntegrationResponse> MockIntegration::call(const IntegrationRequest& request, const tracing::TraceHeader&) {
  auto mapped = mapping_.request(request);
  if (!mapped) co_return plain(500, "Internal server error", "InternalServerErrorException");
  if (mapped->unsupported_media_type) co_return plain(415, "Unsupported Media Type", "UnsupportedMediaTypeException");
  // The request template says which status the mock answers: {"statusCode": 200}.
  json asked = json::parse(mapped->body, nullptr, false);
  unsigned status = 200;
  if (asked.is_object() && asked.contains("statusCode")) {
    const json& code = asked["statusCode"];
    status = code.is_number() ? code.get<unsigned>() : static_cast<unsigned>(std::atoi(code.is_string() ? code.get<std::string>().c_str() : "200"));
  }
  Pairs none;
  std::string empty;
  co_return mapping_.response(request, std::to_string(status), none, empty);
}

}  // namespace localray::apigateway::model
