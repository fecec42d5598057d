#pragma once
// Typed reads of an operation's input members. JSON sends numbers typed where the query protocol
// sends text: both are accepted. A member of the wrong shape is InvalidParameterValue, a missing
// required one MissingParameter; nothing here throws.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/sqs/model/backend.hpp"
#include "services/sqs/protocol/operations.hpp"
#include "services/sqs/protocol/tree.hpp"

namespace localray::sqs::protocol {

model::Error missing_parameter(std::string_view member);
model::Error invalid_parameter(std::string_view member, std::string_view value, std::string_view reason);

model::Result<std::optional<std::string>> optional_string(const Tree& in, std::string_view member);
model::Result<std::string> required_string(const Tree& in, std::string_view member);
model::Result<std::optional<int>> optional_int(const Tree& in, std::string_view member);
model::Result<int> required_int(const Tree& in, std::string_view member);
// Empty when absent.
model::Result<std::vector<std::string>> string_list(const Tree& in, std::string_view member);
model::Result<std::map<std::string, std::string>> string_map(const Tree& in, std::string_view member);
// A list of structures (batch Entries); MissingParameter when absent.
model::Result<std::vector<const Tree*>> structure_list(const Tree& in, std::string_view member);

// A page of queue URLs, as ListQueues and ListDeadLetterSourceQueues answer: queues ordered by
// name, NextToken the (base64) name the next page starts at, given only when MaxResults was.
struct QueuePage {
  Tree urls = Tree::array();
  std::optional<std::string> next_token;
};
model::Result<QueuePage> queue_page(const Tree& in, const std::vector<std::shared_ptr<model::QueueHandle>>& queues);

// The queue named by QueueUrl, else by the request path when it is a queue URL path
// (`/<account>/<name>`, query requests posted to the queue URL).
model::Result<std::shared_ptr<model::QueueHandle>> target_queue(const Call& c);

}  // namespace localray::sqs::protocol
