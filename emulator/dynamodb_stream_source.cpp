#include "emulator/dynamodb_stream_source.hpp"

#include <algorithm>
#include <set>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "emulator/event_shapes.hpp"
#include "services/dynamodb/protocol/streams_dispatch.hpp"

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
  auto read = stream_->read(next_, static_cast<std::size_t>(max_records));
  next_ = read.start;  // what was trimmed meanwhile is gone
  std::vector<SourceRecord> out;
  std::uint64_t position = next_;
  for (const auto& r : read.records) {
    nlohmann::json rendered = dynamodb::protocol::stream_record_json(r, *stream_, region_);
    rendered["eventSourceARN"] = stream_->arn();
    // A stream's item identifier (ReportBatchItemFailures) is its sequence number.
    out.push_back(SourceRecord{r.sequence_number, std::nullopt, r.created, std::to_string(position++), rendered.dump(), std::nullopt});
  }
  if (!out.empty()) in_flight_end_ = position;
  return out;
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
  if (at < *in_flight_end_) retry_at_ = clock_.now() + kRetryPause;
  next_ = at;
  in_flight_end_.reset();
}

asio::awaitable<void> DynamoDbStreamSource::release(std::vector<SourceRecord>) {
  std::lock_guard lock{mutex_};
  in_flight_end_.reset();  // the checkpoint stays: handed out again at once
  co_return;
}

asio::awaitable<void> DynamoDbStreamSource::failed(std::vector<SourceRecord>) {
  std::lock_guard lock{mutex_};
  in_flight_end_.reset();
  retry_at_ = clock_.now() + kRetryPause;
  co_return;
}

}  // namespace localray::emulator
