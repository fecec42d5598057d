#include "services/apigateway/model/sns_publish_integration.hpp"

#include <nlohmann/json.hpp>

namespace localray::apigateway::model {

using nlohmann::json;

void SnsPublishIntegration::describe_target(json& aws) const {
  aws["topic_arn"] = publisher_->topic_arn();
  aws["resource_names"] = {publisher_->topic_arn()};
}

boost::asio::awaitable<IntegrationResponse> SnsPublishIntegration::call(const IntegrationRequest& request, const tracing::TraceHeader& ctx) {
  std::string context_path = "/" + request.stage + request.path;
  MappingValue::Input in{context_path, request.resource_path, request.stage, request.method, request.request_id, request.body};
  std::string message = message_.evaluate(in);
  std::map<std::string, std::string> attributes;
  for (const auto& [name, value] : attributes_) {
    // An attribute whose mapping comes out empty is left out, as the template's `#if` would.
    auto v = value.evaluate(in);
    if (!v.empty()) attributes[name] = std::move(v);
  }
  auto outcome = co_await publisher_->publish(std::move(message), std::move(attributes), ctx);
  IntegrationResponse out;
  out.request_id = outcome.request_id;
  out.headers = {{"Content-Type", "application/json"}};
  if (outcome.ok) {
    out.status = 200;
    out.body = json{{"message", "message added to topic"}}.dump();
  } else {
    // The integration response for `^\[Error\].*`: 400 with the service's message.
    out.status = 400;
    out.body = json{{"state", "error"}, {"message", outcome.error_message}}.dump();
    out.call_failed = true;
  }
  co_return out;
}

}  // namespace localray::apigateway::model
