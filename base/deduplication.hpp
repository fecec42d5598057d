#pragma once
// FIFO deduplication as SQS and SNS share it: what was acknowledged under each deduplication key
// within the window, so that a repeated send is acknowledged as the first one was and delivers
// nothing. Keys are the deduplication id, with the group when deduplication is per group.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace localray::base {

constexpr std::chrono::minutes kDeduplicationWindow{5};  // SQS's and SNS's deduplication interval

struct Deduplicated {
  std::string message_id;
  std::string sequence_number;
};

// `TimePoint`: the caller's clock's time points (the window only compares and adds to them).
template <class TimePoint>
class DeduplicationWindow {
 public:
  // The send acknowledged under `key` less than kDeduplicationWindow before `now`, if any.
  std::optional<Deduplicated> find(const std::string& key, TimePoint now) {
    forget_expired(now);
    auto it = sent_.find(key);
    if (it == sent_.end()) return std::nullopt;
    return it->second.sent;
  }
  void remember(const std::string& key, Deduplicated sent, TimePoint now) {
    forget_expired(now);
    sent_.insert_or_assign(key, Entry{std::move(sent), now});
    order_.emplace_back(now, key);
  }

 private:
  void forget_expired(TimePoint now) {
    while (!order_.empty() && order_.front().first + kDeduplicationWindow <= now) {
      // A key remembered again later keeps its newer entry.
      if (auto it = sent_.find(order_.front().second); it != sent_.end() && it->second.at == order_.front().first) sent_.erase(it);
      order_.pop_front();
    }
  }

  struct Entry {
    Deduplicated sent;
    TimePoint at;
  };
  std::unordered_map<std::string, Entry> sent_;
  std::deque<std::pair<TimePoint, std::string>> order_;  // keys as remembered, oldest first
};

// The key a send is deduplicated under: its id alone, or with its group when deduplication is per
// message group.
std::string deduplication_key(bool per_group, std::string_view group_id, std::string_view deduplication_id);
// ContentBasedDeduplication's id: the hex SHA-256 of the body (attributes do not count).
std::string content_deduplication_id(std::string_view body);
// MessageGroupId and MessageDeduplicationId: 1 to 128 of alphanumerics and punctuation (`[!-~]`).
bool valid_fifo_id(std::string_view id);
// A FIFO sequence number: 20 decimal digits. Numbers are drawn from kSequenceBase plus the clock in
// nanoseconds, so that they grow across restarts and read like SQS's (which start with a 1).
constexpr std::uint64_t kSequenceBase = 10'000'000'000'000'000'000ULL;
std::string sequence_number_text(std::uint64_t n);
// The number after `last`: never below kSequenceBase plus `now` (nanoseconds since the epoch), so
// that numbers keep growing across restarts.
std::uint64_t next_sequence(std::uint64_t last, std::chrono::nanoseconds now);

}  // namespace localray::base
