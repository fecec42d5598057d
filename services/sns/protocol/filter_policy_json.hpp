#pragma once
// FilterPolicy attribute text (JSON) -> the model's FilterPolicy, with SNS's validation messages.
#include <string>
#include <string_view>

#include "services/sns/model/error.hpp"
#include "services/sns/model/filter_policy.hpp"

namespace localray::sns::protocol {

// `error_prefix` is "Invalid parameter: " for SetSubscriptionAttributes and
// "Invalid parameter: Attributes Reason: " for Subscribe, as SNS words them.
model::Result<model::FilterPolicy> parse_filter_policy(const std::string& text, std::string_view error_prefix);

}  // namespace localray::sns::protocol
