#include "emulator/service_clients.hpp"

#include "services/dynamodb/model/shortcuts.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using functions::CallResult;
using functions::ServiceError;

asio::awaitable<CallResult<functions::Published>> SnsPublisher::publish(std::string topic_arn, std::string message,
                                                                         std::map<std::string, std::string> string_attributes,
                                                                         tracing::TraceHeader ctx) {
  std::string request_id = ids_.uuid();
  sns::model::PublishRequest req{std::move(topic_arn), std::move(message), std::nullopt, {}};
  for (auto& [k, v] : string_attributes) req.attributes[k] = {"String", std::move(v)};
  std::optional<tracing::TraceHeader> caller = ctx;  // named: GCC 12 destroys temporaries inside co_await twice
  auto r = co_await sns_.publish(std::move(req), caller, request_id);
  if (!r) {
    bool missing = r.error().code == sns::model::Code::NotFound;
    co_return ServiceError{missing ? "NotFoundException" : "InvalidParameterException", r.error().message, request_id, true};
  }
  co_return functions::Published{request_id, r->message_id};
}

asio::awaitable<CallResult<functions::Sent>> SqsSender::send_message(std::string queue_url, std::string body, int delay_seconds,
                                                                      std::string sender_id, tracing::TraceHeader ctx) {
  std::string request_id = ids_.uuid();
  auto q = sqs_.find(queue_url);
  if (!q) co_return ServiceError{"QueueDoesNotExist", q.error().message, request_id, true};
  sqs::model::OutgoingMessage m;
  m.body = std::move(body);
  m.delay = std::chrono::seconds{delay_seconds};
  m.trace_header = ctx.to_string();
  m.sender_id = std::move(sender_id);
  auto r = co_await sqs_.send(*q, std::move(m));
  if (!r) co_return ServiceError{"InvalidParameterValue", r.error().message, request_id, true};
  co_return functions::Sent{request_id, r->message_id};
}

asio::awaitable<CallResult<functions::Updated>> DynamoDbUpdater::add_to_counter(std::string table, std::string key_name, std::string key_value,
                                                                                 std::string counter, long long increment,
                                                                                 tracing::TraceHeader) {
  std::string request_id = ids_.dynamodb_request_id();
  auto r = co_await dynamodb::model::add_to_counter(dynamodb_, std::move(table), std::move(key_name), std::move(key_value), std::move(counter),
                                                    increment);
  if (!r) {
    bool missing = r.error().code == dynamodb::model::Code::ResourceNotFound;
    co_return ServiceError{missing ? "ResourceNotFoundException" : "ValidationException", r.error().message, request_id, true};
  }
  co_return functions::Updated{request_id, *r};
}

}  // namespace localray::emulator
