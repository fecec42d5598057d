#pragma once
// API Gateway's non-proxy integrations: an AWS service action called with the request its
// templates make (Type AWS: SNS Publish, SQS SendMessage, DynamoDB PutItem, a Lambda function
// invoked with the mapped event, ...), and MOCK, answered by the integration responses alone.
#include <memory>
#include <string>

#include "services/apigateway/model/integration.hpp"
#include "services/apigateway/model/integration_mapping.hpp"

namespace localray::apigateway::model {

// One call to an AWS service as API Gateway makes it from an integration's Uri:
// arn:aws:apigateway:REGION:SERVICE:action/ACTION or :path/PATH.
struct ServiceCall {
  std::string service;  // sns, sqs, dynamodb, lambda
  std::string action;   // from action/NAME, else empty
  std::string path;     // from path/..., else empty
  std::string http_method;
  Pairs headers;
  Pairs query;
  std::string body;
};

struct ServiceAnswer {
  unsigned status = 200;
  Pairs headers;
  std::string body;
  std::string request_id;
};

// Reaches the services of the API's own account and region; the emulator implements it over the
// same dispatch the edge port uses.
class ServiceCaller {
 public:
  virtual ~ServiceCaller() = default;
  virtual boost::asio::awaitable<ServiceAnswer> call(ServiceCall call, tracing::TraceHeader ctx) = 0;
};

class ServiceIntegration final : public Integration {
 public:
  ServiceIntegration(ServiceCall target, IntegrationMapping mapping, std::shared_ptr<ServiceCaller> caller, std::string resource_name)
      : target_{std::move(target)}, mapping_{std::move(mapping)}, caller_{std::move(caller)}, resource_{std::move(resource_name)} {}

  std::string service() const override;
  std::string operation() const override { return target_.action; }
  void describe_target(nlohmann::json& aws) const override;
  boost::asio::awaitable<IntegrationResponse> call(const IntegrationRequest& request, const tracing::TraceHeader& ctx) override;

 private:
  ServiceCall target_;
  IntegrationMapping mapping_;
  std::shared_ptr<ServiceCaller> caller_;
  std::string resource_;  // the function, topic or queue the Uri names, if it names one
};

class MockIntegration final : public Integration {
 public:
  explicit MockIntegration(IntegrationMapping mapping) : mapping_{std::move(mapping)} {}
  std::string service() const override { return "MOCK"; }
  std::string operation() const override { return {}; }
  void describe_target(nlohmann::json&) const override {}
  bool records_call() const override { return false; }
  boost::asio::awaitable<IntegrationResponse> call(const IntegrationRequest& request, const tracing::TraceHeader& ctx) override;

 private:
  IntegrationMapping mapping_;
};

}  // namespace localray::apigateway::model
