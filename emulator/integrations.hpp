#pragma once
// API Gateway integrations backed by the other services.
#include <string>

#include "services/apigateway/model/rest_api.hpp"
#include "services/sns/model/backend.hpp"

namespace localray::emulator {

// API Gateway -> SNS Publish (an AWS service integration, as the pattern's API).
class SnsIntegration final : public apigateway::model::Integration {
 public:
  SnsIntegration(sns::model::Backend& sns, std::string topic_arn, tracing::IdGenerator& ids)
      : sns_{sns}, topic_arn_{std::move(topic_arn)}, ids_{ids} {}
  std::string service() const override { return "SNS"; }
  std::string operation() const override { return "Publish"; }
  void describe_target(nlohmann::json& aws) const override;
  boost::asio::awaitable<apigateway::model::IntegrationResult> call(const apigateway::model::IntegrationRequest& request,
                                                                    const tracing::TraceHeader& ctx) override;

 private:
  sns::model::Backend& sns_;
  std::string topic_arn_;
  tracing::IdGenerator& ids_;
};

}  // namespace localray::emulator
