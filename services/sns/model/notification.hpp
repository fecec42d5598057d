#pragma once
// What is published to a topic and what a subscriber receives.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/sns/model/error.hpp"
#include "services/sns/model/message_attribute.hpp"
#include "tracing/clock.hpp"

namespace localray::sns::model {

// The sender id SNS's messages carry in the queues it delivers to (SenderId).
inline constexpr const char* kSenderId = "AIDAIT2UOQQY3AUEKVGXU";

struct Notification {
  std::string message_id;
  std::string topic_arn;
  std::optional<std::string> subject;
  std::string message;  // for this subscriber: the MessageStructure=json entry of its protocol, else the default
  tracing::TimePoint timestamp;
  MessageAttributes attributes;
  // FIFO topics: the group, the deduplication id in effect (given, or the message's SHA-256) and
  // the topic's sequence number. A standard topic may pass a group on (fair queues).
  std::string group_id{}, deduplication_id{}, sequence_number{};
  // What http/https subscribers need of the topic: its SignatureVersion ("1": SHA1withRSA, "2":
  // SHA256withRSA) and its DeliveryPolicy (JSON; empty: none set).
  std::string signature_version{"1"}, topic_delivery_policy{};
};

struct PublishRequest {
  std::string topic_arn;
  std::string message;  // the default message
  std::optional<std::string> subject;
  MessageAttributes attributes;
  // MessageStructure=json: protocol ("sqs", "lambda", ...) -> the message its subscribers get instead.
  std::map<std::string, std::string> protocol_messages{};
  std::optional<std::string> group_id{};          // MessageGroupId
  std::optional<std::string> deduplication_id{};  // MessageDeduplicationId
};

struct PublishReceipt {
  std::string message_id;
  std::string sequence_number{};  // FIFO topics only
};

struct PublishBatchEntry {
  std::string id;          // unique in the batch: [A-Za-z0-9_-]{1,80}
  PublishRequest request;  // its topic_arn is ignored: a batch goes to one topic
};
struct BatchResultEntry {
  std::string id;
  std::string message_id;
  std::string sequence_number{};  // FIFO topics only
};
struct BatchErrorEntry {
  std::string id;
  Error error;
  bool sender_fault = true;
};
struct PublishBatchReceipt {
  std::vector<BatchResultEntry> successful;
  std::vector<BatchErrorEntry> failed;
};

// Attribute names, types and values, the message's presence and size, the subject.
Result<void> validate_publish(const PublishRequest& request);
// Bytes a publish counts against kMaxMessageBytes: messages plus attribute names, types and values.
std::size_t publish_size(const PublishRequest& request);
// Batch-wide checks of PublishBatch, in SNS's order: the count, then (after the topic) the ids,
// distinct and well-formed.
Result<void> validate_batch_count(const std::vector<PublishBatchEntry>& entries);
Result<void> validate_batch_ids(const std::vector<PublishBatchEntry>& entries);

}  // namespace localray::sns::model
