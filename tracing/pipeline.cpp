#include "tracing/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <unordered_set>

namespace localray::tracing {

namespace {
constexpr std::size_t kMaxBatch = 2000;
// A batch is taken once its oldest segment has waited this long: the segments a request makes
// within it (a trace's API Gateway, SNS and Lambda hops land within milliseconds of each other)
// go to the store together, so the writer digests the trace once instead of once per piece.
// Not when a caller waits for its segments to be committed (record_all).
constexpr auto kGatherWindow = std::chrono::milliseconds{100};
// Prepared batches waiting for the writer: enough to keep it busy, few enough that the queue in
// front (and its back-pressure) stays the one place segments wait.
constexpr std::size_t kMaxPrepared = 2;
// Retention runs between batches in small transactions, so a write never waits behind a long purge.
constexpr std::size_t kPruneChunk = 500;
constexpr auto kPruneInterval = std::chrono::seconds{1};

double epoch_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }
}

Pipeline::Pipeline(Store& store, std::size_t capacity, std::shared_ptr<spdlog::logger> log)
    : store_{store}, capacity_{capacity}, log_{std::move(log)}, preparer_{[this] { run_preparer(); }}, writer_{[this] { run_writer(); }} {}

Pipeline::~Pipeline() { stop(); }

bool Pipeline::record(Segment segment) {
  std::unique_lock lock{mutex_};
  if (queue_.size() >= capacity_ || (stopping_ && preparer_done_)) {
    ++refused_;
    // One line a second at most: under overload the log must not become the next bottleneck.
    auto now = std::chrono::steady_clock::now();
    if (now - refusal_logged_ >= std::chrono::seconds{1}) {
      refusal_logged_ = now;
      auto refused = refused_;
      lock.unlock();
      log_->warn("trace pipeline full ({} segments waiting): segment {} of trace {} not stored; {} refused so far", capacity_, segment.id,
                 segment.trace_id, refused);
    }
    return false;
  }
  queue_.push_back(std::move(segment));
  queued_at_.push_back(std::chrono::steady_clock::now());
  ++enqueued_;
  wake_preparer(queue_.size() - 1);
  return true;
}

void Pipeline::record_all(std::vector<Segment> segments, Settled settled) {
  std::vector<bool> stored(segments.size(), false);
  {
    std::lock_guard lock{mutex_};
    std::size_t fit = stopping_ && preparer_done_ ? 0 : std::min(segments.size(), capacity_ - std::min(capacity_, queue_.size()));
    refused_ += segments.size() - fit;
    if (fit > 0) {
      Waiter w{enqueued_ + 1, enqueued_ + fit, fit, std::vector<bool>(segments.size(), false), std::move(settled)};
      std::fill(w.stored.begin(), w.stored.begin() + static_cast<std::ptrdiff_t>(fit), true);
      auto now = std::chrono::steady_clock::now();
      for (std::size_t i = 0; i < fit; ++i) {
        queue_.push_back(std::move(segments[i]));
        queued_at_.push_back(now);
      }
      enqueued_ += fit;
      waiters_.push_back(std::move(w));
      has_work_.notify_one();  // its caller waits: the gathering window ends now
      return;
    }
  }
  settled(std::move(stored));
}

void Pipeline::settle(std::uint64_t first, std::uint64_t last, bool ok) {
  std::vector<Waiter> done;
  {
    std::lock_guard lock{mutex_};
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      auto lo = std::max(first, it->first), hi = std::min(last, it->last);
      if (lo <= hi) {
        if (!ok)
          for (auto seq = lo; seq <= hi; ++seq) it->stored[seq - it->first] = false;
        it->remaining -= hi - lo + 1;
        if (it->remaining == 0) {
          done.push_back(std::move(*it));
          it = waiters_.erase(it);
          continue;
        }
      }
      ++it;
    }
  }
  for (auto& w : done) w.settled(std::move(w.stored));
}

