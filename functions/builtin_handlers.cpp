#include "functions/builtin_handlers.hpp"

#include <chrono>

#include "http/client.hpp"

namespace localray::functions {

using lambda::model::FunctionError;
using lambda::model::HandlerResult;
using nlohmann::json;
namespace asio = boost::asio;

namespace {

HandlerResult ok(json payload = json::object()) { return HandlerResult{payload.dump(), std::nullopt}; }
HandlerResult failed(std::string message, std::string type = "Error") {
  return HandlerResult{{}, FunctionError{std::move(type), std::move(message)}};
}

// The SNS message of the first record of an SNS event.
std::optional<std::string> sns_message(const std::string& event) {
  auto j = json::parse(event, nullptr, false);
  if (j.is_discarded() || !j.contains("Records") || !j["Records"].is_array() || j["Records"].empty()) return std::nullopt;
  const auto& r = j["Records"][0];
  if (!r.contains("Sns") || !r["Sns"].contains("Message") || !r["Sns"]["Message"].is_string()) return std::nullopt;
  return r["Sns"]["Message"].get<std::string>();
}

void fail_subsegment(InvocationContext& ctx, tracing::Segment& sub, const std::string& message) {
  sub.set_fault(message, "Error", ctx.ids.segment_id());
  ctx.close(sub);
}

// http: calls an external JSON endpoint inside "external HTTP Request"; fails with the seed's
// SSL Cert Exception at the configured rate, before any byte is sent, as a TLS failure would.
class HttpHandler final : public lambda::model::Handler {
 public:
  HttpHandler(std::string url, double failure_rate, tracing::Rng rng) : url_{std::move(url)}, rate_{failure_rate}, rng_{std::move(rng)} {}

  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    auto& sub = ctx.open(ctx.invocation, "external HTTP Request");
    if (rng_.bernoulli(rate_)) {
      fail_subsegment(ctx, sub, "SSL Cert Exception");
      co_return failed("SSL Cert Exception");
    }
    auto url = http::Url::parse(url_);
    if (!url) {
      fail_subsegment(ctx, sub, url.error().message);
      co_return failed(url.error().message);
    }
    auto& call = ctx.open(sub, url->host);
    call.namespace_ = "remote";
    call.http = {{"request", {{"method", "GET"}, {"url", url_}}}};
    http::Headers headers;
    headers.set("X-Amzn-Trace-Id", ctx.trace.child(call.id).to_string());
    auto res = co_await http::get(ctx.executor, *url, headers, std::chrono::seconds{2});
    ctx.close(call);
    if (!res) {
      call.set_fault(res.error().message, "Error", ctx.ids.segment_id());
      fail_subsegment(ctx, sub, res.error().message);
      co_return failed(res.error().message);
    }
    call.http["response"] = {{"status", res->status}, {"content_length", res->body.size()}};
    if (res->status >= 500) call.fault = true;
    else if (res->status >= 400) call.error = true;
    if (res->status == 429) call.throttle = true;
    auto body = json::parse(res->body, nullptr, false);
    sub.metadata = {{"default", {{"response", body.is_discarded() ? json(res->body) : body}}}};
    ctx.close(sub);
    ctx.print("external HTTP Request answered " + std::to_string(res->status));
    co_return ok({{"statusCode", 200}, {"body", res->body}});
  }

 private:
  std::string url_;
  double rate_;
  tracing::Rng rng_;
};

// dynamo: counts hits per path in the table.
class DynamoHandler final : public lambda::model::Handler {
 public:
  DynamoHandler(AwsClients& aws, std::string table) : aws_{aws}, table_{std::move(table)} {}

  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    auto path = sns_message(ctx.event);
    if (!path) co_return failed("event has no SNS message");
    auto& sub = ctx.open(ctx.invocation, "DynamoDB Query");
    sub.annotations["path"] = *path;
    sub.metadata = {{"default", {{"event", json::parse(ctx.event, nullptr, false)}}}};
    const std::string key = "path", counter = "hits";
    auto r = co_await aws_.dynamodb_add(ctx, sub, table_, key, *path, counter, 1);
    if (!r) {
      fail_subsegment(ctx, sub, r.error().message);
      co_return failed(r.error().message);
    }
    ctx.close(sub);
    ctx.print("hits for " + *path + " = " + *r);
    co_return ok({{"statusCode", 200}, {"body", "hits: " + *r}});
  }

 private:
  AwsClients& aws_;
  std::string table_;
};

