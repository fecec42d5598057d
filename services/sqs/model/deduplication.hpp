#pragma once
// FIFO deduplication: what a queue acknowledged under each deduplication key within the window,
// so that a repeated send is acknowledged as the first one was and stores nothing.
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tracing/clock.hpp"

namespace localray::sqs::model {

constexpr std::chrono::minutes kDeduplicationWindow{5};  // SQS: the deduplication interval

struct Deduplicated {
  std::string message_id;
  std::string sequence_number;
};

class DeduplicationWindow {
 public:
  // The send acknowledged under `key` less than kDeduplicationWindow before `now`, if any.
  std::optional<Deduplicated> find(const std::string& key, tracing::TimePoint now);
  void remember(const std::string& key, Deduplicated sent, tracing::TimePoint now);

 private:
  void forget_expired(tracing::TimePoint now);

  struct Entry {
    Deduplicated sent;
    tracing::TimePoint at;
  };
  std::unordered_map<std::string, Entry> sent_;
  std::deque<std::pair<tracing::TimePoint, std::string>> order_;  // keys as remembered, oldest first
};

// The key a send is deduplicated under: its id alone, or with its group when the queue's
// DeduplicationScope is messageGroup.
std::string deduplication_key(bool per_group, std::string_view group_id, std::string_view deduplication_id);
// ContentBasedDeduplication's id: the hex SHA-256 of the body (attributes do not count).
std::string content_deduplication_id(std::string_view body);

}  // namespace localray::sqs::model