void Pipeline::offer(Segment segment) {
  std::optional<std::uint64_t> lost;
  {
    std::lock_guard lock{mutex_};
    if (queue_.size() >= capacity_) {
      queue_.pop_front();
      queued_at_.pop_front();
      lost = ++taken_;
      ++dropped_;
      ++written_;  // counted as settled so that flush() does not wait for it
    }
    queue_.push_back(std::move(segment));
    queued_at_.push_back(std::chrono::steady_clock::now());
    ++enqueued_;
    wake_preparer(queue_.size() - 1);
  }
  if (lost) settle(*lost, *lost, false);
}

void Pipeline::wake_preparer(std::size_t before) {
  // The preparer waits for a first segment, then for the gathering window: in between, a segment
  // more changes nothing for it unless it fills a batch (one wake-up per batch, not per segment).
  if (before == 0 || (before < kMaxBatch && queue_.size() >= kMaxBatch)) has_work_.notify_one();
}

void Pipeline::flush() {
  std::unique_lock lock{mutex_};
  auto target = enqueued_;
  ++flushing_;
  has_work_.notify_all();
  committed_.wait(lock, [&] { return written_ + failed_ >= target || !writer_.joinable(); });
  --flushing_;
}

void Pipeline::stop() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  has_work_.notify_all();
  prepared_room_.notify_all();
  if (preparer_.joinable()) preparer_.join();
  has_prepared_.notify_all();
  if (writer_.joinable()) writer_.join();
  committed_.notify_all();
}

void Pipeline::on_commit(CommitListener listener) {
  std::lock_guard lock{mutex_};
  listener_ = std::move(listener);
}

void Pipeline::on_commit_documents(DocumentListener listener) {
  std::lock_guard lock{mutex_};
  document_listener_ = std::move(listener);
}

std::uint64_t Pipeline::written() const {
  std::lock_guard lock{mutex_};
  return written_ - dropped_;
}

std::uint64_t Pipeline::dropped() const {
  std::lock_guard lock{mutex_};
  return dropped_;
}

std::uint64_t Pipeline::refused() const {
  std::lock_guard lock{mutex_};
  return refused_;
}

std::size_t Pipeline::room() const {
  std::lock_guard lock{mutex_};
  return queue_.size() >= capacity_ ? 0 : capacity_ - queue_.size();
}

Pipeline::Status Pipeline::status() const {
  std::lock_guard lock{mutex_};
  Status s;
  s.writing = !preparer_done_ && !stopping_;
  s.written = written_ - dropped_;
  s.waiting = queue_.size();
  for (const auto& b : prepared_) s.waiting += b.batch.size();
  // The oldest is in the writer's hands, else first in the prepared batches, else first in the queue.
  std::optional<std::chrono::steady_clock::time_point> oldest = writing_oldest_;
  if (!oldest && !prepared_.empty()) oldest = prepared_.front().oldest;
  if (!oldest) oldest = preparing_oldest_;
  if (!oldest && !queued_at_.empty()) oldest = queued_at_.front();
  if (oldest) s.lag_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - *oldest).count();
  s.refused = refused_;
  s.dropped = dropped_;
  s.failed = failed_;
  s.last_error = last_error_;
  return s;
}

void Pipeline::hold_writer_for_test(bool held) {
  {
    std::lock_guard lock{mutex_};
    writer_held_ = held;
  }
  has_prepared_.notify_all();
}

void Pipeline::prune() {
  for (;;) {
    Result<std::size_t> removed = Error{"not pruned"};
    try {
      removed = store_.prune(epoch_now(), kPruneChunk);
    } catch (const std::exception& e) {
      removed = Error{e.what()};
    }
    if (!removed) {
      log_->error("retention: {}", removed.error().message);
      return;
    }
    if (*removed > 0) log_->debug("retention removed {} traces", *removed);
    if (*removed < kPruneChunk) return;
    std::lock_guard lock{mutex_};
    if (!queue_.empty() || !prepared_.empty() || stopping_) return;  // writes first; the rest goes next round
  }
}

