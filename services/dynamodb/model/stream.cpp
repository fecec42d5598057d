#include "services/dynamodb/model/stream.hpp"

#include <cstdio>
#include <ctime>

#include "base/fnv1a.hpp"

namespace localray::dynamodb::model {
namespace {

// 2026-12-05T15:24:47.123, as DynamoDB labels a stream by its creation time.
std::string stream_label(tracing::TimePoint t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  return out;
}

// shardId-00000001700000000000-1a2b3c4d: creation time in milliseconds and a tag of the stream.
std::string shard_id_of(const std::string& arn, tracing::TimePoint t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  char out[48];
  std::snprintf(out, sizeof out, "shardId-%020lld-%08x", static_cast<long long>(ms), static_cast<unsigned>(base::fnv1a(arn) & 0xffffffffu));
  return out;
}

}  // namespace

Stream::Stream(std::string table_arn, std::string table_name, KeySchema key, StreamViewType view, const tracing::Clock& clock,
               tracing::TimePoint created)
    : table_name_{std::move(table_name)}, key_{std::move(key)}, view_{view}, clock_{clock}, created_{created} {
  label_ = stream_label(created_);
  arn_ = std::move(table_arn) + "/stream/" + label_;
  shard_id_ = shard_id_of(arn_, created_);
}

bool Stream::enabled() const {
  std::lock_guard lock{mutex_};
  return !disabled_at_;
}

void Stream::disable() {
  std::lock_guard lock{mutex_};
  if (!disabled_at_) disabled_at_ = clock_.now();
}

bool Stream::expired(tracing::TimePoint now) const {
  std::lock_guard lock{mutex_};
  return disabled_at_ && now - *disabled_at_ >= kStreamRetention;
}

std::string Stream::sequence_number(std::uint64_t position) const {
  // 21 digits: a leading 1, then the position.
  char out[32];
  std::snprintf(out, sizeof out, "1%020llu", static_cast<unsigned long long>(position));
  return out;
}

std::optional<std::uint64_t> Stream::position_of(std::string_view sequence_number) const {
  if (sequence_number.size() != 21 || sequence_number[0] != '1') return std::nullopt;
  std::uint64_t position = 0;
  for (char c : sequence_number.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    position = position * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return position;
}

void Stream::record(const Item* before, const Item* after, bool by_time_to_live) {
  if (!before && !after) return;
  if (before && after && *before == *after) return;
  const Item& any = after ? *after : *before;
  StreamRecord r;
  r.event_name = !before ? "INSERT" : !after ? "REMOVE" : "MODIFY";
  r.keys = key_attributes(key_, any);
  if (after && (view_ == StreamViewType::NewImage || view_ == StreamViewType::NewAndOldImages)) r.new_image = *after;
  if (before && (view_ == StreamViewType::OldImage || view_ == StreamViewType::NewAndOldImages)) r.old_image = *before;
  r.size_bytes = item_size(r.keys) + (r.new_image ? item_size(*r.new_image) : 0) + (r.old_image ? item_size(*r.old_image) : 0);
  r.expired = by_time_to_live;
  const tracing::TimePoint now = clock_.now();
  r.created = now;
  std::lock_guard lock{mutex_};
  if (disabled_at_) return;
  const std::uint64_t position = first_ + records_.size();
  r.sequence_number = sequence_number(position);
  char id[40];
  std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(base::fnv1a(arn_)),
                static_cast<unsigned long long>(position * 0x9E3779B97F4A7C15ULL));
  r.event_id = id;
  bytes_ += r.size_bytes;
  records_.push_back(std::move(r));
  trim(now);
}

void Stream::trim(tracing::TimePoint now) {
  while (!records_.empty() &&
         (records_.size() > kMaxStreamRecords || bytes_ > kMaxStreamBytes || now - records_.front().created >= kStreamRetention)) {
    bytes_ -= records_.front().size_bytes;
    records_.pop_front();
    ++first_;
  }
}

std::uint64_t Stream::first_retained(tracing::TimePoint now) const {
  std::uint64_t at = first_;
  while (at < first_ + records_.size() && now - records_[at - first_].created >= kStreamRetention) ++at;
  return at;
}

auto Stream::range() const -> Range {
  const tracing::TimePoint now = clock_.now();
  std::lock_guard lock{mutex_};
  return Range{first_retained(now), first_ + records_.size()};
}

auto Stream::read(std::uint64_t position, std::size_t limit) const -> Read {
  const tracing::TimePoint now = clock_.now();
  std::lock_guard lock{mutex_};
  Read out;
  out.start = std::max(position, first_retained(now));
  for (std::uint64_t at = out.start; at < first_ + records_.size() && out.records.size() < limit; ++at) out.records.push_back(records_[at - first_]);
  return out;
}

}  // namespace localray::dynamodb::model
