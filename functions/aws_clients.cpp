#include "functions/aws_clients.hpp"

#include "services/dynamodb/model/shortcuts.hpp"
#include "services/sns/model/backend.hpp"
#include "services/sqs/model/backend.hpp"

namespace localray::functions {

namespace {

template <class E>
void record_failure(tracing::Segment& sub, const E& error, const char* type, bool client_error, InvocationContext& ctx) {
  if (client_error) sub.error = true;
  else sub.fault = true;
  nlohmann::json ex = {{"id", ctx.ids.segment_id()}, {"message", error.message}, {"type", type}, {"remote", true}};
  sub.cause = {{"working_directory", "/var/task"}, {"exceptions", nlohmann::json::array({ex})}};
}

}  // namespace

tracing::Segment& AwsClients::open_call(InvocationContext& ctx, tracing::Segment& parent, const char* service, const char* operation) {
  auto& sub = ctx.open(parent, service);
  sub.namespace_ = "aws";
  sub.aws = {{"operation", operation}, {"region", m_.region}, {"retries", 0}};
  return sub;
}

boost::asio::awaitable<Result<std::string>> AwsClients::sns_publish(InvocationContext& ctx, tracing::Segment& parent,
                                                                    const std::string& topic_arn, const std::string& message,
                                                                    const std::map<std::string, std::string>& string_attributes) {
  auto& sub = open_call(ctx, parent, "SNS", "Publish");
  sub.aws["topic_arn"] = topic_arn;
  sub.aws["resource_names"] = {topic_arn};
  sns::model::PublishRequest req{topic_arn, message, std::nullopt, {}};
  for (const auto& [k, v] : string_attributes) req.attributes[k] = {"String", v};
  auto r = co_await m_.sns.publish(std::move(req), ctx.trace.child(sub.id));
  sub.aws["request_id"] = ctx.ids.uuid();
  ctx.close(sub);
  if (!r) {
    record_failure(sub, r.error(), r.error().code == sns::model::Code::NotFound ? "NotFoundException" : "InvalidParameterException",
                   true, ctx);
    co_return tracing::Error{r.error().message};
  }
  sub.http = {{"response", {{"status", 200}}}};
  co_return tracing::success(r->message_id);
}

boost::asio::awaitable<Result<std::string>> AwsClients::sqs_send(InvocationContext& ctx, tracing::Segment& parent,
                                                                 const std::string& queue_url, const std::string& body, int delay_seconds) {
  auto& sub = open_call(ctx, parent, "SQS", "SendMessage");
  sub.aws["queue_url"] = queue_url;
  sub.aws["resource_names"] = {queue_url};
  auto q = m_.sqs.find(queue_url);
  if (!q) {
    ctx.close(sub);
    record_failure(sub, q.error(), "QueueDoesNotExist", true, ctx);
    co_return tracing::Error{q.error().message};
  }
  sqs::model::OutgoingMessage m;
  m.body = body;
  m.delay = std::chrono::seconds{delay_seconds};
  m.trace_header = ctx.trace.child(sub.id).to_string();
  auto r = co_await m_.sqs.send(*q, std::move(m));
  sub.aws["request_id"] = ctx.ids.uuid();
  ctx.close(sub);
  if (!r) {
    record_failure(sub, r.error(), "InvalidParameterValue", true, ctx);
    co_return tracing::Error{r.error().message};
  }
  sub.aws["message_id"] = r->message_id;
  sub.http = {{"response", {{"status", 200}}}};
  co_return tracing::success(r->message_id);
}

boost::asio::awaitable<Result<std::string>> AwsClients::dynamodb_add(InvocationContext& ctx, tracing::Segment& parent,
                                                                     const std::string& table, const std::string& key_name,
                                                                     const std::string& key_value, const std::string& counter,
                                                                     long increment) {
  auto& sub = open_call(ctx, parent, "DynamoDB", "UpdateItem");
  sub.aws["table_name"] = table;
  sub.aws["resource_names"] = {table};
  auto r = co_await dynamodb::model::add_to_counter(m_.dynamodb, table, key_name, key_value, counter, increment);
  sub.aws["request_id"] = ctx.ids.uuid();
  ctx.close(sub);
  if (!r) {
    record_failure(sub, r.error(), "ResourceNotFoundException", true, ctx);
    co_return tracing::Error{r.error().message};
  }
  sub.http = {{"response", {{"status", 200}}}};
  co_return tracing::success(*r);
}

}  // namespace localray::functions
