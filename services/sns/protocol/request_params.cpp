#include "services/sns/protocol/request_params.hpp"

#include "services/sns/model/delivery_policy.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "base/scope.hpp"
#include "http/base64.hpp"
#include "http/message.hpp"
#include "services/sns/protocol/filter_policy_json.hpp"

namespace localray::sns::protocol {

using model::Code;
using model::Error;
using model::Result;
using nlohmann::ordered_json;

namespace {

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

}  // namespace

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

std::map<std::string, std::string> string_map(const QueryParams& p, std::string_view prefix) {
  std::map<std::string, std::string> out;
  for (const auto& [n, entry] : p.members(std::string{prefix} + ".entry"))
    if (auto key = entry.get("key")) out.try_emplace(std::string{*key}, std::string{entry.get("value").value_or("")});
  return out;
}

Result<model::Tags> tag_list(const QueryParams& p) {
  model::Tags out;
  for (const auto& [n, tag] : p.members("Tags.member")) {
    auto key = tag.get("Key");
    if (!key) return missing_member("tags." + std::to_string(n) + ".member.key");
    out[std::string{*key}] = std::string{tag.get("Value").value_or("")};
  }
  return out;
}

Result<model::PublishRequest> publish_request(const QueryParams& p, std::string topic_arn, const std::string& path) {
  model::PublishRequest r;
  r.topic_arn = std::move(topic_arn);
  auto message = p.get("Message");
  if (!message) return missing_member(path + "message");
  r.message = std::string{*message};
  if (auto subject = p.get("Subject")) r.subject = std::string{*subject};
  if (auto group = p.get("MessageGroupId")) r.group_id = std::string{*group};
  if (auto deduplication = p.get("MessageDeduplicationId")) r.deduplication_id = std::string{*deduplication};
  auto attributes = message_attributes(p, path + "messageAttributes");
  if (!attributes) return attributes.error();
  r.attributes = std::move(*attributes);
  if (auto structure = p.get("MessageStructure"); structure && !structure->empty()) {
    if (*structure != "json") return Error{Code::InvalidParameter, "Invalid parameter: MessageStructure"};
    if (auto ok = read_message_structure(r); !ok) return ok.error();
  }
  return r;
}

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

namespace {

// The queue a RedrivePolicy names, or empty when the policy is removed.
Result<std::string> read_redrive_policy(const std::string& value, const std::string& prefix) {
  if (value.empty()) return std::string{};  // removes the dead-letter queue
  auto policy = ordered_json::parse(value, nullptr, false);
  if (policy.is_discarded() || !policy.is_object())
    return Error{Code::InvalidParameter, prefix + "RedrivePolicy: failed to parse JSON."};
  // SNS's policy has one member; SQS's maxReceiveCount, often copied over, is refused in SNS's words.
  for (const auto& [key, v] : policy.items())
    if (key != "deadLetterTargetArn")
      return Error{Code::InvalidParameter, prefix + "RedrivePolicy: invalid JSON. Attribute " + key + " is unknown."};
  auto target = policy.find("deadLetterTargetArn");
  if (target == policy.end() || !target->is_string())
    return Error{Code::InvalidParameter, prefix + "RedrivePolicy: deadLetterTargetArn is missing"};
  auto arn = target->get<std::string>();
  auto scope = base::scope_of_arn(arn);
  if (arn.rfind("arn:aws:sqs:", 0) != 0 || scope.region.empty() || scope.account.empty() || arn.ends_with(":"))
    return Error{Code::InvalidParameter, prefix + "RedrivePolicy: deadLetterTargetArn is an invalid arn"};
  return arn;
}

}  // namespace

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
    if (value != "MessageAttributes" && value != "MessageBody")
      return Error{Code::InvalidParameter,
                   prefix + "FilterPolicyScope: Invalid value [" + value + "]. Please use either MessageBody or MessageAttributes"};
  } else if (name == "RedrivePolicy") {
    auto target = read_redrive_policy(value, prefix);
    if (!target) return target.error();
    into.dead_letter_target_arn = std::move(*target);
  } else if (name == "DeliveryPolicy" && !value.empty()) {
    auto normal = model::normalise_subscription_delivery_policy(value, prefix);
    if (!normal) return normal.error();
    into.stored_attributes[name] = std::move(*normal);
    return {};
  } else if (name != "DeliveryPolicy" && name != "SubscriptionRoleArn" && name != "ReplayPolicy") {
    return Error{Code::InvalidParameter, prefix + "AttributeName"};
  }
  into.stored_attributes[name] = value;
  return {};
}

}  // namespace localray::sns::protocol
