#pragma once
#include <cstddef>

namespace localray::sns::model {
constexpr std::size_t kMaxMessageBytes = 256 * 1024;  // SNS quota: message + attributes
constexpr std::size_t kMaxSubjectChars = 99;          // "Subject must be less than 100 characters"
constexpr std::size_t kMaxTopicNameChars = 256;
constexpr std::size_t kMaxAttributeNameBytes = 256;   // "Length of message attribute name must be less than 256 bytes"
constexpr std::size_t kMaxBatchEntries = 10;          // PublishBatch quota
constexpr std::size_t kMaxBatchEntryIdChars = 80;     // as SQS batch ids
constexpr std::size_t kMaxFilterPolicyCombinations = 150;  // "Filter policy is too complex"
constexpr std::size_t kMaxFilterPolicyBytes = 256 * 1024;  // SNS quota: a filter policy's size
constexpr int kMaxFilterPolicyDepth = 32;  // localray's bound on nested objects and $or in a policy
constexpr std::size_t kMaxFilterPolicyKeys = 5;       // "Filter policy can not have more than 5 keys"
constexpr std::size_t kMaxTags = 50;                  // tags on one topic
constexpr std::size_t kMaxTagKeyChars = 128;
constexpr std::size_t kMaxTagValueChars = 256;
}  // namespace localray::sns::model
