#include "services/sns/model/topic.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <mutex>
#include <set>
#include <string_view>
#include <utility>

#include "services/sns/model/limits.hpp"

namespace localray::sns::model {
namespace {

// Attributes SNS accepts on a standard topic that change nothing in localray: kept and answered.
bool is_stored_topic_attribute(std::string_view name) {
  static const std::set<std::string, std::less<>> names = [] {
    std::set<std::string, std::less<>> s{"Policy", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion", "ArchivePolicy"};
    for (std::string_view p : {"Application", "HTTP", "Firehose", "Lambda", "SQS"}) {
      s.insert(std::string{p} + "SuccessFeedbackRoleArn");
      s.insert(std::string{p} + "SuccessFeedbackSampleRate");
      s.insert(std::string{p} + "FailureFeedbackRoleArn");
    }
    return s;
  }();
  return names.contains(name);
}

// Subscription attributes localray keeps without acting on them.
bool is_stored_subscription_attribute(std::string_view name) {
  return name == "DeliveryPolicy" || name == "RedrivePolicy" || name == "SubscriptionRoleArn" || name == "ReplayPolicy" ||
         name == "FilterPolicyScope";
}

std::optional<TracingConfig> parse_tracing_config(std::string_view v) {
  if (v == "PassThrough") return TracingConfig::PassThrough;
  if (v == "Active") return TracingConfig::Active;
  return std::nullopt;
}

// Why a topic attribute is refused, worded as SNS words the part after "Invalid parameter: ".
std::optional<std::string> topic_attribute_problem(const std::string& name, const std::string& value) {
  if (name == "DisplayName" || is_stored_topic_attribute(name)) return std::nullopt;
  if (name == "TracingConfig")
    return parse_tracing_config(value) ? std::nullopt
                                       : std::optional<std::string>{"TracingConfig: Invalid value [" + value + "]. Must be PassThrough or Active"};
  return "AttributeName";
}

std::size_t arn_elements(std::string_view arn) { return static_cast<std::size_t>(std::count(arn.begin(), arn.end(), ':')) + 1; }

// SNS's checks before a lookup: an ARN has at least six elements; a topic ARN exactly six, a
// subscription ARN seven (topic ARN + ":" + id).
Result<void> check_arn(std::string_view arn, std::string_view parameter, std::size_t elements) {
  std::size_t n = arn_elements(arn);
  if (arn.rfind("arn:", 0) != 0 || n < 6)
    return Error{Code::InvalidParameter, "Invalid parameter: " + std::string{parameter} +
                                             " Reason: An ARN must have at least 6 elements, not " + std::to_string(n)};
  if (n != elements)
    return Error{Code::InvalidParameter,
                 elements == 7 ? std::string{"Invalid parameter: SubscriptionId"} : "Invalid parameter: " + std::string{parameter}};
  return {};
}

std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return out;
}

Error invalid_value(std::string message) { return Error{Code::ParameterValueInvalid, std::move(message)}; }

Result<void> validate_attribute_name(const std::string& name) {
  if (name.size() > kMaxAttributeNameBytes) return invalid_value("Length of message attribute name must be less than 256 bytes.");
  if (name.empty()) return invalid_value("The message attribute name must not be empty.");
  if (name.front() == '.') return invalid_value("Invalid message attribute name starting with character '.' was found.");
  if (name.back() == '.') return invalid_value("Invalid message attribute name ending with character '.' was found.");
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') {
      static const char* hex = "0123456789ABCDEF";
      std::string code = c >= 16 ? std::string{hex[c >> 4], hex[c & 15]} : std::string{hex[c]};
      return invalid_value("Invalid non-alphanumeric character '#x" + code +
                           "' was found in the message attribute name. Can only include alphanumeric characters, hyphens, "
                           "underscores, or dots.");
    }
    if (c == '.' && name[i - 1] == '.') return invalid_value("Message attribute name can not have successive '.' character.");
  }
  return {};
}

bool valid_batch_entry_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxBatchEntryIdChars &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

bool same_policy(const std::optional<FilterPolicy>& a, const std::optional<FilterPolicy>& b) {
  return a.has_value() == b.has_value() && (!a || a->source == b->source);
}

}  // namespace

