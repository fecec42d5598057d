#pragma once
// SNS's attribute maps and subscription lists as query-protocol XML, and the documents SNS
// reports for attributes localray only stores (a topic's default policy and delivery policy).
#include <string>
#include <utility>
#include <vector>

#include "services/sns/model/subscription.hpp"
#include "services/sns/model/topic.hpp"
#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol {

using AttributeList = std::vector<std::pair<std::string, std::string>>;

void write_attributes(XmlWriter& xml, const AttributeList& attributes);
// One page of subscriptions from `start`, and the NextToken of the next page when there is one.
void write_subscriptions(XmlWriter& xml, const std::vector<model::Subscription>& subs, std::size_t start, const std::string& owner);

// GetTopicAttributes' attributes, SNS's defaults for those not set.
AttributeList topic_attributes(const model::TopicDescription& t);
// GetSubscriptionAttributes' attributes; the topic's DeliveryPolicy ("" when none) is part of the
// EffectiveDeliveryPolicy of an http/https subscription.
AttributeList subscription_attributes(const model::Subscription& s, const std::string& owner, const std::string& topic_delivery_policy);

}  // namespace localray::sns::protocol
