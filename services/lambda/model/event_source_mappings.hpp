#pragma once
// Event source mappings: each polls its source and invokes its function with batches.
//
// A mapping's records go, batch by batch:
//   pollers        kInitialPollers poll at once; a poller whose batch came back full starts one
//                  more (at most one per kScaleUpInterval, AWS's 300 a minute) up to the limit:
//                  ScalingConfig's MaximumConcurrency, the function's concurrency, kMaxPollers;
//                  a poller that finds the source empty retires down to kInitialPollers
//   gathering      the source hands over records until BatchSize, the batching window
//                  (MaximumBatchingWindowInSeconds, from the first record) or kMaxPayload is
//                  reached; without a window, what one poll brought; a failed poll is retried
//                  after kPollFailurePause
//   grouping       records are grouped by the trace their producer sent (AWSTraceHeader), so
//                  that every request's consumer runs in that request's trace; each group is
//                  delivered on its own, concurrently, and the poller waits for all of them.
//                  Since one batch may so become several invocations, the mapping holds at most
//                  the poller limit in flight at once (slots); a group waits for a slot, and no
//                  poller is added while every slot is taken
//   delivery       the source's segment (its name and origin, from the first record's arrival to
//                  the hand-over, parent = the producer's subsegment) is recorded; the function
//                  is invoked synchronously with `links` to the producers (at most
//                  kMaxLinksPerSegment), as AWS records them
//   throttled      the invocation is retried with backoff (kFirstBackoff doubling up to
//                  kMaxBackoff) while the records are still hidden in the source; once their
//                  visibility timeout would pass, they are left to it (and count a receive)
//   success        the records are acknowledged (deleted from the source); with
//                  ReportBatchItemFailures, all but the ones the function's batchItemFailures
//                  name; a response naming none it was given is a failure of the whole batch
//   failure        nothing is acknowledged: the source makes them visible again after its
//                  visibility timeout, retries them, and dead-letters them by its redrive policy
#include <atomic>
#include <list>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
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
constexpr int kMaxBatchSize = 10000;                        // SQS, with a batching window
constexpr int kMaxBatchSizeWithoutWindow = 10;
constexpr std::chrono::seconds kMaxBatchingWindow{300};
constexpr int kMaxStreamRetryAttempts = 10000;              // streams' MaximumRetryAttempts
constexpr int kMinRecordAge = 60;                           // streams' MaximumRecordAgeInSeconds, besides -1
constexpr int kMaxRecordAge = 604800;
constexpr std::size_t kMaxPayload = 6 * 1024 * 1024;        // a synchronous invocation's request
constexpr int kInitialPollers = 5;
constexpr int kMaxPollers = 1250;
constexpr std::chrono::milliseconds kScaleUpInterval{200};
constexpr int kMinMaximumConcurrency = 2, kMaxMaximumConcurrency = 1000;

struct MappingSettings {
  int batch_size = 10;
  std::chrono::seconds batching_window{0};
  bool report_batch_item_failures = false;  // FunctionResponseTypes: [ReportBatchItemFailures]
  std::optional<int> maximum_concurrency;   // ScalingConfig
  std::optional<std::string> starting_position;  // streams: TRIM_HORIZON or LATEST
  // Streams only: what becomes of a batch the function keeps failing (FailurePolicy), and where
  // Lambda reports one it gave up on (DestinationConfig.OnFailure: a queue or topic ARN).
  FailurePolicy failure = {};
  std::string on_failure = {};
  bool enabled = true;
  friend bool operator==(const MappingSettings&, const MappingSettings&) = default;
};

// The limits Lambda enforces on a mapping of a queue, or of a stream (`stream`), in its words.
Result<void> validate(const MappingSettings& settings, bool stream);

struct MappingInfo {
  std::string uuid;
  std::string event_source_arn;
  std::string function_arn;
  MappingSettings settings;
  std::string state = "Enabled";
  double last_modified = 0;  // epoch seconds
  int pollers = 0;           // batches it can have in flight now
};

// Which of `batch` a function's response reports failed (ReportBatchItemFailures), as Lambda reads
// it: nullopt when the response fails the whole batch (not JSON, or an item identifier that is
// missing, empty or names no record of the batch).
std::optional<std::vector<std::string>> batch_item_failures(const std::string& payload, const std::vector<SourceRecord>& batch);

