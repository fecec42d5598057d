#include "services/sns/protocol/dispatch.hpp"

#include <charconv>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/base64.hpp"
#include "services/sns/protocol/error_shapes.hpp"
#include "services/sns/protocol/filter_policy_json.hpp"
#include "services/sns/protocol/query_params.hpp"
#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol {
namespace {

using model::Code;
using model::Error;
using model::Result;
using nlohmann::ordered_json;

struct Call {
  const QueryParams& params;
  model::Backend& backend;
  model::SubscriberFactory& subscribers;
  const std::optional<tracing::TraceHeader>& trace;
};

// An operation answers the content of its <OperationResult> element, or a model error.
using Handler = Result<std::string> (*)(const Call&);

constexpr std::size_t kPageSize = 100;  // ListTopics and ListSubscriptions[ByTopic] pages

// ---- reading parameters -------------------------------------------------------------------

// SNS words a missing ARN parameter as an InvalidParameter, other missing required members as a
// ValidationError naming the member in camelCase.
Error missing_arn(std::string_view parameter) {
  return {Code::InvalidParameter, "Invalid parameter: " + std::string{parameter} + " Reason: no value for required parameter"};
}

Error missing_member(std::string_view member) {
  return {Code::ValidationError,
          "1 validation error detected: Value null at '" + std::string{member} + "' failed to satisfy constraint: Member must not be null"};
}

Result<std::string> required_arn(const QueryParams& p, std::string_view parameter) {
  auto v = p.get(parameter);
  if (!v || v->empty()) return missing_arn(parameter);
  return std::string{*v};
}

Result<std::string> required(const QueryParams& p, std::string_view parameter, std::string_view member) {
  auto v = p.get(parameter);
  if (!v) return missing_member(member);
  return std::string{*v};
}

// Non-flattened maps: `Attributes.entry.N.key` / `.value`.
std::map<std::string, std::string> string_map(const QueryParams& p, std::string_view prefix) {
  std::map<std::string, std::string> out;
  for (const auto& [n, entry] : p.members(std::string{prefix} + ".entry"))
    if (auto key = entry.get("key")) out.try_emplace(std::string{*key}, std::string{entry.get("value").value_or("")});
  return out;
}

// `Tags.member.N.Key` / `.Value`.
Result<model::Tags> tag_list(const QueryParams& p) {
  model::Tags out;
  for (const auto& [n, tag] : p.members("Tags.member")) {
    auto key = tag.get("Key");
    if (!key) return missing_member("tags." + std::to_string(n) + ".member.key");
    out[std::string{*key}] = std::string{tag.get("Value").value_or("")};
  }
  return out;
}

// `MessageAttributes.entry.N.Name` + `.Value.DataType|StringValue|BinaryValue` (base64).
Result<model::MessageAttributes> message_attributes(const QueryParams& p, const std::string& path) {
  model::MessageAttributes out;
  for (const auto& [n, entry] : p.members("MessageAttributes.entry")) {
    auto name = entry.get("Name");
    if (!name) return missing_member(path + ".entry." + std::to_string(n) + ".member.name");
    std::string attr{*name};
    auto type = entry.get("Value.DataType");
    if (!type) return missing_member(path + "." + attr + ".member.dataType");
    auto string_value = entry.get("Value.StringValue");
    auto binary_value = entry.get("Value.BinaryValue");
    if (!string_value && !binary_value)
      return Error{Code::ParameterValueInvalid, "The message attribute '" + attr +
                                                    "' must contain non-empty message attribute value for message attribute type '" +
                                                    std::string{*type} + "'."};
    bool binary = type->rfind("Binary", 0) == 0;
    if (binary != binary_value.has_value())
      return Error{Code::ParameterValueInvalid, "The message attribute '" + attr + "' with type '" + std::string{*type} +
                                                    "' must use field '" + (binary ? "Binary" : "String") + "'."};
    std::string value{binary ? *binary_value : *string_value};
    if (binary) {
      auto bytes = http::base64_decode(value, http::Padding::Required);
      if (!bytes) return Error{Code::ParameterValueInvalid, "The message attribute '" + attr + "' has a BinaryValue that is not valid base64."};
      value = std::move(*bytes);
    }
    out.try_emplace(std::move(attr), model::MessageAttribute{std::string{*type}, std::move(value)});
  }
  return out;
}

// MessageStructure=json: a JSON object with a string "default" and optional per-protocol strings.
// Non-string values are ignored, as SNS ignores them.
Result<void> read_message_structure(model::PublishRequest& r) {
  auto doc = ordered_json::parse(r.message, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return Error{Code::InvalidParameter, "Invalid parameter: Message Structure - JSON message body failed to parse"};
  auto def = doc.find("default");
  if (def == doc.end() || !def->is_string())
    return Error{Code::InvalidParameter, "Invalid parameter: Message Structure - No default entry in JSON message body"};
  r.message = def->get<std::string>();
  for (const auto& [key, value] : doc.items())
    if (key != "default" && value.is_string()) r.protocol_messages[key] = value.get<std::string>();
  return {};
}

// The members Publish and each PublishBatch entry share; `path` prefixes member names in messages.
Result<model::PublishRequest> publish_request(const QueryParams& p, std::string topic_arn, const std::string& path) {
  model::PublishRequest r;
  r.topic_arn = std::move(topic_arn);
  auto message = p.get("Message");
  if (!message) return missing_member(path + "message");
  r.message = std::string{*message};
  if (auto subject = p.get("Subject")) r.subject = std::string{*subject};
  auto attributes = message_attributes(p, path + "messageAttributes");
  if (!attributes) return attributes.error();
  r.attributes = std::move(*attributes);
  if (auto structure = p.get("MessageStructure"); structure && !structure->empty()) {
    if (*structure != "json") return Error{Code::InvalidParameter, "Invalid parameter: MessageStructure"};
    if (auto ok = read_message_structure(r); !ok) return ok.error();
  }
  return r;
}

// NextToken is the base64 of the offset of the page's first item.
Result<std::size_t> page_start(const QueryParams& p) {
  auto token = p.get("NextToken");
  if (!token || token->empty()) return std::size_t{0};
  auto decoded = http::base64_decode(*token, http::Padding::Required);
  std::size_t offset = 0;
  if (decoded && !decoded->empty()) {
    auto [end, ec] = std::from_chars(decoded->data(), decoded->data() + decoded->size(), offset);
    if (ec == std::errc{} && end == decoded->data() + decoded->size()) return offset;
  }
  return Error{Code::InvalidParameter, "Invalid parameter: NextToken"};
}

// ---- writing results ----------------------------------------------------------------------

using AttributeList = std::vector<std::pair<std::string, std::string>>;

void write_attributes(XmlWriter& xml, const AttributeList& attributes) {
  xml.open("Attributes");
  for (const auto& [k, v] : attributes) xml.open("entry").element("key", k).element("value", v).close("entry");
  xml.close("Attributes");
}

void write_subscriptions(XmlWriter& xml, const std::vector<model::Subscription>& subs, std::size_t start, const std::string& owner) {
  xml.open("Subscriptions");
  for (std::size_t i = start; i < subs.size() && i < start + kPageSize; ++i)
    xml.open("member")
        .element("SubscriptionArn", subs[i].arn)
        .element("Owner", owner)
        .element("Protocol", subs[i].protocol)
        .element("Endpoint", subs[i].endpoint)
        .element("TopicArn", subs[i].topic_arn)
        .close("member");
  xml.close("Subscriptions");
  if (start + kPageSize < subs.size()) xml.element("NextToken", http::base64_encode(std::to_string(start + kPageSize)));
}

// The policy SNS gives a new topic: the owner's account may do everything.
std::string default_policy(const model::TopicDescription& t) {
  ordered_json statement = {
      {"Sid", "__default_statement_ID"},
      {"Effect", "Allow"},
      {"Principal", {{"AWS", "*"}}},
      {"Action",
       {"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic",
        "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"}},
      {"Resource", t.arn},
      {"Condition", {{"StringEquals", {{"AWS:SourceOwner", t.owner}}}}}};
  return ordered_json{{"Version", "2008-10-17"}, {"Id", "__default_policy_ID"}, {"Statement", ordered_json::array({statement})}}.dump();
}

std::string default_effective_delivery_policy() {
  ordered_json retry = {{"minDelayTarget", 20},    {"maxDelayTarget", 20},     {"numRetries", 3},
                        {"numMaxDelayRetries", 0}, {"numNoDelayRetries", 0},   {"numMinDelayRetries", 0},
                        {"backoffFunction", "linear"}};
  return ordered_json{{"http",
                       {{"defaultHealthyRetryPolicy", retry},
                        {"disableSubscriptionOverrides", false},
                        {"defaultRequestPolicy", {{"headerContentType", "text/plain; charset=UTF-8"}}}}}}
      .dump();
}

// ---- subscription attributes --------------------------------------------------------------

// Reads one subscription attribute into `into`. `prefix` is how SNS starts the error message:
// "Invalid parameter: Attributes Reason: " in Subscribe, "Invalid parameter: " otherwise.
Result<void> read_subscription_attribute(const std::string& name, const std::string& value, const std::string& prefix,
                                         model::SubscribeRequest& into) {
  if (name == "RawMessageDelivery") {
    if (http::iequals(value, "true")) into.raw_message_delivery = true;
    else if (http::iequals(value, "false")) into.raw_message_delivery = false;
    else return Error{Code::InvalidParameter, prefix + "RawMessageDelivery: Invalid value [" + value + "]. Must be true or false."};
    return {};
  }
  if (name == "FilterPolicy") {
    if (value.empty()) {
      into.filter_policy.reset();
      return {};
    }
    auto policy = parse_filter_policy(value, prefix);
    if (!policy) return policy.error();
    into.filter_policy = std::move(*policy);
    return {};
  }
  if (name == "FilterPolicyScope") {
    if (value == "MessageBody")
      return Error{Code::InvalidParameter, prefix + "FilterPolicyScope: localray filters on MessageAttributes only"};
    if (value != "MessageAttributes")
      return Error{Code::InvalidParameter,
                   prefix + "FilterPolicyScope: Invalid value [" + value + "]. Please use either MessageBody or MessageAttributes"};
  } else if (name != "DeliveryPolicy" && name != "RedrivePolicy" && name != "SubscriptionRoleArn" && name != "ReplayPolicy") {
    return Error{Code::InvalidParameter, prefix + "AttributeName"};
  }
  into.stored_attributes[name] = value;
  return {};
}

AttributeList subscription_attributes(const model::Subscription& s, const std::string& owner) {
  AttributeList out{{"ConfirmationWasAuthenticated", "true"},
                    {"PendingConfirmation", "false"},
                    {"Owner", owner},
                    {"RawMessageDelivery", s.raw_message_delivery ? "true" : "false"},
                    {"TopicArn", s.topic_arn},
                    {"Endpoint", s.endpoint},
                    {"Protocol", s.protocol},
                    {"SubscriptionArn", s.arn}};
  if (s.filter_policy) {
    out.emplace_back("FilterPolicy", s.filter_policy->source);
    auto scope = s.stored_attributes.find("FilterPolicyScope");
    out.emplace_back("FilterPolicyScope", scope != s.stored_attributes.end() ? scope->second : "MessageAttributes");
  }
  for (const auto& [k, v] : s.stored_attributes)
    if (k != "FilterPolicyScope") out.emplace_back(k, v);
  return out;
}

// ---- operations ---------------------------------------------------------------------------

Result<std::string> create_topic(const Call& c) {
  auto name = required(c.params, "Name", "name");
  if (!name) return name.error();
  auto tags = tag_list(c.params);
  if (!tags) return tags.error();
  auto arn = c.backend.create_topic(*name, string_map(c.params, "Attributes"), *tags);
  if (!arn) return arn.error();
  return XmlWriter{}.element("TopicArn", *arn).str();
}

Result<std::string> delete_topic(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) return arn.error();
  if (auto r = c.backend.delete_topic(*arn); !r) return r.error();
  return std::string{};
}

Result<std::string> list_topics(const Call& c) {
  auto start = page_start(c.params);
  if (!start) return start.error();
  auto arns = c.backend.topic_arns();
  XmlWriter xml;
  xml.open("Topics");
  for (std::size_t i = *start; i < arns.size() && i < *start + kPageSize; ++i) xml.open("member").element("TopicArn", arns[i]).close("member");
  xml.close("Topics");
  if (*start + kPageSize < arns.size()) xml.element("NextToken", http::base64_encode(std::to_string(*start + kPageSize)));
  return xml.str();
}

Result<std::string> get_topic_attributes(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) return arn.error();
  auto t = c.backend.get_topic_attributes(*arn);
  if (!t) return t.error();
  auto stored = [&](const std::string& name, std::string fallback) {
    auto it = t->stored_attributes.find(name);
    return it != t->stored_attributes.end() ? it->second : fallback;
  };
  AttributeList attributes{{"Policy", stored("Policy", default_policy(*t))},
                           {"Owner", t->owner},
                           {"SubscriptionsPending", std::to_string(t->subscriptions_pending)},
                           {"TopicArn", t->arn},
                           {"EffectiveDeliveryPolicy", default_effective_delivery_policy()},
                           {"SubscriptionsConfirmed", std::to_string(t->subscriptions_confirmed)},
                           {"DisplayName", t->display_name},
                           {"SubscriptionsDeleted", std::to_string(t->subscriptions_deleted)},
                           {"TracingConfig", t->tracing_config == model::TracingConfig::Active ? "Active" : "PassThrough"}};
  for (const auto& [k, v] : t->stored_attributes)
    if (k != "Policy") attributes.emplace_back(k, v);
  XmlWriter xml;
  write_attributes(xml, attributes);
  return xml.str();
}