Backend::Backend(tracing::Tracer tracer, std::string region, std::string account)
    : t_{tracer}, region_{std::move(region)}, account_{std::move(account)} {}

std::string Backend::topic_arn(const std::string& name) const { return "arn:aws:sns:" + region_ + ":" + account_ + ":" + name; }

// The const lookups do the work; the non-const ones only hand out the same element as mutable.
Result<const Backend::Topic*> Backend::find_topic(const std::string& topic_arn) const {
  if (auto ok = check_arn(topic_arn, "TopicArn", 6); !ok) return ok.error();
  auto it = topics_.find(topic_arn);
  if (it == topics_.end()) return Error{Code::NotFound, "Topic does not exist"};
  return &it->second;
}

Result<Backend::Topic*> Backend::find_topic(const std::string& topic_arn) {
  auto t = std::as_const(*this).find_topic(topic_arn);
  if (!t) return t.error();
  return const_cast<Topic*>(*t);
}

Result<const Subscription*> Backend::find_subscription(const std::string& subscription_arn) const {
  if (auto ok = check_arn(subscription_arn, "SubscriptionArn", 7); !ok) return ok.error();
  auto topic = topics_.find(subscription_arn.substr(0, subscription_arn.rfind(':')));
  if (topic != topics_.end())
    for (const auto& s : topic->second.subscriptions)
      if (s.arn == subscription_arn) return &s;
  return Error{Code::NotFound, "Subscription does not exist"};
}

Result<Subscription*> Backend::find_subscription(const std::string& subscription_arn) {
  auto s = std::as_const(*this).find_subscription(subscription_arn);
  if (!s) return s.error();
  return const_cast<Subscription*>(*s);
}

Result<std::string> Backend::create_topic(const std::string& name) { return create_topic(name, {}, {}); }

Result<std::string> Backend::create_topic(const std::string& name, const std::map<std::string, std::string>& attributes,
                                          const Tags& tags) {
  bool valid = !name.empty() && name.size() <= kMaxTopicNameChars &&
               std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
  if (!valid)
    return Error{Code::InvalidParameter,
                 "Invalid parameter: Topic Name must be made up of only uppercase and lowercase ASCII letters, numbers, "
                 "underscores, and hyphens, and must be between 1 and 256 characters long."};
  std::map<std::string, std::string> settable;
  for (const auto& [k, v] : attributes) {
    if (k == "FifoTopic") {
      if (v == "true" || v == "True")
        return Error{Code::InvalidParameter, "Invalid parameter: Attributes Reason: FifoTopic: localray emulates standard topics only"};
      continue;  // SNS does not keep an explicit FifoTopic=false either
    }
    if (auto problem = topic_attribute_problem(k, v)) return Error{Code::InvalidParameter, "Invalid parameter: Attributes Reason: " + *problem};
    settable.emplace(k, v);
  }
  std::string arn = topic_arn(name);
  std::unique_lock lock{mutex_};
  if (auto it = topics_.find(arn); it != topics_.end()) {
    const Topic& t = it->second;
    for (const auto& [k, v] : settable) {
      std::string current = k == "DisplayName"     ? t.display_name
                            : k == "TracingConfig" ? (t.tracing_config == TracingConfig::Active ? "Active" : "PassThrough")
                            : t.stored_attributes.contains(k) ? t.stored_attributes.at(k)
                                                              : std::string{};
      if (current != v)
        return Error{Code::InvalidParameter, "Invalid parameter: Attributes Reason: Topic already exists with different attributes"};
    }
    for (const auto& [k, v] : tags)
      if (auto tag = t.tags.find(k); tag == t.tags.end() || tag->second != v)
        return Error{Code::InvalidParameter, "Invalid parameter: Tags Reason: Topic already exists with different tags"};
    return arn;
  }
  Topic t{name, arn, {}};
  t.tags = tags;
  for (const auto& [k, v] : settable) {
    if (k == "DisplayName") t.display_name = v;
    else if (k == "TracingConfig") t.tracing_config = *parse_tracing_config(v);
    else t.stored_attributes[k] = v;
  }
  topics_.emplace(arn, std::move(t));
  return arn;
}

Result<void> Backend::delete_topic(const std::string& topic_arn) {
  std::unique_lock lock{mutex_};
  auto t = find_topic(topic_arn);
  if (!t && t.error().code != Code::NotFound) return t.error();
  topics_.erase(topic_arn);
  return {};
}

