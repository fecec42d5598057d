#include "emulator/subscribers.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <spdlog/spdlog.h>

#include "emulator/event_shapes.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using nlohmann::json;

// SNS's own sender id in the messages it delivers to SQS.
constexpr const char* kSnsSenderId = "AIDAIT2UOQQY3AUEKVGXU";

std::string LambdaSubscriber::deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) {
  auto r = runner_.invoke_async(function_, sns_lambda_event(n, s), ctx);
  if (!r) {
    log_->error("[{}] SNS delivery to function {} failed: {}", ctx.root, function_, r.error().message);
    return {};
  }
  return *r;
}

void LambdaSubscriber::describe_target(json& aws) const {
  aws["function_name"] = function_;
  aws["resource_names"] = {function_};
}

std::string SqsSubscriber::deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) {
  sqs::model::OutgoingMessage m;
  if (s.raw_message_delivery) {
    m.body = n.message;
    for (const auto& [name, a] : n.attributes) m.attributes[name] = {a.data_type, a.value};
  } else {
    m.body = sns_sqs_envelope(n, s, endpoint_);
  }
  m.trace_header = ctx.to_string();
  m.sender_id = kSnsSenderId;
  std::string request_id = ids_.uuid();
  // Captures what the send needs, not `this`: an Unsubscribe may drop this subscriber meanwhile.
  asio::co_spawn(ex_, [&sqs = sqs_, log = log_, m = std::move(m), root = ctx.root, q = queue_]() mutable -> asio::awaitable<void> {
    auto r = co_await sqs.send(q, std::move(m));
    if (!r) log->error("[{}] SNS delivery to queue {} failed: {}", root, q->queue.name(), r.error().message);
  }, asio::detached);
  return request_id;
}

void SqsSubscriber::describe_target(json& aws) const {
  aws["queue_url"] = queue_->queue.url();
  aws["resource_names"] = {queue_->queue.url()};
}

sns::model::Result<std::shared_ptr<sns::model::Subscriber>> WireSubscriberFactory::make(const std::string& protocol,
                                                                                     const std::string& endpoint) {
  using sns::model::Code;
  auto scope = base::scope_of_arn(endpoint);
  if (protocol == "lambda") {
    if (scope.region.empty()) return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Lambda endpoint ARN"};
    auto& runner = *regions_.at(scope).lambda;
    auto fn = runner.find(endpoint);
    if (!fn) return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Endpoint: no function " + endpoint};
    return std::shared_ptr<sns::model::Subscriber>{std::make_shared<LambdaSubscriber>(runner, (*fn)->config().name, log_)};
  }
  if (protocol == "sqs") {
    if (scope.region.empty()) return sns::model::Error{Code::InvalidParameter, "Invalid parameter: SQS endpoint ARN"};
    auto& sqs = *regions_.at(scope).sqs;
    auto q = sqs.find(endpoint);
    if (!q) return sns::model::Error{Code::InvalidParameter, "Invalid parameter: SQS endpoint ARN"};
    return std::shared_ptr<sns::model::Subscriber>{std::make_shared<SqsSubscriber>(ex_, sqs, *q, endpoint_, ids_, log_)};
  }
  return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Amazon SNS does not support this protocol string: " + protocol};
}

}  // namespace localray::emulator
