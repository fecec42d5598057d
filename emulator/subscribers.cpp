#include "emulator/subscribers.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "emulator/event_shapes.hpp"
#include "emulator/http_subscriber.hpp"
#include "emulator/recorded_subscriber.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using nlohmann::json;


namespace {

using sns::model::DeliveryFailure;
using sns::model::FailedAttempt;

// Throttling is the endpoint's server error, retried; anything else means SNS cannot deliver there.
FailedAttempt failed_attempt(const lambda::model::Error& e) {
  using lambda::model::Code;
  bool server = e.code == Code::TooManyRequests || e.code == Code::ServiceUnavailable;
  const char* code = e.code == Code::TooManyRequests ? "TooManyRequestsException"
                     : e.code == Code::ServiceUnavailable ? "ServiceException"
                     : e.code == Code::ResourceNotFound  ? "ResourceNotFoundException"
                                                         : "InvalidParameterValueException";
  return {server ? DeliveryFailure::server : DeliveryFailure::client, code, e.message};
}

FailedAttempt failed_attempt(const sqs::model::Error& e) {
  using sqs::model::Code;
  bool server = e.code == Code::RequestThrottled;
  const char* code = e.code == Code::RequestThrottled ? "RequestThrottled"
                     : e.code == Code::QueueDoesNotExist ? "AWS.SimpleQueueService.NonExistentQueue"
                     : e.code == Code::MessageTooLong  ? "InvalidParameterValue"
                                                        : "InvalidMessageContents";
  return {server ? DeliveryFailure::server : DeliveryFailure::client, code, e.message};
}

}  // namespace

std::string LambdaSubscriber::deliver(const sns::model::Notification& n, const sns::model::Subscription& s, const tracing::TraceHeader& ctx) {
  auto event = sns_lambda_event(n, s);
  auto r = runner_.invoke_async(function_, event, ctx);
  if (r) return *r;
  std::string request_id = ids_.uuid();
  SnsRedelivery::DeadLetter d{s.dead_letter_target_arn, sns_sqs_envelope(n, s, endpoint_), {}, ctx.to_string(), n.message_id, request_id};
  // The runner outlives every delivery; the subscriber may not (Unsubscribe), so nothing of it is kept.
  auto attempt = [&runner = runner_, function = function_, event = std::move(event), ctx]() -> asio::awaitable<std::optional<FailedAttempt>> {
    auto again = runner.invoke_async(function, event, ctx);
    if (again) co_return std::nullopt;
    co_return failed_attempt(again.error());
  };
  SnsRedelivery::Target target{"function " + function_, "Lambda", {{"operation", "Invoke"}, {"function_name", function_}, {"resource_names", {function_}}}};
  redelivery_.failed(std::move(target), ctx, std::move(attempt), std::move(d), failed_attempt(r.error()));
  return request_id;
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
  m.sender_id = sns::model::kSenderId;
  // A FIFO queue takes the topic's group and deduplication id; a standard queue takes only a
  // standard topic's group (fair queues).
  if (queue_arn_.ends_with(".fifo")) {
    if (!n.group_id.empty()) m.group_id = n.group_id;
    if (!n.deduplication_id.empty()) m.deduplication_id = n.deduplication_id;
  } else if (n.sequence_number.empty() && !n.group_id.empty()) {
    m.group_id = n.group_id;
  }
  std::string request_id = ids_.uuid();
  SnsRedelivery::DeadLetter d{s.dead_letter_target_arn, m.body, m.attributes, m.trace_header, n.message_id, request_id};
  // Only a FIFO topic's messages name a deduplication id; its subscriptions' DLQs are FIFO queues.
  if (!n.sequence_number.empty()) {
    d.group_id = n.group_id;
    d.deduplication_id = n.deduplication_id;
  }
  // Captures what the sends need, not `this`: an Unsubscribe may drop this subscriber meanwhile.
  auto attempt = [&sqs = sqs_, arn = queue_arn_, m = std::move(m)]() -> asio::awaitable<std::optional<FailedAttempt>> {
    auto q = sqs.find(arn);
    if (!q) co_return failed_attempt(q.error());
    auto handle = *q;
    auto copy = m;
    auto sent = co_await sqs.send(std::move(handle), std::move(copy));
    if (sent) co_return std::nullopt;
    co_return failed_attempt(sent.error());
  };
  SnsRedelivery::Target target{"queue " + queue_arn_, "SQS", {{"operation", "SendMessage"}, {"queue_url", queue_url_}, {"resource_names", {queue_url_}}}};
  asio::co_spawn(ex_, [&redelivery = redelivery_, attempt = std::move(attempt), d = std::move(d), ctx,
                       target = std::move(target)]() mutable -> asio::awaitable<void> {
    auto failed = co_await attempt();
    if (!failed) co_return;
    redelivery.failed(std::move(target), std::move(ctx), std::move(attempt), std::move(d), std::move(*failed));
  }, asio::detached);
  return request_id;
}

