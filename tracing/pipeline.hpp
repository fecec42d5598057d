#pragma once
// Bounded queue in front of the single SQLite writer. Producers (every hop of every request, the
// UDP receiver, PutTraceSegments) hand over finished segments; a preparer thread takes whatever
// has accumulated as one batch and does the pure work (documents, digests), and the writer thread
// stores it in one transaction, so the batch grows with the load and stays small when idle, and
// the two halves of the work run on two cores.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>
#include <mutex>
#include <optional>
#include <thread>

#include <spdlog/fwd.h>

#include "tracing/sink.hpp"
#include "tracing/store.hpp"

namespace localray::tracing {

class Pipeline final : public SegmentSink {
 public:
  Pipeline(Store& store, std::size_t capacity, std::shared_ptr<spdlog::logger> log);
  ~Pipeline() override;

  // SegmentSink: refuses the segment when `capacity` segments wait already, and counts it.
  bool record(Segment segment) override;
  // Takes what fits (a prefix of `segments`) and settles once those are committed; the rest are
  // settled as not stored at once.
  void record_all(std::vector<Segment> segments, Settled settled) override;
  // For sources that acknowledge nothing (UDP): when full, the oldest waiting segment is dropped.
  void offer(Segment segment);
  // Returns once everything recorded before the call is committed.
  void flush();
  // Drains the queue, then stops the writer. Idempotent.
  void stop();

  // Called on the writer thread after each commit with the ids of the traces it touched (each
  // once). Set it before segments flow; it must return quickly.
  using CommitListener = std::function<void(const std::vector<std::string>& trace_ids)>;
  void on_commit(CommitListener listener);
  // Called on the writer thread after each commit with the documents it stored (an exporter's
  // feed). Set it before segments flow; it must return quickly. Unset, no copy is made.
  using DocumentListener = std::function<void(std::vector<std::string>&& documents)>;
  void on_commit_documents(DocumentListener listener);

  std::uint64_t written() const;
  std::uint64_t dropped() const;  // offered and pushed out by newer ones (UDP)
  std::uint64_t refused() const;  // recorded while full
  // Free places in the queue now; loaders that may wait (benchmarks, imports) pace themselves on it.
  std::size_t room() const;

  // Serving while the writer runs and its last transaction committed.
  struct Status {
    bool writing = false;
    std::uint64_t written = 0, waiting = 0, refused = 0, dropped = 0, failed = 0;
    double lag_seconds = 0;  // how long the oldest segment not yet committed has waited
    std::string last_error;  // of the last batch that failed, when the latest did
  };
  Status status() const;

  // Tests only: while held, the writer commits nothing, so the queue fills up.
  void hold_writer_for_test(bool held);

 private:
  void run_preparer();
  void run_writer();
  void prune();
  // Segments [first, last] (in the order they were queued) are stored (`ok`) or lost; callers of
  // record_all() whose segments are now all settled are told. Takes the lock itself.
  void settle(std::uint64_t first, std::uint64_t last, bool ok);

  // A record_all() call waiting for its segments: they hold the sequence numbers [first, last].
  struct Waiter {
    std::uint64_t first = 0, last = 0;
    std::size_t remaining = 0;
    std::vector<bool> stored;
    Settled settled;
  };
  struct Prepared {
    PreparedBatch batch;
    std::uint64_t first = 0, last = 0;
    std::chrono::steady_clock::time_point oldest;  // when its first segment was queued
  };

  Store& store_;
  std::size_t capacity_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mutex_;
  std::condition_variable has_work_, committed_, has_prepared_, prepared_room_;
  std::deque<Segment> queue_;
  std::deque<std::chrono::steady_clock::time_point> queued_at_;  // beside queue_: when each was queued
  std::deque<Prepared> prepared_;  // at most kMaxPrepared, waiting for the writer
  // Segment n (1-based, in queueing order) has sequence number n; taken_ of them have left queue_
  // for a batch or been dropped, so queue_.front() is taken_ + 1.
  std::uint64_t taken_ = 0;
  std::optional<std::chrono::steady_clock::time_point> writing_oldest_;    // of the batch the writer holds
  std::optional<std::chrono::steady_clock::time_point> preparing_oldest_;  // of the batch the preparer holds
  std::vector<Waiter> waiters_;
  bool preparer_done_ = false;
  std::uint64_t enqueued_ = 0, written_ = 0, dropped_ = 0, failed_ = 0, refused_ = 0;
  std::string last_error_;  // empty once a batch commits again
  std::chrono::steady_clock::time_point refusal_logged_{};
  bool stopping_ = false;
  void wake_preparer(std::size_t queued_before);  // with mutex_ held, after segments were queued
  std::size_t flushing_ = 0;  // callers of flush() waiting: the gathering window is skipped
  bool writer_held_ = false;
  CommitListener listener_;
  DocumentListener document_listener_;
  std::thread preparer_, writer_;
};

}  // namespace localray::tracing
