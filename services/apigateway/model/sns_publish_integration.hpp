#pragma once
// An AWS service integration that publishes to an SNS topic, as the pattern's API does: the
// request mapping makes the message and its string attributes from the request; the integration
// responses answer 200 `{"message": "message added to topic"}`, or, for `^\[Error\].*`, 400 with
// the service's message.
#include <map>
#include <memory>
#include <string>

#include "services/apigateway/model/integration.hpp"
#include "services/apigateway/model/mapping_value.hpp"

namespace localray::apigateway::model {

struct PublishOutcome {
  bool ok = true;
  std::string error_message;  // when !ok
  std::string request_id;     // the Publish call's
};

// SNS Publish to one topic; the emulator's wiring implements it over the SNS service.
class TopicPublisher {
 public:
  virtual ~TopicPublisher() = default;
  virtual const std::string& topic_arn() const = 0;
  virtual boost::asio::awaitable<PublishOutcome> publish(std::string message, std::map<std::string, std::string> string_attributes,
                                                         tracing::TraceHeader ctx) = 0;
};

class SnsPublishIntegration final : public Integration {
 public:
  SnsPublishIntegration(MappingValue message, std::map<std::string, MappingValue> message_attributes, std::shared_ptr<TopicPublisher> publisher)
      : message_{std::move(message)}, attributes_{std::move(message_attributes)}, publisher_{std::move(publisher)} {}

  std::string service() const override { return "SNS"; }
  std::string operation() const override { return "Publish"; }
  void describe_target(nlohmann::json& aws) const override;
  boost::asio::awaitable<IntegrationResponse> call(const IntegrationRequest& request, const tracing::TraceHeader& ctx) override;

 private:
  MappingValue message_;
  std::map<std::string, MappingValue> attributes_;
  std::shared_ptr<TopicPublisher> publisher_;
};

}  // namespace localray::apigateway::model
