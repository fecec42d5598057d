#include "emulator/integrations.hpp"

namespace localray::emulator {

namespace asio = boost::asio;

void SnsIntegration::describe_target(nlohmann::json& aws) const {
  aws["topic_arn"] = topic_arn_;
  aws["resource_names"] = {topic_arn_};
}

asio::awaitable<apigateway::model::IntegrationResult> SnsIntegration::call(const apigateway::model::IntegrationRequest& request,
                                                                          const tracing::TraceHeader& ctx) {
  std::string request_id = ids_.uuid();
  sns::model::PublishRequest p{topic_arn_, request.message, std::nullopt, {}};
  for (const auto& [k, v] : request.message_attributes) p.attributes[k] = {"String", v};
  auto r = co_await sns_.publish(std::move(p), ctx, request_id);
  if (!r) co_return apigateway::model::IntegrationResult{false, r.error().message, request_id};
  co_return apigateway::model::IntegrationResult{true, {}, request_id};
}

}  // namespace localray::emulator
