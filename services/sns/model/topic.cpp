#include "services/sns/model/topic.hpp"

#include <algorithm>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "services/sns/model/delivery_policy.hpp"
#include "services/sns/model/limits.hpp"
#include "services/sns/model/platform.hpp"

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

// Unsubscribed http/https subscriptions kept for their UnsubscribeConfirmation's SubscribeURL.
constexpr std::size_t kMaxResubscribable = 100;

// A confirmation token as long as SNS's (288 hex digits); only its owner can guess it.
std::string confirmation_token(tracing::IdGenerator& ids) {
  std::string token;
  while (token.size() < 288)
    for (char c : ids.uuid())
      if (c != '-') token += c;
  token.resize(288);
  return token;
}

bool same_policy(const std::optional<FilterPolicy>& a, const std::optional<FilterPolicy>& b) {
  return a.has_value() == b.has_value() && (!a || a->source == b->source);
}

}  // namespace

Result<Topic> Topic::make(std::string name, std::string arn, std::string owner, const std::map<std::string, std::string>& attributes,
                          Tags tags) {
  Topic t{std::move(name), std::move(arn), std::move(owner)};
  t.tags_ = std::move(tags);
  if (auto f = attributes.find("FifoTopic"); f != attributes.end()) t.fifo_ = f->second == "true" || f->second == "True";
  for (const auto& [k, v] : attributes) {
    if (k == "FifoTopic") continue;  // SNS does not keep an explicit FifoTopic=false either
    bool fifo_attribute = k == "ContentBasedDeduplication" || k == "FifoThroughputScope";
    if (auto problem = topic_attribute_problem(k, v); problem && !fifo_attribute)
      return Error{Code::InvalidParameter, "Invalid parameter: Attributes Reason: " + *problem};
    if (auto r = t.set_attribute(k, v); !r) return r.error();
  }
  return t;
}

std::string Topic::attribute(const std::string& name) const {
  if (name == "DisplayName") return display_name_;
  if (name == "TracingConfig") return tracing_config_ == TracingConfig::Active ? "Active" : "PassThrough";
  if (name == "ContentBasedDeduplication") return content_based_deduplication_ ? "true" : "false";
  if (name == "FifoThroughputScope") return per_group_deduplication_ ? "MessageGroup" : "Topic";
  auto it = stored_attributes_.find(name);
  return it != stored_attributes_.end() ? it->second : std::string{};
}

Result<void> Topic::check_same(const std::map<std::string, std::string>& attributes, const Tags& tags) const {
  for (const auto& [k, v] : attributes) {
    if (k == "FifoTopic") continue;
    // A DeliveryPolicy is kept normalised: the given one is compared in that form.
    std::string given = v;
    if (k == "DeliveryPolicy" && !v.empty())
      if (auto normal = normalise_topic_delivery_policy(v, "Invalid parameter: ")) given = std::move(*normal);
    if (attribute(k) != given)
      return Error{Code::InvalidParameter, "Invalid parameter: Attributes Reason: Topic already exists with different attributes"};
  }
  for (const auto& [k, v] : tags)
    if (auto tag = tags_.find(k); tag == tags_.end() || tag->second != v)
      return Error{Code::InvalidParameter, "Invalid parameter: Tags Reason: Topic already exists with different tags"};
  return {};
}

TopicDescription Topic::describe() const {
  TopicDescription d;
  d.arn = arn_;
  d.name = name_;
  d.owner = owner_;
  d.display_name = display_name_;
  d.tracing_config = tracing_config_;
  d.stored_attributes = stored_attributes_;
  d.data_protection_policy = data_protection_policy_;
  d.fifo = fifo_;
  d.content_based_deduplication = content_based_deduplication_;
  d.per_group_deduplication = per_group_deduplication_;
  d.subscriptions_pending = static_cast<std::size_t>(
      std::count_if(subscriptions_.begin(), subscriptions_.end(), [](const Subscription& s) { return s.pending_confirmation; }));
  d.subscriptions_confirmed = subscriptions_.size() - d.subscriptions_pending;
  d.subscriptions_deleted = subscriptions_deleted_;
  d.tags = tags_;
  return d;
}

