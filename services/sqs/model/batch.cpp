#include "services/sqs/model/batch.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "services/sqs/model/limits.hpp"

namespace localray::sqs::model {

Result<void> validate_batch_ids(std::span<const std::string> ids) {
  if (ids.empty()) return Error{Code::EmptyBatchRequest, "There should be at least one entry in the request."};
  if (ids.size() > kMaxBatchEntries)
    return Error{Code::TooManyEntriesInBatchRequest,
                 "Maximum number of entries per request are 10. You have sent " + std::to_string(ids.size()) + "."};
  std::set<std::string_view> seen;
  for (const auto& id : ids) {
    bool valid = !id.empty() && id.size() <= kMaxBatchEntryIdLength &&
                 std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
    if (!valid)
      return Error{Code::InvalidBatchEntryId,
                   "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."};
    if (!seen.insert(id).second) return Error{Code::BatchEntryIdsNotDistinct, "Id " + id + " repeated."};
  }
  return {};
}

}  // namespace localray::sqs::model