Result<std::string> set_topic_attributes(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) return arn.error();
  auto name = required(c.params, "AttributeName", "attributeName");
  if (!name) return name.error();
  auto r = c.backend.set_topic_attribute(*arn, *name, std::string{c.params.get("AttributeValue").value_or("")});
  if (!r) return r.error();
  return std::string{};
}

Result<std::string> subscribe(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) return arn.error();
  auto protocol = required(c.params, "Protocol", "protocol");
  if (!protocol) return protocol.error();
  // The topic first, so that a missing topic is NotFound before any subscriber is made.
  if (auto t = c.backend.get_topic_attributes(*arn); !t) return t.error();
  if (*protocol != "lambda" && *protocol != "sqs") return Error{Code::InvalidParameter, "Invalid parameter: Protocol"};
  auto endpoint = c.params.get("Endpoint");
  if (!endpoint || endpoint->empty()) return missing_arn("Endpoint");

  model::SubscribeRequest request{*arn, *protocol, std::string{*endpoint}, std::nullopt, std::nullopt, {}};
  for (const auto& [name, value] : string_map(c.params, "Attributes"))
    if (auto ok = read_subscription_attribute(name, value, "Invalid parameter: Attributes Reason: ", request); !ok) return ok.error();
  // ReturnSubscriptionArn only matters for subscriptions pending confirmation; lambda and sqs confirm at once.
  auto target = c.subscribers.make(request.protocol, request.endpoint);
  if (!target) return target.error();
  auto sub = c.backend.subscribe(std::move(request), std::move(*target));
  if (!sub) return sub.error();
  return XmlWriter{}.element("SubscriptionArn", *sub).str();
}

