#include "emulator/uninstrumented_calls.hpp"

#include <nlohmann/json.hpp>

#include "http/form.hpp"

namespace localray::emulator {

using nlohmann::json;

namespace {

std::string json_member(const std::string& body, const char* name) {
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_object())
    if (auto it = doc.find(name); it != doc.end() && it->is_string()) return it->get<std::string>();
  return {};
}

std::string form_member(const http::FormFields& form, std::string_view name) {
  for (const auto& [k, v] : form)
    if (k == name) return v;
  return {};
}

std::string target_operation(const http::Request& r) {
  auto target = r.headers.get("X-Amz-Target");
  auto dot = target.rfind('.');
  return dot == std::string_view::npos ? std::string{} : std::string{target.substr(dot + 1)};
}

}  // namespace

std::optional<AwsCallDescription> describe_aws_call(const http::Request& r, const Routed& routed) {
  switch (routed.service) {
    case Service::DynamoDB: return AwsCallDescription{"DynamoDB", target_operation(r), "table_name", json_member(r.body, "TableName")};
    case Service::DynamoDBStreams:
      return AwsCallDescription{"DynamoDBStreams", target_operation(r), "stream_arn", json_member(r.body, "StreamArn")};
    case Service::SqsJson: return AwsCallDescription{"SQS", target_operation(r), "queue_url", json_member(r.body, "QueueUrl")};
    case Service::SqsQuery:
      return AwsCallDescription{"SQS", form_member(routed.form, "Action"), "queue_url", form_member(routed.form, "QueueUrl")};
    case Service::Sns: {
      auto topic = form_member(routed.form, "TopicArn");
      if (topic.empty()) topic = form_member(routed.form, "TargetArn");
      return AwsCallDescription{"SNS", form_member(routed.form, "Action"), "topic_arn", topic};
    }
    case Service::CloudFormation:
    case Service::Unknown: break;
  }
  // Lambda's REST paths: /2015-03-31/functions/{name}/invocations is Invoke.
  constexpr std::string_view prefix = "/2015-03-31/functions/";
  if (r.path.starts_with(prefix)) {
    std::string_view rest{r.path};
    rest.remove_prefix(prefix.size());
    auto slash = rest.find('/');
    auto name = http::percent_decode(rest.substr(0, slash), false).value_or(std::string{rest.substr(0, slash)});
    auto what = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    std::string op = what == "invocations" ? "Invoke" : what == "configuration" ? "GetFunctionConfiguration" : r.method == "GET" ? "GetFunction" : "";
    if (!op.empty()) return AwsCallDescription{"Lambda", op, "function_name", name};
  }
  return std::nullopt;
}

std::optional<UninstrumentedCall> UninstrumentedCall::begin(const tracing::OpenInvocations& runs, http::CallContext& call,
                                                            tracing::IdGenerator& ids, const tracing::Clock& clock) {
  if (!call.trace || call.trace->parent.empty() || !call.trace->is_sampled()) return std::nullopt;
  auto run = runs.find(call.trace->parent);
  if (!run) return std::nullopt;
  UninstrumentedCall c;
  c.sub_.id = ids.segment_id();
  c.sub_.trace_id = call.trace->root;
  c.sub_.parent_id = call.trace->parent;
  c.sub_.type = "subsegment";
  c.sub_.namespace_ = "aws";
  c.sub_.start_time = tracing::epoch_seconds(clock.now());
  c.sub_.aws = {{"region", call.region}, {"retries", 0}};
  call.trace = call.trace->child(c.sub_.id);
  return c;
}

void UninstrumentedCall::finish(const AwsCallDescription& what, const http::Response& response, tracing::SegmentSink& sink,
                                tracing::IdGenerator& ids, const tracing::Clock& clock) {
  sub_.name = what.service;
  sub_.end_time = tracing::epoch_seconds(clock.now());
  sub_.aws["operation"] = what.operation;
  if (!what.resource.empty()) {
    sub_.aws[what.resource_field] = what.resource;
    sub_.aws["resource_names"] = {what.resource};
  }
  if (auto id = response.headers.get("x-amzn-RequestId"); !id.empty()) sub_.aws["request_id"] = std::string{id};
  sub_.http = {{"response", {{"status", response.status}}}};
  if (response.status == 429) sub_.throttle = true;
  if (response.status >= 400 && response.status < 500) sub_.error = true;
  if (response.status >= 500) sub_.fault = true;
  if (response.status >= 400) {
    std::string type{response.headers.get("x-amzn-ErrorType")};
    if (type.empty()) type = json_member(response.body, "__type");
    if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
    if (auto colon = type.find(':'); colon != std::string::npos) type = type.substr(0, colon);
    std::string message = json_member(response.body, "message");
    if (message.empty()) message = json_member(response.body, "Message");
    json ex = {{"id", ids.segment_id()}, {"message", message}, {"type", type}, {"remote", true}};
    sub_.cause = {{"exceptions", json::array({ex})}};
  }
  sink.record(std::move(sub_));
}

}  // namespace localray::emulator
