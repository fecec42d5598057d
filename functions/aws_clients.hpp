#pragma once
// The SDK a built-in handler sees: in-process calls to the service models, each recorded as an
// `aws` subsegment (service, operation, resource, request id) the way the X-Ray SDK's AWS
// capture records real SDK calls, with the callee handed the subsegment as its parent.
#include <map>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "services/lambda/model/handler.hpp"
#include "tracing/error.hpp"

namespace localray::sns::model {
class Backend;
}
namespace localray::sqs::model {
class Backend;
}
namespace localray::dynamodb::model {
class Backend;
}

namespace localray::functions {

using lambda::model::InvocationContext;
using tracing::Result;

}  // namespace localray::functions
namespace localray::dynamodb::model {
class Backend;
}
namespace localray::functions {

struct ServiceModels {
  sns::model::Backend& sns;
  sqs::model::Backend& sqs;
  dynamodb::model::Backend& dynamodb;
  std::string region;
};

class AwsClients {
 public:
  explicit AwsClients(ServiceModels models) : m_{models} {}

  boost::asio::awaitable<Result<std::string>> sns_publish(InvocationContext& ctx, tracing::Segment& parent, const std::string& topic_arn,
                                                          const std::string& message,
                                                          const std::map<std::string, std::string>& string_attributes);
  boost::asio::awaitable<Result<std::string>> sqs_send(InvocationContext& ctx, tracing::Segment& parent, const std::string& queue_url,
                                                       const std::string& body, int delay_seconds);
  // UpdateItem `ADD <counter> :incr` on the item whose string key `key_name` is `key_value`;
  // returns the counter's new value.
  boost::asio::awaitable<Result<std::string>> dynamodb_add(InvocationContext& ctx, tracing::Segment& parent, const std::string& table,
                                                           const std::string& key_name, const std::string& key_value,
                                                           const std::string& counter, long increment);

 private:
  tracing::Segment& open_call(InvocationContext& ctx, tracing::Segment& parent, const char* service, const char* operation);
  ServiceModels m_;
};

}  // namespace localray::functions
