#pragma once
// DynamoDB Streams: the changes of one table's items, in the order they were made, as stream
// records. A table's stream here has a single shard (a local table never splits), which holds its
// records for 24 hours (and at most kMaxStreamRecords); a stream outlives its table or its
// disabling for as long, readable and DISABLED, as on AWS.
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/dynamodb/model/attribute_value.hpp"
#include "services/dynamodb/model/key_schema.hpp"
#include "services/dynamodb/model/table_definition.hpp"
#include "tracing/clock.hpp"

namespace localray::dynamodb::model {

constexpr std::chrono::hours kStreamRetention{24};
constexpr std::size_t kMaxStreamRecords = 100'000;  // localray's bounds per stream; the oldest go first
constexpr std::size_t kMaxStreamBytes = 64u << 20;   // counted as the records' SizeBytes

struct StreamRecord {
  std::string event_id;         // 32 hex digits
  std::string event_name;       // INSERT, MODIFY or REMOVE
  std::string sequence_number;  // 21 digits, increasing within the shard
  tracing::TimePoint created;
  Item keys;
  std::optional<Item> new_image;  // as the view type keeps them
  std::optional<Item> old_image;
  std::size_t size_bytes = 0;
  bool expired = false;  // removed by time to live: its userIdentity is DynamoDB's service
};

class Stream {
 public:
  // `created` names it (its label is that time in milliseconds).
  Stream(std::string table_arn, std::string table_name, KeySchema key, StreamViewType view, const tracing::Clock& clock,
         tracing::TimePoint created);

  const std::string& arn() const { return arn_; }
  const std::string& label() const { return label_; }
  const std::string& table_name() const { return table_name_; }
  const KeySchema& key() const { return key_; }
  StreamViewType view() const { return view_; }
  tracing::TimePoint created() const { return created_; }
  const std::string& shard_id() const { return shard_id_; }
  bool enabled() const;
  // The table was deleted or its stream disabled: no more records; readable until it expires.
  void disable();
  // Past its retention since it was disabled: the registry forgets it.
  bool expired(tracing::TimePoint now) const;

  // One item's change (`before`, `after`: nothing for an absent item). A write that leaves the
  // item as it was records nothing, as on AWS.
  void record(const Item* before, const Item* after, bool by_time_to_live);

  // Positions count records from the stream's start; sequence numbers map to them one to one.
  struct Range {
    std::uint64_t first;  // the oldest record kept
    std::uint64_t end;    // one past the newest
  };
  Range range() const;
  std::string sequence_number(std::uint64_t position) const;
  std::optional<std::uint64_t> position_of(std::string_view sequence_number) const;
  // Up to `limit` records from `position`; when older ones are trimmed, from the first kept, which
  // `start` gives (read under the same lock as the records).
  struct Read {
    std::uint64_t start = 0;
    std::vector<StreamRecord> records;
  };
  Read read(std::uint64_t position, std::size_t limit) const;

 private:
  void trim(tracing::TimePoint now);  // under mutex_
  // The first position not past its retention at `now`, under mutex_: records age out even when
  // no write comes to trim them.
  std::uint64_t first_retained(tracing::TimePoint now) const;

  std::string arn_;
  std::string label_;
  std::string table_name_;
  KeySchema key_;
  StreamViewType view_;
  const tracing::Clock& clock_;
  tracing::TimePoint created_;
  std::string shard_id_;
  mutable std::mutex mutex_;
  std::deque<StreamRecord> records_;
  std::uint64_t first_ = 0;  // the position of records_.front()
  std::size_t bytes_ = 0;    // SizeBytes over records_
  std::optional<tracing::TimePoint> disabled_at_;
};

}  // namespace localray::dynamodb::model
