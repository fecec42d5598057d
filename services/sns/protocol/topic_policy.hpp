#pragma once
// A topic's access policy as SNS writes it: the default a new topic has, and the statements
// AddPermission adds and RemovePermission takes away. Policy JSON is SNS's wire format, so it is
// made here and the model only stores the text.
#include <string>
#include <vector>

#include "services/sns/model/error.hpp"

namespace localray::sns::protocol {

// The policy SNS gives a new topic: the owner's account may do everything.
std::string default_topic_policy(const std::string& topic_arn, const std::string& owner);

// `current` (empty: the default policy) with a statement `label` allowing `actions` (SNS action
// names, e.g. "Publish") to `accounts`. One account or action is written as a string, more as an
// array, as SNS writes them.
model::Result<std::string> policy_with_permission(const std::string& current, const std::string& topic_arn, const std::string& owner,
                                                  const std::string& label, const std::vector<std::string>& accounts,
                                                  const std::vector<std::string>& actions);
// `current` (empty: the default policy) without the statement `label`; an unknown label changes nothing.
std::string policy_without_permission(const std::string& current, const std::string& topic_arn, const std::string& owner,
                                      const std::string& label);

}  // namespace localray::sns::protocol