// sns_publish: publishes a fixed message to the second topic.
class SnsPublishHandler final : public lambda::model::Handler {
 public:
  SnsPublishHandler(AwsClients& aws, std::string topic_arn) : aws_{aws}, topic_arn_{std::move(topic_arn)} {}

  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    auto& sub = ctx.open(ctx.invocation, "SNS Publish Logic");
    const std::string message = "Simulated Message";
    const std::map<std::string, std::string> no_attributes;
    auto r = co_await aws_.sns_publish(ctx, sub, topic_arn_, message, no_attributes);
    if (!r) {
      fail_subsegment(ctx, sub, r.error().message);
      co_return failed(r.error().message);
    }
    ctx.close(sub);
    ctx.print("published message " + *r);
    co_return ok({{"statusCode", 200}, {"body", "published " + *r}});
  }

 private:
  AwsClients& aws_;
  std::string topic_arn_;
};

// sns_subscribe: logs what the second topic delivered.
class SnsSubscribeHandler final : public lambda::model::Handler {
 public:
  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    auto message = sns_message(ctx.event);
    if (!message) co_return failed("event has no SNS message");
    auto& sub = ctx.open(ctx.invocation, "process_message");
    sub.annotations["message_content"] = *message;
    ctx.print("received message: " + *message);
    ctx.close(sub);
    co_return ok({{"statusCode", 200}});
  }
};

// sqs: forwards the path to the queue, delayed by a second.
class SqsHandler final : public lambda::model::Handler {
 public:
  SqsHandler(AwsClients& aws, std::string queue_url) : aws_{aws}, queue_url_{std::move(queue_url)} {}

  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    auto path = sns_message(ctx.event);
    if (!path) co_return failed("event has no SNS message");
    auto& sub = ctx.open(ctx.invocation, "SQS Logic");
    const std::string body = "hello from " + *path;
    auto r = co_await aws_.sqs_send(ctx, sub, queue_url_, body, 1);
    if (!r) {
      fail_subsegment(ctx, sub, r.error().message);
      co_return failed(r.error().message);
    }
    ctx.close(sub);
    ctx.print("sent message " + *r);
    co_return ok({{"statusCode", 200}});
  }

 private:
  AwsClients& aws_;
  std::string queue_url_;
};

// sqs_subscribe: logs each message of the batch.
class SqsSubscribeHandler final : public lambda::model::Handler {
 public:
  asio::awaitable<HandlerResult> handle(InvocationContext& ctx) override {
    auto j = json::parse(ctx.event, nullptr, false);
    if (j.is_discarded() || !j.contains("Records") || !j["Records"].is_array()) co_return failed("event has no SQS records");
    for (const auto& r : j["Records"]) {
      auto& sub = ctx.open(ctx.invocation, "Logging SQS Message");
      sub.metadata = {{"default", {{"message", r.value("body", "")}}}};
      ctx.print("message: " + r.value("body", ""));
      ctx.close(sub);
    }
    co_return ok({{"statusCode", 200}});
  }
};

Result<std::string> need(const HandlerSettings& s, const char* key) {
  auto it = s.env.find(key);
  if (it == s.env.end() || it->second.empty()) return tracing::Error{"handler '" + s.id + "' needs environment variable " + key};
  return tracing::success(it->second);
}

}  // namespace

std::vector<std::string> builtin_handler_ids() { return {"http", "dynamo", "sns_publish", "sns_subscribe", "sqs", "sqs_subscribe"}; }

Result<std::shared_ptr<lambda::model::Handler>> make_builtin_handler(const HandlerSettings& s, AwsClients& aws, tracing::Rng rng) {
  using Ptr = std::shared_ptr<lambda::model::Handler>;
  if (s.id == "http") {
    auto url = need(s, "TARGET_URL");
    if (!url) return url.error();
    return Ptr{std::make_shared<HttpHandler>(*url, s.ssl_failure_rate, std::move(rng))};
  }
  if (s.id == "dynamo") {
    auto table = need(s, "TABLE_NAME");
    if (!table) return table.error();
    return Ptr{std::make_shared<DynamoHandler>(aws, *table)};
  }
  if (s.id == "sns_publish") {
    auto topic = need(s, "TOPIC_ARN");
    if (!topic) return topic.error();
    return Ptr{std::make_shared<SnsPublishHandler>(aws, *topic)};
  }
  if (s.id == "sns_subscribe") return Ptr{std::make_shared<SnsSubscribeHandler>()};
  if (s.id == "sqs") {
    auto queue = need(s, "QUEUE_URL");
    if (!queue) return queue.error();
    return Ptr{std::make_shared<SqsHandler>(aws, *queue)};
  }
  if (s.id == "sqs_subscribe") return Ptr{std::make_shared<SqsSubscribeHandler>()};
  return tracing::Error{"unknown built-in handler '" + s.id + "'"};
}

}  // namespace localray::functions
