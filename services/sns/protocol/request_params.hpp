#pragma once
// Reading SNS query parameters into model requests, with SNS's words for what is missing or wrong.
#include <map>
#include <string>
#include <string_view>

#include "services/sns/model/notification.hpp"
#include "services/sns/model/subscription.hpp"
#include "services/sns/model/topic.hpp"
#include "services/sns/protocol/query_params.hpp"

namespace localray::sns::protocol {

// SNS words a missing ARN parameter as an InvalidParameter, other missing required members as a
// ValidationError naming the member in camelCase.
model::Error missing_arn(std::string_view parameter);
model::Error missing_member(std::string_view member);
model::Result<std::string> required_arn(const QueryParams& p, std::string_view parameter);
model::Result<std::string> required(const QueryParams& p, std::string_view parameter, std::string_view member);

// Non-flattened maps: `Attributes.entry.N.key` / `.value`.
std::map<std::string, std::string> string_map(const QueryParams& p, std::string_view prefix);
// `Tags.member.N.Key` / `.Value`.
model::Result<model::Tags> tag_list(const QueryParams& p);
// The members Publish and each PublishBatch entry share; `path` prefixes member names in messages.
model::Result<model::PublishRequest> publish_request(const QueryParams& p, std::string topic_arn, const std::string& path);
// NextToken is the base64 of the offset of the page's first item.
model::Result<std::size_t> page_start(const QueryParams& p);

// Reads one subscription attribute into `into`. `prefix` is how SNS starts the error message:
// "Invalid parameter: Attributes Reason: " in Subscribe, "Invalid parameter: " otherwise.
model::Result<void> read_subscription_attribute(const std::string& name, const std::string& value, const std::string& prefix,
                                                model::SubscribeRequest& into);

}  // namespace localray::sns::protocol
