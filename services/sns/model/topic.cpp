#include "services/sns/model/topic.hpp"

#include <algorithm>
#include <mutex>

#include "services/sns/model/limits.hpp"

namespace localray::sns::model {

Backend::Backend(const tracing::Clock& clock, tracing::IdGenerator& ids, tracing::SegmentSink& sink, std::string region,
                 std::string account)
    : clock_{clock}, ids_{ids}, sink_{sink}, region_{std::move(region)}, account_{std::move(account)} {}

std::string Backend::topic_arn(const std::string& name) const { return "arn:aws:sns:" + region_ + ":" + account_ + ":" + name; }

Result<std::string> Backend::create_topic(const std::string& name) {
  bool valid = !name.empty() && name.size() <= kMaxTopicNameChars &&
               std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
  if (!valid)
    return Error{Code::InvalidParameter,
                 "Invalid parameter: Topic Name must be made up of only uppercase and lowercase ASCII letters, numbers, "
                 "underscores, and hyphens, and must be between 1 and 256 characters long."};
  std::string arn = topic_arn(name);
  std::unique_lock lock{mutex_};
  topics_.try_emplace(arn, Topic{name, arn, {}});
  return arn;
}

Result<std::string> Backend::subscribe(const std::string& topic_arn, std::string protocol, std::string endpoint,
                                       std::shared_ptr<Subscriber> target, bool raw_message_delivery) {
  std::unique_lock lock{mutex_};
  auto it = topics_.find(topic_arn);
  if (it == topics_.end()) return Error{Code::NotFound, "Topic does not exist"};
  for (const auto& s : it->second.subscriptions)
    if (s.protocol == protocol && s.endpoint == endpoint) return s.arn;  // AWS answers with the existing one
  Subscription s{topic_arn + ":" + ids_.uuid(), topic_arn, std::move(protocol), std::move(endpoint), raw_message_delivery,
                 std::move(target)};
  it->second.subscriptions.push_back(s);
  return s.arn;
}

Result<void> validate_publish(const PublishRequest& request) {
  std::size_t size = request.message.size();
  for (const auto& [name, attr] : request.attributes) {
    size += name.size() + attr.data_type.size() + attr.value.size();
    if (attr.data_type != "String" && attr.data_type != "String.Array" && attr.data_type != "Number" &&
        attr.data_type != "Binary" && attr.data_type.rfind("String.", 0) != 0 && attr.data_type.rfind("Number.", 0) != 0 &&
        attr.data_type.rfind("Binary.", 0) != 0)
      return Error{Code::InvalidParameter, "Invalid parameter: The message attribute '" + name +
                                               "' has an invalid message attribute type, the set of supported type prefixes is "
                                               "Binary, Number, and String."};
    if (attr.value.empty())
      return Error{Code::InvalidParameter,
                   "Invalid parameter: The message attribute '" + name + "' must contain non-empty message attribute value for message attribute type '" +
                       attr.data_type + "'."};
  }
  if (request.message.empty()) return Error{Code::InvalidParameter, "Invalid parameter: Empty message"};
  if (size > kMaxMessageBytes) return Error{Code::InvalidParameter, "Invalid parameter: Message too long"};
  if (request.subject && (request.subject->empty() || request.subject->size() > kMaxSubjectChars))
    return Error{Code::InvalidParameter, "Invalid parameter: Subject"};
  return {};
}

Result<PublishReceipt> Backend::publish(const PublishRequest& request, const std::optional<tracing::TraceHeader>& ctx) {
  if (auto v = validate_publish(request); !v) return v.error();
  std::vector<Subscription> targets;
  std::string topic_name;
  {
    std::shared_lock lock{mutex_};
    auto it = topics_.find(request.topic_arn);
    if (it == topics_.end()) return Error{Code::NotFound, "Topic does not exist"};
    targets = it->second.subscriptions;
    topic_name = it->second.name;
  }
  auto now = clock_.now();
  Notification n{ids_.uuid(), request.topic_arn, request.subject, request.message, now, request.attributes};

  tracing::TraceHeader trace = ctx ? *ctx : tracing::TraceHeader{ids_.trace_id(), "", tracing::Sampled::Yes, {}};
  tracing::Segment seg;
  seg.name = topic_name;
  seg.id = ids_.segment_id();
  seg.trace_id = trace.root;
  seg.parent_id = trace.parent;
  seg.origin = "AWS::SNS::Topic";
  seg.resource_arn = request.topic_arn;
  seg.start_time = tracing::epoch_seconds(now);
  seg.aws = {{"operation", "Publish"}, {"topic_arn", request.topic_arn}, {"message_id", n.message_id}};
  for (const auto& s : targets) {
    auto& delivery = seg.add_subsegment(s.target->service(), ids_.segment_id(), tracing::epoch_seconds(clock_.now()));
    delivery.namespace_ = "aws";
    delivery.aws = {{"operation", s.target->operation()}, {"subscription_arn", s.arn}};
    s.target->describe_target(delivery.aws);
    s.target->deliver(n, s, trace.child(delivery.id));
    delivery.end_time = tracing::epoch_seconds(clock_.now());
  }
  seg.end_time = tracing::epoch_seconds(clock_.now());
  if (trace.is_sampled()) sink_.record(std::move(seg));
  return PublishReceipt{n.message_id};
}

std::vector<std::string> Backend::topic_arns() const {
  std::shared_lock lock{mutex_};
  std::vector<std::string> out;
  for (const auto& [arn, t] : topics_) out.push_back(arn);
  return out;
}

std::vector<Subscription> Backend::subscriptions(const std::string& topic_arn) const {
  std::shared_lock lock{mutex_};
  auto it = topics_.find(topic_arn);
  return it == topics_.end() ? std::vector<Subscription>{} : it->second.subscriptions;
}

}  // namespace localray::sns::model
