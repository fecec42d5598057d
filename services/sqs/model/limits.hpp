#pragma once
#include <chrono>
#include <cstddef>

namespace localray::sqs::model {
constexpr std::size_t kMaxMessageBytes = 1024 * 1024;  // SQS quota: body + attributes (1 MiB since 2025)
constexpr std::size_t kMinMessageBytes = 1024;        // SQS quota: lowest MaximumMessageSize
constexpr std::chrono::seconds kMaxDelay{900};
constexpr std::chrono::seconds kMaxVisibilityTimeout{12 * 60 * 60};
constexpr std::chrono::seconds kMaxWait{20};
constexpr std::chrono::seconds kMinRetention{60};              // SQS quota: 1 minute
constexpr std::chrono::seconds kMaxRetention{14 * 24 * 3600};  // SQS quota: 14 days
constexpr std::chrono::seconds kPurgeInterval{60};             // SQS: one PurgeQueue per queue per 60 s
constexpr int kMaxReceiveBatch = 10;
constexpr int kMaxMessageAttributes = 10;
constexpr std::size_t kMaxBatchEntries = 10;         // SQS quota: entries per *Batch request
constexpr std::size_t kMaxBatchEntryIdLength = 80;   // `[A-Za-z0-9_-]{1,80}`
constexpr std::size_t kMaxAttributeNameLength = 256; // message attribute names
constexpr int kMaxMaxReceiveCount = 1000;            // RedrivePolicy maxReceiveCount 1..1000
// localray's memory bound per queue (SQS has none): bodies and attributes held. Past it
// SendMessage is throttled until consumers catch up.
constexpr std::size_t kMaxQueueBytes = 512 * 1024 * 1024;
// SQS's quota on messages in flight in a standard queue: past it ReceiveMessage answers OverLimit
// until consumers delete messages or their visibility timeouts end.
constexpr std::size_t kMaxInFlight = 120000;
}  // namespace localray::sqs::model
