#pragma once
// The rules every *Batch request obeys before any entry runs: 1 to 10 entries, ids
// `[A-Za-z0-9_-]{1,80}`, distinct. Entries then succeed or fail one by one.
#include <span>
#include <string>

#include "services/sqs/model/error.hpp"

namespace localray::sqs::model {

Result<void> validate_batch_ids(std::span<const std::string> ids);

}  // namespace localray::sqs::model