Result<void> Topic::set_attribute(const std::string& name, const std::string& value) {
  if (name == "ContentBasedDeduplication" || name == "FifoThroughputScope") {
    if (!fifo_) return Error{Code::InvalidParameter, "Invalid parameter: Attributes Reason: " + name + " is only available for FIFO topics"};
    if (name == "ContentBasedDeduplication") {
      if (value != "true" && value != "false") return Error{Code::InvalidParameter, "Invalid parameter: ContentBasedDeduplication Reason: Invalid value [" + value + "]. Must be true or false."};
      content_based_deduplication_ = value == "true";
    } else {
      if (value != "Topic" && value != "MessageGroup") return Error{Code::InvalidParameter, "Invalid parameter: FifoThroughputScope Reason: Invalid value [" + value + "]. Must be Topic or MessageGroup."};
      per_group_deduplication_ = value == "MessageGroup";
    }
    return {};
  }
  if (auto problem = topic_attribute_problem(name, value)) return Error{Code::InvalidParameter, "Invalid parameter: " + *problem};
  if (name == "DisplayName") display_name_ = value;
  else if (name == "TracingConfig") tracing_config_ = *parse_tracing_config(value);
  else if (name == "DeliveryPolicy" && value.empty()) stored_attributes_.erase(name);
  else if (name == "DeliveryPolicy") {
    auto normal = normalise_topic_delivery_policy(value, "Invalid parameter: ");
    if (!normal) return normal.error();
    stored_attributes_[name] = std::move(*normal);
  } else stored_attributes_[name] = value;
  return {};
}

Result<void> Topic::check_fifo(const PublishRequest& request) const {
  if (!fifo_) {
    if (request.deduplication_id)
      return Error{Code::InvalidParameter, "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type"};
    return {};
  }
  if (!request.group_id) return Error{Code::InvalidParameter, "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"};
  if (!request.deduplication_id && !content_based_deduplication_)
    return Error{Code::InvalidParameter,
                 "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"};
  return {};
}

Result<Topic::Admission> Topic::admit(PublishRequest& request, std::string message_id, tracing::TimePoint now) {
  if (auto v = check_fifo(request); !v) return v.error();
  if (!fifo_) return Admission{PublishReceipt{std::move(message_id)}};
  if (!request.deduplication_id) request.deduplication_id = base::content_deduplication_id(request.message);
  auto key = base::deduplication_key(per_group_deduplication_, *request.group_id, *request.deduplication_id);
  if (auto earlier = deduplicated_.find(key, now)) return Admission{PublishReceipt{earlier->message_id, earlier->sequence_number}, true};
  last_sequence_ = base::next_sequence(last_sequence_, std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()));
  PublishReceipt receipt{std::move(message_id), base::sequence_number_text(last_sequence_)};
  deduplicated_.remember(key, base::Deduplicated{receipt.message_id, receipt.sequence_number}, now);
  return Admission{std::move(receipt)};
}

namespace {
bool body_scope(const std::map<std::string, std::string>& stored) {
  auto it = stored.find("FilterPolicyScope");
  return it != stored.end() && it->second == "MessageBody";
}
// Nested policy objects name paths in a JSON body: only scope MessageBody can read them.
Result<void> check_scope(const std::optional<FilterPolicy>& policy, bool body, std::string_view prefix) {
  if (policy && policy->nested && !body)
    return Error{Code::InvalidParameter, std::string{prefix} + "Filter policy scope MessageAttributes does not support nested filter policy"};
  return {};
}
}  // namespace

