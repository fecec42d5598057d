#pragma once
// FilterPolicy attribute text (JSON) -> the model's FilterPolicy, with SNS's validation messages.
#include <string>
#include <string_view>

#include "services/sns/model/error.hpp"
#include "services/sns/model/filter_policy.hpp"

namespace localray::sns::protocol {

// `error_prefix` is "Invalid parameter: " for SetSubscriptionAttributes and
// "Invalid parameter: Attributes Reason: " for Subscribe, as SNS words them. `bare_values`: a key
// with a single value instead of a list is taken as a one-element list, as localray took it
// before (topologies and --persist copies written then); SNS refuses it.
model::Result<model::FilterPolicy> parse_filter_policy(const std::string& text, std::string_view error_prefix, bool bare_values = false);

}  // namespace localray::sns::protocol
