#pragma once
// Queue tags with SQS's limits: at most 50 per queue, keys 1 to 128 characters, values up to 256.
#include <map>
#include <string>

#include "services/sqs/model/error.hpp"

namespace localray::sqs::protocol {

constexpr std::size_t kMaxTagKeyLength = 128;
constexpr std::size_t kMaxTagValueLength = 256;
constexpr std::size_t kMaxTagsPerQueue = 50;

// `tags` merged into `into` (a key given again takes its new value); nothing changes on error.
model::Result<void> merge_tags(std::map<std::string, std::string>& into, const std::map<std::string, std::string>& tags,
                               const std::string& queue_name);

}  // namespace localray::sqs::protocol
