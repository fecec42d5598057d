#pragma once
// What an event source mapping reads from: a queue (SQS) or a stream (DynamoDB Streams). The source renders its
// records in its own event format (the model never sees it) and says how the wait it imposes on
// them is traced.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "services/lambda/model/error.hpp"
#include "tracing/clock.hpp"
#include "tracing/trace_header.hpp"

namespace localray::lambda::model {

struct SourceRecord {
  std::string id;
  std::optional<tracing::TraceHeader> trace;  // the producer's context (SQS AWSTraceHeader), when it sent a valid one
  tracing::TimePoint sent_at;
  std::string receipt;   // how the source recognises the record when it is acknowledged
  std::string rendered;  // the record as the function's event holds it, in the source's format
  // When the source hands the record out again if it is not acknowledged (SQS: the end of its
  // visibility timeout); absent when the source never does.
  std::optional<tracing::TimePoint> hidden_until;
};

// The node that stands for the source in a trace: a segment from the first record's arrival to
// the hand-over to the function.
struct SourceNode {
  std::string name;
  std::string arn;
  std::string origin;   // e.g. AWS::SQS::Queue
  nlohmann::json aws;   // the segment's `aws` fields
};

constexpr int kMaxRecordsPerPoll = 10;  // one SQS ReceiveMessage

// A stream mapping's MaximumRetryAttempts (-1: until the records expire), BisectBatchOnFunctionError
// and MaximumRecordAgeInSeconds (-1: no limit).
struct FailurePolicy {
  int maximum_retry_attempts = -1;
  bool bisect = false;
  int maximum_record_age = -1;
  friend bool operator==(const FailurePolicy&, const FailurePolicy&) = default;
};

// Records a stream gave up on, as Lambda reports them to an on-failure destination: why
// (RetryAttemptsExhausted, RecordAgeExceeded), after how many invocations, and the batch's
// description in the source's own shape (DDBStreamBatchInfo).
struct DiscardedBatch {
  std::string condition;
  int attempts = 0;
  std::string info_member;  // e.g. "DDBStreamBatchInfo"
  nlohmann::json info;
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  virtual const std::string& arn() const = 0;
  virtual SourceNode node() const = 0;
  // Up to `max_records` (at most kMaxRecordsPerPoll), waiting at most `wait` for the first; none
  // when nothing came.
  virtual boost::asio::awaitable<Result<std::vector<SourceRecord>>> poll(int max_records, std::chrono::milliseconds wait) = 0;
  // The event a function is invoked with for these records.
  virtual std::string event(const std::vector<SourceRecord>& records) const = 0;
  // The function processed these: they are removed from the source.
  virtual boost::asio::awaitable<void> acknowledge(std::vector<SourceRecord> records) = 0;
  // The mapping stops before handing these to the function: the source may hand them out again at
  // once (SQS: visible again), not only once their visibility timeout runs out.
  virtual boost::asio::awaitable<void> release(std::vector<SourceRecord> records) = 0;
  // The function did not process these (it failed, or its response failed the batch). A queue needs
  // no word (its visibility timeout brings them back); a stream hands them out again.
  virtual boost::asio::awaitable<void> failed(std::vector<SourceRecord> records) { co_return; }
  // A stream hands out its records in order, one batch at a time, and a batch not acknowledged
  // comes back until it is; its mappings take a StartingPosition and bigger batches.
  virtual bool is_stream() const { return false; }
  // The most records one poll may ask for.
  virtual int max_per_poll() const { return kMaxRecordsPerPoll; }
  // Streams: how failed batches are retried, split and given up on (a queue has its redrive policy).
  virtual void set_failure_policy(const FailurePolicy&) {}
  // The batches given up on since the last call, for the mapping to report.
  virtual std::vector<DiscardedBatch> take_discarded() { return {}; }
};

// Finds the source an event source ARN names; the emulator's wiring implements it, since the
// source is another service.
class EventSourceResolver {
 public:
  virtual ~EventSourceResolver() = default;
  // `starting_position` (TRIM_HORIZON, LATEST) is where a stream source begins; queues ignore it.
  virtual Result<std::shared_ptr<EventSource>> find(const std::string& arn, const std::optional<std::string>& starting_position) = 0;
};

}  // namespace localray::lambda::model
