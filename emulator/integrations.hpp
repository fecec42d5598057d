#pragma once
// API Gateway integrations backed by the other services: SNS Publish for the pattern's AWS service
// integration, a Lambda function for the proxy integration, and any service action a template's
// AWS integration names, reached through the edge's own dispatch.
#include <functional>
#include <memory>
#include <string>

#include <spdlog/fwd.h>

#include "http/message.hpp"
#include "services/apigateway/model/service_integration.hpp"
#include "services/apigateway/model/sns_publish_integration.hpp"
#include "services/lambda/model/function.hpp"
#include "services/sns/model/backend.hpp"

namespace localray::emulator {

class SnsTopicPublisher final : public apigateway::model::TopicPublisher {
 public:
  SnsTopicPublisher(sns::model::Backend& sns, std::string topic_arn, tracing::IdGenerator& ids)
      : sns_{sns}, topic_arn_{std::move(topic_arn)}, ids_{ids} {}
  const std::string& topic_arn() const override { return topic_arn_; }
  boost::asio::awaitable<apigateway::model::PublishOutcome> publish(std::string message, std::map<std::string, std::string> string_attributes,
                                                                    tracing::TraceHeader ctx) override;

 private:
  sns::model::Backend& sns_;
  std::string topic_arn_;
  tracing::IdGenerator& ids_;
};

// AWS_PROXY: the function is invoked synchronously with the proxy event and answers the client.
// A function error or a malformed answer is API Gateway's 502; a throttled function its 429.
class LambdaProxyIntegration final : public apigateway::model::Integration {
 public:
  LambdaProxyIntegration(lambda::model::Runner& runner, std::string function, std::shared_ptr<spdlog::logger> log)
      : runner_{runner}, function_{std::move(function)}, log_{std::move(log)} {}
  std::string service() const override { return "Lambda"; }
  std::string operation() const override { return "Invoke"; }
  void describe_target(nlohmann::json& aws) const override;
  boost::asio::awaitable<apigateway::model::IntegrationResponse> call(const apigateway::model::IntegrationRequest& request,
                                                                      const tracing::TraceHeader& ctx) override;

 private:
  lambda::model::Runner& runner_;
  std::string function_;
  std::shared_ptr<spdlog::logger> log_;
};

// A method whose integration localray does not emulate (HTTP, HTTP_PROXY, an AWS service other
// than SNS, SQS, DynamoDB and Lambda): it answers 500 saying so, and the rest of the API serves.
class UnsupportedIntegration final : public apigateway::model::Integration {
 public:
  explicit UnsupportedIntegration(std::string why) : why_{std::move(why)} {}
  std::string service() const override { return "unsupported"; }
  std::string operation() const override { return {}; }
  void describe_target(nlohmann::json&) const override {}
  bool records_call() const override { return false; }
  boost::asio::awaitable<apigateway::model::IntegrationResponse> call(const apigateway::model::IntegrationRequest& request,
                                                                      const tracing::TraceHeader& ctx) override;

 private:
  std::string why_;
};

// The edge's dispatch of one request, as if it had come in on the edge port.
using Dispatch = std::function<boost::asio::awaitable<http::Response>(http::Request)>;

// Calls a service the way API Gateway's AWS integration does: the request in the service's own
// wire protocol (query form for SNS and SQS, JSON with X-Amz-Target for DynamoDB, the Invoke path
// for Lambda), signed for the API's account and region, carrying the integration's trace header.
class EdgeServiceCaller final : public apigateway::model::ServiceCaller {
 public:
  EdgeServiceCaller(const Dispatch& dispatch, std::string region, std::string account, std::string edge_url)
      : dispatch_{dispatch}, region_{std::move(region)}, account_{std::move(account)}, edge_url_{std::move(edge_url)} {}
  boost::asio::awaitable<apigateway::model::ServiceAnswer> call(apigateway::model::ServiceCall call, tracing::TraceHeader ctx) override;

 private:
  const Dispatch& dispatch_;  // set once the router exists, before any request is served
  std::string region_, account_, edge_url_;
};

}  // namespace localray::emulator