void SqsSubscriber::describe_target(json& aws) const {
  aws["queue_url"] = queue_url_;
  aws["resource_names"] = {queue_url_};
}

sns::model::Result<std::shared_ptr<sns::model::Subscriber>> WireSubscriberFactory::make(const std::string& topic_arn, const std::string& protocol,
                                                                                     const std::string& endpoint) {
  using sns::model::Code;
  auto scope = base::scope_of_arn(endpoint);
  if (protocol == "lambda") {
    if (scope.region.empty()) return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Lambda endpoint ARN"};
    auto& runner = *regions_.at(scope).lambda;
    auto fn = runner.find(endpoint);
    if (!fn) return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Endpoint: no function " + endpoint};
    return std::shared_ptr<sns::model::Subscriber>{
        std::make_shared<LambdaSubscriber>(runner, (*fn)->config().name, redelivery_, endpoint_, ids_)};
  }
  if (protocol == "sqs") {
    if (scope.region.empty()) return sns::model::Error{Code::InvalidParameter, "Invalid parameter: SQS endpoint ARN"};
    auto& sqs = *regions_.at(scope).sqs;
    auto q = sqs.find(endpoint);
    if (!q) return sns::model::Error{Code::InvalidParameter, "Invalid parameter: SQS endpoint ARN"};
    return std::shared_ptr<sns::model::Subscriber>{
        std::make_shared<SqsSubscriber>(ex_, sqs, (*q)->queue.arn(), (*q)->queue.url(), redelivery_, endpoint_, ids_)};
  }
  if (protocol == "http" || protocol == "https") {
    // The endpoint's scheme must be the protocol's.
    auto url = http::Url::parse(endpoint);
    if (!endpoint.starts_with(protocol + "://") || !url)
      return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Endpoint must match the specified protocol"};
    return std::shared_ptr<sns::model::Subscriber>{
        std::make_shared<HttpSubscriber>(ex_, blocking_, std::move(*url), endpoint, redelivery_, endpoint_, key_, ids_, log_)};
  }
  if (protocol == "email" || protocol == "email-json" || protocol == "sms") {
    auto at = endpoint.find('@');
    bool email = protocol != "sms";
    if (email && (at == 0 || at == std::string::npos || at + 1 == endpoint.size()))
      return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Email address"};
    if (!email && !sns::model::valid_phone_number(endpoint))
      return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Invalid SMS endpoint: " + endpoint};
    // Recorded where the topic is: its account and region's SNS.
    auto& sns = *regions_.at(base::scope_of_arn(topic_arn)).sns;
    return std::shared_ptr<sns::model::Subscriber>{
        std::make_shared<RecordedSubscriber>(ex_, blocking_, protocol, sns, endpoint_, key_)};
  }
  if (protocol == "application") {
    // A push endpoint of the topic's account and region (Subscribe checks that it exists).
    auto& sns = *regions_.at(base::scope_of_arn(topic_arn)).sns;
    return std::shared_ptr<sns::model::Subscriber>{std::make_shared<RecordedSubscriber>(ex_, blocking_, protocol, sns, endpoint_, key_)};
  }
  return sns::model::Error{Code::InvalidParameter, "Invalid parameter: Amazon SNS does not support this protocol string: " + protocol};
}

}  // namespace localray::emulator
