#pragma once
#include <cstddef>

namespace localray::sns::model {
constexpr std::size_t kMaxMessageBytes = 256 * 1024;  // SNS quota: message + attributes
constexpr std::size_t kMaxSubjectChars = 99;          // "Subject must be less than 100 characters"
constexpr std::size_t kMaxTopicNameChars = 256;
}  // namespace localray::sns::model