Result<TopicDescription> Backend::get_topic_attributes(const std::string& topic_arn) const {
  std::shared_lock lock{mutex_};
  auto found = find_topic(topic_arn);
  if (!found) return found.error();
  const Topic& t = **found;
  TopicDescription d;
  d.arn = t.arn;
  d.name = t.name;
  d.owner = account_;
  d.display_name = t.display_name;
  d.tracing_config = t.tracing_config;
  d.stored_attributes = t.stored_attributes;
  d.subscriptions_confirmed = t.subscriptions.size();
  d.subscriptions_deleted = t.subscriptions_deleted;
  d.tags = t.tags;
  return d;
}

Result<void> Backend::set_topic_attribute(const std::string& topic_arn, const std::string& name, const std::string& value) {
  std::unique_lock lock{mutex_};
  auto found = find_topic(topic_arn);
  if (!found) return found.error();
  if (auto problem = topic_attribute_problem(name, value)) return Error{Code::InvalidParameter, "Invalid parameter: " + *problem};
  Topic& t = **found;
  if (name == "DisplayName") t.display_name = value;
  else if (name == "TracingConfig") t.tracing_config = *parse_tracing_config(value);
  else t.stored_attributes[name] = value;
  return {};
}

Result<std::string> Backend::subscribe(const std::string& topic_arn, std::string protocol, std::string endpoint,
                                       std::shared_ptr<Subscriber> target, bool raw_message_delivery) {
  // The original contract: an existing subscription of the endpoint is returned as it is.
  {
    std::shared_lock lock{mutex_};
    auto found = find_topic(topic_arn);
    if (!found) return found.error();
    for (const auto& s : (*found)->subscriptions)
      if (s.protocol == protocol && s.endpoint == endpoint) return s.arn;
  }
  return add_subscription(
      SubscribeRequest{topic_arn, std::move(protocol), std::move(endpoint), raw_message_delivery, std::nullopt, {}}, std::move(target));
}

Result<std::string> Backend::subscribe(SubscribeRequest request, std::shared_ptr<Subscriber> target) {
  if (request.raw_message_delivery.value_or(false) && request.protocol == "lambda")
    return Error{Code::InvalidParameter, "Invalid parameter: Attributes Reason: Delivery protocol [lambda] does not support raw message delivery."};
  return add_subscription(std::move(request), std::move(target));
}

Result<std::string> Backend::add_subscription(SubscribeRequest request, std::shared_ptr<Subscriber> target) {
  std::unique_lock lock{mutex_};
  auto found = find_topic(request.topic_arn);
  if (!found) return found.error();
  Topic& topic = **found;
  for (const auto& s : topic.subscriptions) {
    if (s.protocol != request.protocol || s.endpoint != request.endpoint) continue;
    bool same = (!request.raw_message_delivery || *request.raw_message_delivery == s.raw_message_delivery) &&
                (!request.filter_policy || same_policy(request.filter_policy, s.filter_policy)) &&
                std::all_of(request.stored_attributes.begin(), request.stored_attributes.end(), [&](const auto& kv) {
                  auto it = s.stored_attributes.find(kv.first);
                  return it != s.stored_attributes.end() && it->second == kv.second;
                });
    if (!same)
      return Error{Code::InvalidParameter, "Invalid parameter: Attributes Reason: Subscription already exists with different attributes"};
    return s.arn;  // AWS answers with the existing one
  }
  Subscription s{topic.arn + ":" + t_.ids.uuid(), topic.arn, std::move(request.protocol), std::move(request.endpoint),
                 request.raw_message_delivery.value_or(false), std::move(target)};
  s.filter_policy = std::move(request.filter_policy);
  s.stored_attributes = std::move(request.stored_attributes);
  topic.subscriptions.push_back(s);
  return s.arn;
}

Result<void> Backend::unsubscribe(const std::string& subscription_arn) {
  std::unique_lock lock{mutex_};
  auto found = find_subscription(subscription_arn);
  if (!found) return found.error().code == Code::NotFound ? Result<void>{} : Result<void>{found.error()};
  Topic& topic = topics_.at((*found)->topic_arn);
  std::erase_if(topic.subscriptions, [&](const Subscription& s) { return s.arn == subscription_arn; });
  ++topic.subscriptions_deleted;
  return {};
}

