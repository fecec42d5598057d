#include "functions/aws_clients.hpp"

#include <cstdio>

namespace localray::functions {

namespace {

// What an SDK's capture records of a call: the request id either way, `error` or `fault` and the
// remote exception when it failed.
template <class T>
void record_outcome(tracing::Segment& sub, const CallResult<T>& r, InvocationContext& ctx) {
  if (r) {
    sub.aws["request_id"] = r->request_id;
    sub.http = {{"response", {{"status", 200}}}};
    return;
  }
  const ServiceError& e = r.error();
  if (!e.request_id.empty()) sub.aws["request_id"] = e.request_id;
  if (e.client_error) sub.error = true;
  else sub.fault = true;
  sub.http = {{"response", {{"status", e.client_error ? 400 : 500}}}};
  nlohmann::json ex = {{"id", ctx.ids.segment_id()}, {"message", e.message}, {"type", e.type}, {"remote", true}};
  sub.cause = {{"working_directory", "/var/task"}, {"exceptions", nlohmann::json::array({ex})}};
}

}  // namespace

std::string role_sender_id(const std::string& account, const std::string& function_name) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : account + ":" + function_name) h = (h ^ c) * 1099511628211ULL;
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id = "AROA";
  for (int i = 0; i < 17; ++i) {
    id += alphabet[h % 32];
    h = h / 32 ^ (h * 0x9E3779B97F4A7C15ULL);
  }
  return id + ":" + function_name;
}

tracing::Segment& AwsClients::open_call(InvocationContext& ctx, tracing::Segment& parent, const char* service, const char* operation) {
  auto& sub = ctx.open(parent, service);
  sub.namespace_ = "aws";
  sub.aws = {{"operation", operation}, {"region", c_.region}, {"retries", 0}};
  return sub;
}

boost::asio::awaitable<Result<std::string>> AwsClients::sns_publish(InvocationContext& ctx, tracing::Segment& parent,
                                                                    const std::string& topic_arn, const std::string& message,
                                                                    const std::map<std::string, std::string>& string_attributes) {
  auto& sub = open_call(ctx, parent, "SNS", "Publish");
  sub.aws["topic_arn"] = topic_arn;
  sub.aws["resource_names"] = {topic_arn};
  // Arguments are named: GCC 12 destroys temporaries made inside a co_await expression twice.
  auto callee = ctx.trace.child(sub.id);
  auto r = co_await c_.sns.publish(topic_arn, message, string_attributes, callee);
  ctx.close(sub);
  record_outcome(sub, r, ctx);
  if (!r) co_return tracing::Error{r.error().message};
  co_return tracing::success(r->message_id);
}

boost::asio::awaitable<Result<std::string>> AwsClients::sqs_send(InvocationContext& ctx, tracing::Segment& parent,
                                                                 const std::string& queue_url, const std::string& body, int delay_seconds) {
  auto& sub = open_call(ctx, parent, "SQS", "SendMessage");
  sub.aws["queue_url"] = queue_url;
  sub.aws["resource_names"] = {queue_url};
  auto callee = ctx.trace.child(sub.id);
  auto sender = role_sender_id(c_.account, ctx.function_name);
  auto r = co_await c_.sqs.send_message(queue_url, body, delay_seconds, sender, callee);
  ctx.close(sub);
  record_outcome(sub, r, ctx);
  if (!r) co_return tracing::Error{r.error().message};
  sub.aws["message_id"] = r->message_id;
  co_return tracing::success(r->message_id);
}

boost::asio::awaitable<Result<std::string>> AwsClients::dynamodb_add(InvocationContext& ctx, tracing::Segment& parent,
                                                                     const std::string& table, const std::string& key_name,
                                                                     const std::string& key_value, const std::string& counter,
                                                                     long long increment) {
  auto& sub = open_call(ctx, parent, "DynamoDB", "UpdateItem");
  sub.aws["table_name"] = table;
  sub.aws["resource_names"] = {table};
  auto callee = ctx.trace.child(sub.id);
  auto r = co_await c_.dynamodb.add_to_counter(table, key_name, key_value, counter, increment, callee);
  ctx.close(sub);
  record_outcome(sub, r, ctx);
  if (!r) co_return tracing::Error{r.error().message};
  co_return tracing::success(r->value);
}

}  // namespace localray::functions
