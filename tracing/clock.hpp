#pragma once
// Time source injected everywhere a model needs "now", so tests can drive a manual clock.
#include <atomic>
#include <chrono>

namespace localray::tracing {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// Tests only: time moves when the test says so.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{std::chrono::seconds{1'700'000'000}}) : now_{start.time_since_epoch().count()} {}
  TimePoint now() const override { return TimePoint{TimePoint::duration{now_.load()}}; }
  void advance(std::chrono::nanoseconds d) { now_ += std::chrono::duration_cast<TimePoint::duration>(d).count(); }

 private:
  std::atomic<TimePoint::rep> now_;
};

// X-Ray documents carry epoch seconds as a float with microsecond precision.
inline double epoch_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() / 1e6;
}

}  // namespace localray::tracing