Result<std::string> unsubscribe(const Call& c) {
  auto arn = required_arn(c.params, "SubscriptionArn");
  if (!arn) return arn.error();
  if (auto r = c.backend.unsubscribe(*arn); !r) return r.error();
  return std::string{};
}

Result<std::string> list_subscriptions(const Call& c) {
  auto start = page_start(c.params);
  if (!start) return start.error();
  XmlWriter xml;
  write_subscriptions(xml, c.backend.list_subscriptions(), *start, c.backend.account());
  return xml.str();
}

Result<std::string> list_subscriptions_by_topic(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) return arn.error();
  auto start = page_start(c.params);
  if (!start) return start.error();
  auto subs = c.backend.list_subscriptions_by_topic(*arn);
  if (!subs) return subs.error();
  XmlWriter xml;
  write_subscriptions(xml, *subs, *start, c.backend.account());
  return xml.str();
}

Result<std::string> get_subscription_attributes(const Call& c) {
  auto arn = required_arn(c.params, "SubscriptionArn");
  if (!arn) return arn.error();
  auto s = c.backend.get_subscription(*arn);
  if (!s) return s.error();
  XmlWriter xml;
  write_attributes(xml, subscription_attributes(*s, c.backend.account()));
  return xml.str();
}

Result<std::string> set_subscription_attributes(const Call& c) {
  auto arn = required_arn(c.params, "SubscriptionArn");
  if (!arn) return arn.error();
  auto name = required(c.params, "AttributeName", "attributeName");
  if (!name) return name.error();
  std::string value{c.params.get("AttributeValue").value_or("")};
  if (auto s = c.backend.get_subscription(*arn); !s) return s.error();
  model::SubscribeRequest change;
  if (auto ok = read_subscription_attribute(*name, value, "Invalid parameter: ", change); !ok) return ok.error();
  Result<void> r = *name == "RawMessageDelivery" ? c.backend.set_raw_message_delivery(*arn, *change.raw_message_delivery)
                   : *name == "FilterPolicy"     ? c.backend.set_filter_policy(*arn, std::move(change.filter_policy))
                                                 : c.backend.set_stored_subscription_attribute(*arn, *name, value);
  if (!r) return r.error();
  return std::string{};
}

