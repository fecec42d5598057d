#pragma once
// Event source mappings: each polls its source and invokes its function with batches.
//
// A mapping's records go, batch by batch:
//   poll()         the source hands over up to BatchSize records, waiting up to kPollWait;
//                  a failed poll is retried after kPollFailurePause
//   grouping       records are grouped by the trace their producer sent (AWSTraceHeader), so
//                  that every request's consumer runs in that request's trace; each group is
//                  delivered on its own, concurrently
//   delivery       the source's segment (its name and origin, from the first record's arrival to
//                  the hand-over, parent = the producer's subsegment) is recorded; the function
//                  is invoked synchronously with `links` to the producers (at most
//                  kMaxLinksPerSegment), as AWS records them
//   throttled      the invocation is retried with backoff (kFirstBackoff doubling up to
//                  kMaxBackoff) while the records stay in flight, as Lambda's poller does
//   success        the records are acknowledged (deleted from the source)
//   failure        nothing is acknowledged: the source makes them visible again after its
//                  visibility timeout, retries them, and dead-letters them by its redrive policy
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <spdlog/fwd.h>

#include "services/lambda/model/error.hpp"
#include "services/lambda/model/event_source.hpp"
#include "services/lambda/model/function.hpp"
#include "tracing/tracer.hpp"

namespace localray::lambda::model {

constexpr std::chrono::seconds kPollWait{20};              // the poller's long poll, SQS's longest
constexpr std::chrono::seconds kPollFailurePause{1};
constexpr std::size_t kMaxLinksPerSegment = 20;             // X-Ray: links per segment
constexpr std::chrono::milliseconds kFirstBackoff{50};
constexpr std::chrono::milliseconds kMaxBackoff{2000};
constexpr int kMinBatchSize = 1;
constexpr int kMaxBatchSize = 10;                           // SQS without a batching window

struct MappingInfo {
  std::string uuid;
  std::string event_source_arn;
  std::string function_arn;
  int batch_size = 10;
  std::string state = "Enabled";
  double last_modified = 0;  // epoch seconds
};

class EventSourceMapping : public std::enable_shared_from_this<EventSourceMapping> {
 public:
  EventSourceMapping(std::string uuid, std::shared_ptr<EventSource> source, Runner& runner, std::string function, int batch_size,
                     tracing::Tracer tracer, std::shared_ptr<spdlog::logger> log);
  void start(boost::asio::any_io_executor ex);
  void stop() { stopping_ = true; }
  MappingInfo info() const;

 private:
  boost::asio::awaitable<void> poll();
  boost::asio::awaitable<void> deliver(std::vector<SourceRecord> batch);

  std::string uuid_;
  std::shared_ptr<EventSource> source_;
  Runner& runner_;
  std::string function_;
  int batch_size_;
  tracing::Tracer t_;
  std::shared_ptr<spdlog::logger> log_;
  double created_at_;
  std::atomic<bool> stopping_{false};
};

// The mappings of the process, made from the topology or over the Lambda API.
class EventSourceMappings {
 public:
  EventSourceMappings(boost::asio::any_io_executor ex, Runner& runner, EventSourceResolver& sources, tracing::Tracer tracer,
                      std::shared_ptr<spdlog::logger> log);
  Result<MappingInfo> create(const std::string& event_source_arn, const std::string& function, int batch_size);
  std::vector<MappingInfo> list() const;
  Result<MappingInfo> get(const std::string& uuid) const;
  // The mapping stops polling; deliveries in flight finish.
  Result<MappingInfo> remove(const std::string& uuid);
  void stop_all();

 private:
  boost::asio::any_io_executor ex_;
  Runner& runner_;
  EventSourceResolver& sources_;
  tracing::Tracer t_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<EventSourceMapping>> mappings_;
};

}  // namespace localray::lambda::model
