#include "tracing/pipeline.hpp"

#include <spdlog/spdlog.h>

namespace localray::tracing {

namespace {
constexpr std::size_t kMaxBatch = 2000;
}

Pipeline::Pipeline(Store& store, std::size_t capacity, std::shared_ptr<spdlog::logger> log)
    : store_{store}, capacity_{capacity}, log_{std::move(log)}, writer_{[this] { run(); }} {}

Pipeline::~Pipeline() { stop(); }

void Pipeline::record(Segment segment) {
  std::unique_lock lock{mutex_};
  has_room_.wait(lock, [&] { return queue_.size() < capacity_ || stopping_; });
  if (stopping_ && !writer_.joinable()) return;
  queue_.push_back(std::move(segment));
  ++enqueued_;
  has_work_.notify_one();
}

void Pipeline::offer(Segment segment) {
  std::lock_guard lock{mutex_};
  if (queue_.size() >= capacity_) {
    queue_.pop_front();
    ++dropped_;
    ++written_;  // counted as settled so that flush() does not wait for it
  }
  queue_.push_back(std::move(segment));
  ++enqueued_;
  has_work_.notify_one();
}

void Pipeline::flush() {
  std::unique_lock lock{mutex_};
  auto target = enqueued_;
  committed_.wait(lock, [&] { return written_ + failed_ >= target || !writer_.joinable(); });
}

void Pipeline::stop() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  has_work_.notify_all();
  has_room_.notify_all();
  if (writer_.joinable()) writer_.join();
  committed_.notify_all();
}

std::uint64_t Pipeline::written() const {
  std::lock_guard lock{mutex_};
  return written_ - dropped_;
}

std::uint64_t Pipeline::dropped() const {
  std::lock_guard lock{mutex_};
  return dropped_;
}

void Pipeline::run() {
  std::vector<Segment> batch;
  for (;;) {
    {
      std::unique_lock lock{mutex_};
      has_work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    has_room_.notify_all();
    Result<void> result = Error{"not written"};
    try {
      result = store_.write(batch);
    } catch (const std::exception& e) {
      result = Error{e.what()};
    }
    if (!result) log_->error("segment batch of {} not stored: {}", batch.size(), result.error().message);
    {
      std::lock_guard lock{mutex_};
      if (result) written_ += batch.size();
      else failed_ += batch.size();
    }
    committed_.notify_all();
    batch.clear();
  }
}

}  // namespace localray::tracing
