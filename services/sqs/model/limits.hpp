#pragma once
#include <chrono>
#include <cstddef>

namespace localray::sqs::model {
constexpr std::size_t kMaxMessageBytes = 256 * 1024;  // SQS quota: body + attributes
constexpr std::chrono::seconds kMaxDelay{900};
constexpr std::chrono::seconds kMaxVisibilityTimeout{12 * 60 * 60};
constexpr std::chrono::seconds kMaxWait{20};
constexpr int kMaxReceiveBatch = 10;
constexpr int kMaxMessageAttributes = 10;
}  // namespace localray::sqs::model