Result<std::string> publish(const Call& c) {
  auto arn = c.params.get("TopicArn");
  if (!arn || arn->empty()) arn = c.params.get("TargetArn");
  if (!arn || arn->empty()) return missing_arn("TopicArn or TargetArn");
  auto request = publish_request(c.params, std::string{*arn}, "");
  if (!request) return request.error();
  auto receipt = c.backend.publish(*request, c.trace);
  if (!receipt) return receipt.error();
  return XmlWriter{}.element("MessageId", receipt->message_id).str();
}

Result<std::string> publish_batch(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) return arn.error();
  std::vector<model::PublishBatchEntry> entries;
  for (const auto& [n, entry] : c.params.members("PublishBatchRequestEntries.member")) {
    std::string path = "publishBatchRequestEntries." + std::to_string(n) + ".member.";
    auto id = entry.get("Id");
    if (!id) return missing_member(path + "id");
    // A malformed entry fails the whole call, as on SNS; entries SNS refuses come back as Failed.
    auto request = publish_request(entry, *arn, path);
    if (!request) return request.error();
    entries.push_back({std::string{*id}, std::move(*request)});
  }
  auto receipt = c.backend.publish_batch(*arn, entries, c.trace);
  if (!receipt) return receipt.error();
  XmlWriter xml;
  xml.open("Successful");
  for (const auto& s : receipt->successful) xml.open("member").element("Id", s.id).element("MessageId", s.message_id).close("member");
  xml.close("Successful").open("Failed");
  for (const auto& f : receipt->failed)
    xml.open("member")
        .element("Id", f.id)
        .element("Code", error_shape(f.error.code).code)
        .element("Message", f.error.message)
        .element("SenderFault", f.sender_fault ? "true" : "false")
        .close("member");
  xml.close("Failed");
  return xml.str();
}

