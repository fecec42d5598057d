#pragma once
// The SDK a built-in handler sees: its AWS calls go through the service clients and are each
// recorded as an `aws` subsegment (service, operation, resource, the request id the service
// answered with), the way the X-Ray SDK's AWS capture records real SDK calls, with the callee
// handed the subsegment as its parent.
#include <map>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "functions/service_clients.hpp"
#include "services/lambda/model/handler.hpp"
#include "tracing/error.hpp"

namespace localray::functions {

using lambda::model::InvocationContext;
using tracing::Result;

class AwsClients {
 public:
  explicit AwsClients(ServiceClients clients) : c_{clients} {}

  boost::asio::awaitable<Result<std::string>> sns_publish(InvocationContext& ctx, tracing::Segment& parent, const std::string& topic_arn,
                                                          const std::string& message,
                                                          const std::map<std::string, std::string>& string_attributes);
  boost::asio::awaitable<Result<std::string>> sqs_send(InvocationContext& ctx, tracing::Segment& parent, const std::string& queue_url,
                                                       const std::string& body, int delay_seconds);
  // UpdateItem `ADD <counter> :incr` on the item whose string key `key_name` is `key_value`;
  // returns the counter's new value.
  boost::asio::awaitable<Result<std::string>> dynamodb_add(InvocationContext& ctx, tracing::Segment& parent, const std::string& table,
                                                           const std::string& key_name, const std::string& key_value,
                                                           const std::string& counter, long long increment);

 private:
  tracing::Segment& open_call(InvocationContext& ctx, tracing::Segment& parent, const char* service, const char* operation);
  ServiceClients c_;
};

}  // namespace localray::functions
