#include "emulator/dynamodb_stream_source.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "emulator/event_shapes.hpp"
#include "services/dynamodb/protocol/streams_dispatch.hpp"
#include "tracing/timestamps.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using lambda::model::SourceRecord;

namespace {

// How often a poller looks for new records while it long-polls an idle stream, and how long a
// failed batch waits before it is handed out again.
constexpr std::chrono::milliseconds kStreamPollInterval{50};
constexpr std::chrono::milliseconds kRetryPause{500};

std::uint64_t position_of(const SourceRecord& r) { return std::stoull(r.receipt); }

}  // namespace

DynamoDbStreamSource::DynamoDbStreamSource(std::shared_ptr<dynamodb::model::Stream> stream, std::string table_arn, std::string region,
                                           bool from_latest, const tracing::Clock& clock)
    : stream_{std::move(stream)}, table_arn_{std::move(table_arn)}, region_{std::move(region)}, clock_{clock} {
  auto range = stream_->range();
  next_ = from_latest ? range.end : range.first;
}

lambda::model::SourceNode DynamoDbStreamSource::node() const {
  return {stream_->table_name(), table_arn_, "AWS::DynamoDB::Table", {{"operation", "GetRecords"}, {"table_name", stream_->table_name()}}};
}

std::vector<SourceRecord> DynamoDbStreamSource::take(int max_records) {
  std::lock_guard lock{mutex_};
  if (in_flight_end_ || clock_.now() < retry_at_) return {};
  std::size_t limit = static_cast<std::size_t>(max_records);
  if (bisected_) limit = std::min(limit, *bisected_);
  auto read = stream_->read(next_, limit);
  next_ = read.start;  // what was trimmed meanwhile is gone
  std::vector<SourceRecord> out;
  std::uint64_t position = next_;
  for (const auto& r : read.records) {
    nlohmann::json rendered = dynamodb::protocol::stream_record_json(r, *stream_, region_);
    rendered["eventSourceARN"] = stream_->arn();
    // A stream's item identifier (ReportBatchItemFailures) is its sequence number.
    out.push_back(SourceRecord{r.sequence_number, std::nullopt, r.created, std::to_string(position++), rendered.dump(), std::nullopt});
  }
  if (policy_.maximum_record_age >= 0) {
    // Records are in order of age: the too old ones are a prefix, skipped and reported.
    const auto oldest_kept = clock_.now() - std::chrono::seconds{policy_.maximum_record_age};
    auto young = std::find_if(out.begin(), out.end(), [&](const SourceRecord& r) { return r.sent_at >= oldest_kept; });
    if (young != out.begin()) {
      discard(std::vector<SourceRecord>(out.begin(), young), "RecordAgeExceeded");
      out.erase(out.begin(), young);
    }
  }
  if (!out.empty()) in_flight_end_ = position;
  in_flight_ = out;
  return out;
}

void DynamoDbStreamSource::set_failure_policy(const lambda::model::FailurePolicy& policy) {
  std::lock_guard lock{mutex_};
  policy_ = policy;
}

std::vector<lambda::model::DiscardedBatch> DynamoDbStreamSource::take_discarded() {
  std::lock_guard lock{mutex_};
  return std::exchange(discarded_, {});
}

void DynamoDbStreamSource::discard(const std::vector<SourceRecord>& records, std::string condition) {
  if (records.empty()) return;
  nlohmann::json info{{"shardId", stream_->shard_id()},
                      {"startSequenceNumber", records.front().id},
                      {"endSequenceNumber", records.back().id},
                      {"approximateArrivalOfFirstRecord", tracing::iso8601_millis(records.front().sent_at)},
                      {"approximateArrivalOfLastRecord", tracing::iso8601_millis(records.back().sent_at)},
                      {"batchSize", records.size()},
                      {"streamArn", stream_->arn()}};
  discarded_.push_back({std::move(condition), failures_, "DDBStreamBatchInfo", std::move(info)});
  next_ = position_of(records.back()) + 1;
  failures_ = 0;
  bisected_.reset();
}

void DynamoDbStreamSource::failed_records(std::vector<SourceRecord> unprocessed) {
  ++failures_;
  retry_at_ = clock_.now() + kRetryPause;
  if (policy_.bisect && unprocessed.size() > 1) {
    bisected_ = unprocessed.size() / 2;
    --failures_;  // a split is not a retry
    return;
  }
  // MaximumRetryAttempts counts retries: the first invocation is not one.
  if (policy_.maximum_retry_attempts >= 0 && failures_ > policy_.maximum_retry_attempts) {
    discard(unprocessed, "RetryAttemptsExhausted");
    retry_at_ = {};
  }
}

asio::awaitable<lambda::model::Result<std::vector<SourceRecord>>> DynamoDbStreamSource::poll(int max_records, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  asio::steady_timer timer{co_await asio::this_coro::executor};
  for (;;) {
    auto got = take(max_records);
    if (!got.empty()) co_return got;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) co_return std::vector<SourceRecord>{};
    timer.expires_after(std::min(left, kStreamPollInterval));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

std::string DynamoDbStreamSource::event(const std::vector<SourceRecord>& records) const {
  std::vector<std::string> rendered;
  for (const auto& r : records) rendered.push_back(r.rendered);
  return records_event(rendered);
}

asio::awaitable<void> DynamoDbStreamSource::acknowledge(std::vector<SourceRecord> records) {
  std::lock_guard lock{mutex_};
  if (!in_flight_end_) co_return;
  // The checkpoint moves over the records processed, up to the first one that was not (a batch
  // with failures reported by item): the rest come again, in order.
  std::set<std::uint64_t> done;
  for (const auto& r : records) done.insert(position_of(r));
  std::uint64_t at = next_;
  while (at < *in_flight_end_ && done.count(at)) ++at;
  if (at > next_) {
    // Progress: the failures counted so far were the old first record's, not the new one's.
    failures_ = 0;
    bisected_.reset();
  }
  next_ = at;
  in_flight_end_.reset();
  std::vector<SourceRecord> unprocessed;
  for (auto& r : in_flight_) {
    if (position_of(r) >= at) unprocessed.push_back(std::move(r));
  }
  in_flight_.clear();
  if (!unprocessed.empty()) failed_records(std::move(unprocessed));
}

asio::awaitable<void> DynamoDbStreamSource::release(std::vector<SourceRecord>) {
  std::lock_guard lock{mutex_};
  in_flight_end_.reset();  // the checkpoint stays: handed out again at once
  in_flight_.clear();
  co_return;
}

asio::awaitable<void> DynamoDbStreamSource::failed(std::vector<SourceRecord>) {
  std::lock_guard lock{mutex_};
  in_flight_end_.reset();
  failed_records(std::exchange(in_flight_, {}));
  co_return;
}

}  // namespace localray::emulator
