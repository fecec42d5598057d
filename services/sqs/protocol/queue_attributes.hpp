#pragma once
// Queue attributes by name (string values, as both protocols carry them) and the model's
// QueueSettings. RedrivePolicy is a JSON string: `{"deadLetterTargetArn":"arn:…","maxReceiveCount":"5"}`.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "services/sqs/model/backend.hpp"

namespace localray::sqs::protocol {

// What a RedrivePolicy is checked against besides its target's existence and kind: the queue's own
// ARN and its target's RedriveAllowPolicy (read off the target's strand by redrive_check()).
struct RedriveCheck {
  std::string own_arn;
  std::string target_allow_policy;  // empty: none, which allows every queue
};
boost::asio::awaitable<RedriveCheck> redrive_check(model::Backend& backend, const std::map<std::string, std::string>& attributes,
                                                   std::string own_arn);

// `attributes` applied over `base`. Unknown or read-only names: InvalidAttributeName; values out of
// range or a dead-letter target that does not exist: InvalidAttributeValue.
model::Result<model::QueueSettings> apply_queue_attributes(model::QueueSettings base, const std::map<std::string, std::string>& attributes,
                                                           const model::Backend& backend, const RedriveCheck& redrive = {});

// CreateQueue's settings for `name`: FifoQueue decides the queue's kind (and so whether the name
// must end in `.fifo`), then the rest apply as apply_queue_attributes applies them.
model::Result<model::QueueSettings> create_settings(std::string_view name, std::map<std::string, std::string> attributes,
                                                    const model::Backend& backend, const RedriveCheck& redrive = {});

// GetQueueAttributes for `names` (`All` or names), in SQS's order; InvalidAttributeName for a
// name SQS does not know.
model::Result<std::vector<std::pair<std::string, std::string>>> queue_attributes(const model::QueueSnapshot& q,
                                                                                 const std::vector<std::string>& names);

}  // namespace localray::sqs::protocol