Result<std::string> Topic::subscribe(SubscribeRequest request, std::shared_ptr<Subscriber> target, tracing::IdGenerator& ids,
                                     tracing::TimePoint now) {
  if (auto v = check_scope(request.filter_policy, body_scope(request.stored_attributes), "Invalid parameter: Attributes Reason: "); !v)
    return v.error();
  if (fifo_ && request.protocol != "sqs") return Error{Code::InvalidParameter, "Invalid parameter: Invalid protocol type: " + request.protocol};
  if (!fifo_ && request.protocol == "sqs" && request.endpoint.ends_with(".fifo"))
    return Error{Code::InvalidParameter, "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"};
  if (auto v = check_dead_letter_queue(request.dead_letter_target_arn.value_or(""), "Invalid parameter: Attributes Reason: "); !v) return v.error();
  if (request.raw_message_delivery.value_or(false) && request.protocol == "lambda")
    return Error{Code::InvalidParameter, "Invalid parameter: Attributes Reason: Delivery protocol [lambda] does not support raw message delivery."};
  for (const auto& s : subscriptions_) {
    if (s.protocol != request.protocol || s.endpoint != request.endpoint) continue;
    bool same = (!request.raw_message_delivery || *request.raw_message_delivery == s.raw_message_delivery) &&
                (!request.filter_policy || same_policy(request.filter_policy, s.filter_policy)) &&
                std::all_of(request.stored_attributes.begin(), request.stored_attributes.end(), [&](const auto& kv) {
                  auto it = s.stored_attributes.find(kv.first);
                  return it != s.stored_attributes.end() && it->second == kv.second;
                });
    if (!same)
      return Error{Code::InvalidParameter, "Invalid parameter: Attributes Reason: Subscription already exists with different attributes"};
    // AWS answers with the existing one, and asks a pending one to confirm again.
    if (s.pending_confirmation) s.target->request_confirmation(s, confirmation_message(s.confirmation_token, ids, now));
    return s.arn;
  }
  Subscription s{arn_ + ":" + ids.uuid(), arn_, std::move(request.protocol), std::move(request.endpoint),
                 request.raw_message_delivery.value_or(false), std::move(target)};
  s.filter_policy = std::move(request.filter_policy);
  s.stored_attributes = std::move(request.stored_attributes);
  s.dead_letter_target_arn = request.dead_letter_target_arn.value_or("");
  if (s.target->needs_confirmation()) {
    s.pending_confirmation = true;
    s.confirmation_token = confirmation_token(ids);
  }
  subscriptions_.push_back(s);
  if (s.pending_confirmation) s.target->request_confirmation(s, confirmation_message(s.confirmation_token, ids, now));
  return s.arn;
}

Result<void> Topic::tag(const Tags& tags) {
  Tags next = tags_;
  for (const auto& [k, v] : tags) next[k] = v;
  if (next.size() > kMaxTags) return Error{Code::TagLimitExceeded, "Could not complete request: tag quota of per resource exceeded"};
  tags_ = std::move(next);
  return {};
}

void Topic::untag(const std::vector<std::string>& keys) {
  for (const auto& k : keys) tags_.erase(k);
}

Result<void> Topic::check_dead_letter_queue(const std::string& queue_arn, std::string_view prefix) const {
  // A FIFO topic's messages keep their order and deduplication only in a FIFO queue.
  if (fifo_ && !queue_arn.empty() && !queue_arn.ends_with(".fifo"))
    return Error{Code::InvalidParameter,
                 std::string{prefix} + "RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic."};
  return {};
}

ConfirmationMessage Topic::confirmation_message(std::string token, tracing::IdGenerator& ids, tracing::TimePoint now) const {
  return {std::move(token), ids.uuid(), now, attribute("SignatureVersion") == "2" ? "2" : "1"};
}