Result<Subscription> Backend::get_subscription(const std::string& subscription_arn) const {
  std::shared_lock lock{mutex_};
  auto found = find_subscription(subscription_arn);
  if (!found) return found.error();
  return **found;
}

Result<void> Backend::set_raw_message_delivery(const std::string& subscription_arn, bool raw) {
  std::unique_lock lock{mutex_};
  auto found = find_subscription(subscription_arn);
  if (!found) return found.error();
  if (raw && (*found)->protocol == "lambda")
    return Error{Code::InvalidParameter, "Invalid parameter: Delivery protocol [lambda] does not support raw message delivery."};
  (*found)->raw_message_delivery = raw;
  return {};
}

Result<void> Backend::set_filter_policy(const std::string& subscription_arn, std::optional<FilterPolicy> policy) {
  std::unique_lock lock{mutex_};
  auto found = find_subscription(subscription_arn);
  if (!found) return found.error();
  (*found)->filter_policy = std::move(policy);
  return {};
}

Result<void> Backend::set_stored_subscription_attribute(const std::string& subscription_arn, const std::string& name, std::string value) {
  std::unique_lock lock{mutex_};
  auto found = find_subscription(subscription_arn);
  if (!found) return found.error();
  if (!is_stored_subscription_attribute(name)) return Error{Code::InvalidParameter, "Invalid parameter: AttributeName"};
  (*found)->stored_attributes[name] = std::move(value);
  return {};
}

std::size_t publish_size(const PublishRequest& request) {
  std::size_t size = request.message.size();
  for (const auto& [protocol, message] : request.protocol_messages) size += message.size();
  for (const auto& [name, attr] : request.attributes) size += name.size() + attr.data_type.size() + attr.value.size();
  return size;
}