void Pipeline::run_preparer() {
  for (;;) {
    std::vector<Segment> batch;
    std::uint64_t first = 0, last = 0;
    std::chrono::steady_clock::time_point oldest;
    {
      std::unique_lock lock{mutex_};
      has_work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty() && stopping_) {
        preparer_done_ = true;
        has_prepared_.notify_all();
        return;
      }
      // A caller waiting for its segments to be stored (PutTraceSegments, OTLP) is not kept waiting.
      has_work_.wait_until(lock, queued_at_.front() + kGatherWindow,
                           [&] { return stopping_ || flushing_ > 0 || !waiters_.empty() || queue_.size() >= kMaxBatch; });
      oldest = queued_at_.front();
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
        queued_at_.pop_front();
      }
      first = taken_ + 1;
      taken_ += batch.size();
      last = taken_;
      preparing_oldest_ = oldest;
    }
    std::size_t size = batch.size();
    Prepared prepared{{}, first, last, oldest};
    try {
      prepared.batch = Store::prepare(std::move(batch));
    } catch (const std::exception& e) {
      log_->error("segment batch of {} not prepared: {}", size, e.what());
      {
        std::lock_guard lock{mutex_};
        failed_ += size;
        last_error_ = e.what();
        preparing_oldest_.reset();
      }
      committed_.notify_all();
      settle(first, last, false);
      continue;
    }
    std::unique_lock lock{mutex_};
    // Stopping still hands over what was taken: every recorded segment is stored.
    prepared_room_.wait(lock, [&] { return prepared_.size() < kMaxPrepared || stopping_; });
    prepared_.push_back(std::move(prepared));
    preparing_oldest_.reset();
    has_prepared_.notify_one();
  }
}

void Pipeline::run_writer() {
  auto last_prune = std::chrono::steady_clock::now();
  for (;;) {
    if (std::chrono::steady_clock::now() - last_prune >= kPruneInterval) {
      prune();
      if (auto r = store_.forget_idle_traces(); !r) log_->error("trace store: {}", r.error().message);
      last_prune = std::chrono::steady_clock::now();
    }
    Prepared batch;
    {
      std::unique_lock lock{mutex_};
      has_prepared_.wait_for(lock, kPruneInterval, [&] { return (!prepared_.empty() && !writer_held_) || preparer_done_; });
      if (prepared_.empty() || (writer_held_ && !preparer_done_)) {
        if (preparer_done_) return;
        continue;
      }
      batch = std::move(prepared_.front());
      prepared_.pop_front();
      writing_oldest_ = batch.oldest;
    }
    prepared_room_.notify_all();
    std::vector<std::string> touched;
    for (const auto& [id, update] : batch.batch.traces) touched.push_back(id);
    std::size_t size = batch.batch.size();
    DocumentListener document_listener;
    {
      std::lock_guard lock{mutex_};
      document_listener = document_listener_;
    }
    std::vector<std::string> documents;
    if (document_listener) {
      documents.reserve(size);
      for (const auto& d : batch.batch.documents) documents.push_back(d.json);
    }
    Result<void> result = Error{"not written"};
    try {
      result = store_.write(std::move(batch.batch));
    } catch (const std::exception& e) {
      result = Error{e.what()};
    }
    if (!result) log_->error("segment batch of {} not stored: {}", size, result.error().message);
    // Handed on before flush() can see the batch as written: what a flush waited for is exported too.
    if (result && document_listener) document_listener(std::move(documents));
    CommitListener listener;
    {
      std::lock_guard lock{mutex_};
      if (result) {
        written_ += size;
        last_error_.clear();
      } else {
        failed_ += size;
        last_error_ = result.error().message;
      }
      listener = listener_;
      writing_oldest_.reset();
    }
    committed_.notify_all();
    settle(batch.first, batch.last, static_cast<bool>(result));
    if (result && listener) listener(touched);
  }
}

}  // namespace localray::tracing
