#include "emulator/async_destinations.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using lambda::model::Code;
using lambda::model::Error;

namespace {

// Lambda's own sender id on the messages it sends to SQS.
constexpr const char* kLambdaSenderId = "AROAIDLAMBDADESTINATIONS";

std::string service_of(const std::string& arn) {
  if (arn.rfind("arn:aws:", 0) != 0) return {};
  auto end = arn.find(':', 8);
  return end == std::string::npos ? std::string{} : arn.substr(8, end - 8);
}

}  // namespace

lambda::model::Result<void> AsyncDestinations::check(const std::string& arn) const {
  auto service = service_of(arn);
  if (service == "sqs" || service == "sns" || service == "lambda") return {};
  if (service == "events")
    return Error{Code::InvalidParameterValue, "The destination ARN " + arn + " is an EventBridge event bus, which localray does not emulate"};
  return Error{Code::InvalidParameterValue, "The destination ARN " + arn + " is invalid: it must name an SQS queue, an SNS topic or a Lambda function"};
}

std::pair<std::string, std::string> AsyncDestinations::describe(const std::string& arn) const {
  auto service = service_of(arn);
  if (service == "sqs") return {"SQS", "SendMessage"};
  if (service == "sns") return {"SNS", "Publish"};
  return {"Lambda", "Invoke"};
}

asio::awaitable<lambda::model::Result<void>> AsyncDestinations::deliver(lambda::model::AsyncDelivery d) {
  auto scope = base::scope_of_arn(d.target_arn);
  if (scope.region.empty()) co_return Error{Code::InvalidParameterValue, "not an ARN: " + d.target_arn};
  Region& region = regions_.at(scope);
  auto service = service_of(d.target_arn);
  if (service == "sqs") {
    auto q = region.sqs->find(d.target_arn);
    if (!q) co_return Error{Code::ResourceNotFound, "no queue " + d.target_arn};
    sqs::model::OutgoingMessage m;
    m.body = std::move(d.body);
    for (auto& [name, typed] : d.attributes) m.attributes[name] = {typed.first, typed.second};
    m.trace_header = d.trace.to_string();
    m.sender_id = kLambdaSenderId;
    auto queue = *q;
    auto sent = co_await region.sqs->send(queue, std::move(m));
    if (!sent) co_return Error{Code::ServiceUnavailable, sent.error().message};
    co_return lambda::model::Result<void>{};
  }
  if (service == "sns") {
    sns::model::PublishRequest p;
    p.topic_arn = d.target_arn;
    p.message = std::move(d.body);
    for (auto& [name, typed] : d.attributes) p.attributes[name] = {typed.first, typed.second};
    std::optional<tracing::TraceHeader> ctx = d.trace;
    std::string request_id;
    auto published = co_await region.sns->publish(std::move(p), std::move(ctx), std::move(request_id));
    if (!published) co_return Error{Code::ServiceUnavailable, published.error().message};
    co_return lambda::model::Result<void>{};
  }
  if (service == "lambda") {
    auto invoked = region.lambda->invoke_async(d.target_arn, std::move(d.body), d.trace);
    if (!invoked) co_return invoked.error();
    co_return lambda::model::Result<void>{};
  }
  co_return Error{Code::InvalidParameterValue, "no destination service for " + d.target_arn};
}

}  // namespace localray::emulator
