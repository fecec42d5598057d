#pragma once
// AddPermission and RemovePermission as edits of a queue's Policy attribute: each label is one
// statement, written as SQS writes it (Version 2008-10-17, a single principal or action as a string).
#include <optional>
#include <string>
#include <vector>

#include "services/sqs/model/error.hpp"

namespace localray::sqs::protocol {

// The queue's new Policy: `current` (empty: none yet) with a statement `label` added.
model::Result<std::string> policy_with_permission(const std::string& current, const std::string& queue_arn, const std::string& label,
                                          const std::vector<std::string>& account_ids, const std::vector<std::string>& actions);
// The queue's Policy without the statement `label`; nothing when none is left (SQS then drops
// the attribute).
model::Result<std::optional<std::string>> policy_without_permission(const std::string& current, const std::string& label);

}  // namespace localray::sqs::protocol
