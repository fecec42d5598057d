#pragma once
// DeliveryPolicy documents as SNS keeps and answers them. A subscription's is stored whole (a new
// one replaces the old) with every member SNS knows, null where not given; a topic's keeps its
// `http` members with disableSubscriptionOverrides filled in. A retry policy is stored with all
// seven members in SNS's order, AWS's defaults for those not given. EffectiveDeliveryPolicy is the
// policy in force: the subscription's, then the topic's defaults, then SNS's.
#include <optional>
#include <string>
#include <string_view>

#include "services/sns/model/error.hpp"

namespace localray::sns::model {

// `prefix` starts an error message ("Invalid parameter: " or "Invalid parameter: Attributes Reason: ").
Result<std::string> normalise_subscription_delivery_policy(std::string_view policy, std::string_view prefix);
Result<std::string> normalise_topic_delivery_policy(std::string_view policy, std::string_view prefix);

// Either policy may be empty (not set); both are in their normalised form.
std::string effective_topic_delivery_policy(const std::string& topic_policy);
std::string effective_subscription_delivery_policy(const std::string& topic_policy, const std::string& subscription_policy);

// The throttle policy in force (throttlePolicy.maxReceivesPerSecond of the effective policy): how
// many notifications a second an http/https subscription's endpoint is sent at most; none: no bound.
std::optional<int> max_receives_per_second(const std::string& topic_policy, const std::string& subscription_policy);

}  // namespace localray::sns::model
