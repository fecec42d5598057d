#pragma once
#include <mutex>
#include <vector>

#include "tracing/sink.hpp"

namespace localray::testing {

// Keeps every recorded segment for a test to inspect.
class RecordingSink final : public tracing::SegmentSink {
 public:
  bool record(tracing::Segment s) override {
    std::lock_guard lock{mutex_};
    segments_.push_back(std::move(s));
    return true;
  }
  std::vector<tracing::Segment> segments() const {
    std::lock_guard lock{mutex_};
    return segments_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<tracing::Segment> segments_;
};

}  // namespace localray::testing