struct Operation {
  std::string_view name;
  Handler handler;
  bool has_result;  // no-output operations answer ResponseMetadata only
};

constexpr Operation kOperations[] = {
    {"CreateTopic", &create_topic, true},
    {"DeleteTopic", &delete_topic, false},
    {"ListTopics", &list_topics, true},
    {"GetTopicAttributes", &get_topic_attributes, true},
    {"SetTopicAttributes", &set_topic_attributes, false},
    {"Subscribe", &subscribe, true},
    {"Unsubscribe", &unsubscribe, false},
    {"ListSubscriptions", &list_subscriptions, true},
    {"ListSubscriptionsByTopic", &list_subscriptions_by_topic, true},
    {"GetSubscriptionAttributes", &get_subscription_attributes, true},
    {"SetSubscriptionAttributes", &set_subscription_attributes, false},
    {"Publish", &publish, true},
    {"PublishBatch", &publish_batch, true},
};

constexpr ErrorShape kInvalidAction{"InvalidAction", "Sender", 400};
constexpr ErrorShape kMissingAction{"MissingAction", "Sender", 400};
constexpr ErrorShape kMalformedQueryString{"MalformedQueryString", "Sender", 400};

http::Response success(const Operation& op, const std::string& result, const std::string& request_id) {
  std::string response = std::string{op.name} + "Response";
  std::string result_element = std::string{op.name} + "Result";
  XmlWriter xml;
  xml.raw("<").raw(response).raw(" xmlns=\"").raw(kXmlns).raw("\">");
  if (op.has_result) xml.open(result_element).raw(result).close(result_element);
  xml.open("ResponseMetadata").element("RequestId", request_id).close("ResponseMetadata").close(response);
  auto r = http::Response::json(200, xml.str(), "text/xml");
  r.headers.set("x-amzn-RequestId", request_id);
  return r;
}

}  // namespace

http::Response handle(const http::Request& request, model::Backend& backend, model::SubscriberFactory& subscribers,
                      const http::CallContext& call) {
  const std::string& request_id = call.request_id;
  // As the router reads it: a form body, or the query string of a GET.
  bool form_body = request.headers.get("Content-Type").find("application/x-www-form-urlencoded") != std::string_view::npos;
  auto form = http::parse_form(form_body || request.query.empty() ? std::string_view{request.body} : std::string_view{request.query});
  if (!form) return error_response(kMalformedQueryString, "The request's parameters are not valid form encoding.", request_id);
  QueryParams params{std::move(*form)};

  auto action = params.get("Action");
  if (!action || action->empty()) return error_response(kMissingAction, "The request must contain the parameter Action.", request_id);
  for (const auto& op : kOperations) {
    if (op.name != *action) continue;
    auto result = op.handler(Call{params, backend, subscribers, call.trace});
    if (!result) return error_response(result.error(), request_id);
    return success(op, *result, request_id);
  }
  return error_response(kInvalidAction, "Could not find operation " + std::string{*action} + " for version 2010-03-31", request_id);
}

}  // namespace localray::sns::protocol