class EventSourceMapping : public std::enable_shared_from_this<EventSourceMapping> {
 public:
  EventSourceMapping(std::string uuid, std::shared_ptr<EventSource> source, Runner& runner, std::string function, MappingSettings settings,
                     tracing::Tracer tracer, std::shared_ptr<spdlog::logger> log);
  void start(boost::asio::any_io_executor ex);
  void stop();
  // UpdateEventSourceMapping: takes effect at each poller's next batch; enabling starts pollers.
  void update(MappingSettings settings);
  MappingInfo info() const;
  int pollers() const { return pollers_.load(); }
  bool reads_stream() const { return source_->is_stream(); }
  // Batches taken from the source and not yet acknowledged, failed or handed back: a clean stop
  // waits for them.
  int busy() const { return busy_.load(); }

 private:
  // True when it counted itself out of pollers_ (retiring); false when it stopped.
  boost::asio::awaitable<bool> poller();
  int poller_limit(const MappingSettings& settings) const;
  // Takes one poller off the count when more than `keep` run; true when it did.
  bool retire_above(int keep);
  boost::asio::awaitable<Result<std::vector<SourceRecord>>> gather(MappingSettings settings);
  boost::asio::awaitable<void> deliver_all(std::vector<SourceRecord> batch, MappingSettings settings);
  // Sends what the source gave up on to the mapping's on-failure destination, as Lambda's
  // invocation records; logged in any case.
  boost::asio::awaitable<void> report_discarded(MappingSettings settings);
  boost::asio::awaitable<void> deliver(std::vector<SourceRecord> batch, MappingSettings settings);
  void spawn_poller();
  boost::asio::awaitable<bool> acquire_slot();  // false: stopping
  void release_slot();
  void maybe_scale_up(const MappingSettings& settings);
  MappingSettings settings() const;

  std::string uuid_;
  std::shared_ptr<EventSource> source_;
  Runner& runner_;
  std::string function_;
  tracing::Tracer t_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::any_io_executor ex_;  // a strand: pollers, deliveries and slots are serialised on it
  int in_flight_ = 0;                                 // strand only: invocations under way
  std::list<boost::asio::steady_timer*> slot_waiters_;  // strand only
  mutable std::mutex mutex_;
  MappingSettings settings_;
  double last_modified_;
  std::chrono::steady_clock::time_point last_scale_up_{};
  std::atomic<int> pollers_{0};
  std::atomic<int> busy_{0};
  std::atomic<bool> stopping_{false};
};

// Told of each mapping made, changed or removed, so that a copy can be kept elsewhere (--persist).
class MappingChanges {
 public:
  virtual ~MappingChanges() = default;
  virtual void mapping_changed(const MappingInfo& info) = 0;
  virtual void mapping_removed(const std::string& uuid) = 0;
};

// The mappings of the process, made from the topology or over the Lambda API.
class EventSourceMappings {
 public:
  EventSourceMappings(boost::asio::any_io_executor ex, Runner& runner, EventSourceResolver& sources, tracing::Tracer tracer,
                      std::shared_ptr<spdlog::logger> log);
  Result<MappingInfo> create(const std::string& event_source_arn, const std::string& function, MappingSettings settings);
  // A mapping a copy kept, under its UUID; ResourceConflict when one already maps the same source
  // to the same function (the topology made it).
  Result<MappingInfo> restore(const std::string& uuid, const std::string& event_source_arn, const std::string& function, MappingSettings settings);
  // Where changes are reported (--persist); set before the first mapping is made.
  void set_changes(std::shared_ptr<MappingChanges> changes) { changes_ = std::move(changes); }
  Result<MappingInfo> update(const std::string& uuid, MappingSettings settings);
  std::vector<MappingInfo> list() const;
  Result<MappingInfo> get(const std::string& uuid) const;
  // The mapping stops polling; deliveries in flight finish.
  Result<MappingInfo> remove(const std::string& uuid);
  void stop_all();
  // Batches of every mapping taken and not yet finished (EventSourceMapping::busy).
  int busy() const;

 private:
  std::shared_ptr<EventSourceMapping> find(const std::string& uuid) const;
  Result<MappingInfo> make(std::string uuid, const std::string& event_source_arn, const std::string& function, MappingSettings settings);
  // DestinationConfig.OnFailure names a queue or topic that can be delivered to.
  Result<void> check_destination(const MappingSettings& settings) const;
  boost::asio::any_io_executor ex_;
  Runner& runner_;
  EventSourceResolver& sources_;
  tracing::Tracer t_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<EventSourceMapping>> mappings_;
  std::shared_ptr<MappingChanges> changes_;
};

}  // namespace localray::lambda::model