Result<std::string> Topic::confirm(const std::string& token, bool authenticated, bool authenticate_on_unsubscribe, tracing::IdGenerator& ids) {
  for (auto& s : subscriptions_) {
    if (s.confirmation_token != token) continue;
    if (s.pending_confirmation) {
      s.pending_confirmation = false;
      s.confirmation_was_authenticated = authenticated;
      // Only a signed confirmation may forbid unsigned unsubscribes.
      s.authenticate_on_unsubscribe = authenticated && authenticate_on_unsubscribe;
    }
    return s.arn;
  }
  for (auto it = resubscribable_.begin(); it != resubscribable_.end(); ++it) {
    if (it->first != token) continue;
    Subscription s = std::move(it->second);
    resubscribable_.erase(it);
    // Subscribed again meanwhile: that subscription stands, and is the answer.
    for (const auto& existing : subscriptions_)
      if (existing.protocol == s.protocol && existing.endpoint == s.endpoint) return existing.arn;
    s.arn = arn_ + ":" + ids.uuid();
    s.pending_confirmation = false;
    s.confirmation_token = token;
    s.confirmation_was_authenticated = authenticated;
    s.authenticate_on_unsubscribe = authenticated && authenticate_on_unsubscribe;
    subscriptions_.push_back(s);
    return s.arn;
  }
  return Error{Code::InvalidParameter, "Invalid parameter: Token"};
}

bool Topic::restore_subscription(Subscription s) {
  for (const auto& existing : subscriptions_)
    if (existing.arn == s.arn || (existing.protocol == s.protocol && existing.endpoint == s.endpoint)) return false;
  subscriptions_.push_back(std::move(s));
  return true;
}

Result<void> Topic::unsubscribe(const std::string& subscription_arn, bool tell_endpoint, tracing::IdGenerator& ids, tracing::TimePoint now) {
  auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(), [&](const Subscription& s) { return s.arn == subscription_arn; });
  if (it == subscriptions_.end()) return {};
  // AuthenticateOnUnsubscribe: the unsigned UnsubscribeURL no longer ends it.
  if (tell_endpoint && it->authenticate_on_unsubscribe)
    return Error{Code::AuthorizationError, "This subscription requires an authenticated Unsubscribe call (AuthenticateOnUnsubscribe)"};
  Subscription gone = std::move(*it);
  subscriptions_.erase(it);
  ++subscriptions_deleted_;
  if (!tell_endpoint || !gone.target->needs_confirmation() || gone.pending_confirmation) return {};
  std::string token = confirmation_token(ids);
  gone.target->confirm_unsubscription(gone, confirmation_message(token, ids, now));
  resubscribable_.emplace_back(std::move(token), std::move(gone));
  if (resubscribable_.size() > kMaxResubscribable) resubscribable_.pop_front();
  return {};
}

Subscription* Topic::find_subscription(const std::string& arn) {
  for (auto& s : subscriptions_)
    if (s.arn == arn) return &s;
  return nullptr;
}

Result<Subscription> Topic::subscription(const std::string& subscription_arn) const {
  for (const auto& s : subscriptions_)
    if (s.arn == subscription_arn) return s;
  return Error{Code::NotFound, "Subscription does not exist"};
}

Result<void> Topic::change(const std::string& subscription_arn, const SubscriptionChange& change) {
  Subscription* s = find_subscription(subscription_arn);
  if (!s) return Error{Code::NotFound, "Subscription does not exist"};
  if (change.raw_message_delivery) {
    if (*change.raw_message_delivery && s->protocol == "lambda")
      return Error{Code::InvalidParameter, "Invalid parameter: Delivery protocol [lambda] does not support raw message delivery."};
    s->raw_message_delivery = *change.raw_message_delivery;
  }
  if (change.stored && !is_stored_subscription_attribute(change.stored->first))
    return Error{Code::InvalidParameter, "Invalid parameter: AttributeName"};
  {
    const auto& policy = change.filter_policy ? *change.filter_policy : s->filter_policy;
    bool body = change.stored && change.stored->first == "FilterPolicyScope" ? change.stored->second == "MessageBody"
                                                                             : body_scope(s->stored_attributes);
    if (auto v = check_scope(policy, body, "Invalid parameter: "); !v) return v.error();
  }
  if (change.dead_letter_target_arn)
    if (auto v = check_dead_letter_queue(*change.dead_letter_target_arn, "Invalid parameter: "); !v) return v.error();
  if (change.filter_policy) s->filter_policy = *change.filter_policy;
  if (change.stored) s->stored_attributes[change.stored->first] = change.stored->second;
  if (change.dead_letter_target_arn) s->dead_letter_target_arn = *change.dead_letter_target_arn;
  return {};
}