Result<void> validate_publish(const PublishRequest& request) {
  for (const auto& [name, attr] : request.attributes) {
    if (auto ok = validate_attribute_name(name); !ok) return ok.error();
    if (attr.data_type != "String" && attr.data_type != "String.Array" && attr.data_type != "Number" &&
        attr.data_type != "Binary" && attr.data_type.rfind("String.", 0) != 0 && attr.data_type.rfind("Number.", 0) != 0 &&
        attr.data_type.rfind("Binary.", 0) != 0)
      return invalid_value("The message attribute '" + name +
                           "' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
    if (attr.value.empty())
      return invalid_value("The message attribute '" + name + "' must contain non-empty message attribute value for message attribute type '" +
                           attr.data_type + "'.");
    if (attr.data_type.rfind("Number", 0) == 0 && !parse_number(attr.value))
      return invalid_value("Could not cast message attribute '" + name + "' value to number.");
  }
  if (request.message.empty()) return Error{Code::InvalidParameter, "Invalid parameter: Empty message"};
  if (publish_size(request) > kMaxMessageBytes) return Error{Code::InvalidParameter, "Invalid parameter: Message too long"};
  if (request.subject && (request.subject->empty() || request.subject->size() > kMaxSubjectChars))
    return Error{Code::InvalidParameter, "Invalid parameter: Subject"};
  return {};
}

Result<PublishReceipt> Backend::publish(const PublishRequest& request, const std::optional<tracing::TraceHeader>& ctx) {
  if (auto v = validate_publish(request); !v) return v.error();
  std::string message_id = t_.ids.uuid();
  if (auto r = deliver(request, message_id, ctx); !r) return r.error();
  return PublishReceipt{std::move(message_id)};
}

Result<void> Backend::deliver(const PublishRequest& request, const std::string& message_id, const std::optional<tracing::TraceHeader>& ctx) {
  std::vector<Subscription> targets;
  std::string topic_name;
  {
    std::shared_lock lock{mutex_};
    auto found = find_topic(request.topic_arn);
    if (!found) return found.error();
    targets = (*found)->subscriptions;
    topic_name = (*found)->name;
  }
  auto now = t_.clock.now();
  Notification n{message_id, request.topic_arn, request.subject, request.message, now, request.attributes};

  tracing::SamplingRequest sampling;
  sampling.service_name = topic_name;
  sampling.service_type = "AWS::SNS::Topic";
  sampling.resource_arn = request.topic_arn;
  tracing::TraceHeader trace = t_.sampler.enter(ctx, sampling);
  tracing::Segment seg;
  seg.name = topic_name;
  seg.id = t_.ids.segment_id();
  seg.trace_id = trace.root;
  seg.parent_id = trace.parent;
  seg.origin = "AWS::SNS::Topic";
  seg.resource_arn = request.topic_arn;
  seg.start_time = tracing::epoch_seconds(now);
  seg.aws = {{"operation", "Publish"}, {"topic_arn", request.topic_arn}, {"message_id", n.message_id}};
  for (const auto& s : targets) {
    // A filtered-out subscription gets nothing, so it gets no delivery subsegment either.
    if (s.filter_policy && !s.filter_policy->matches(request.attributes)) continue;
    auto own = request.protocol_messages.find(s.protocol);
    n.message = own != request.protocol_messages.end() ? own->second : request.message;
    auto& delivery = seg.add_subsegment(s.target->service(), t_.ids.segment_id(), tracing::epoch_seconds(t_.clock.now()));
    delivery.namespace_ = "aws";
    delivery.aws = {{"operation", s.target->operation()}, {"subscription_arn", s.arn}};
    s.target->describe_target(delivery.aws);
    s.target->deliver(n, s, trace.child(delivery.id));
    delivery.end_time = tracing::epoch_seconds(t_.clock.now());
  }
  seg.end_time = tracing::epoch_seconds(t_.clock.now());
  if (trace.is_sampled()) t_.sink.record(std::move(seg));
  return {};
}

Result<PublishBatchReceipt> Backend::publish_batch(const std::string& topic_arn, const std::vector<PublishBatchEntry>& entries,
                                                   const std::optional<tracing::TraceHeader>& ctx) {
  if (entries.empty()) return Error{Code::EmptyBatchRequest, "The batch request doesn't contain any entries."};
  if (entries.size() > kMaxBatchEntries)
    return Error{Code::TooManyEntriesInBatchRequest, "The batch request contains more entries than permissible."};
  {
    std::shared_lock lock{mutex_};
    if (auto found = find_topic(topic_arn); !found) return found.error();
  }
  std::set<std::string_view> ids;
  for (const auto& e : entries)
    if (!ids.insert(e.id).second) return Error{Code::BatchEntryIdsNotDistinct, "Two or more batch entries in the request have the same Id."};
  for (const auto& e : entries)
    if (!valid_batch_entry_id(e.id))
      return Error{Code::InvalidBatchEntryId, "The Id of a batch entry in a batch request doesn't abide by the specification."};

  PublishBatchReceipt receipt;
  std::vector<std::pair<const PublishBatchEntry*, PublishRequest>> accepted;
  std::size_t total = 0;
  for (const auto& e : entries) {
    PublishRequest r = e.request;
    r.topic_arn = topic_arn;
    if (auto v = validate_publish(r); !v) {
      receipt.failed.push_back({e.id, v.error(), true});
      continue;
    }
    total += publish_size(r);
    accepted.emplace_back(&e, std::move(r));
  }
  if (total > kMaxMessageBytes) return Error{Code::BatchRequestTooLong, "The length of all the messages put together is more than the limit."};
  for (const auto& [e, r] : accepted) {
    std::string message_id = t_.ids.uuid();
    if (auto d = deliver(r, message_id, ctx); !d) receipt.failed.push_back({e->id, d.error(), d.error().code != Code::NotFound});
    else receipt.successful.push_back({e->id, std::move(message_id)});
  }
  return receipt;
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

std::vector<Subscription> Backend::list_subscriptions() const {
  std::shared_lock lock{mutex_};
  std::vector<Subscription> out;
  for (const auto& [arn, t] : topics_) out.insert(out.end(), t.subscriptions.begin(), t.subscriptions.end());
  return out;
}

Result<std::vector<Subscription>> Backend::list_subscriptions_by_topic(const std::string& topic_arn) const {
  std::shared_lock lock{mutex_};
  auto found = find_topic(topic_arn);
  if (!found) return found.error();
  return (*found)->subscriptions;
}

}  // namespace localray::sns::model
