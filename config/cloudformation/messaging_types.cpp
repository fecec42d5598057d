// AWS::SNS::Topic, AWS::SNS::Subscription and AWS::SQS::Queue.
#include "config/cloudformation/compile_context.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;

namespace {

// A subscription's endpoint as the topology names it: a function or a queue of this stack.
tracing::Result<Subscription> subscription(const Properties& p, const std::string& property_prefix, const std::string& topic,
                                           const std::string& protocol, const std::string& endpoint) {
  Subscription s{topic, protocol, arn_name(endpoint), false, ""};
  if (protocol == "lambda") {
    // A function ARN, possibly with a qualifier.
    auto fn = endpoint.find(":function:");
    if (fn == std::string::npos) return p.error(property_prefix + "Endpoint", "must be a Lambda function ARN");
    s.endpoint = endpoint.substr(fn + 10);
    s.endpoint = s.endpoint.substr(0, s.endpoint.find(':'));
  } else if (protocol == "sqs") {
    if (endpoint.rfind("arn:aws:sqs:", 0) != 0) return p.error(property_prefix + "Endpoint", "must be an SQS queue ARN");
  } else if (protocol == "http" || protocol == "https" || protocol == "email" || protocol == "email-json" || protocol == "sms") {
    s.endpoint = endpoint;  // a URL, an address or a phone number, as given
  } else {
    return p.error(property_prefix + "Protocol",
                   "'" + protocol + "' is not emulated yet: lambda, sqs, http, https, email, email-json and sms subscriptions are");
  }
  return s;
}

// A topic's or queue's name: as given, or one CloudFormation makes (with the suffix a FIFO one
// needs, within `max_chars` in all); a FIFO one's name ends in .fifo and only a FIFO one's does.
tracing::Result<std::string> messaging_name(CompileContext& ctx, const Properties& p, const std::string& id, const char* name_property,
                                            const std::optional<std::string>& given, bool fifo, std::size_t max_chars, const char* kind,
                                            const char* fifo_property) {
  std::string name = given.value_or(fifo ? ctx.physical_name(id, max_chars - 5) + ".fifo" : ctx.physical_name(id, max_chars));
  if (fifo != name.ends_with(".fifo"))
    return p.error(name_property, fifo ? std::string{"a FIFO "} + kind + "'s name must end in .fifo"
                                       : std::string{"only a FIFO "} + kind + "'s name may end in .fifo (set " + fifo_property + ")");
  return tracing::Result<std::string>{boost::system::in_place_value, std::move(name)};
}

// A policy property CloudFormation takes as a JSON object or as its text; empty when absent.
tracing::Result<std::string> policy_document(const Properties& p, const char* property) {
  const json* given = p.find(property);
  if (!given) return tracing::Result<std::string>{boost::system::in_place_value};
  json policy = *given;
  if (policy.is_string()) policy = json::parse(policy.get<std::string>(), nullptr, false);
  if (!policy.is_object()) return p.error(property, "must be a JSON object");
  return tracing::Result<std::string>{boost::system::in_place_value, policy.dump()};
}

tracing::Result<ResourceValues> topic(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto name = p.optional_string("TopicName");
  if (!name) return name.error();
  auto fifo = p.boolean("FifoTopic");
  if (!fifo) return fifo.error();
  auto content_based = p.boolean("ContentBasedDeduplication");
  if (!content_based) return content_based.error();
  Topic t;
  t.fifo = fifo->value_or(false);
  auto topic_name_made = messaging_name(ctx, p, id, "TopicName", *name, t.fifo, 256, "topic", "FifoTopic");
  if (!topic_name_made) return topic_name_made.error();
  t.name = std::move(*topic_name_made);
  t.content_based_deduplication = content_based->value_or(false);
  if (t.content_based_deduplication && !t.fifo) return p.error("ContentBasedDeduplication", "needs FifoTopic: true");
  auto delivery = policy_document(p, "DeliveryPolicy");
  if (!delivery) return delivery.error();
  t.delivery_policy = std::move(*delivery);
  std::string topic_name = t.name;
  ctx.topology.topics.push_back(std::move(t));
  std::string arn = ctx.arn("sns", topic_name);
  if (const json* subs = p.find("Subscription")) {
    if (!subs->is_array()) return p.error("Subscription", "must be a list");
    for (std::size_t i = 0; i < subs->size(); ++i) {
      std::string at = "Subscription[" + std::to_string(i) + "].";
      Properties sp{ctx, id, (*subs)[i]};
      auto protocol = sp.string("Protocol");
      auto endpoint = sp.string("Endpoint");
      if (!protocol) return p.error(at + "Protocol", "is required");
      if (!endpoint) return p.error(at + "Endpoint", "is required");
      auto s = subscription(p, at, topic_name, *protocol, *endpoint);
      if (!s) return s.error();
      ctx.topology.subscriptions.push_back(std::move(*s));
    }
  }
  return ResourceValues{"AWS::SNS::Topic", arn, {{"TopicArn", arn}, {"TopicName", topic_name}}};
}

tracing::Result<ResourceValues> subscription_resource(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto topic_arn = p.string("TopicArn");
  if (!topic_arn) return topic_arn.error();
  auto protocol = p.string("Protocol");
  if (!protocol) return protocol.error();
  auto endpoint = p.string("Endpoint");
  if (!endpoint) return endpoint.error();
  std::string topic = arn_name(*topic_arn);
  bool known = false;
  for (const auto& t : ctx.topology.topics) known = known || (t.name == topic && ctx.arn("sns", t.name) == *topic_arn);
  if (!known) return p.error("TopicArn", "'" + *topic_arn + "' is not a topic of these templates");
  auto s = subscription(p, "", topic, *protocol, *endpoint);
  if (!s) return s.error();
  auto raw = p.boolean("RawMessageDelivery");
  if (!raw) return raw.error();
  s->raw_message_delivery = raw->value_or(false);
  auto filter = policy_document(p, "FilterPolicy");
  if (!filter) return filter.error();
  s->filter_policy = std::move(*filter);
  auto delivery = policy_document(p, "DeliveryPolicy");
  if (!delivery) return delivery.error();
  s->delivery_policy = std::move(*delivery);
  if (const json* redrive = p.find("RedrivePolicy")) {
    json policy = *redrive;
    if (policy.is_string()) policy = json::parse(policy.get<std::string>(), nullptr, false);
    auto target = policy.is_object() ? policy.find("deadLetterTargetArn") : policy.end();
    if (!policy.is_object() || target == policy.end() || !target->is_string() || target->get<std::string>().rfind("arn:aws:sqs:", 0) != 0)
      return p.error("RedrivePolicy", "must hold deadLetterTargetArn, a queue ARN");
    s->dead_letter_queue = target->get<std::string>();
  }
  auto scope = p.optional_string("FilterPolicyScope");
  if (!scope) return scope.error();
  if (*scope && **scope != "MessageAttributes" && **scope != "MessageBody")
    return p.error("FilterPolicyScope", "must be MessageAttributes or MessageBody");
  s->filter_body = *scope && **scope == "MessageBody";
  ctx.topology.subscriptions.push_back(*s);
  std::string arn = *topic_arn + ":" + ctx.short_id(id);
  return ResourceValues{"AWS::SNS::Subscription", arn, {{"Arn", arn}}};
}

tracing::Result<ResourceValues> queue(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto name = p.optional_string("QueueName");
  if (!name) return name.error();
  auto fifo = p.boolean("FifoQueue");
  if (!fifo) return fifo.error();
  Queue q;
  q.fifo = fifo->value_or(false);
  auto queue_name_made = messaging_name(ctx, p, id, "QueueName", *name, q.fifo, 80, "queue", "FifoQueue");
  if (!queue_name_made) return queue_name_made.error();
  q.name = std::move(*queue_name_made);
  auto content_based = p.boolean("ContentBasedDeduplication");
  if (!content_based) return content_based.error();
  q.content_based_deduplication = content_based->value_or(false);
  for (auto [member, field, allowed] : {std::tuple{"DeduplicationScope", &q.deduplication_scope, std::pair{"queue", "messageGroup"}},
                                        std::tuple{"FifoThroughputLimit", &q.fifo_throughput_limit, std::pair{"perQueue", "perMessageGroupId"}}}) {
    auto v = p.optional_string(member);
    if (!v) return v.error();
    if (!*v) continue;
    if (**v != allowed.first && **v != allowed.second)
      return p.error(member, std::string{"must be "} + allowed.first + " or " + allowed.second);
    *field = **v;
  }
  if (!q.fifo && (q.content_based_deduplication || q.deduplication_scope != "queue" || q.fifo_throughput_limit != "perQueue"))
    return p.error("FifoQueue", "ContentBasedDeduplication, DeduplicationScope and FifoThroughputLimit need FifoQueue: true");
  auto visibility = p.integer("VisibilityTimeout", 0, 43200);
  auto delay = p.integer("DelaySeconds", 0, 900);
  auto wait = p.integer("ReceiveMessageWaitTimeSeconds", 0, 20);
  auto retention = p.integer("MessageRetentionPeriod", 60, 1209600);
  auto size = p.integer("MaximumMessageSize", 1024, 1048576);
  for (auto* r : {&visibility, &delay, &wait, &retention, &size})
    if (!*r) return r->error();
  q.visibility_timeout = static_cast<int>(visibility->value_or(30));
  q.delay_seconds = static_cast<int>(delay->value_or(0));
  q.receive_wait = static_cast<int>(wait->value_or(0));
  q.retention = static_cast<int>(retention->value_or(345600));
  q.maximum_message_size = static_cast<int>(size->value_or(1048576));
  // Kept and returned as given: encryption has no behaviour here.
  for (const char* kept : {"KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled"}) {
    auto v = p.optional_string(kept);
    if (!v) return v.error();
    if (*v) q.other_attributes[kept] = **v;
  }
  if (const json* allow = p.find("RedriveAllowPolicy")) q.other_attributes["RedriveAllowPolicy"] = allow->is_string() ? allow->get<std::string>() : allow->dump();
  if (const json* redrive = p.find("RedrivePolicy")) {
    json policy = *redrive;
    if (policy.is_string()) policy = json::parse(policy.get<std::string>(), nullptr, false);
    if (!policy.is_object() || !policy.contains("deadLetterTargetArn"))
      return p.error("RedrivePolicy", "must hold deadLetterTargetArn and maxReceiveCount");
    Properties rp{ctx, id, policy};
    auto target = rp.string("deadLetterTargetArn");
    auto count = rp.integer("maxReceiveCount", 1, 1000);
    if (!target) return p.error("RedrivePolicy.deadLetterTargetArn", "must be a queue ARN");
    if (!count) return p.error("RedrivePolicy.maxReceiveCount", "must be an integer from 1 to 1000");
    std::string dlq = arn_name(*target);
    bool known = false;
    for (const auto& other : ctx.topology.queues) known = known || other.name == dlq;
    if (!known) return p.error("RedrivePolicy.deadLetterTargetArn", "'" + *target + "' is not a queue of these templates");
    q.dead_letter_queue = dlq;
    q.max_receive_count = static_cast<int>(count->value_or(10));
  }
  std::string url = ctx.env.edge_url + "/queue/" + ctx.env.region + "/" + ctx.env.account + "/" + q.name;
  std::string arn = ctx.arn("sqs", q.name);
  ResourceValues v{"AWS::SQS::Queue", url, {{"Arn", arn}, {"QueueName", q.name}, {"QueueUrl", url}}};
  ctx.topology.queues.push_back(std::move(q));
  return v;
}

}  // namespace

const std::vector<ResourceType>& messaging_types() {
  static const std::vector<ResourceType> types{
      {"AWS::SNS::Topic", "emulated", topic},
      {"AWS::SNS::Subscription", "emulated", subscription_resource},
      {"AWS::SQS::Queue", "emulated", queue},
  };
  return types;
}

}  // namespace localray::config::cloudformation