void Topic::deliver(const PublishRequest& request, const PublishReceipt& receipt, const std::string& request_id,
                    const tracing::TraceHeader& trace, tracing::Tracer& t) const {
  auto now = t.clock.now();
  const std::string& message_id = receipt.message_id;
  Notification n{message_id, arn_, request.subject, request.message, now, request.attributes};
  n.group_id = request.group_id.value_or("");
  n.deduplication_id = request.deduplication_id.value_or("");
  n.sequence_number = receipt.sequence_number;
  n.signature_version = attribute("SignatureVersion") == "2" ? "2" : "1";
  n.topic_delivery_policy = attribute("DeliveryPolicy");
  tracing::Segment seg;
  seg.name = name_;
  seg.id = t.ids.segment_id();
  seg.trace_id = trace.root;
  seg.parent_id = trace.parent;
  seg.origin = "AWS::SNS::Topic";
  seg.resource_arn = arn_;
  seg.start_time = tracing::epoch_seconds(now);
  seg.aws = {{"operation", "Publish"}, {"topic_arn", arn_}, {"message_id", n.message_id}};
  if (!request_id.empty()) seg.aws["request_id"] = request_id;
  std::optional<nlohmann::json> body;  // the message as JSON, read once for body-scoped policies
  for (const auto& s : subscriptions_) {
    // A filtered-out subscription gets nothing, so it gets no delivery subsegment either.
    if (s.filter_policy) {
      bool pass;
      if (body_scope(s.stored_attributes)) {
        if (!body) body = nlohmann::json::parse(request.message, nullptr, /*allow_exceptions=*/false);
        // A message that is not JSON has no keys: only a policy without any lets it through.
        pass = body->is_discarded() ? s.filter_policy->conditions.empty() && s.filter_policy->ors.empty()
                                    : s.filter_policy->matches_body(*body);
      } else {
        pass = s.filter_policy->matches(request.attributes);
      }
      if (!pass) continue;
    }
    if (s.pending_confirmation) continue;
    // A push endpoint's message is chosen by its platform (GCM, APNS, ...), not by "application".
    auto own = request.protocol_messages.find(s.protocol == "application" ? platform_of_endpoint(s.endpoint) : s.protocol);
    n.message = own != request.protocol_messages.end() ? own->second : request.message;
    auto& delivery = seg.add_subsegment(s.target->service(), t.ids.segment_id(), tracing::epoch_seconds(t.clock.now()));
    delivery.namespace_ = "aws";
    delivery.aws = {{"operation", s.target->operation()}, {"subscription_arn", s.arn}};
    s.target->describe_target(delivery.aws);
    s.target->describe_delivery(delivery);
    auto delivered_as = s.target->deliver(n, s, trace.child(delivery.id));
    if (!delivered_as.empty()) delivery.aws["request_id"] = delivered_as;
    delivery.end_time = tracing::epoch_seconds(t.clock.now());
  }
  seg.end_time = tracing::epoch_seconds(t.clock.now());
  // A full pipeline counts the segment it could not take; the notification went out regardless.
  if (trace.is_sampled()) (void)t.sink.record(std::move(seg));
}

}  // namespace localray::sns::model
