#include "services/sns/protocol/attribute_lists.hpp"

#include <nlohmann/json.hpp>

#include "http/base64.hpp"
#include "services/sns/protocol/operations.hpp"
#include "services/sns/model/delivery_policy.hpp"
#include "services/sns/protocol/topic_policy.hpp"

namespace localray::sns::protocol {

using nlohmann::ordered_json;

namespace {

}  // namespace

void write_attributes(XmlWriter& xml, const AttributeList& attributes) {
  xml.open("Attributes");
  for (const auto& [k, v] : attributes) xml.open("entry").element("key", k).element("value", v).close("entry");
  xml.close("Attributes");
}

void write_subscriptions(XmlWriter& xml, const std::vector<model::Subscription>& subs, std::size_t start, const std::string& owner) {
  xml.open("Subscriptions");
  for (std::size_t i = start; i < subs.size() && i < start + kPageSize; ++i)
    xml.open("member")
        .element("SubscriptionArn", subs[i].pending_confirmation ? std::string{"PendingConfirmation"} : subs[i].arn)
        .element("Owner", owner)
        .element("Protocol", subs[i].protocol)
        .element("Endpoint", subs[i].endpoint)
        .element("TopicArn", subs[i].topic_arn)
        .close("member");
  xml.close("Subscriptions");
  if (start + kPageSize < subs.size()) xml.element("NextToken", http::base64_encode(std::to_string(start + kPageSize)));
}

AttributeList topic_attributes(const model::TopicDescription& t) {
  auto stored = [&](const std::string& name, std::string fallback) {
    auto it = t.stored_attributes.find(name);
    return it != t.stored_attributes.end() ? it->second : fallback;
  };
  AttributeList attributes{{"Policy", stored("Policy", default_topic_policy(t.arn, t.owner))},
                           {"Owner", t.owner},
                           {"SubscriptionsPending", std::to_string(t.subscriptions_pending)},
                           {"TopicArn", t.arn},
                           {"EffectiveDeliveryPolicy", model::effective_topic_delivery_policy(stored("DeliveryPolicy", ""))},
                           {"SubscriptionsConfirmed", std::to_string(t.subscriptions_confirmed)},
                           {"DisplayName", t.display_name},
                           {"SubscriptionsDeleted", std::to_string(t.subscriptions_deleted)},
                           {"TracingConfig", t.tracing_config == model::TracingConfig::Active ? "Active" : "PassThrough"}};
  for (const auto& [k, v] : t.stored_attributes)
    if (k != "Policy") attributes.emplace_back(k, v);
  if (t.fifo) {
    attributes.emplace_back("FifoTopic", "true");
    attributes.emplace_back("ContentBasedDeduplication", t.content_based_deduplication ? "true" : "false");
    attributes.emplace_back("FifoThroughputScope", t.per_group_deduplication ? "MessageGroup" : "Topic");
  }
  return attributes;
}

AttributeList subscription_attributes(const model::Subscription& s, const std::string& owner, const std::string& topic_delivery_policy) {
  // Lambda and SQS subscriptions confirm at once, by the signed Subscribe call.
  bool confirms = !s.confirmation_token.empty();
  AttributeList out{{"ConfirmationWasAuthenticated", !confirms || s.confirmation_was_authenticated ? "true" : "false"},
                    {"PendingConfirmation", s.pending_confirmation ? "true" : "false"},
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
  if (s.protocol == "http" || s.protocol == "https") {
    auto own = s.stored_attributes.find("DeliveryPolicy");
    out.emplace_back("EffectiveDeliveryPolicy",
                     model::effective_subscription_delivery_policy(topic_delivery_policy, own != s.stored_attributes.end() ? own->second : ""));
  }
  return out;
}

}  // namespace localray::sns::protocol
